from __future__ import annotations

from decimal import Decimal

from bankrec.matching import MatchConfig
from bankrec.matching.index import PartnerHit
from bankrec.matching.scoring import ItemEvidence, RuleInfluence, score_item

from .helpers import item, tx

CFG = MatchConfig()
HIT = PartnerHit("ACME", "ACME SA", 96, "counterparty 'ACME S.A. PARIS'")


def test_all_evidence_adds_up_and_is_explained() -> None:
    s = score_item(
        tx("T", "1200.00"), item("I", "ACME SA", "1200.00"), Decimal("1200.00"),
        ItemEvidence(number="FA-2026-I", number_source="label"), HIT, False, CFG, RuleInfluence(),
    )  # fmt: skip
    assert s is not None
    assert s.confidence == 100  # 50 + 30 + 15 + 5
    assert any("partner 'ACME SA' recognised from counterparty" in r for r in s.reasons)
    assert any("similarity 96" in r for r in s.reasons)
    assert any("invoice number FA-2026-I found in label (+15)" in r for r in s.reasons)
    assert s.allocations[0].amount == Decimal("1200.00")


def test_partial_payment_allocates_the_transaction_amount() -> None:
    s = score_item(
        tx("T", "200.00"), item("I", "ACME SA", "450.00"), Decimal("450.00"),
        ItemEvidence(number="X", number_source="label"), HIT, False, CFG, RuleInfluence(),
    )  # fmt: skip
    assert s is not None and s.partial
    assert s.allocations[0].amount == Decimal("200.00")
    assert s.confidence == 70
    assert any("250.00 stays open" in r for r in s.reasons)


def test_small_shortfall_is_a_writeoff_to_confirm() -> None:
    s = score_item(
        tx("T", "975.50"), item("I", "ACME SA", "980.00"), Decimal("980.00"),
        ItemEvidence(), HIT, False, CFG, RuleInfluence(),
    )  # fmt: skip
    assert s is not None
    assert s.writeoff == Decimal("-4.50")
    assert s.allocations[0].amount == Decimal("980.00")
    assert s.review.startswith("difference")


def test_money_out_for_supplier_bill() -> None:
    from bankrec.model import ItemKind

    bill = item("B", "ACME SA", "89.90", kind=ItemKind.IN_INVOICE)
    s = score_item(tx("T", "-89.90"), bill, Decimal("89.90"), ItemEvidence(), HIT, True, CFG,
                   RuleInfluence())  # fmt: skip
    assert s is not None
    assert s.writeoff == Decimal("0.00")
    assert s.confidence == 90  # partner 50 + amount 30 + unique 5 + date 5


def test_rule_delta_is_added_and_result_clamped() -> None:
    ev = ItemEvidence(number="X", number_source="label")
    up = score_item(tx("T", "10.00"), item("I", "ACME SA", "10.00"), Decimal("10.00"), ev, HIT,
                    False, CFG, RuleInfluence(20, "r.rules:1"))  # fmt: skip
    down = score_item(tx("T", "10.00"), item("I", "ACME SA", "10.00"), Decimal("10.00"), ev, None,
                      False, CFG, RuleInfluence(-60, "r.rules:2"))  # fmt: skip
    assert up is not None and up.confidence == 100
    assert down is not None and down.confidence == 0
    assert "rule r.rules:2: confidence -60" in down.reasons


def test_closed_item_is_no_candidate() -> None:
    assert (
        score_item(
            tx("T", "10.00"),
            item("I", "ACME SA", "10.00"),
            Decimal(0),
            ItemEvidence(),
            HIT,
            False,
            CFG,
            RuleInfluence(),
        )
        is None
    )


def test_custom_weights_change_the_score() -> None:
    from bankrec.matching import Weights

    cfg = MatchConfig(weights=Weights(partner=40))
    s = score_item(tx("T", "10.00"), item("I", "ACME SA", "10.00"), Decimal("10.00"),
                   ItemEvidence(), HIT, False, cfg, RuleInfluence())  # fmt: skip
    assert s is not None and s.confidence == 40 + 30 + 5
