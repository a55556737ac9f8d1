"""Write-back behaviour that needs no server: import de-duplication, undo after a failed
reconcile, the add-on batch protocol. The real effects in Odoo are checked by
test_odoo_integration.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from bankrec.model import Booking, Transaction
from connectors.odoo.addon_protocol import PROTOCOL_VERSION
from connectors.odoo.errors import ConnectorError, OdooUserError
from connectors.odoo.executors import AddonExecutor, RpcExecutor
from connectors.odoo.plan import Counterpart, LinePlan, LineState, MoveLine, Refusal
from connectors.odoo.reader import BankJournal
from connectors.odoo.statement_import import StatementImporter
from tests.connectors.fakes import FakeTransport

JOURNAL = BankJournal(6, "BNK1", "Bank", "EUR", 41, 43, 1, False)
UNMATCHED: dict[str, Any] = {"name": "", "matched_debit_ids": [], "matched_credit_ids": []}
EUR_ID = [1, "EUR"]


def tx(i: str, amount: str = "10.00", currency: str = "EUR") -> Transaction:
    return Transaction(i, dt.date(2026, 11, 2), Decimal(amount), currency, label=f"pay {i}")


def transport(handler: Any) -> FakeTransport:
    def wrapped(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if model == "res.currency":
            return [{"id": 1, "name": "EUR", "decimal_places": 2}]
        return handler(model, method, args, kwargs)

    return FakeTransport(wrapped)


def importer(handler: Any) -> tuple[StatementImporter, FakeTransport]:
    t = transport(handler)
    return StatementImporter(t, JOURNAL), t


def rpc(handler: Any) -> tuple[RpcExecutor, FakeTransport]:
    t = transport(handler)
    return RpcExecutor(t), t


def addon(handler: Any) -> tuple[AddonExecutor, FakeTransport]:
    t = transport(handler)
    return AddonExecutor(t), t


def test_import_creates_only_lines_not_imported_before() -> None:
    created: list[dict[str, Any]] = []

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if method == "search_read":
            return [{"ref": "bankrec:a"}]
        created.extend(args[0])
        return list(range(100, 100 + len(args[0])))

    w, t = importer(handler)
    report = w.import_transactions([tx("a"), tx("b"), tx("b"), tx("c", "-5.25")])
    assert (report.created, report.existing) == (2, 1)
    assert [v["ref"] for v in created] == ["bankrec:b", "bankrec:c"]
    assert created[1]["amount"] == -5.25 and created[1]["journal_id"] == 6
    assert t.calls["account.bank.statement.line.create"] == 1  # one batched create


def test_import_refuses_the_whole_file_on_a_foreign_currency() -> None:
    w, t = importer(lambda *a: pytest.fail("nothing may be called"))
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
                {
                    "id": 1,
                    "account_id": [41, "Bank"],
                    "amount_currency": 100.0,
                    "balance": 100.0,
                    "currency_id": EUR_ID,
                    **UNMATCHED,
                },
                {
                    "id": 2,
                    "account_id": [6, "Receivable"],
                    "amount_currency": -100.0,
                    "balance": -100.0,
                    "currency_id": EUR_ID,
                    "name": "bankrec: INV/1",
                    "matched_debit_ids": [],
                    "matched_credit_ids": [],
                },
            ]
        if method == "reconcile":
            raise OdooUserError("Odoo refused the operation on account.move.line: boom")
        if method == "action_undo_reconciliation":
            undone.append(args[0])
            return None
        raise AssertionError(method)

    w, _t = rpc(handler)
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
                {
                    "id": 1,
                    "account_id": [41, "Bank"],
                    "amount_currency": 100.0,
                    "balance": 100.0,
                    "currency_id": EUR_ID,
                    **UNMATCHED,
                },
                {
                    "id": 2,
                    "account_id": [6, "Receivable"],
                    "amount_currency": -90.0,
                    "balance": -90.0,
                    "currency_id": EUR_ID,
                    "name": "bankrec: INV/1",
                    "matched_debit_ids": [],
                    "matched_credit_ids": [],
                },
                {
                    "id": 3,
                    "account_id": [8, "Tax"],
                    "amount_currency": -10.0,
                    "balance": -10.0,
                    "currency_id": EUR_ID,
                    **UNMATCHED,
                },
            ]
        return True if method == "write" else None

    w, _t = rpc(handler)
    outcome = w.execute(plan, state)
    assert outcome.action == "error"
    assert "reconcile" not in calls and calls[-1] == "action_undo_reconciliation"


def _failing_reconcile(rows: list[dict[str, Any]]) -> tuple[list[Any], Any]:
    """A transport whose reconcile fails and whose entry then reads as ``rows``."""
    undone: list[Any] = []

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if method == "write":
            return True
        if method == "search_read":
            return rows
        if method == "reconcile":
            raise OdooUserError("Odoo refused the operation on account.move.line: gone")
        if method == "action_undo_reconciliation":
            undone.append(args[0])
            return None
        raise AssertionError(method)

    return undone, handler


ONE_INVOICE = LinePlan(
    "T1",
    9,
    90,
    Booking.PAYMENT,
    (Counterpart(6, Decimal("-100.00"), "bankrec: INV/1", 7, reconcile_with=55),),
    7,
)
PRISTINE_9 = LineState(
    9,
    90,
    Decimal("100.00"),
    "EUR",
    MoveLine(1, 41, Decimal("100.00")),
    MoveLine(2, 43, Decimal("-100.00")),
)


def test_a_line_someone_else_reconciled_meanwhile_is_never_undone() -> None:
    """Two runs without a lock: the other run reconciled the line between our rewrite and
    our reconcile. Undoing it would remove the other run's booking."""
    undone, handler = _failing_reconcile(
        [
            {"id": 1, "account_id": [41, "Bank"], **UNMATCHED},
            {
                "id": 2,
                "account_id": [6, "Receivable"],
                "name": "bankrec: INV/1",
                "matched_debit_ids": [],
                "matched_credit_ids": [77],
            },
        ]
    )
    w, _t = rpc(handler)
    outcome = w.execute(ONE_INVOICE, PRISTINE_9)
    assert outcome.action == "error"
    assert "changed by someone else" in outcome.message and "not undone" in outcome.message
    assert undone == []


