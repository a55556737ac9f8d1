"""The reads plans are made on, against a scripted Odoo: batched, with each item's currency
and company-currency value (a CHF journal in an EUR company, a CHF invoice)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from connectors.odoo.planning_reads import PlanningReader
from connectors.odoo.reader import BankJournal, Currencies
from tests.connectors.fakes import FakeTransport

CHF_JOURNAL = BankJournal(7, "BCHF", "Bank CHF", "CHF", 41, 43, 1, True)
EUR, CHF = [1, "EUR"], [5, "CHF"]


def _item(item_id: int, move: int, account: int, amount: float, balance: float) -> dict[str, Any]:
    return {
        "id": item_id,
        "move_id": [move, "BCHF/1"],
        "account_id": [account, "x"],
        "amount_currency": amount,
        "balance": balance,
        "currency_id": CHF,
        "company_currency_id": EUR,
        "name": "payment",
        "partner_id": False,
        "reconciled": False,
        "matched_debit_ids": [],
        "matched_credit_ids": [],
    }


def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if model == "res.currency":
        return [
            {"id": 1, "name": "EUR", "decimal_places": 2},
            {"id": 5, "name": "CHF", "decimal_places": 2},
        ]
    if (model, method) == ("account.bank.statement.line", "read"):
        return [
            {"id": ln, "move_id": [ln * 10, "x"], "amount": 1000.0, "foreign_currency_id": False}
            for ln in args[0]
        ]
    if (model, method) == ("account.move.line", "search_read") and "balance" in kwargs["fields"]:
        return [
            row
            for ln in (1, 2)
            for row in (
                _item(ln * 100, ln * 10, 41, 1000.0, 925.93),
                _item(ln * 100 + 1, ln * 10, 43, -1000.0, -925.93),
            )
        ]
    if (model, method) == ("account.move.line", "search_read"):
        assert {"amount_residual", "amount_residual_currency"} <= set(kwargs["fields"])
        return [
            {
                "id": 55,
                "move_id": [300, "INV/300"],
                "move_name": "INV/300",
                "account_id": [6, "Receivable"],
                "partner_id": [7, "Zollikon"],
                "amount_residual_currency": 1000.0,
                "amount_residual": 800.0,
                "currency_id": CHF,
                "company_currency_id": EUR,
                "date_maturity": "2026-10-31",
            }
        ]
    raise AssertionError((model, method))


def test_line_states_carry_the_suspense_items_eur_value_in_one_batch() -> None:
    t = FakeTransport(handler)
    reads = PlanningReader(t, CHF_JOURNAL, Currencies(t))
    states = reads.read_states([1, 2])
    assert t.calls["account.bank.statement.line.read"] == 1
    assert t.calls["account.move.line.search_read"] == 1  # both lines' items at once
    state = states[1]
    assert (state.currency, state.base_currency) == ("CHF", "EUR")
    assert state.suspense is not None and state.suspense.currency == "CHF"
    assert state.suspense.amount == Decimal("-1000.00")
    assert state.suspense_balance == Decimal("-925.93")
    assert not state.foreign_currency  # a CHF journal is bookable; only foreign_currency_id is not


def test_invoice_lines_carry_the_residual_in_both_currencies() -> None:
    t = FakeTransport(handler)
    reads = PlanningReader(t, CHF_JOURNAL, Currencies(t))
    (line,) = reads.read_invoice_lines(["300"])["300"]
    assert (line.residual, line.currency) == (Decimal("1000.00"), "CHF")
    assert line.company_residual == Decimal("800.00")
    assert line.booked_rate == Decimal("0.8")
