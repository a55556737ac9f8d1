from . import account_journal
from . import account_journal_bulk
from . import account_bank_statement_line
from . import account_bank_statement_line_items
from . import bankrec_learned_rule
from . import bankrec_run
