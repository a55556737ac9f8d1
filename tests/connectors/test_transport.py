"""Retries, error mapping, call counting and password hygiene of the transports."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import pytest

from connectors.odoo.errors import (
    OdooAccessError,
    OdooAuthError,
    OdooConnectionError,
    OdooMissingModuleError,
    OdooServerError,
    OdooUserError,
    redact_url,
)
from connectors.odoo.transport import XmlRpcTransport, classify_fault
from tests.connectors.fakes import FakeTransport


def flaky(failures: int, exc: Exception) -> Any:
    state = {"left": failures}

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if state["left"] > 0:
            state["left"] -= 1
            raise exc
        return [{"id": 1}]

    return handler


def test_reads_are_retried_with_exponential_backoff() -> None:
    slept: list[float] = []
    t = FakeTransport(flaky(2, ConnectionResetError("reset")), sleep=slept.append)
    assert t.execute_kw("res.partner", "search_read", [[]]) == [{"id": 1}]
    assert slept == [0.5, 1.0]
    assert t.calls["res.partner.search_read"] == 3


def test_reads_give_up_with_one_line_after_the_last_attempt() -> None:
    t = FakeTransport(flaky(10, ConnectionRefusedError("refused")), sleep=lambda s: None)
    with pytest.raises(OdooConnectionError, match="after 4 attempts"):
        t.execute_kw("res.partner", "read", [[1]])
    assert t.calls["res.partner.read"] == 4


def test_writes_are_never_retried() -> None:
    t = FakeTransport(flaky(1, ConnectionResetError("reset")), sleep=lambda s: None)
    with pytest.raises(OdooConnectionError, match="may or may not be saved"):
        t.execute_kw("account.move", "write", [[1], {}])
    assert t.calls["account.move.write"] == 1


def test_password_never_in_repr_or_errors() -> None:
    t = FakeTransport(flaky(10, ConnectionRefusedError("refused")), sleep=lambda s: None)
    assert "s3cret-pass" not in repr(t)
    assert "s3cret-pass" not in str(vars(t).get("password", ""))
    with pytest.raises(OdooConnectionError) as info:
        t.execute_kw("res.partner", "read", [[1]])
    assert "s3cret-pass" not in str(info.value)


@pytest.mark.parametrize(
    ("kind", "message", "error", "text"),
    [
        ("AccessDenied", "Access Denied", OdooAuthError, "credentials"),
        (
            "odoo.exceptions.AccessError",
            "You are not allowed to create",
            OdooAccessError,
            "not allowed",
        ),
        ("UserError", "Object account.move doesn't exist", OdooMissingModuleError, "'account'"),
        (
            "odoo.exceptions.UserError",
            "Nothing to reconcile\nsecond line",
            OdooUserError,
            "Nothing to reconcile",
        ),
        (
            "1",
            "Traceback (most recent call last):\n  File x\nValueError: bad thing",
            OdooServerError,
            "ValueError: bad thing",
        ),
    ],
)
def test_server_faults_become_one_clear_line(
    kind: str, message: str, error: type, text: str
) -> None:
    exc = classify_fault(kind, message, "account.move")
    assert isinstance(exc, error)
    assert text in str(exc)
    assert "\n" not in str(exc)


def test_xmlrpc_accepts_cannot_marshal_none_only_for_none_returning_methods() -> None:
    t = XmlRpcTransport("http://127.0.0.1:1", "db", "u", "p")
    fault = xmlrpc.client.Fault(
        1, "Traceback...\nTypeError: cannot marshal None unless allow_none is enabled"
    )
    assert t._map_error(fault, "account.move.line", "reconcile") is None
    assert isinstance(t._map_error(fault, "account.move", "write"), OdooServerError)
    assert isinstance(
        t._map_error(xmlrpc.client.Fault(3, "Access Denied"), "x", "read"), OdooAuthError
    )
    assert isinstance(
        t._map_error(xmlrpc.client.Fault(4, "no rights"), "x", "read"), OdooAccessError
    )


def test_calls_are_counted_per_model_and_method() -> None:
    t = FakeTransport(lambda *a: [])
    t.execute_kw("account.move", "search_read", [[]])
    t.execute_kw("account.move", "search_read", [[]])
    t.execute_kw("res.partner", "read", [[1]])
    assert t.calls["account.move.search_read"] == 2
    assert t.call_count == 4  # the login included


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:pw@host", "http://user:***@host"),
        ("https://me:p%40ss:w0rd@odoo.example.com:8069/", "https://me:***@odoo.example.com:8069/"),
        ("http://user@host", "http://user@host"),
        ("https://odoo.example.com", "https://odoo.example.com"),
    ],
)
def test_a_password_in_the_url_is_redacted(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_an_unreachable_url_with_a_password_is_reported_without_it() -> None:
    t = XmlRpcTransport(
        "http://admin:hunter2-secret@127.0.0.1:9", "db", "u", "pw", sleep=lambda s: None
    )
    assert "hunter2" not in repr(t) and "admin:***@127.0.0.1:9" in repr(t)
    with pytest.raises(OdooConnectionError) as info:
        t.authenticate()
    message = str(info.value)
    assert "cannot reach Odoo at http://admin:***@127.0.0.1:9" in message
    assert "hunter2" not in message


def test_library_messages_quoting_the_url_are_scrubbed() -> None:
    """xmlrpc.client names ``user:pw@host/handler`` (no scheme) in its ProtocolError, and an
    unexpected error may quote anything: the password must not survive either."""
    t = XmlRpcTransport("http://admin:hunter2-secret@127.0.0.1:9", "db", "u", "pw")
    fault = xmlrpc.client.ProtocolError(
        "admin:hunter2-secret@127.0.0.1:9/xmlrpc/2/object", 401, "Unauthorized", {}
    )
    mapped = t._map_error(fault, "account.move", "read")
    assert mapped is not None and "hunter2" not in str(mapped) and "HTTP 401" in str(mapped)

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        raise OdooServerError("proxy said: no route to admin:hunter2-secret@10.0.0.1 (s3cret-pass)")

    fake = FakeTransport(handler, url="http://admin:hunter2-secret@10.0.0.1")
    with pytest.raises(OdooServerError) as info:
        fake.execute_kw("res.partner", "read", [[1]])
    assert "hunter2" not in str(info.value) and "s3cret-pass" not in str(info.value)
    assert str(info.value) == "proxy said: no route to admin:***@10.0.0.1 (***)"
