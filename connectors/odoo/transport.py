"""One way to call Odoo, two wire protocols: XML-RPC (standard library) and JSON-RPC (odoorpc).

Everything else in the connector calls :meth:`OdooTransport.execute_kw` only, so reading,
planning and writing do not care which protocol is used, and tests can count calls. The
base class adds what both protocols need:

* reads are retried with exponential backoff on network faults (a read is safe to repeat;
  a write is not, because the server may have committed it before the connection broke);
* server faults become one-line :mod:`connectors.odoo.errors` exceptions, never tracebacks;
* every call is counted per ``model.method`` (the benchmark reports these figures);
* the password / API key is held privately and never appears in ``repr`` or messages, nor
  does a password written into the URL (``http://user:pw@host``): messages name the server
  by :attr:`OdooTransport.safe_url` and every error text is scrubbed on its way out.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import xmlrpc.client
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from connectors.odoo.errors import (
    ConnectorError,
    OdooAccessError,
    OdooAuthError,
    OdooConnectionError,
    OdooMissingModuleError,
    OdooServerError,
    OdooUserError,
    redact,
    redact_url,
)

# Methods that only read: repeating them after a network fault is harmless.
READ_METHODS = frozenset(
    {"search_read", "read", "search", "search_count", "fields_get", "read_group", "name_search"}
)
# Methods of Odoo 17 that return None. Plain XML-RPC cannot marshal None, so the server
# answers with a fault *after* committing the change (see docs/odoo.md); we accept that
# fault as success for exactly these methods.
NONE_RETURNING_METHODS = frozenset(
    {
        "reconcile",
        "action_undo_reconciliation",
        "remove_move_reconcile",
        "js_assign_outstanding_line",
    }
)
_NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,
    socket.timeout,
    TimeoutError,
    http.client.HTTPException,
    urllib.error.URLError,
)


def _one_line(text: str) -> str:
    """The last meaningful line of a server message or traceback, trimmed."""
    lines = [ln.strip() for ln in str(text).strip().splitlines() if ln.strip()]
    if not lines:
        return "no message"
    line = lines[-1] if lines[0].startswith("Traceback") else lines[0]
    return line if len(line) <= 300 else line[:297] + "..."


def classify_fault(kind: str, message: str, model: str) -> ConnectorError:
    """Map a server error (exception class name + message) to one clear connector error.

    ``kind`` is the Odoo exception's class name as the protocol reports it (for example
    ``odoo.exceptions.AccessError``), ``message`` its text.
    """
    text = _one_line(message)
    if "AccessDenied" in kind:
        return OdooAuthError("Odoo refused the credentials (wrong login, password or API key)")
    if "AccessError" in kind:
        return OdooAccessError(f"Odoo denied access on {model}: {text}")
    if "doesn't exist" in message and "Object" in message:
        return OdooMissingModuleError(
            f"Odoo has no model {model!r} on this database: install the module that provides "
            f"it (for accounting models, the 'account' module)"
        )
    if "UserError" in kind or "ValidationError" in kind or "MissingError" in kind:
        return OdooUserError(f"Odoo refused the operation on {model}: {text}")
    return OdooServerError(f"Odoo server error on {model}: {text}")


class OdooTransport(ABC):
    """Calls ``model.method(*args, **kwargs)`` on one Odoo database as one user.

    Subclasses implement :meth:`_login` and :meth:`_call`; this class adds retries for
    reads, error mapping and call counting.
    """

    def __init__(
        self,
        url: str,
        db: str,
        login: str,
        password: str,
        *,
        retries: int = 4,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url.rstrip("/")  # used to connect; may carry user:password@ for a proxy
        self.safe_url = redact_url(self.url)  # the only form of the URL any message shows
        self.db = db
        self.login = login
        self.__password = password
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self.calls: Counter[str] = Counter()
        self.uid: int | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.safe_url!r}, db={self.db!r}, login={self.login!r})"

    @property
    def _password(self) -> str:
        return self.__password

    def scrub(self, text: str) -> str:
        """``text`` without the password, API key or a URL's password (for any message)."""
        secrets = [self.__password]
        password_in_url = urlsplit(self.url).password
        if password_in_url:
            secrets += [password_in_url, unquote(password_in_url)]
        return redact(text, secrets)

    @property
    def call_count(self) -> int:
        """Total number of RPC calls made so far (login included)."""
        return sum(self.calls.values())

    def authenticate(self) -> int:
        """Log in; raise :class:`OdooAuthError` (one line) when Odoo refuses the credentials."""
        uid = self._with_retries("common.login", "login", self._login)
        if not uid:
            raise OdooAuthError(
                f"Odoo refused the login {self.login!r} on database {self.db!r} "
                "(wrong login, password or API key)"
            )
        self.uid = int(uid)
        return self.uid

    def execute_kw(
        self, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None = None
    ) -> Any:
        """Call ``method`` of ``model``; reads are retried, errors mapped to one line."""
        if self.uid is None:
            self.authenticate()
        key = f"{model}.{method}"
        return self._with_retries(
            key, method, lambda: self._call(model, method, args, kwargs or {})
        )

    def _with_retries(self, key: str, method: str, fn: Callable[[], Any]) -> Any:
        attempts = self.retries if method in READ_METHODS or method == "login" else 1
        model = key.rsplit(".", 1)[0]
        for attempt in range(attempts):
            self.calls[key] += 1
            try:
                return fn()
            except ConnectorError as exc:
                raise self._scrubbed(exc) from None
            except _NETWORK_ERRORS as exc:
                if attempt + 1 < attempts:
                    self._sleep(self.backoff * 2**attempt)
                    continue
                if method in READ_METHODS or method == "login":
                    raise self._scrubbed(
                        OdooConnectionError(
                            f"cannot reach Odoo at {self.safe_url} ({_one_line(str(exc))}) "
                            f"after {attempts} attempts"
                        )
                    ) from None
                raise self._scrubbed(
                    OdooConnectionError(
                        f"connection to Odoo at {self.safe_url} broke during {key} "
                        f"({_one_line(str(exc))}); the change may or may not be saved: "
                        "run the sync again, it skips what is already done"
                    )
                ) from None
            except Exception as exc:
                mapped = self._map_error(exc, model, method)
                if mapped is None:
                    return None
                raise self._scrubbed(mapped) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _scrubbed(self, error: ConnectorError) -> ConnectorError:
        """The same error with a scrubbed message (library texts may quote the URL)."""
        text = str(error)
        clean = self.scrub(text)
        return error if clean == text else type(error)(clean)

    @abstractmethod
    def _login(self) -> int | bool:
        """Return the user id, or a false value when the credentials are refused."""

    @abstractmethod
    def _call(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """Perform the call on the wire and return Odoo's result."""

    @abstractmethod
    def _map_error(self, exc: Exception, model: str, method: str) -> ConnectorError | None:
        """Translate a protocol error; ``None`` means the call actually succeeded."""


class _TimeoutTransport(xmlrpc.client.Transport):
    """xmlrpc.client transport with a socket timeout (the stdlib one waits forever)."""

    def __init__(self, timeout: float) -> None:
        super().__init__(use_builtin_types=True)
        self._timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn


class _TimeoutSafeTransport(xmlrpc.client.SafeTransport):
    """The same for https."""

    def __init__(self, timeout: float) -> None:
        super().__init__(use_builtin_types=True)
        self._timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPSConnection:
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn


class XmlRpcTransport(OdooTransport):
    """XML-RPC over ``/xmlrpc/2`` with the standard library (integer fault codes)."""

    def __init__(self, url: str, db: str, login: str, password: str, **kw: Any) -> None:
        timeout = kw.pop("timeout", 300)
        super().__init__(url, db, login, password, **kw)
        timeout = float(timeout)
        wire = _TimeoutSafeTransport if self.url.startswith("https") else _TimeoutTransport
        self._common = xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/common",
            transport=wire(timeout),
            allow_none=True,
            use_builtin_types=True,
        )
        self._object = xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/object",
            transport=wire(timeout),
            allow_none=True,
            use_builtin_types=True,
        )

    def _login(self) -> int | bool:
        uid: Any = self._common.authenticate(self.db, self.login, self._password, {})
        return int(uid) if uid else False

    def _call(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return self._object.execute_kw(
            self.db, self.uid, self._password, model, method, args, kwargs
        )

    def _map_error(self, exc: Exception, model: str, method: str) -> ConnectorError | None:
        if isinstance(exc, xmlrpc.client.Fault):
            text = str(exc.faultString)
            if method in NONE_RETURNING_METHODS and "cannot marshal None" in text:
                return None
            kinds = {3: "AccessDenied", 4: "AccessError", 2: "UserError"}
            kind = kinds.get(exc.faultCode, "") if isinstance(exc.faultCode, int) else ""
            if not kind:
                kind = str(exc.faultCode)
            return classify_fault(kind, text, model)
        if isinstance(exc, xmlrpc.client.ProtocolError):
            return OdooConnectionError(
                f"Odoo at {self.safe_url} answered HTTP {exc.errcode} {exc.errmsg} "
                f"to {model}.{method}"
            )
        return OdooServerError(f"unexpected answer from Odoo for {model}.{method}: {exc}")


class JsonRpcTransport(OdooTransport):
    """JSON-RPC through odoorpc's ``execute_kw`` (never ``browse()``, which fails on
    ``account.move`` in Odoo 17: two computed fields are not JSON-serialisable)."""

    def __init__(self, url: str, db: str, login: str, password: str, **kw: Any) -> None:
        import odoorpc

        timeout = float(kw.pop("timeout", 300))
        super().__init__(url, db, login, password, **kw)
        parts = urlsplit(self.url)
        protocol = "jsonrpc+ssl" if parts.scheme == "https" else "jsonrpc"
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            self._odoo = odoorpc.ODOO(
                parts.hostname or "localhost",
                protocol=protocol,
                port=port,
                timeout=timeout,
            )
        except Exception as exc:  # odoorpc asks the server its version on construction
            raise OdooConnectionError(
                self.scrub(f"cannot reach Odoo at {self.safe_url} ({_one_line(str(exc))})")
            ) from None

    def _login(self) -> int | bool:
        import odoorpc

        try:
            self._odoo.login(self.db, self.login, self._password)
        except odoorpc.error.RPCError as exc:
            if "Wrong login" in str(exc) or "AccessDenied" in str(exc):
                return False
            raise
        return int(self._odoo.env.uid)

    def _call(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return self._odoo.execute_kw(model, method, args, kwargs)

    def _map_error(self, exc: Exception, model: str, method: str) -> ConnectorError | None:
        import odoorpc

        if isinstance(exc, odoorpc.error.RPCError):
            info = exc.info if isinstance(exc.info, dict) else {}
            data = info.get("data") or {}
            kind = str(data.get("name", ""))
            message = str(data.get("message") or exc)
            return classify_fault(kind, message, model)
        if isinstance(exc, odoorpc.error.InternalError):
            return OdooServerError(f"odoorpc refused {model}.{method}: {_one_line(str(exc))}")
        return OdooServerError(f"unexpected answer from Odoo for {model}.{method}: {exc}")


PROTOCOLS: dict[str, type[OdooTransport]] = {"xmlrpc": XmlRpcTransport, "jsonrpc": JsonRpcTransport}


def connect(
    url: str, db: str, login: str, password: str, protocol: str = "xmlrpc"
) -> OdooTransport:
    """A logged-in transport for ``protocol`` (``xmlrpc`` or ``jsonrpc``)."""
    try:
        cls = PROTOCOLS[protocol]
    except KeyError:
        raise ConnectorError(
            f"unknown protocol {protocol!r} (expected one of {', '.join(PROTOCOLS)})"
        ) from None
    transport = cls(url, db, login, password)
    transport.authenticate()
    return transport