def test_a_line_rewritten_by_someone_else_is_never_undone() -> None:
    undone, handler = _failing_reconcile(
        [
            {"id": 1, "account_id": [41, "Bank"], **UNMATCHED},
            {
                "id": 2,
                "account_id": [61, "Expenses"],
                "name": "booked by hand",
                "matched_debit_ids": [],
                "matched_credit_ids": [],
            },
        ]
    )
    w, _t = rpc(handler)
    outcome = w.execute(ONE_INVOICE, PRISTINE_9)
    assert outcome.action == "error" and "left as is" in outcome.message
    assert undone == []


def test_a_partly_reconciled_rewrite_of_our_own_is_undone() -> None:
    """Two invoices: the first reconcile went through (ours), the second failed."""
    plan = LinePlan(
        "T1",
        9,
        90,
        Booking.PAYMENT,
        (
            Counterpart(6, Decimal("-60.00"), "bankrec: INV/1", 7, reconcile_with=55),
            Counterpart(6, Decimal("-40.00"), "bankrec: INV/2", 7, reconcile_with=56),
        ),
        7,
    )
    rows = [
        {
            "id": 1,
            "account_id": [41, "Bank"],
            "amount_currency": 100.0,
            "balance": 100.0,
            "currency_id": EUR_ID,
            **UNMATCHED,
        },
        {
            "id": 2,
            "account_id": [6, "Receivable"],
            "amount_currency": -60.0,
            "balance": -60.0,
            "currency_id": EUR_ID,
            "name": "bankrec: INV/1",
            "matched_debit_ids": [],
            "matched_credit_ids": [70],
        },
        {
            "id": 3,
            "account_id": [6, "Receivable"],
            "amount_currency": -40.0,
            "balance": -40.0,
            "currency_id": EUR_ID,
            "name": "bankrec: INV/2",
            "matched_debit_ids": [],
            "matched_credit_ids": [],
        },
    ]
    undone: list[Any] = []
    reconciled: list[Any] = []

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if method == "write":
            return True
        if method == "search_read":
            return rows
        if method == "reconcile":
            if args[0][1] == 56:
                raise OdooUserError("Odoo refused the operation on account.move.line: no")
            reconciled.append(args[0])
            return None
        if method == "action_undo_reconciliation":
            undone.append(args[0])
            return None
        raise AssertionError(method)

    w, _t = rpc(handler)
    outcome = w.execute(plan, PRISTINE_9)
    assert reconciled == [[2, 55]]
    assert outcome.action == "error" and "the line was undone" in outcome.message
    assert undone == [[9]]


def _pristine(line_id: int, amount: str) -> LineState:
    return LineState(
        line_id,
        line_id * 10,
        Decimal(amount),
        "EUR",
        MoveLine(line_id * 100, 41, Decimal(amount)),
        MoveLine(line_id * 100 + 1, 43, -Decimal(amount)),
    )


