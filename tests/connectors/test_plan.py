"""Planning the write-back of a decision, without Odoo."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bankrec.model import Allocation, Booking, Decision, Status
from connectors.odoo.plan import (
    MARK,
    Accounts,
    InvoiceLine,
    LineCondition,
    LinePlan,
    LineState,
    MoveLine,
    Refusal,
    WriteConfig,
    plan_line,
)

BANK, SUSPENSE, RECEIVABLE, PAYABLE, FEES, TRANSFER = 41, 43, 6, 15, 33, 46
ACCOUNTS = Accounts(by_code={"620000": FEES, "600000": 30}, transfer_account_id=TRANSFER)


def state(
    amount: str, *, others: tuple[MoveLine, ...] = (), suspense: str | None = None
) -> LineState:
    amt = Decimal(amount)
    sus = -amt if suspense in (None, "none") else Decimal(str(suspense))
    return LineState(
        line_id=9,
        move_id=90,
        amount=amt,
        currency="EUR",
        liquidity=MoveLine(1, BANK, amt),
        suspense=MoveLine(2, SUSPENSE, sus) if suspense != "none" else None,
        others=others,
    )


def inv(
    item: str, line: int, residual: str, account: int = RECEIVABLE, due: str = ""
) -> InvoiceLine:
    return InvoiceLine(line, item, f"INV/{item}", account, 7, Decimal(residual), "EUR", due)


def decision(
    *allocs: tuple[str, str], status: Status = Status.RECONCILED, **kw: object
) -> Decision:
    return Decision(
        "T1",
        status,
        95,
        allocations=tuple(Allocation(i, Decimal(a)) for i, a in allocs),
        **kw,  # type: ignore[arg-type]
    )


def test_full_payment_rewrites_suspense_into_receivable_and_reconciles() -> None:
    plan = plan_line(
        decision(("10", "100.00")),
        state("100.00"),
        {"10": [inv("10", 55, "100.00")]},
        ACCOUNTS,
        WriteConfig(),
    )
    assert isinstance(plan, LinePlan)
    assert plan.counterparts[0].account_id == RECEIVABLE
    assert plan.counterparts[0].amount == Decimal("-100.00")
    assert plan.reconciles == ((0, 55),)
    assert plan.partner_id == 7
    values = plan.move_write_values(state("100.00"))["line_ids"]
    assert values[0] == (1, 1, {"partner_id": 7})  # partner set on the liquidity line
    assert values[1][0:2] == (1, 2)  # the suspense line is rewritten in place
    assert values[1][2]["amount_currency"] == -100.0
    assert values[1][2]["name"].startswith(MARK)


def test_several_invoices_and_partial_balance_in_one_write() -> None:
    lines = {"10": [inv("10", 55, "60.00")], "11": [inv("11", 56, "80.00")]}
    plan = plan_line(
        decision(("10", "60.00"), ("11", "40.00")), state("100.00"), lines, ACCOUNTS, WriteConfig()
    )
    assert isinstance(plan, LinePlan)
    cmds = plan.move_write_values(state("100.00"))["line_ids"]
    amounts = [c[2]["amount_currency"] for c in cmds[1:]]
    assert amounts == [-60.0, -40.0]
    assert sum(amounts) == -100.0  # the entry balances with the +100 bank line
    assert [c[0] for c in cmds[1:]] == [1, 0]
    assert plan.reconciles == ((0, 55), (1, 56))


def test_supplier_bill_payment_goes_out_with_debit_counterpart() -> None:
    lines = {"20": [inv("20", 70, "-300.00", account=PAYABLE)]}
    plan = plan_line(
        decision(("20", "300.00")),
        state("-300.00"),
        lines,
        ACCOUNTS,
        WriteConfig(),
        item_signs={"20": -1},
    )
    assert isinstance(plan, LinePlan)
    assert plan.counterparts[0].amount == Decimal("300.00")
    assert plan.counterparts[0].account_id == PAYABLE


def test_instalments_are_paid_earliest_due_first() -> None:
    lines = {
        "10": [inv("10", 57, "50.00", due="2026-12-01"), inv("10", 56, "50.00", due="2026-11-01")]
    }
    plan = plan_line(decision(("10", "70.00")), state("70.00"), lines, ACCOUNTS, WriteConfig())
    assert isinstance(plan, LinePlan)
    assert [(c.reconcile_with, c.amount) for c in plan.counterparts] == [
        (56, Decimal("-50.00")),
        (57, Decimal("-20.00")),
    ]


def test_bank_fee_difference_is_written_off_within_limit() -> None:
    lines = {"10": [inv("10", 55, "100.00")]}
    cfg = WriteConfig(writeoff_account="620000", max_writeoff=Decimal("5"))
    plan = plan_line(decision(("10", "100.00")), state("97.50"), lines, ACCOUNTS, cfg)
    assert isinstance(plan, LinePlan)
    assert [(c.account_id, c.amount) for c in plan.counterparts] == [
        (RECEIVABLE, Decimal("-100.00")),
        (FEES, Decimal("2.50")),
    ]
    assert sum(c.amount for c in plan.counterparts) == Decimal("-97.50")


def test_difference_above_limit_or_without_account_is_refused() -> None:
    lines = {"10": [inv("10", 55, "100.00")]}
    big = plan_line(
        decision(("10", "100.00")),
        state("90.00"),
        lines,
        ACCOUNTS,
        WriteConfig(writeoff_account="620000", max_writeoff=Decimal("5")),
    )
    assert isinstance(big, Refusal) and "write-off limit" in big.reason
    none = plan_line(decision(("10", "100.00")), state("99.00"), lines, ACCOUNTS, WriteConfig())
    assert isinstance(none, Refusal) and "write-off account" in none.reason


def test_allocation_above_what_odoo_still_has_open_is_refused() -> None:
    lines = {"10": [inv("10", 55, "40.00")]}  # paid meanwhile: only 40 left
    plan = plan_line(decision(("10", "100.00")), state("100.00"), lines, ACCOUNTS, WriteConfig())
    assert isinstance(plan, Refusal) and "40.00 left" in plan.reason


def test_only_reconciled_decisions_are_written() -> None:
    plan = plan_line(
        decision(("10", "100.00"), status=Status.SUGGESTED),
        state("100.00"),
        {},
        ACCOUNTS,
        WriteConfig(),
    )
    assert isinstance(plan, Refusal) and plan.reason.startswith("suggested")


def test_line_already_reconciled_with_the_same_invoice_is_skipped() -> None:
    done = MoveLine(3, RECEIVABLE, Decimal("-100.00"), reconciled=True, matched_move_ids=(10,))
    st = state("100.00", others=(done,), suspense="none")
    assert st.condition is LineCondition.RECONCILED
    plan = plan_line(decision(("10", "100.00")), st, {}, ACCOUNTS, WriteConfig())
    assert isinstance(plan, LinePlan) and plan.skip == "already reconciled"


def test_line_reconciled_with_other_items_is_left_alone() -> None:
    done = MoveLine(3, RECEIVABLE, Decimal("-100.00"), reconciled=True, matched_move_ids=(99,))
    plan = plan_line(
        decision(("10", "100.00")),
        state("100.00", others=(done,), suspense="none"),
        {},
        ACCOUNTS,
        WriteConfig(),
    )
    assert isinstance(plan, Refusal) and "already reconciled" in plan.reason


def test_partly_booked_line_is_not_touched() -> None:
    other = MoveLine(3, RECEIVABLE, Decimal("-30.00"))
    st = state("100.00", others=(other,), suspense="-70.00")
    assert st.condition is LineCondition.PARTIAL
    plan = plan_line(
        decision(("10", "70.00")), st, {"10": [inv("10", 55, "70.00")]}, ACCOUNTS, WriteConfig()
    )
    assert isinstance(plan, Refusal) and "partial" in plan.reason


@pytest.mark.parametrize(
    ("booking", "account", "expected"),
    [(Booking.FEE, "620000", FEES), (Booking.EXPENSE, "600000", 30)],
)
def test_fee_and_expense_book_the_whole_line_on_the_account(
    booking: Booking, account: str, expected: int
) -> None:
    d = Decision("T1", Status.RECONCILED, 95, booking=booking, account=account)
    plan = plan_line(d, state("-12.40"), {}, ACCOUNTS, WriteConfig())
    assert isinstance(plan, LinePlan)
    assert [(c.account_id, c.amount, c.reconcile_with) for c in plan.counterparts] == [
        (expected, Decimal("12.40"), None)
    ]


def test_unknown_account_is_refused_with_its_code() -> None:
    d = Decision("T1", Status.RECONCILED, 95, booking=Booking.FEE, account="999999")
    plan = plan_line(d, state("-1.00"), {}, ACCOUNTS, WriteConfig())
    assert isinstance(plan, Refusal) and "999999" in plan.reason


def test_transfer_goes_to_the_transfer_account_named_after_the_other_side() -> None:
    d = Decision("T1", Status.RECONCILED, 95, booking=Booking.TRANSFER, transfer_with="T9")
    plan = plan_line(d, state("-500.00"), {}, ACCOUNTS, WriteConfig())
    assert isinstance(plan, LinePlan)
    assert plan.counterparts[0].account_id == TRANSFER
    assert plan.counterparts[0].name.endswith("T9")


def test_foreign_currency_line_is_refused_with_the_reason() -> None:
    st = LineState(
        9,
        90,
        Decimal("10"),
        "EUR",
        MoveLine(1, BANK, Decimal("10")),
        MoveLine(2, SUSPENSE, Decimal("-10")),
        foreign_currency=True,
    )
    plan = plan_line(
        decision(("10", "10")), st, {"10": [inv("10", 55, "10")]}, ACCOUNTS, WriteConfig()
    )
    assert isinstance(plan, Refusal) and plan.foreign_currency
    assert "exchange difference" in plan.reason


def test_invoice_in_other_currency_is_refused() -> None:
    usd = InvoiceLine(55, "10", "INV/10", RECEIVABLE, 7, Decimal("10"), "USD")
    plan = plan_line(decision(("10", "10")), state("10"), {"10": [usd]}, ACCOUNTS, WriteConfig())
    assert isinstance(plan, Refusal) and plan.foreign_currency
