"""``matches``: RE2 (linear time), bad patterns refused at load, invoice capture."""

from __future__ import annotations

import time

import pytest

from dsl import compile_rules
from dsl.regex import MAX_PATTERN_LENGTH, RegexRejected, compile_regex, required_literal
from tests.dsl.helpers import errors, run, tx


def test_named_group_captures_the_invoice_number() -> None:
    rule = r"label matches 'FACT(?:URE)?\s*(?P<invoice>F-\d{4}-\d+)' => confidence+10"
    outcome = run(rule, tx("VIR ACME FACTURE F-2026-0042 MERCI", "1200"))
    assert outcome.invoice == "F-2026-0042"
    assert [(e.action, e.value) for e in outcome.effects] == [
        ("invoice", "F-2026-0042"),
        ("confidence", 10),
    ]
    assert outcome.provenance("invoice") == "t.rules:1"


def test_capture_from_a_rule_that_does_not_fire_is_dropped() -> None:
    text = (
        r"label matches '(?P<invoice>INV\d+)' and amount > 0 => tag paid" + "\n"
        r"label matches 'REF (?P<invoice>\d+)' => tag ref"
    )
    outcome = run(text, tx("INV77 REF 123", "-5"))
    assert outcome.tags == ("ref",)
    assert outcome.invoice == "123"


def test_first_invoice_wins_and_later_one_conflicts() -> None:
    text = (
        r"label matches '(?P<invoice>INV\d+)' => tag a"
        + "\n"
        + r"label matches 'INV\d+ (?P<invoice>INV\d+)' => tag b"
    )
    outcome = run(text, tx("INV1 INV2"))
    assert outcome.invoice == "INV1"
    assert outcome.conflicts[0].action == "invoice"
    assert outcome.conflicts[0].rejected == "INV2"


def test_catastrophic_pattern_runs_in_linear_time() -> None:
    # (a+)+$ takes exponential time in a backtracking engine on 'aaaa...b'
    ruleset = compile_rules("label matches '(a+)+$' => tag hit")
    label = "a" * 5000 + "!"
    started = time.perf_counter()
    outcome = ruleset.evaluate(tx(label))
    elapsed = time.perf_counter() - started
    assert outcome.tags == ()  # 'a+' anchored at the end cannot match before '!'
    assert elapsed < 1.0  # a backtracking engine would not finish; RE2 answers at once
    assert ruleset.evaluate(tx("a" * 5000)).tags == ("hit",)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(a)\\1", "backreferences are not supported"),
        ("(?=a)b", "lookaround is not supported"),
        ("(?<!a)b", "lookaround is not supported"),
        ("[a", "invalid regex: missing ]"),
        ("a{5000}", "invalid regex: invalid repetition size"),
        ("", "regex is empty"),
        ("x" * (MAX_PATTERN_LENGTH + 1), "longer than"),
    ],
)
def test_bad_regexes_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(RegexRejected, match=message.replace("(", r"\(")):
        compile_regex(pattern)


def test_bad_regex_is_a_rule_error_at_the_pattern() -> None:
    assert errors("label contains 'x' => tag a\nlabel matches '(a' => ignore") == [
        "2:15: invalid regex: missing ): (a"
    ]


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        ("^CB .* STATION", "station"),
        ("FACTURE (?P<invoice>\\d+)", "facture"),
        ("abc|defgh", None),
        ("ab", None),
        ("colou?r chart", "r chart"),
        ("xx+yzw", "yzw"),
        ("x+yz", None),
        ("[abc]def", "def"),
        ("(?i)station", None),
        ("a\\Qb.c\\E", None),
    ],
)
def test_required_literal(pattern: str, literal: str | None) -> None:
    assert required_literal(pattern) == literal
