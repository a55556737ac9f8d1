from . import models
from . import instructions
