from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from bankrec.matching import MatchConfig, match
from bankrec.matching import candidates as candidates_module
from bankrec.model import Booking, ItemKind, Status
from dsl import compile_rules

from .helpers import DAY, item, tx

OURS = "FR7630006000011234567890189"
SAVINGS = "FR7630004000031234567890143"


def _by_id(result: object) -> dict[str, object]:
    return {d.transaction_id: d for d in result.decisions}  # type: ignore[attr-defined]


def test_exact_payment_is_reconciled_with_reasons() -> None:
    result = match(
        [tx("T1", "1200.00", "VIR ACME FACTURE FA-2026-0101", counterparty="ACME SA")],
        [item("I1", "ACME SA", "1200.00", number="FA-2026-0101"), item("I2", "ACME SA", "1200.00")],
    )
    d = result.decisions[0]
    assert d.status is Status.RECONCILED
    assert [a.item_id for a in d.allocations] == ["I1"]
    assert d.booking is Booking.PAYMENT and d.party == "ACME SA"
    assert [a.allocations[0].item_id for a in d.alternatives] == ["I2"]


def test_conflict_goes_to_the_higher_score_and_residual_is_never_reused() -> None:
    items = [item("I1", "ACME SA", "500.00", number="FA-2026-0500")]
    strong = tx("T1", "500.00", "ACME FA-2026-0500", counterparty="ACME SA")
    weak = tx("T2", "500.00", "VIREMENT", counterparty="ACME SA")
    for order in ([strong, weak], [weak, strong]):
        got = _by_id(match(order, items))
        assert [a.item_id for a in got["T1"].allocations] == ["I1"]  # type: ignore[attr-defined]
        assert got["T2"].allocations == ()  # type: ignore[attr-defined]


def test_two_lines_claiming_one_item_equally_are_not_automatic() -> None:
    items = [item("I1", "ACME SA", "500.00", number="FA-2026-0500")]
    lines = [tx(f"T{i}", "500.00", "ACME FA-2026-0500", counterparty="ACME SA") for i in (1, 2)]
    got = _by_id(match(lines, items))
    assert got["T1"].status is Status.SUGGESTED  # type: ignore[attr-defined]
    assert any("also claims" in r for r in got["T1"].reasons)  # type: ignore[attr-defined]
    assert got["T2"].allocations == ()  # type: ignore[attr-defined]


def test_tie_is_suggested_with_both_candidates() -> None:
    items = [item("I1", "Garage Martin", "250.00"), item("I2", "Garage Martin", "250.00")]
    d = match([tx("T1", "250.00", "VIR GARAGE MARTIN", counterparty="GARAGE MARTIN")], items)
    decision = d.decisions[0]
    assert decision.status is Status.SUGGESTED
    listed = {decision.allocations[0].item_id} | {
        c.allocations[0].item_id for c in decision.alternatives
    }
    assert listed == {"I1", "I2"}


def test_currencies_are_never_mixed() -> None:
    items = [item("I1", "Pacific Trading Inc", "500.00", number="FA-2026-0114")]
    d = match([tx("T1", "500.00", "PACIFIC TRADING FA-2026-0114", currency="USD")], items)
    assert d.decisions[0].status is Status.UNMATCHED
    assert d.decisions[0].allocations == ()


def test_instalments_of_one_run_are_judged_alike() -> None:
    inv = item("I1", "Van den Berg BV", "3000.00", number="FA-2026-0105",
               date=dt.date(2026, 9, 1), due=dt.date(2026, 10, 1))  # fmt: skip
    lines = [
        tx(
            f"T{k}",
            "1000.00",
            f"VAN DEN BERG {k}/3 FA 2026 0105",
            date=dt.date(2026, 10, 1) + dt.timedelta(days=14 * k),
        )
        for k in (3, 1, 2)
    ]
    got = _by_id(match(lines, [inv]))
    # same evidence (partner, unique number, together the residual): the same decision,
    # each booking its own part -- the last no longer "exact" thanks to the first two
    assert {(got[f"T{k}"].status, got[f"T{k}"].confidence) for k in (1, 2, 3)} == {  # type: ignore[attr-defined]
        (Status.RECONCILED, 100)
    }
    assert {got[f"T{k}"].allocations[0].amount for k in (1, 2, 3)} == {Decimal("1000.00")}  # type: ignore[attr-defined]
    total = sum(got[f"T{k}"].allocations[0].amount for k in (1, 2, 3))  # type: ignore[attr-defined]
    assert total == Decimal("3000.00")


