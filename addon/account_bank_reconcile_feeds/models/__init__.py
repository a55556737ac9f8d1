from . import bankrec_feed_connection
from . import account_journal
from . import bankrec_run
from . import res_config_settings
