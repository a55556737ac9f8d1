from __future__ import annotations

import pytest

from bankrec.matching.normalize import (
    fold,
    is_distinctive,
    label_text,
    normalize_name,
    normalize_number,
    number_keys,
    text_keys,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ACME S.A.", "ACME"),
        ("Acme SA", "ACME"),
        ("ACME S A", "ACME"),
        ("Dupont Sàrl", "DUPONT"),
        ("Dupont S.à r.l.", "DUPONT"),
        ("Müller GmbH & Co. KG", "MULLER"),
        ("MUELLER GMBH", "MULLER"),
        ("Van den Berg B.V.", "VAN DEN BERG"),
        ("Jones Plumbing Ltd.", "JONES PLUMBING"),
        ("Brasserie Lambic SPRL", "BRASSERIE LAMBIC"),
        ("SA", "SA"),  # nothing but a legal form: kept rather than emptied
    ],
)
def test_normalize_name_drops_legal_forms_accents_case(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


def test_fold_removes_accents_and_eszett() -> None:
    assert fold("Straße Élysée Œuvre") == "STRASSE ELYSEE OEUVRE"


def test_label_text_keeps_every_word_in_order() -> None:
    assert label_text("VIR SEPA /DE Société Générale S.A. /MOTIF") == (
        "VIR SEPA DE SOCIETE GENERALE SA MOTIF"
    )


@pytest.mark.parametrize("raw", ["FA-2026-0012", "fa 2026/0012", "FA.2026.0012", "FA20260012"])
def test_normalize_number_spellings_meet(raw: str) -> None:
    assert normalize_number(raw) == "FA20260012"


def test_number_keys_include_digits_only_form() -> None:
    keys = number_keys("FA-2026-0012")
    assert keys[:2] == ["FA20260012", "20260012"]
    # and every other written form: zeros dropped, year short or dropped
    assert set(keys[2:]) == {"FA202612", "FA260012", "FA2612", "FA0012"}


def test_bare_year_and_short_numbers_are_not_distinctive() -> None:
    assert not is_distinctive("2026")
    assert not is_distinctive("A12")
    assert not is_distinctive("00000")
    assert is_distinctive("INV123")
    assert number_keys("2026") == []


def test_text_keys_join_separated_number_but_not_a_year_alone() -> None:
    keys = text_keys("Paiement facture FA 2026 0012 merci")
    assert "FA20260012" in keys
    assert "2026" not in keys


def test_text_keys_never_join_a_date() -> None:
    assert "20261105" not in text_keys("VIREMENT DU 2026-11-05")
    assert "05112026" not in text_keys("VIREMENT DU 05.11.2026")
