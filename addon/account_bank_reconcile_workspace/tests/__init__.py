from . import test_workspace_data
from . import test_workspace_line
from . import test_rule_preview
from . import test_dashboard
from . import test_tour
from . import test_i18n
