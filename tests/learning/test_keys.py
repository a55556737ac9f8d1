"""Key derivation: the IBAN first, else a normalised name, never a generic word."""

from __future__ import annotations

import pytest

from bankrec.learning import KeyKind, derive_key, normalise_iban, normalise_name
from bankrec.learning.keys import LearnKey, name_key, same_party

from .helpers import MULLER_IBAN, tx


def test_valid_iban_wins_over_the_name() -> None:
    key = derive_key(tx("T1", counterparty="Müller AG", iban="ch93 0076 2011 6238 5295 7"))
    assert key is not None
    assert (key.kind, key.value) == (KeyKind.IBAN, MULLER_IBAN)
    assert str(key) == f"iban:{MULLER_IBAN}"


def test_invalid_iban_falls_back_to_the_name() -> None:
    # same IBAN with one digit changed: the checksum fails, so it is no key
    key = derive_key(tx("T1", counterparty="Müller AG", iban="CH9300762011623852958"))
    assert key is not None
    assert (key.kind, key.value) == (KeyKind.NAME, "MULLER AG")


def test_domestic_account_number_is_not_an_iban() -> None:
    assert normalise_iban("0532013000") is None
    assert normalise_iban(" de89 3704 0044 0532 0130 00 ") == "DE89370400440532013000"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Müller AG", "MULLER"),
        ("MUELLER GMBH & CO. KG", "MUELLER"),
        ("S.A.R.L. Dupont", "DUPONT"),
        ("Ets Martin S.A.", "ETS MARTIN"),
        ("VIR SEPA Boulangerie Lefèvre SARL", "BOULANGERIE LEFEVRE"),
        ("Straße Bau GmbH", "STRASSE BAU"),
        ("O'Neil & Co.", "O NEIL"),
    ],
)
def test_names_are_normalised(name: str, expected: str) -> None:
    assert normalise_name(name) == expected


@pytest.mark.parametrize("name", ["", "VIREMENT", "VIR SEPA", "NOTPROVIDED", "SEPA 12345", "AB SA"])
def test_generic_or_empty_names_give_no_key(name: str) -> None:
    assert name_key(name) is None
    assert derive_key(tx("T1", counterparty=name)) is None


def test_name_literal_is_a_piece_of_the_folded_original() -> None:
    key = name_key("VIR SEPA O'Neil & Co.")
    assert key is not None
    assert key.value == "O NEIL CO"
    assert key.literal == "O'NEIL & CO"  # what `counterparty contains` must find in the line
    assert key.bounded  # a closing legal form: `CO` must not fire on `CORP`


def test_keys_compare_by_kind_and_value_only() -> None:
    a = LearnKey(KeyKind.NAME, "MULLER", "MULLER")
    b = LearnKey(KeyKind.NAME, "MULLER", "MÜLLER")
    assert a == b
    assert LearnKey.parse("name:MULLER") == a
    with pytest.raises(ValueError, match="unknown key kind"):
        LearnKey.parse("bic:POFICHBEXXX")


def test_same_party_ignores_case_accents_and_legal_form() -> None:
    assert same_party("Müller AG", "MULLER")
    assert not same_party("Müller AG", "Meier AG")
