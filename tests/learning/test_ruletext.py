"""The surgical rule editor: finds party and confidence outside quotes and comments."""

from __future__ import annotations

import pytest

from bankrec.learning.ruletext import quote, rule_party, unquote, with_confidence

TRICKY = (
    r"counterparty contains 'O\'NEIL, =>' => party 'O\'Neil, confidence+5 Ltd',"
    r"  confidence+5 , tag x # note, confidence+1"
)


def test_party_is_read_from_the_actions_not_from_quotes() -> None:
    assert rule_party(TRICKY) == "O'Neil, confidence+5 Ltd"
    assert rule_party("iban = 'X' => party EDF, confidence+5") == "EDF"
    assert rule_party('iban = "a=>b" => party "A\\"B"') == 'A"B'
    assert rule_party("iban = 'X' => account 606400") is None
    assert rule_party("no arrow here") is None


def test_only_the_confidence_action_changes() -> None:
    assert with_confidence(TRICKY, -10) == TRICKY.replace(
        "  confidence+5 , tag", "  confidence-10 , tag"
    )
    assert with_confidence("iban = 'X' => party A, confidence + 15", 20) == (
        "iban = 'X' => party A, confidence+20"
    )


def test_a_rule_without_confidence_is_left_alone() -> None:
    rule = "iban = 'X' => party A, tag vip"
    assert with_confidence(rule, 25) == rule


@pytest.mark.parametrize("text", ["O'Neil", "back\\slash", 'dou"ble', "plain"])
def test_quote_round_trips(text: str) -> None:
    assert unquote(quote(text)) == text


def test_quote_folds_line_breaks() -> None:
    assert quote("Müller\nAG") == "'Müller AG'"
