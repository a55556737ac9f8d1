from . import test_bankrec_apply
from . import test_bankrec_apply_currency
from . import test_bankrec_lock