def _payment(tid: str, line_id: int, amount: str, booking: Booking = Booking.PAYMENT) -> LinePlan:
    cp = Counterpart(6, -Decimal(amount), f"bankrec: {tid}", 7, reconcile_with=line_id + 500)
    return LinePlan(tid, line_id, line_id * 10, booking, (cp,), 7)


def test_addon_batch_is_one_call_with_exact_amounts_and_maps_each_answer() -> None:
    sent: list[Any] = []

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        assert (model, method) == ("account.bank.statement.line", "bankrec_apply")
        sent.extend(args[0])
        return [
            {"key": "T1", "status": "done", "message": ""},
            {"key": "T2", "status": "skipped", "message": "the line changed"},
            {"key": "T3", "status": "error", "message": "not open any more"},
        ]  # T4 gets no answer

    w, t = addon(handler)
    planned = [
        (_pristine(1, "100.10"), _payment("T1", 1, "100.10")),
        (_pristine(2, "5.00"), _payment("T2", 2, "5.00")),
        (_pristine(3, "7.00"), _payment("T3", 3, "7.00")),
        (_pristine(4, "8.00"), _payment("T4", 4, "8.00", Booking.TRANSFER)),
        (None, Refusal("T5", "not a line of this journal")),
    ]
    outcomes = w.execute_batch(planned)
    assert [(o.transaction_id, o.action) for o in outcomes] == [
        ("T1", "reconciled"),
        ("T2", "skipped"),
        ("T3", "error"),
        ("T4", "error"),
        ("T5", "refused"),
    ]
    assert outcomes[3].message == "no answer from the add-on"
    assert t.calls["account.bank.statement.line.bankrec_apply"] == 1
    assert not t.calls["account.move.write"] and not t.calls["account.move.line.reconcile"]
    first = sent[0]
    assert first["suspense_id"] == 101 and first["suspense_amount"] == "-100.10"
    assert first["counterparts"][0]["amount"] == "-100.10"  # a decimal string, not a float
    assert first["counterparts"][0]["reconcile_with"] == 501
    assert first["transfer"] is False
    assert first["version"] == PROTOCOL_VERSION == 2  # the add-on refuses versions it lacks
    assert first["suspense_balance"] == "-100.10"
    assert first["counterparts"][0]["currency"] == "EUR"
    assert first["counterparts"][0]["balance"] == "-100.10"
    assert sent[3]["transfer"] == "bankrec-transfer: T4"


def _across() -> tuple[LineState, LinePlan]:
    """An EUR line of 950.00 paying a 1,000.00 CHF invoice in full (as the planner plans
    it: the counterpart in CHF, worth the line's 950.00 EUR)."""
    state = _pristine(1, "950.00")
    cp = Counterpart(
        6,
        Decimal("-1000.00"),
        "bankrec: INV/CHF",
        7,
        reconcile_with=501,
        currency="CHF",
        balance=Decimal("-950.00"),
    )
    return state, LinePlan("T1", 1, 10, Booking.PAYMENT, (cp,), 7)


def test_addon_instruction_carries_the_counterparts_currency_and_balance() -> None:
    sent: list[Any] = []

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        sent.extend(args[0])
        return [{"key": "T1", "status": "done", "message": ""}]

    w, _t = addon(handler)
    (outcome,) = w.execute_batch([_across()])
    assert outcome.action == "reconciled"
    (cp,) = sent[0]["counterparts"]
    assert (cp["currency"], cp["amount"], cp["balance"]) == ("CHF", "-1000.00", "-950.00")
    assert (sent[0]["suspense_amount"], sent[0]["suspense_balance"]) == ("-950.00", "-950.00")


def _taxed() -> tuple[LineState, LinePlan]:
    """A 120.00 EUR line paid out for an expense with its VAT (tax id 71) included."""
    cp = Counterpart(30, Decimal("120.00"), "bankrec: office", taxes=(71,))
    return _pristine(1, "-120.00"), LinePlan("T1", 1, 10, Booking.EXPENSE, (cp,), None)


def test_a_taxed_counterpart_is_sent_as_version_3_and_untaxed_ones_as_before() -> None:
    sent: list[Any] = []

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        sent.extend(args[0])
        return [{"key": i["key"], "status": "done", "message": ""} for i in args[0]]

    w, _t = addon(handler)
    w.execute_batch([_taxed(), _across()])
    taxed, plain = sent
    assert (taxed["version"], taxed["counterparts"][0]["taxes"]) == (3, [71])
    assert plain["version"] == PROTOCOL_VERSION and "taxes" not in plain["counterparts"][0]


