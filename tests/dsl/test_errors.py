"""Each kind of mistake is refused with its position, what was expected and a hint."""

from __future__ import annotations

import pytest

from dsl import Diagnostic, RuleError, RuleFileError, compile_rules
from tests.dsl.helpers import errors


def diagnostics(text: str, fmt: str = "rules") -> list[Diagnostic]:
    with pytest.raises(RuleFileError) as info:
        compile_rules(text, "x.rules", fmt=fmt)
    return info.value.diagnostics


def test_unknown_field_suggests_the_near_miss() -> None:
    (d,) = diagnostics("lable contains 'x' => ignore")
    assert (d.line, d.column, d.message) == (1, 1, "unknown field 'lable'")
    assert d.suggestion == "did you mean 'label'?"
    assert "counterparty" in d.expected


def test_unknown_action_suggests_the_near_miss() -> None:
    (d,) = diagnostics("label contains 'x' => ignor")
    assert (d.column, d.message, d.suggestion) == (
        23,
        "unknown action 'ignor'",
        "did you mean 'ignore'?",
    )


def test_unknown_operator_suggests_the_near_miss() -> None:
    (d,) = diagnostics("label contain 'x' => ignore")
    assert (d.column, d.message, d.suggestion) == (
        7,
        "unknown operator 'contain'",
        "did you mean 'contains'?",
    )


def test_every_error_of_a_file_is_reported() -> None:
    text = "lable contains 'x' => ignore\nlabel contains 'ok' => stop\namount > 'x' => ignor\n"
    assert errors(text) == [
        "1:1: unknown field 'lable'",
        "3:10: amount needs a number, got string 'x'",
        "3:17: unknown action 'ignor'",
    ]


def test_between_low_above_high() -> None:
    (d,) = diagnostics("amount between 10 and 5 => ignore")
    assert d.message == "empty range: 10 is greater than 5"
    assert d.suggestion == "write 'between 5 and 10'"
    assert errors("date between 2026-02-01 and 2026-01-01 => ignore") == [
        "1:14: empty range: 2026-02-01 is greater than 2026-01-01"
    ]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "amount contains 'x' => ignore",
            "1:8: 'contains' does not work on amount, which is a number",
        ),
        (
            "amount matches 'x' => ignore",
            "1:8: 'matches' does not work on amount, which is a number",
        ),
        (
            "date startswith '2026' => ignore",
            "1:6: 'startswith' does not work on date, which is a date",
        ),
        ("label < 5 => ignore", "1:7: '<' does not work on label, which is text"),
        ("label between 1 and 2 => ignore", "1:7: 'between' does not work on label, which is text"),
        ("amount = 'x' => ignore", "1:10: amount needs a number, got string 'x'"),
        ("amount < 2026-01-01 => ignore", "1:10: amount needs a number, got date 2026-01-01"),
        ("date > 5 => ignore", "1:8: date needs a date, got number 5"),
        ("date = 2026-02-30 => ignore", "1:8: not a valid date: 2026-02-30"),
        ("direction = up => ignore", "1:13: direction is 'in' or 'out', not 'up'"),
        (
            "direction > in => ignore",
            "1:11: '>' does not work on direction, which is a direction (in/out)",
        ),
        ("label in 'x' => ignore", "1:7: 'in' needs a list"),
        ("label contains ['a', 'b'] => ignore", "1:7: 'contains' takes one value, not a list"),
        ("label not = 'x' => ignore", "1:11: 'not =' is not an operator"),
        ("label matches x => ignore", "1:15: a regex must be quoted"),
    ],
)
def test_type_errors(rule: str, message: str) -> None:
    assert errors(rule)[0] == message


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("label contains 'x' => kind expence", "1:28: unknown kind 'expence'"),
        (
            "label contains 'x' => confidence 10",
            "1:34: confidence needs a signed whole number, got 10",
        ),
        (
            "label contains 'x' => confidence+1.5",
            "1:33: confidence needs a signed whole number, got +1.5",
        ),
        (
            "label contains 'x' => confidence+500",
            "1:33: confidence change +500 is outside -100..+100",
        ),
        ("label contains 'x' => confidence", "1:23: 'confidence' needs a value"),
        ("label contains 'x' => party", "1:23: 'party' needs a value"),
        ("label contains 'x' => party ''", "1:29: 'party' needs a non-empty value"),
        ("label contains 'x' => ignore now", "1:30: 'ignore' takes no value"),
        ("label contains 'x' => party EDF SA", "1:33: unexpected word 'SA'"),
    ],
)
def test_action_errors(rule: str, message: str) -> None:
    assert errors(rule)[0] == message


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("label contains 'x", "1:16: text is not closed: the closing quote is missing"),
        ("label contains 'x'", "1:19: missing '=>' and the actions"),
        ("label contains 'x' =>", "1:22: rule ends too early"),
        ("label contains 'x' => ignore,", "1:30: rule ends too early"),
        ("(label contains 'x' => ignore", "1:21: unexpected '=>'"),
        ("label == 'x' => ignore", "1:8: unexpected '='"),
        ("label contains 'x' and => ignore", "1:24: unexpected '=>'"),
        ("label contains 'x' => ignore; stop", "1:29: unexpected character ';'"),
    ],
)
def test_syntax_errors(rule: str, message: str) -> None:
    assert errors(rule)[0] == message


def test_rule_file_error_is_a_rule_error_with_full_report() -> None:
    with pytest.raises(RuleError) as info:
        compile_rules("lable contains 'x' => ignore\namount > 'x' => ignore", "f.rules")
    report = str(info.value)
    assert report.splitlines()[0] == "f.rules:1:1: unknown field 'lable'"
    assert "    lable contains 'x' => ignore\n    ^^^^^" in report
    assert report.endswith("2 errors; no rules were loaded")


def test_unknown_format_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="fmt"):
        compile_rules("label contains 'x' => ignore", fmt="json")
