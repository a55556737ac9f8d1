# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The connector's transport, in-process: ``execute_kw`` through Odoo's own RPC dispatcher.

bankrec's connector (reads, planning, write-back, statement import) talks to Odoo only
through ``OdooTransport.execute_kw(model, method, args, kwargs)``. Here that call goes to
``odoo.api.call_kw`` -- the very function Odoo's XML-RPC and JSON-RPC endpoints use -- on
the current environment, so the add-on and ``bankrec odoo sync`` run one implementation,
with the same semantics (record methods get ids, ``create`` returns ids), the same access
rights and record rules of the current user, and no network. Results are marshalled the
way the wire would (dates as ISO strings, tuples as lists), because the connector's code
reads them as it reads RPC answers.
"""

import datetime as dt

from odoo import api
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError

from connectors.odoo.errors import OdooAccessError, OdooUserError
from connectors.odoo.transport import OdooTransport


def marshal(value):
    """A value as RPC would deliver it: dates and datetimes as text, tuples as lists."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [marshal(v) for v in value]
    if isinstance(value, dict):
        return {k: marshal(v) for k, v in value.items()}
    return value


class OrmTransport(OdooTransport):
    """``OdooTransport`` on an ``odoo.api.Environment`` (no login, no network)."""

    def __init__(self, env):
        super().__init__("odoo://in-process", env.cr.dbname, env.user.login, "", retries=1)
        self.env = env
        self.uid = env.uid

    def _login(self):
        return self.env.uid

    def _call(self, model, method, args, kwargs):
        return marshal(api.call_kw(self.env[model], method, list(args), dict(kwargs)))

    def _map_error(self, exc, model, method):
        if isinstance(exc, AccessError):
            return OdooAccessError(f"Odoo denied access on {model}: {exc}")
        if isinstance(exc, UserError | ValidationError | MissingError):
            return OdooUserError(f"Odoo refused the operation on {model}: {exc}")
        raise exc
