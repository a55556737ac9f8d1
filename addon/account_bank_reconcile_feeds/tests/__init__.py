from . import test_mapping
from . import test_connect
from . import test_return
from . import test_sync
from . import test_expiry
from . import test_settings
from . import test_tour
