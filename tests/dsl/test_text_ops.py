"""Text comparisons ignore case, accents and runs of spaces; IBANs ignore grouping."""

from __future__ import annotations

import pytest

from dsl.normalize import fold, fold_literal, strip_accents
from tests.dsl.helpers import run, tx


@pytest.mark.parametrize(
    ("rule", "label", "fires"),
    [
        ("label contains 'électricité'", "PRLV ELECTRICITE DE FRANCE", True),
        ("label contains 'ELECTRICITE'", "Prlv Électricité de France", True),
        ("label contains 'electricite de france'", "ELECTRICITE   DE\tFRANCE", True),
        ("label startswith 'prlv'", "PRLV SEPA EDF", True),
        ("label startswith 'sepa'", "PRLV SEPA EDF", False),
        ("label endswith 'edf'", "PRLV SEPA EDF", True),
        ("label = 'prlv sepa edf'", "  PRLV  SEPA EDF ", True),
        ("label = 'prlv sepa'", "PRLV SEPA EDF", False),
        ("label contains 'strasse'", "Hauptstraße 5", True),
        ("label contains 'kontofuhrung'", "Kontoführung", True),
        ("label contains 'soeur'", "SŒUR", True),
        ("label contains 'tva '", "TVAXYZ", False),
        ("label contains 'tva '", "DGFIP TVA 02", True),
        ("label in ['Café', 'thé']", "CAFE", True),
        ("label matches '^prlv .* edf$'", "Prlv Sépa EDF", True),
        ("label matches 'sepa'", "PRLV SÉPA", True),
        ("label matches 'é'", "CAFE", True),
    ],
)
def test_case_and_accent_insensitive(rule: str, label: str, fires: bool) -> None:
    outcome = run(f"{rule} => tag hit", tx(label))
    assert (outcome.tags == ("hit",)) is fires


def test_iban_ignores_spaces_and_case() -> None:
    rule = "iban = 'CH93 0076 2011 6238 5295 7' => party 'Müller AG'"
    assert run(rule, tx(iban="ch9300762011623852957")).party == "Müller AG"
    assert run(rule, tx(iban="CH9300762011623852958")).party is None


def test_fold_helpers() -> None:
    assert fold("  Électricité  DE\nFrance ") == "electricite de france"
    assert strip_accents("Électricité  x") == "Electricite x"
    assert fold_literal(" TVA ") == " tva "
    assert fold_literal("") == ""


def test_account_ignores_spaces_too() -> None:
    rule = "account = 'FR76 3000 6000 0112 3456 7890 189' => tag main"
    assert run(rule, tx()).tags == ("main",)
    assert run(rule, tx(account="BNK2")).tags == ()
