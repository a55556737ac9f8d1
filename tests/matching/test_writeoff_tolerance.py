"""The write-off tolerance rule (``MatchConfig.auto_writeoff_max``): a payment short by a
bank fee is booked without a person only when the difference is the one thing held for
review and stays within the tolerance; the default (0) keeps every write-off a suggestion,
which is what the golden files pin."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import pytest

from bankrec.matching import MatchConfig, match
from bankrec.matching.config import Weights
from bankrec.model import Decision, ItemKind, Status
from bankrec.open_items import read_open_items_csv
from bankrec.statements.canonical import read_statement_csv
from dsl import load_rules

from .helpers import item, tx

TOLERANCE = MatchConfig(auto_writeoff_max=Decimal("25"))
SHORT = tx("T1", "494.34", "VIR ALPENBLICK HOTEL FA-2026-0500", counterparty="ALPENBLICK HOTEL AG")
INVOICE = item("I1", "Alpenblick Hotel AG", "500.00", number="FA-2026-0500")


def decide(
    config: MatchConfig, line: object = SHORT, items: list[object] | None = None
) -> Decision:
    result = match([line], items or [INVOICE], config=config)  # type: ignore[list-item]
    (decision,) = result.decisions
    return decision


def test_by_default_a_fee_short_payment_stays_a_suggestion() -> None:
    d = decide(MatchConfig())
    assert d.status is Status.SUGGESTED
    assert d.writeoff == Decimal("-5.66")
    assert "to confirm: difference -5.66 EUR to write off" in d.reasons
    assert not any("automatically" in r for r in d.reasons)


def test_within_the_tolerance_the_write_off_is_booked_automatically() -> None:
    d = decide(TOLERANCE)
    assert d.status is Status.RECONCILED
    assert d.confidence >= TOLERANCE.auto_threshold
    assert [(a.item_id, a.amount) for a in d.allocations] == [("I1", Decimal("500.00"))]
    assert d.writeoff == Decimal("-5.66")
    assert "difference -5.66 EUR written off automatically (within the tolerance 25)" in d.reasons
    assert not any(r.startswith("to confirm") for r in d.reasons)


def test_a_supplier_bill_paid_short_is_booked_too() -> None:
    bill = item(
        "B1", "Alpenblick Hotel AG", "500.00", number="FA-2026-0500", kind=ItemKind.IN_INVOICE
    )
    line = dataclasses.replace(SHORT, amount=Decimal("-494.34"))
    d = decide(TOLERANCE, line, [bill])
    assert d.status is Status.RECONCILED
    assert "difference -5.66 EUR written off automatically (within the tolerance 25)" in d.reasons


def test_the_amount_counts_in_full_once_the_difference_is_tolerated() -> None:
    """Scoring gives a write-off half the amount weight because it is to confirm; the
    tolerance confirms it, so the line scores what an exact payment scores (less the
    'only open item for this amount' bonus, which needs an exact amount). Weights are
    lowered so that nothing is clamped at 100."""
    weights = Weights(partner=40, unique_number=0)
    exact = decide(
        MatchConfig(weights=weights), dataclasses.replace(SHORT, amount=Decimal("500.00"))
    )
    tolerated = decide(dataclasses.replace(TOLERANCE, weights=weights))
    assert exact.status is Status.RECONCILED and exact.confidence == 95
    assert tolerated.confidence == exact.confidence - weights.unique == 90
    assert "the amount counts in full (+15)" in " ".join(tolerated.reasons)


@pytest.mark.parametrize(
    ("config", "why"),
    [
        (MatchConfig(auto_writeoff_max=Decimal("5")), "over the amount tolerance"),
        (dataclasses.replace(TOLERANCE, writeoff_ratio=Decimal("0.01")), "over 1 % of 500.00"),
        (dataclasses.replace(TOLERANCE, auto_threshold=101), "below the threshold"),
    ],
)
def test_outside_the_rule_it_stays_a_suggestion(config: MatchConfig, why: str) -> None:
    d = decide(config)
    assert d.status is Status.SUGGESTED, why
    assert not any("automatically" in r for r in d.reasons), why


def test_a_weak_match_is_not_rescued_by_the_tolerance() -> None:
    """No invoice number in the label: partner + a short amount + date is not sure enough."""
    vague = dataclasses.replace(SHORT, label="VIR ALPENBLICK HOTEL")
    d = decide(TOLERANCE, vague)
    assert d.status is Status.SUGGESTED
    assert d.confidence < TOLERANCE.auto_threshold


def test_a_tie_is_never_booked_by_the_tolerance() -> None:
    twins = [
        INVOICE,
        item("I2", "Alpenblick Hotel AG", "500.00", number="FA-2026-0501"),
    ]
    vague = dataclasses.replace(SHORT, label="VIR ALPENBLICK HOTEL FA-2026-0500 FA-2026-0501")
    d = decide(TOLERANCE, vague, twins)
    assert d.status is Status.SUGGESTED
    assert any(r.startswith("not automatic: runner-up I2") for r in d.reasons)
    assert not any("automatically" in r for r in d.reasons)


def test_the_bank_fee_golden_case_with_the_tolerance(monkeypatch: pytest.MonkeyPatch) -> None:
    """The golden case ``bank_fee_deducted`` unchanged by default (its expected.json says
    suggested), booked once a tolerance of 25 is configured."""
    case = Path(__file__).parent / "golden" / "bank_fee_deducted"
    monkeypatch.chdir(case)
    transactions = read_statement_csv(Path("statement.csv"))
    items = read_open_items_csv(Path("open_items.csv"))
    rules = load_rules(["rules.rules"])
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert [line["status"] for line in expected["lines"]] == ["suggested"]
    (default,) = match(transactions, items, rules=rules).decisions
    assert default.status is Status.SUGGESTED and default.confidence == 85
    (booked,) = match(transactions, items, rules=rules, config=TOLERANCE).decisions
    assert booked.status is Status.RECONCILED and booked.confidence == 100
    assert booked.reasons[-1] == (
        "difference -4.50 EUR written off automatically (within the tolerance 25)"
    )


def test_the_tolerance_is_read_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "match.yaml"
    path.write_text("auto_writeoff_max: '12.50'\n", encoding="utf-8")
    assert MatchConfig.from_yaml(path).auto_writeoff_max == Decimal("12.50")
    assert MatchConfig().auto_writeoff_max == 0