def test_one_payment_for_two_invoices_and_a_credit_note() -> None:
    items = [
        item("I1", "Dupont Frères SA", "1000.00", number="FA-2026-0110"),
        item("I2", "Dupont Frères SA", "260.00", number="FA-2026-0111"),
        item("C1", "Dupont Frères SA", "100.00", number="AV-2026-0011", kind=ItemKind.OUT_REFUND),
    ]
    line = tx("T1", "1160.00", "DUPONT FRERES FA-2026-0110 FA-2026-0111 MOINS AV-2026-0011",
              counterparty="DUPONT FRERES")  # fmt: skip
    d = match([line], items).decisions[0]
    assert d.status is Status.RECONCILED
    assert sorted((a.item_id, a.amount) for a in d.allocations) == [
        ("C1", Decimal("100.00")), ("I1", Decimal("1000.00")), ("I2", Decimal("260.00")),
    ]  # fmt: skip
    assert d.writeoff == Decimal("0.00")


def test_refund_of_credit_note_is_money_out() -> None:
    note = item("C1", "ACME SA", "150.00", number="AV-2026-0007", kind=ItemKind.OUT_REFUND)
    inv = item("I1", "ACME SA", "150.00", number="FA-2026-0150")
    d = match([tx("T1", "-150.00", "REMBOURSEMENT AVOIR AV-2026-0007", counterparty="ACME")],
              [note, inv]).decisions[0]  # fmt: skip
    assert [a.item_id for a in d.allocations] == ["C1"]


def test_internal_transfer_pairs_both_sides() -> None:
    out = tx("T1", "-5000.00", "VIREMENT INTERNE", iban=SAVINGS, account=OURS)
    inc = tx("T2", "5000.00", "VIREMENT INTERNE", iban=OURS, account=SAVINGS,
             date=DAY + dt.timedelta(days=1))  # fmt: skip
    got = _by_id(match([out, inc], [item("I1", "Meunier SAS", "5000.00")]))
    assert got["T1"].booking is Booking.TRANSFER  # type: ignore[attr-defined]
    assert got["T1"].transfer_with == "T2"  # type: ignore[attr-defined]
    assert got["T2"].transfer_with == "T1"  # type: ignore[attr-defined]
    assert got["T1"].status is Status.RECONCILED  # type: ignore[attr-defined]


def test_transfer_needs_evidence_beyond_the_amount() -> None:
    out = tx("T1", "-500.00", "SUPPLIER PAYMENT", account=OURS)
    inc = tx("T2", "500.00", "CUSTOMER PAYMENT", account=SAVINGS)
    got = _by_id(match([out, inc], []))
    assert got["T1"].booking is not Booking.TRANSFER  # type: ignore[attr-defined]


def test_rules_ignore_book_fee_and_expense() -> None:
    rules = compile_rules(
        "label contains 'frais' and amount < 0 => kind fee, account 627000\n"
        "label contains 'loyer' => kind expense, account 613200, category rent\n"
        "label contains 'interets' => ignore\n",
        "r.rules",
    )
    lines = [tx("T1", "-12.50", "FRAIS TENUE DE COMPTE"), tx("T2", "-900.00", "LOYER DECEMBRE"),
             tx("T3", "0.01", "INTERETS CREDITEURS")]  # fmt: skip
    got = _by_id(match(lines, [item("I1", "X SA", "900.00", kind=ItemKind.IN_INVOICE)],
                       rules=rules))  # fmt: skip
    assert got["T1"].booking is Booking.FEE and got["T1"].account == "627000"  # type: ignore[attr-defined]
    assert got["T2"].booking is Booking.EXPENSE and got["T2"].category == "rent"  # type: ignore[attr-defined]
    assert got["T2"].allocations == ()  # type: ignore[attr-defined]
    assert got["T3"].status is Status.IGNORED  # type: ignore[attr-defined]
    assert got["T3"].provenance == ("r.rules:3",)  # type: ignore[attr-defined]


