"""Errors the connector reports to a user: each one is a single clear line.

They subclass :class:`bankrec.errors.BankrecError`, which the CLI prints as one line and
never as a traceback. Server tracebacks are reduced to their last meaningful line.
"""

from __future__ import annotations

from bankrec.errors import BankrecError


class ConnectorError(BankrecError):
    """Anything that went wrong talking to Odoo."""


class OdooConnectionError(ConnectorError):
    """Odoo could not be reached (after retries for reads)."""


class OdooAuthError(ConnectorError):
    """Odoo refused the login, password or API key."""


class OdooAccessError(ConnectorError):
    """The user lacks an access right (a group, a record rule)."""


class OdooMissingModuleError(ConnectorError):
    """A model bankrec needs does not exist: its module is not installed on that database."""


class OdooUserError(ConnectorError):
    """Odoo refused an operation with a business message (UserError, ValidationError)."""


class OdooServerError(ConnectorError):
    """Any other server-side failure."""
