"""Planning the write-back of a decision, without Odoo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
CURRENCY_IDS = {"EUR": 1, "CHF": 5, "GBP": 6}


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
    values = plan.move_write_values(state("100.00"), CURRENCY_IDS)["line_ids"]
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
    cmds = plan.move_write_values(state("100.00"), CURRENCY_IDS)["line_ids"]
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
    assert isinstance(plan, Refusal) and "40.00 EUR left" in plan.reason


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


TAXED = Accounts(
    by_code={"600000": 30},
    taxes_by_name={("purchase", "VAT 20%"): 71, ("sale", "VAT 20%"): 72},
    tax_ids=frozenset({71, 72}),
)


@pytest.mark.parametrize(
    ("amount", "tax", "expected"),
    [("-120.00", "VAT 20%", 71), ("120.00", "VAT 20%", 72), ("-120.00", "72", 72)],
)
def test_an_expense_names_its_tax_by_name_for_its_direction_or_by_id(
    amount: str, tax: str, expected: int
) -> None:
    d = Decision("T1", Status.RECONCILED, 95, booking=Booking.EXPENSE, account="600000", tax=tax)
    plan = plan_line(d, state(amount), {}, TAXED, WriteConfig())
    assert isinstance(plan, LinePlan)
    assert plan.counterparts[0].taxes == (expected,)
    assert plan.counterparts[0].amount == -Decimal(amount)  # the tax is included in it


@pytest.mark.parametrize("tax", ["VAT 7%", "99"])
def test_an_unknown_tax_is_refused_with_its_name(tax: str) -> None:
    d = Decision("T1", Status.RECONCILED, 95, booking=Booking.EXPENSE, account="600000", tax=tax)
    plan = plan_line(d, state("-12.00"), {}, TAXED, WriteConfig())
    assert isinstance(plan, Refusal) and repr(tax) in plan.reason and "purchase" in plan.reason


def test_transfer_goes_to_the_transfer_account_named_after_the_other_side() -> None:
    d = Decision("T1", Status.RECONCILED, 95, booking=Booking.TRANSFER, transfer_with="T9")
    plan = plan_line(d, state("-500.00"), {}, ACCOUNTS, WriteConfig())
    assert isinstance(plan, LinePlan)
    assert plan.counterparts[0].account_id == TRANSFER
    assert plan.counterparts[0].name.endswith("T9")


# ---------------------------------------------------------------- foreign currencies
# An EUR company. Counterparts carry the currency of what they settle and the EUR the bank
# line's money is worth; Odoo's reconcile books the exchange difference itself.


def chf_line(amount: str, worth: str) -> LineState:
    """A line of a CHF journal in an EUR company; its suspense item is worth ``worth`` EUR."""
    amt, eur = Decimal(amount), Decimal(worth)
    return LineState(
        9,
        90,
        amt,
        "CHF",
        MoveLine(1, BANK, amt, balance=eur, currency="CHF"),
        MoveLine(2, SUSPENSE, -amt, balance=-eur, currency="CHF"),
        company_currency="EUR",
    )


def eur_line(amount: str) -> LineState:
    amt = Decimal(amount)
    return LineState(
        9,
        90,
        amt,
        "EUR",
        MoveLine(1, BANK, amt, balance=amt, currency="EUR"),
        MoveLine(2, SUSPENSE, -amt, balance=-amt, currency="EUR"),
        company_currency="EUR",
    )


def foreign(
    item: str, line: int, residual: str, currency: str, booked: str, account: int = RECEIVABLE
) -> InvoiceLine:
    """An open item in ``currency``, booked at ``booked`` EUR."""
    return InvoiceLine(
        line,
        item,
        f"INV/{item}",
        account,
        7,
        Decimal(residual),
        currency,
        company_residual=Decimal(booked),
    )


def booked(plan: LinePlan | Refusal) -> list[tuple[str, Decimal, Decimal]]:
    """(currency, amount, balance) of each counterpart; every one is exact Decimal."""
    assert isinstance(plan, LinePlan), plan
    for cp in plan.counterparts:
        assert isinstance(cp.amount, Decimal) and isinstance(cp.balance, Decimal)
    return [(cp.currency, cp.amount, cp.company_balance) for cp in plan.counterparts]


def test_a_chf_journal_line_pays_a_chf_invoice_worth_the_lines_own_eur_value() -> None:
    st = chf_line("1000.00", "925.93")  # 1 EUR = 1.08 CHF on the line's date
    plan = plan_line(
        decision(("10", "1000.00")),
        st,
        {"10": [foreign("10", 55, "1000.00", "CHF", "800.00")]},  # booked at 1.25
        ACCOUNTS,
        WriteConfig(),
    )
    assert booked(plan) == [("CHF", Decimal("-1000.00"), Decimal("-925.93"))]
    assert isinstance(plan, LinePlan) and plan.reconciles == ((0, 55),)
    (_partner, (command, item, vals)) = plan.move_write_values(st, CURRENCY_IDS)["line_ids"]
    assert (command, item) == (1, 2)
    assert (vals["currency_id"], vals["amount_currency"], vals["balance"]) == (5, -1000.0, -925.93)


def test_chf_journal_balances_are_the_lines_eur_pro_rata_and_add_up_exactly() -> None:
    lines = {
        "10": [foreign("10", 55, "33.33", "CHF", "26.66")],
        "11": [foreign("11", 56, "33.33", "CHF", "26.66")],
        "12": [foreign("12", 57, "33.34", "CHF", "26.67")],
    }
    st = chf_line("100.00", "92.59")
    plan = plan_line(
        decision(("10", "33.33"), ("11", "33.33"), ("12", "33.34")),
        st,
        lines,
        ACCOUNTS,
        WriteConfig(),
    )
    assert booked(plan) == [
        ("CHF", Decimal("-33.33"), Decimal("-30.86")),
        ("CHF", Decimal("-33.33"), Decimal("-30.86")),
        ("CHF", Decimal("-33.34"), Decimal("-30.87")),  # the last takes the rounding
    ]
    assert sum(b for _c, _a, b in booked(plan)) == st.suspense_balance == Decimal("-92.59")


def test_a_chf_write_off_in_a_chf_journal_gets_its_share_of_the_eur_value() -> None:
    cfg = WriteConfig(writeoff_account="620000", max_writeoff=Decimal("5"))
    plan = plan_line(
        decision(("10", "100.00")),
        chf_line("97.50", "90.28"),
        {"10": [foreign("10", 55, "100.00", "CHF", "80.00")]},
        ACCOUNTS,
        cfg,
    )
    assert booked(plan) == [
        ("CHF", Decimal("-100.00"), Decimal("-92.59")),
        ("CHF", Decimal("2.50"), Decimal("2.31")),
    ]


def test_a_fee_in_a_chf_journal_is_worth_the_whole_suspense_balance() -> None:
    d = Decision("T1", Status.RECONCILED, 95, booking=Booking.FEE, account="620000")
    plan = plan_line(d, chf_line("-12.50", "-11.57"), {}, ACCOUNTS, WriteConfig())
    assert booked(plan) == [("CHF", Decimal("12.50"), Decimal("11.57"))]


def test_an_eur_line_pays_a_chf_invoice_in_full_with_all_of_its_eur() -> None:
    plan = plan_line(
        decision(("10", "1000.00")),  # a person's choice, in the invoice's currency
        eur_line("950.00"),
        {"10": [foreign("10", 55, "1000.00", "CHF", "800.00")]},
        ACCOUNTS,
        WriteConfig(),
    )
    # 950 EUR for what is booked at 800 EUR: Odoo books the 150 EUR gain on reconcile
    assert booked(plan) == [("CHF", Decimal("-1000.00"), Decimal("-950.00"))]
    assert isinstance(plan, LinePlan) and plan.partner_id == 7


def test_an_eur_line_pays_a_gbp_supplier_bill_in_full() -> None:
    plan = plan_line(
        decision(("20", "800.00")),
        eur_line("-1590.00"),
        {"20": [foreign("20", 70, "-800.00", "GBP", "-1000.00", account=PAYABLE)]},
        ACCOUNTS,
        WriteConfig(),
        item_signs={"20": -1},
    )
    assert booked(plan) == [("GBP", Decimal("800.00"), Decimal("1590.00"))]


def test_a_partial_payment_across_currencies_is_what_the_person_chose_in_chf() -> None:
    plan = plan_line(
        decision(("10", "420.00")),
        eur_line("400.00"),
        {"10": [foreign("10", 55, "1000.00", "CHF", "800.00")]},
        ACCOUNTS,
        WriteConfig(),
    )
    assert booked(plan) == [("CHF", Decimal("-420.00"), Decimal("-400.00"))]


def test_more_chf_than_the_invoice_has_open_is_refused_in_chf() -> None:
    plan = plan_line(
        decision(("10", "1200.00")),
        eur_line("1000.00"),
        {"10": [foreign("10", 55, "1000.00", "CHF", "800.00")]},
        ACCOUNTS,
        WriteConfig(),
    )
    assert isinstance(plan, Refusal) and "1000.00 CHF left" in plan.reason


def test_a_write_off_across_currencies_is_refused() -> None:
    plan = plan_line(
        decision(("10", "1000.00"), writeoff=Decimal("-5.00")),
        eur_line("945.00"),
        {"10": [foreign("10", 55, "1000.00", "CHF", "800.00")]},
        ACCOUNTS,
        WriteConfig(writeoff_account="620000", max_writeoff=Decimal("10")),
    )
    assert isinstance(plan, Refusal) and plan.foreign_currency
    assert "write-off" in plan.reason and "exchange difference" in plan.reason


def test_items_in_several_currencies_share_the_line_by_their_booked_value() -> None:
    plan = plan_line(
        decision(("10", "1000.00"), ("20", "800.00")),
        eur_line("2000.00"),
        {
            "10": [foreign("10", 55, "1000.00", "CHF", "800.00")],
            "20": [foreign("20", 56, "800.00", "GBP", "1000.00")],
        },
        ACCOUNTS,
        WriteConfig(),
    )
    assert booked(plan) == [
        ("CHF", Decimal("-1000.00"), Decimal("-888.89")),  # 2000 x 800 / 1800
        ("GBP", Decimal("-800.00"), Decimal("-1111.11")),
    ]


def test_an_item_in_the_company_currency_is_worth_exactly_its_amount() -> None:
    plan = plan_line(
        decision(("30", "100.00"), ("10", "1000.00")),
        eur_line("1100.00"),
        {
            "30": [foreign("30", 58, "100.00", "EUR", "100.00")],
            "10": [foreign("10", 55, "1000.00", "CHF", "800.00")],
        },
        ACCOUNTS,
        WriteConfig(),
    )
    assert booked(plan) == [
        ("EUR", Decimal("-100.00"), Decimal("-100.00")),
        ("CHF", Decimal("-1000.00"), Decimal("-1000.00")),
    ]


def test_a_chf_line_pays_an_eur_invoice_only_for_its_exact_eur_value() -> None:
    st = chf_line("100.00", "92.59")
    exact = plan_line(
        decision(("30", "92.59")),
        st,
        {"30": [foreign("30", 58, "92.59", "EUR", "92.59")]},
        ACCOUNTS,
        WriteConfig(),
    )
    assert booked(exact) == [("EUR", Decimal("-92.59"), Decimal("-92.59"))]
    other = plan_line(
        decision(("30", "100.00")),
        st,
        {"30": [foreign("30", 58, "100.00", "EUR", "100.00")]},
        ACCOUNTS,
        WriteConfig(),
    )
    # 7.41 EUR would have to be an exchange difference on an EUR item: Odoo books none
    assert isinstance(other, Refusal) and other.foreign_currency
    assert "company's currency" in other.reason


def test_a_share_against_its_amounts_sign_is_refused() -> None:
    plan = plan_line(
        decision(("30", "150.00"), ("10", "100.00")),
        eur_line("100.00"),  # 150 EUR paid by an EUR line of 100: the CHF would be +50 EUR
        {
            "30": [foreign("30", 58, "150.00", "EUR", "150.00")],
            "10": [foreign("10", 55, "100.00", "CHF", "80.00")],
        },
        ACCOUNTS,
        WriteConfig(),
    )
    assert isinstance(plan, Refusal) and "sign" in plan.reason


def test_a_line_with_a_transaction_currency_of_its_own_is_refused() -> None:
    st = LineState(
        9,
        90,
        Decimal("10"),
        "EUR",
        MoveLine(1, BANK, Decimal("10")),
        MoveLine(2, SUSPENSE, Decimal("-10")),
        foreign_currency=True,  # Odoo's foreign_currency_id on the line
    )
    plan = plan_line(
        decision(("10", "10")), st, {"10": [inv("10", 55, "10")]}, ACCOUNTS, WriteConfig()
    )
    assert isinstance(plan, Refusal) and plan.foreign_currency
    assert "reconcile it in Odoo" in plan.reason


@given(  # from 1 CHF on, at 0.50 to 4.00 EUR per CHF
    parts=st.lists(st.integers(min_value=100, max_value=10**8), min_size=1, max_size=6),
    cents_per_chf=st.integers(min_value=50, max_value=400),
    sign=st.sampled_from([1, -1]),
)
def test_balances_always_add_up_exactly_to_the_suspense_balance(
    parts: list[int], cents_per_chf: int, sign: int
) -> None:
    amounts = [Decimal(p).scaleb(-2) for p in parts]
    total = sum(amounts, Decimal(0))
    worth = (total * cents_per_chf / 100).quantize(Decimal("0.01"))
    line = chf_line(str(sign * total), str(sign * worth))
    lines = {
        str(k): [foreign(str(k), 100 + k, str(sign * a), "CHF", str(sign * a))]
        for k, a in enumerate(amounts)
    }
    plan = plan_line(
        decision(*((str(k), str(a)) for k, a in enumerate(amounts))),
        line,
        lines,
        ACCOUNTS,
        WriteConfig(),
        item_signs={k: sign for k in lines},
    )
    counterparts = booked(plan)
    assert sum(b for _c, _a, b in counterparts) == line.suspense_balance
    assert sum(a for _c, a, _b in counterparts) == -line.amount
    for _c, amount, balance in counterparts:
        assert balance * amount >= 0 and balance == balance.quantize(Decimal("0.01"))


def test_a_counterpart_worth_nothing_in_eur_is_refused() -> None:
    # 0.01 CHF at 0.40 EUR rounds to 0.00 EUR: an item with an amount and no value
    plan = plan_line(
        decision(("10", "0.01"), ("11", "100.00")),
        chf_line("100.01", "40.00"),
        {
            "10": [foreign("10", 55, "0.01", "CHF", "0.01")],
            "11": [foreign("11", 56, "100.00", "CHF", "80.00")],
        },
        ACCOUNTS,
        WriteConfig(),
    )
    assert isinstance(plan, Refusal) and "would be worth 0.00 EUR" in plan.reason
