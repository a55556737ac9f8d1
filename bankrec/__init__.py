"""bankrec core: the normalised data model, statement import, matching and learning.

The core takes plain data in and gives plain decisions out, with no global state and
no I/O inside the matching, so an Odoo module can call it in-process. It depends on
:mod:`dsl` (the rule language) and never on :mod:`connectors` or on Odoo.
"""

__version__ = "0.1.0"
