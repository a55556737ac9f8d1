from . import bankrec_statement_import