def test_plain_rpc_refuses_a_taxed_expense_and_writes_nothing() -> None:
    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        raise AssertionError(f"nothing may be written: {model}.{method}")

    state, plan = _taxed()
    outcome = RpcExecutor(transport(handler), currency_ids={"EUR": 1}).execute(plan, state)
    assert outcome.action == "refused" and "add-on" in outcome.message


def test_plain_rpc_writes_each_items_currency_amount_and_balance() -> None:
    written: list[Any] = []
    reconciled: list[Any] = []

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if method == "write":
            written.append(args[1])
            return True
        if method == "reconcile":
            reconciled.append(args[0])
            return None
        raise AssertionError(method)

    t = transport(handler)
    w = RpcExecutor(t, currency_ids={"EUR": 1, "CHF": 5})
    state, plan = _across()
    outcome = w.execute(plan, state)
    assert outcome.action == "reconciled", outcome.message
    (values,) = written
    assert values["line_ids"][0] == (1, 100, {"partner_id": 7})
    command, item_id, vals = values["line_ids"][1]
    assert (command, item_id) == (1, 101)  # the suspense item, rewritten in place
    assert (vals["currency_id"], vals["amount_currency"], vals["balance"]) == (5, -1000.0, -950.0)
    assert reconciled == [[101, 501]]


def test_plain_rpc_reads_the_currencies_once_when_not_given() -> None:
    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return True if method == "write" else None

    w, t = rpc(handler)
    state = _pristine(1, "10.00")
    assert w.execute(_payment("T1", 1, "10.00"), state).action == "reconciled"
    assert w.execute(_payment("T2", 1, "10.00"), state).action == "reconciled"
    assert t.calls["res.currency.search_read"] == 1


def test_plain_rpc_refuses_a_currency_odoo_does_not_know_before_writing() -> None:
    w = RpcExecutor(transport(lambda *a: pytest.fail("nothing may be written")), currency_ids={})
    state, plan = _across()
    outcome = w.execute(plan, state)
    assert outcome.action == "error" and "CHF" in outcome.message


def test_a_rewrite_worth_another_balance_than_planned_is_undone() -> None:
    state = _pristine(1, "950.00")
    plan = LinePlan(
        "T1",
        1,
        10,
        Booking.PAYMENT,
        (
            Counterpart(
                6,
                Decimal("-600.00"),
                "bankrec: A",
                7,
                501,
                currency="CHF",
                balance=Decimal("-570.00"),
            ),
            Counterpart(
                6,
                Decimal("-400.00"),
                "bankrec: B",
                7,
                502,
                currency="CHF",
                balance=Decimal("-380.00"),
            ),
        ),
        7,
    )
    rows = [
        {"id": 100, "account_id": [41, "Bank"], "amount_currency": 950.0, "balance": 950.0,
         "currency_id": EUR_ID, **UNMATCHED},
        {"id": 101, "account_id": [6, "Receivable"], "amount_currency": -600.0,
         "balance": -570.0, "currency_id": [5, "CHF"], **UNMATCHED, "name": "bankrec: A"},
        {"id": 102, "account_id": [6, "Receivable"], "amount_currency": -400.0,
         "balance": -379.0, "currency_id": [5, "CHF"], **UNMATCHED, "name": "bankrec: B"},
    ]  # fmt: skip
    calls: list[str] = []

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        calls.append(method)
        if method == "search_read":
            return rows
        return True if method == "write" else None

    w = RpcExecutor(transport(handler), currency_ids={"EUR": 1, "CHF": 5})
    outcome = w.execute(plan, state)
    assert outcome.action == "error" and "does not match the plan" in outcome.message
    assert "reconcile" not in calls and calls[-1] == "action_undo_reconciliation"


def test_addon_call_failing_reports_every_line_of_the_batch_and_writes_nothing_else() -> None:
    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        raise OdooUserError("Odoo refused the operation: access denied")

    w, t = addon(handler)
    outcomes = w.execute_batch(
        [
            (_pristine(1, "1.00"), _payment("T1", 1, "1.00")),
            (_pristine(2, "2.00"), _payment("T2", 2, "2.00")),
        ]
    )
    assert [o.action for o in outcomes] == ["error", "error"]
    assert all("access denied" in o.message for o in outcomes)
    assert t.calls["account.bank.statement.line.bankrec_apply"] == 1
    assert not t.calls["account.move.write"] and not t.calls["account.move.line.reconcile"]
