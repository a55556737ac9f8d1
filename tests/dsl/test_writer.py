"""Learned rules are written as ordinary rule text that compiles back to the same effect."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dsl import compile_rules, format_rule, quote
from tests.dsl.helpers import tx


def test_learned_rule_text_matches_the_contract_example() -> None:
    text = format_rule(
        {"iban": "CH9300762011623852957"},
        party="Müller AG",
        confidence=10,
        comment="learned: 4 validations, last 2026-11-02",
    )
    assert text == (
        "# learned: 4 validations, last 2026-11-02\n"
        "iban = 'CH9300762011623852957' => party 'Müller AG', confidence+10"
    )
    outcome = compile_rules(text, "learned.rules").evaluate(tx(iban="CH93 0076 2011 6238 5295 7"))
    assert (outcome.party, outcome.confidence) == ("Müller AG", 10)
    assert outcome.matched == ("learned.rules:2",)


def test_awkward_text_round_trips() -> None:
    name = 'O\'Brien \\ Söhne "GmbH"'
    text = format_rule(
        [("counterparty", "=", name), ("amount", "between", (Decimal("-500"), Decimal("0.5")))],
        account="401 000",
        category="suppliers",
        kind="expense",
        confidence=-15,
        tags=["learned", "two words"],
        stop=True,
    )
    ruleset = compile_rules(text)
    outcome = ruleset.evaluate(tx(counterparty=name, amount="-12.00"))
    assert outcome.account == "401 000"
    assert outcome.kind == "expense" and outcome.category == "suppliers"
    assert outcome.confidence == -15
    assert outcome.tags == ("learned", "two words")
    assert outcome.stopped_at == "<text>:1"


def test_dates_and_lists() -> None:
    text = format_rule(
        [("date", ">=", dt.date(2026, 1, 1)), ("currency", "in", ["EUR", "CHF"])], ignore=True
    )
    assert text == "date >= 2026-01-01 and currency in ['EUR', 'CHF'] => ignore"
    assert compile_rules(text).evaluate(tx(currency="CHF")).ignore is True


@pytest.mark.parametrize(
    ("conditions", "kwargs", "message"),
    [
        ({"lable": "x"}, {"party": "P"}, "would not compile"),
        ({"label": "x"}, {}, "at least one action"),
        ({}, {"party": "P"}, "at least one condition"),
        ({"amount": 1.5}, {"party": "P"}, "float"),
        ({"label": "a\nb"}, {"party": "P"}, "line breaks"),
        ({"label": "x"}, {"kind": "gift"}, "would not compile"),
    ],
)
def test_writer_refuses_what_the_loader_would_refuse(
    conditions: dict[str, object], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        format_rule(conditions, **kwargs)  # type: ignore[arg-type]


def test_quote_escapes() -> None:
    assert quote("it's") == "'it\\'s'"
    assert quote("a\\b") == "'a\\\\b'"
