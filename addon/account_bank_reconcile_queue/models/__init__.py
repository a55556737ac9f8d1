from . import bankrec_run
