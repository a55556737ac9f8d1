from . import bankrec_statement_import
from . import bankrec_manual_match
from . import bankrec_book_expense
from . import bankrec_rule_set_import
