from . import res_company
from . import res_config_settings
from . import bankrec_rule_set
from . import bankrec_run
from . import account_bank_statement_line
from . import account_journal
from . import account_bank_statement_line_review
