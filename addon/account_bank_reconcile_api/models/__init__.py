from . import account_bank_statement_line
from . import bankrec_journal_lock
