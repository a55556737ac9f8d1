"""Instalments, deposits and the word lists of the config (issue: matching that holds).

Lines carrying the same evidence for the same invoice get the same decision; no line's
confidence rests on another line's suggestion being accepted; a deposit word with an
instalment count and a named invoice is an instalment, with an order or no number it
stays a deposit. The golden cases ``instalments_*`` show whole statements.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from bankrec.matching import MatchConfig, match
from bankrec.matching.instalments import Claim, find_together
from bankrec.matching.normalize import number_keys
from bankrec.matching.wording import deposit_word, instalment_marker, stated_fee
from bankrec.model import Status

from .helpers import item, tx

IBAN = "FR1420041010050500013M02606"


def _invoice(residual: str = "3000.00", number: str = "FA-2026-0142") -> list:
    return [
        item("I1", "Menuiserie Garnier SARL", "3000.00", number=number, residual=residual,
             date=dt.date(2026, 2, 20), due=dt.date(2026, 3, 20), ibans=(IBAN,)),
    ]  # fmt: skip


def _line(tx_id: str, amount: str, label: str, day: int, iban: str = IBAN) -> object:
    return tx(tx_id, amount, label, iban=iban, date=dt.date(2026, 3, day))


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("ACOMPTE 1/3 FACTURE FA-2026-0142", "1/3"),
        ("Rate 2 von 3 RE 2026-118", "2 VON 3"),
        ("instalment 3 of 3 INV-0097", "3 OF 3"),
        ("ACOMPTE ECHEANCE MARS FA-2026-0142", "ECHEANCE"),
        ("Échéance FA-2026-0142", "ECHEANCE"),
        ("ACOMPTE FA 2026/0142", ""),  # a number, not a count
        ("ACOMPTE 12/03/2026", ""),  # a date
        ("ACOMPTE 3/1", ""),  # more paid than planned: no count
        ("ACOMPTE COMMANDE 4512", ""),
    ],
)
def test_instalment_markers(text: str, marker: str) -> None:
    assert instalment_marker(text) == marker


def test_lines_settling_an_invoice_together_are_judged_alike() -> None:
    lines = [
        _line("T1", "1000.00", "VIR GARNIER ACOMPTE 1/3 FACTURE FA-2026-0142", 2),
        _line("T2", "1000.00", "VIR GARNIER ACOMPTE 2/3 FACTURE FA-2026-0142", 9),
        _line("T3", "1000.00", "VIR GARNIER ACOMPTE 3/3 FACTURE FA-2026-0142", 16),
    ]
    decisions = match(lines, _invoice()).decisions
    assert {(d.status, d.confidence) for d in decisions} == {(Status.RECONCILED, 100)}
    assert [d.allocations[0].amount for d in decisions] == [Decimal("1000.00")] * 3


def test_lines_not_settling_the_invoice_together_stay_part_payments() -> None:
    # two of three instalments (the third comes next month): each a part payment, alike
    lines = [
        _line("T1", "1000.00", "VIR GARNIER ACOMPTE 1/3 FACTURE FA-2026-0142", 2),
        _line("T2", "1000.00", "VIR GARNIER ACOMPTE 2/3 FACTURE FA-2026-0142", 9),
    ]
    decisions = match(lines, _invoice()).decisions
    assert {(d.status, d.confidence) for d in decisions} == {(Status.SUGGESTED, 70)}


def test_more_lines_than_the_residual_is_no_group_and_no_guess() -> None:
    lines = [
        _line(f"T{k}", "1000.00", f"VIR GARNIER ACOMPTE {k}/3 FACTURE FA-2026-0142", k)
        for k in (1, 2, 3)
    ] + [_line("T4", "1000.00", "VIR GARNIER FACTURE FA-2026-0142", 20)]
    decisions = match(lines, _invoice()).decisions
    assert all(d.status is not Status.RECONCILED for d in decisions)


def test_the_last_part_is_not_exact_because_of_a_suggestion() -> None:
    # T1 names two invoices (a suggestion, tied); T2 pays what T1 would leave open of I1:
    # exact only if T1's suggestion is accepted, so T2 is a part payment, not booked
    items = [
        *_invoice(),
        item("I2", "Menuiserie Garnier SARL", "2500.00", number="FA-2026-0150",
             date=dt.date(2026, 2, 27), due=dt.date(2026, 3, 27), ibans=(IBAN,)),
    ]  # fmt: skip
    lines = [
        _line("T1", "1000.00", "VIR GARNIER FA-2026-0142 FA-2026-0150", 2),
        _line("T2", "2000.00", "VIR GARNIER SOLDE FA-2026-0142", 9),
    ]
    t1, t2 = match(lines, items).decisions
    assert t1.status is Status.SUGGESTED
    assert t2.status is Status.SUGGESTED
    assert t2.allocations[0].amount == Decimal("2000.00")
    assert not any("exactly" in r for r in t2.reasons)


def test_the_last_instalment_after_earlier_runs_settles_exactly() -> None:
    line = _line("T1", "1000.00", "VIR GARNIER ACOMPTE 3/3 FACTURE FA-2026-0142", 16)
    d = match([line], _invoice(residual="1000.00")).decisions[0]
    assert (d.status, d.confidence) == (Status.RECONCILED, 100)


@pytest.mark.parametrize(
    "label",
    [
        "VIR GARNIER ACOMPTE COMMANDE 4512 FA-2026-0142",  # an order named: a deposit
        "VIR GARNIER ACOMPTE 1/3",  # no invoice named
        "VIR GARNIER ACOMPTE FACTURE FA-2026-0142",  # no instalment marker
    ],
)
def test_deposits_stay_deposits(label: str) -> None:
    d = match([_line("T1", "1000.00", label, 2)], _invoice(residual="1000.00")).decisions[0]
    assert d.status is not Status.RECONCILED


def test_a_single_part_payment_with_weak_evidence_stays_a_suggestion() -> None:
    d = match([_line("T1", "1000.00", "VIR ACOMPTE 1/3 FA-2026-0142", 2, iban="")],
              _invoice()).decisions[0]  # fmt: skip
    assert d.status is not Status.RECONCILED


def test_find_together_takes_every_claim_or_none() -> None:
    residuals = {0: Decimal("3000.00"), 1: Decimal("500.00")}
    claims = {t: Claim(0, Decimal("1000.00")) for t in (1, 2, 3)} | {4: Claim(1, Decimal("500"))}
    groups = find_together(claims, residuals, Decimal("0.01"))
    assert sorted(groups) == [1, 2, 3]  # T4 pays item 1 whole: no group of one
    assert groups[1].lines == 3
    claims[5] = Claim(0, Decimal("1.00"))
    assert find_together(claims, residuals, Decimal("0.01")) == {}


def test_a_year_alone_after_the_prefix_is_no_key() -> None:
    # INV/2025/02025 zero-stripped without its year reads INV 2025: every label of 2025
    assert "INV2025" not in number_keys("INV/2025/02025")
    assert "INV02025" in number_keys("INV/2025/02025")


def test_several_invoices_each_named_uniquely_settle_without_a_partner() -> None:
    items = [
        item("I1", "Spedition Wagner OHG", "62.73", number="INV/2025/01948"),
        item("I2", "Spedition Wagner OHG", "70.00", number="INV/2025/01949"),
    ]
    d = match([tx("T1", "132.73", "VIREMENT FACT INV.2025.01948, INV.2025.01949")], items)
    assert d.decisions[0].status is Status.RECONCILED
    assert sorted(a.item_id for a in d.decisions[0].allocations) == ["I1", "I2"]


def test_word_lists_are_settings(tmp_path: Path) -> None:
    path = tmp_path / "match.yaml"
    path.write_text(
        "deposit_words: [ACOMPTE, 'Provision sur commande']\n"
        "fee_words: [ABZUG]\n"
        "instalment_words: [TRANCHE]\n"
        "order_words: [BESTELLUNG]\n",
        encoding="utf-8",
    )
    cfg = MatchConfig.from_yaml(path)
    assert cfg.deposit_words == ("ACOMPTE", "PROVISION SUR COMMANDE")
    assert deposit_word("VIR provision  sur commande 12", cfg.deposit_words)
    assert not deposit_word("VIR ANZAHLUNG 12", cfg.deposit_words)  # the list replaces
    assert stated_fee("RE 2026-118 ABZUG 5,66", cfg.fee_words) == "5.66"
    assert instalment_marker("ACOMPTE TRANCHE FA-1", cfg.instalment_words) == "TRANCHE"
    items = _invoice(residual="1000.00")
    line = _line("T1", "1000.00", "VIR GARNIER PROVISION SUR COMMANDE", 2)
    assert match([line], items).decisions[0].status is Status.RECONCILED
    assert match([line], items, config=cfg).decisions[0].status is not Status.RECONCILED
