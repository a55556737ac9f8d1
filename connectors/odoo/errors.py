"""Errors the connector reports to a user: each one is a single clear line.

They subclass :class:`bankrec.errors.BankrecError`, which the CLI prints as one line and
never as a traceback. Server tracebacks are reduced to their last meaningful line, and
passwords (a ``user:password@`` part of the URL included) never reach a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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


_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*):[^@\s/]*@")


def redact_url(url: str) -> str:
    """``url`` with the password of its user part replaced by ``***``.

    ``--url http://user:pw@host`` is a legitimate way to pass HTTP basic credentials to a
    proxy in front of Odoo, and every message that names the server would otherwise print
    that password to a terminal, a log file or a CI transcript.
    """
    return _USERINFO.sub(r"\g<head>:***@", url)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with URL passwords and each of ``secrets`` (4+ characters) replaced by ``***``.

    Library messages can carry a URL in forms :func:`redact_url` does not recognise
    (``xmlrpc.client.ProtocolError`` names ``user:pw@host/xmlrpc/2/object`` without the
    scheme), so the known secrets are also removed literally; very short ones are left
    alone because replacing them would garble ordinary words.
    """
    text = redact_url(text)
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
