"""Stable import ids, duplicate merging and the balance check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bankrec.errors import StatementError
from bankrec.model import Balance, Statement, Transaction
from bankrec.statements.balance import check_balances, check_statement
from bankrec.statements.dedupe import dedupe
from bankrec.statements.ids import IdAllocator, stable_id, usable_ref

DAY = dt.date(2024, 3, 1)


def test_hash_id_is_deterministic_and_ignores_decimal_style_and_spacing() -> None:
    a = stable_id("CH93", DAY, Decimal("5.5"), "CHF", "Coffee  Bar")
    b = stable_id("CH93", DAY, Decimal("5.50"), "chf", "coffee bar")
    assert a == b and a.startswith("h")


@pytest.mark.parametrize(
    "change",
    [
        {"account": "CH94"},
        {"date": dt.date(2024, 3, 2)},
        {"amount": Decimal("-5.50")},
        {"currency": "EUR"},
        {"text": "Tea bar"},
    ],
)
def test_hash_id_changes_with_every_field(change: dict[str, object]) -> None:
    base: dict[str, object] = {"account": "CH93", "date": DAY, "amount": Decimal("5.50"),
                               "currency": "CHF", "text": "Coffee bar"}  # fmt: skip
    changed = {**base, **change}

    def make(f: dict[str, object]) -> str:
        return stable_id(f["account"], f["date"], f["amount"], f["currency"], f["text"])  # type: ignore[arg-type]

    assert make(base) != make(changed)


def test_bank_reference_makes_a_readable_id_and_placeholders_are_ignored() -> None:
    assert stable_id("CH93", DAY, Decimal(1), "CHF", bank_ref="ZKB-1") == "CH93/ZKB-1"
    assert stable_id("", DAY, Decimal(1), "CHF", bank_ref="ZKB-1") == "ZKB-1"
    assert not usable_ref("NONREF") and not usable_ref(" notprovided ")
    assert stable_id("CH93", DAY, Decimal(1), "CHF", "x", bank_ref="NONREF").startswith("h")


def test_occurrence_suffix() -> None:
    first = stable_id("CH93", DAY, Decimal(5), "CHF", "coffee")
    assert stable_id("CH93", DAY, Decimal(5), "CHF", "coffee", occurrence=1) == first + "#2"


def test_allocator_counts_per_key_not_per_position() -> None:
    ids = IdAllocator()
    coffee1 = ids.allocate("CH93", DAY, Decimal(-5), "CHF", "coffee")
    tea = ids.allocate("CH93", DAY, Decimal(-4), "CHF", "tea")
    coffee2 = ids.allocate("CH93", DAY, Decimal(-5), "CHF", "coffee")
    assert coffee2 == coffee1 + "#2"
    # an overlapping file holding only the coffees gives them the same ids
    other = IdAllocator()
    assert [other.allocate("CH93", DAY, Decimal(-5), "CHF", "coffee") for _ in range(2)] == [
        coffee1, coffee2]  # fmt: skip
    assert tea not in (coffee1, coffee2)
    refs = IdAllocator()
    assert [refs.allocate("A", DAY, Decimal(1), "EUR", bank_ref="R") for _ in range(2)] == [
        "A/R", "A/R#2"]  # fmt: skip


def tx(id: str, amount: str = "1.00", source: str = "a.xml:3") -> Transaction:
    return Transaction(id=id, date=DAY, amount=Decimal(amount), currency="EUR", source=source)


def test_dedupe_keeps_the_first_of_each_id_in_order() -> None:
    result = dedupe([tx("a"), tx("b"), tx("a", source="b.xml:9"), tx("c"), tx("b")])
    assert [t.id for t in result.transactions] == ["a", "b", "c"]
    assert result.duplicate_count == 2
    assert result.duplicates[0].source == "b.xml:9"


def test_dedupe_refuses_contradicting_lines_with_the_same_id() -> None:
    with pytest.raises(StatementError, match=r"already read from a\.xml:3") as caught:
        dedupe([tx("a"), tx("a", amount="2.00", source="b.xml:9")])
    assert (caught.value.location.file, caught.value.location.line) == ("b.xml", 9)


def statement(opening: str | None, closing: str | None, *amounts: str) -> Statement:
    return Statement(
        account="CH93",
        currency="EUR",
        transactions=tuple(tx(str(i), a) for i, a in enumerate(amounts)),
        opening=Balance(Decimal(opening)) if opening is not None else None,
        closing=Balance(Decimal(closing)) if closing is not None else None,
        statement_id="S1",
        source="s.xml:4",
    )


def test_balanced_statement_has_no_problem() -> None:
    assert check_statement(statement("10.00", "7.50", "-5.00", "2.50")) is None


def test_unbalanced_statement_reports_the_difference() -> None:
    problem = check_statement(statement("10.00", "8.00", "-5.00", "2.50"))
    assert problem is not None
    assert problem.difference == Decimal("0.50")
    assert problem.movements == Decimal("-2.50")
    assert "s.xml:4" in str(problem) and "difference 0.50" in str(problem)


def test_statement_without_both_balances_cannot_be_checked() -> None:
    assert check_balances([statement(None, "8.00", "1"), statement("1", None, "1")]) == []