def test_rule_party_and_confidence_shape_the_score() -> None:
    rules = compile_rules("label contains 'garage' => party 'Garage Martin', confidence+10", "r")
    d = match([tx("T1", "250.00", "VIR GARAGE 77")], [item("I1", "Garage Martin", "250.00")],
              rules=rules).decisions[0]  # fmt: skip
    assert [a.item_id for a in d.allocations] == ["I1"]
    assert any(r.startswith("rule r:1: confidence +10") for r in d.reasons)
    assert d.status is Status.RECONCILED


def test_no_counterpart_stays_unmatched() -> None:
    items = [item("I1", "Librairie Moreau", "75.00")]
    d = match([tx("T1", "75.00", "VIR JEAN DUPUIS CADEAU", counterparty="JEAN DUPUIS")], items)
    assert d.decisions[0].status is Status.UNMATCHED
    assert d.decisions[0].allocations == ()


def test_deterministic_whatever_the_input_order() -> None:
    rng = random.Random(7)
    items = [item(f"I{i}", f"Partner {i % 7} SA", f"{100 + i % 5}.00") for i in range(40)]
    lines = [tx(f"T{i}", f"{100 + i % 5}.00", f"PARTNER {i % 7} PAYMENT") for i in range(20)]
    first = _by_id(match(lines, items))
    shuffled_lines, shuffled_items = lines[:], items[:]
    rng.shuffle(shuffled_lines)
    rng.shuffle(shuffled_items)
    second = _by_id(match(shuffled_lines, shuffled_items))
    assert first == second


def test_candidates_only_come_from_indexes(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = candidates_module.score_item

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args[1].id)  # type: ignore[attr-defined]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(candidates_module, "score_item", counting)
    items = [item(f"I{i}", f"Unrelated {i} GmbH", f"{1000 + i}.00") for i in range(500)]
    items.append(item("HIT", "ACME SA", "77.00"))
    match([tx("T1", "77.00", "ACME SA PAYMENT")], items)
    assert calls == ["HIT"]


def test_progress_reports_up_to_the_line_count() -> None:
    seen: list[int] = []
    match([tx(f"T{i}", "1.00") for i in range(5)], [], progress=seen.append)
    assert seen[-1] == 5
    assert seen == sorted(seen)


def test_summary_counts_and_amounts() -> None:
    result = match([tx("T1", "10.00", "X"), tx("T2", "-5.00", "Y", currency="CHF")], [])
    assert result.summary.counts["unmatched"] == 2
    assert result.summary.currencies["CHF"].unmatched == Decimal("5.00")
    assert result.summary.currencies["EUR"].total == Decimal("10.00")


def test_stricter_config_keeps_lines_for_a_person() -> None:
    items = [item("I1", "ACME SA", "1200.00", number="FA-2026-0101")]
    line = tx("T1", "1200.00", "ACME FA-2026-0101", counterparty="ACME SA")
    assert match([line], items).decisions[0].status is Status.RECONCILED
    strict = match([line], items, config=MatchConfig(auto_threshold=101))
    assert strict.decisions[0].status is Status.SUGGESTED


@pytest.mark.parametrize("collecting", [True, False])
def test_match_pauses_the_cycle_collector_and_restores_it_as_it_was(collecting: bool) -> None:
    import gc

    seen: list[bool] = []

    def progress(_done: int) -> None:
        seen.append(gc.isenabled())

    (gc.enable if collecting else gc.disable)()
    try:
        match(
            [tx("T1", "1200.00", "VIR ACME FACTURE FA-2026-0101", counterparty="ACME SA")],
            [item("I1", "ACME SA", "1200.00", number="FA-2026-0101")],
            progress=progress,
        )
        assert seen and not any(seen)  # paused while matching
        assert gc.isenabled() is collecting  # and as it was afterwards
    finally:
        gc.enable()
