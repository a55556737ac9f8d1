"""A scripted transport for unit tests of mapping and planning (never an integration test)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connectors.odoo.errors import ConnectorError
from connectors.odoo.transport import OdooTransport

Handler = Callable[[str, str, list[Any], dict[str, Any]], Any]


class FakeTransport(OdooTransport):
    """Answers calls with ``handler(model, method, args, kwargs)`` and records them."""

    def __init__(self, handler: Handler, *, url: str = "http://fake", **kw: Any) -> None:
        super().__init__(url, "db", "user", "s3cret-pass", **kw)
        self.handler = handler
        self.log: list[tuple[str, str, list[Any], dict[str, Any]]] = []

    def _login(self) -> int | bool:
        return 2

    def _call(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        self.log.append((model, method, args, kwargs))
        return self.handler(model, method, args, kwargs)

    def _map_error(self, exc: Exception, model: str, method: str) -> ConnectorError | None:
        if isinstance(exc, ConnectorError):
            return exc
        raise exc
