from . import test_bankrec_apply
