"""Writer behaviour that needs no server: import de-duplication, undo after a failed
reconcile. The real effects in Odoo are checked by test_odoo_integration.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from bankrec.model import Booking, Transaction
from connectors.odoo.errors import ConnectorError, OdooUserError
from connectors.odoo.plan import Counterpart, LinePlan, LineState, MoveLine
from connectors.odoo.reader import BankJournal, Currencies
from connectors.odoo.writer import OdooWriter
from tests.connectors.fakes import FakeTransport

JOURNAL = BankJournal(6, "BNK1", "Bank", "EUR", 41, 43, 1, False)


def tx(i: str, amount: str = "10.00", currency: str = "EUR") -> Transaction:
    return Transaction(i, dt.date(2026, 11, 2), Decimal(amount), currency, label=f"pay {i}")


def writer(handler: Any) -> tuple[OdooWriter, FakeTransport]:
    def wrapped(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if model == "res.currency":
            return [{"id": 1, "name": "EUR", "decimal_places": 2}]
        return handler(model, method, args, kwargs)

    t = FakeTransport(wrapped)
    return OdooWriter(t, JOURNAL, Currencies(t)), t


def test_import_creates_only_lines_not_imported_before() -> None:
    created: list[dict[str, Any]] = []

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if method == "search_read":
            return [{"ref": "bankrec:a"}]
        created.extend(args[0])
        return list(range(100, 100 + len(args[0])))

    w, t = writer(handler)
    report = w.import_transactions([tx("a"), tx("b"), tx("b"), tx("c", "-5.25")])
    assert (report.created, report.existing) == (2, 1)
    assert [v["ref"] for v in created] == ["bankrec:b", "bankrec:c"]
    assert created[1]["amount"] == -5.25 and created[1]["journal_id"] == 6
    assert t.calls["account.bank.statement.line.create"] == 1  # one batched create


def test_import_refuses_the_whole_file_on_a_foreign_currency() -> None:
    w, t = writer(lambda *a: pytest.fail("nothing may be called"))
    with pytest.raises(ConnectorError, match="nothing was imported"):
        w.import_transactions([tx("a"), tx("b", currency="USD")])
    assert t.calls["account.bank.statement.line.create"] == 0


def test_failed_reconcile_undoes_the_line_and_reports_one_error() -> None:
    state = LineState(
        9,
        90,
        Decimal("100.00"),
        "EUR",
        MoveLine(1, 41, Decimal("100.00")),
        MoveLine(2, 43, Decimal("-100.00")),
    )
    plan = LinePlan(
        "T1",
        9,
        90,
        Booking.PAYMENT,
        (Counterpart(6, Decimal("-100.00"), "bankrec: INV/1", 7, reconcile_with=55),),
        7,
    )
    undone: list[Any] = []

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if method == "write":
            return True
        if method == "search_read":
            return [
                {"id": 1, "account_id": [41, "Bank"], "amount_currency": 100.0},
                {"id": 2, "account_id": [6, "Receivable"], "amount_currency": -100.0},
            ]
        if method == "reconcile":
            raise OdooUserError("Odoo refused the operation on account.move.line: boom")
        if method == "action_undo_reconciliation":
            undone.append(args[0])
            return None
        raise AssertionError(method)

    w, _t = writer(handler)
    outcome = w.execute(plan, state)
    assert outcome.action == "error"
    assert "boom" in outcome.message and "undone" in outcome.message
    assert undone == [[9]]


def test_rewrite_that_does_not_match_the_plan_is_undone() -> None:
    state = LineState(
        9,
        90,
        Decimal("100.00"),
        "EUR",
        MoveLine(1, 41, Decimal("100.00")),
        MoveLine(2, 43, Decimal("-100.00")),
    )
    plan = LinePlan(
        "T1",
        9,
        90,
        Booking.PAYMENT,
        (
            Counterpart(6, Decimal("-97.50"), "bankrec: INV/1", 7, reconcile_with=55),
            Counterpart(33, Decimal("-2.50"), "bankrec: write-off"),
        ),
        7,
    )
    calls: list[str] = []

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        calls.append(method)
        if method == "search_read":  # Odoo added a line we did not plan (a tax, say)
            return [
                {"id": 1, "account_id": [41, "Bank"], "amount_currency": 100.0},
                {"id": 2, "account_id": [6, "Receivable"], "amount_currency": -90.0},
                {"id": 3, "account_id": [8, "Tax"], "amount_currency": -10.0},
            ]
        return True if method == "write" else None

    w, _t = writer(handler)
    outcome = w.execute(plan, state)
    assert outcome.action == "error"
    assert "reconcile" not in calls and calls[-1] == "action_undo_reconciliation"
