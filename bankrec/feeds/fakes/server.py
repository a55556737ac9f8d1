"""A small threaded HTTP server for fake aggregator APIs, with fault injection.

A fake is a :class:`FakeApp` subclass whose :meth:`FakeApp.route` answers one request;
:class:`FakeServer` serves it on ``127.0.0.1`` (a free port) in a background thread.
Tests make the next calls fail with :meth:`FakeApp.fail_next` (e.g. ``429`` with
``Retry-After: 1``, ``503``, or ``"drop"`` to close the connection without an answer) and
read :attr:`FakeApp.log` to count what the client sent.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DROP = "drop"  # a fault that closes the connection without answering


@dataclass
class Request:
    """One request as the fake saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Response:
    """What the fake answers."""

    status: int = 200
    body: Any = None  # encoded as JSON unless bytes
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


@dataclass
class Fault:
    """An injected failure for the next request whose path starts with ``prefix``."""

    status: int | str  # an HTTP status, or DROP
    prefix: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


class FakeApp:
    """Base of a fake provider API: routing is the subclass's, faults and log are here."""

    def __init__(self) -> None:
        self.log: list[Request] = []
        self.faults: deque[Fault] = deque()
        self.lock = threading.Lock()

    def fail_next(
        self,
        status: int | str,
        *,
        times: int = 1,
        prefix: str = "",
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        """Make the next ``times`` requests under ``prefix`` fail with ``status``."""
        for _ in range(times):
            self.faults.append(Fault(status, prefix, dict(headers or {}), body))

    def calls(self, method: str = "", prefix: str = "") -> int:
        """How many requests matched ``method`` (any when empty) and path ``prefix``."""
        return sum(1 for r in self.log
                   if (not method or r.method == method) and r.path.startswith(prefix))  # fmt: skip

    def dispatch(self, request: Request) -> Response | None:
        """The answer to ``request``: an injected fault first, else :meth:`route`.
        ``None`` means drop the connection."""
        with self.lock:
            self.log.append(request)
            for fault in list(self.faults):
                if request.path.startswith(fault.prefix):
                    self.faults.remove(fault)
                    if fault.status == DROP:
                        return None
                    assert isinstance(fault.status, int)
                    body = fault.body if fault.body is not None else {"message": "injected"}
                    return Response(fault.status, body, fault.headers)
            return self.route(request)

    def route(self, request: Request) -> Response:  # pragma: no cover - subclasses answer
        return Response(404, {"message": f"no route {request.method} {request.path}"})


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # headers and body go out in separate writes; with Nagle's algorithm the client's
    # delayed ACK holds the body back about 40 ms per call
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path,
            query={k: v[-1] for k, v in parse_qs(parts.query).items()},
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        answer = self.server.app.dispatch(request)
        if answer is None:
            self.close_connection = True
            self.connection.shutdown(2)  # the client sees a dropped connection
            return
        payload = answer.encoded()
        self.send_response(answer.status)
        headers = {"Content-Type": "application/json", **answer.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:  # the tests stay quiet
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app: FakeApp) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.app = app


class FakeServer:
    """Serves a :class:`FakeApp` on 127.0.0.1 in a thread; use as a context manager."""

    def __init__(self, app: FakeApp) -> None:
        self.app = app
        self._server = _Server(app)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
