from . import test_rule_sets
from . import test_runs
from . import test_statement_import
from . import test_review_wizards
from . import test_learning
from . import test_batches
