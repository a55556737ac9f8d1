"""YAML rule files: positions inside rule strings, structure errors, Decimal examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dsl import RuleFileError, compile_rules
from tests.dsl.helpers import errors, tx

HEAD = "rules:\n  - rule: 'amount < 0 => ignore'\n    examples:\n"
GOOD = """\
rules:
  - name: edf
    rule: "label contains 'ELECTRICITE DE FRANCE' => party EDF, confidence+20"
    examples:
      - {label: "PRLV SEPA ELECTRICITE DE FRANCE ECH/150326", amount: -84.20, expect: {party: EDF}}
  - "label matches '^CB .* STATION' => account 606100"
"""


def test_yaml_rules_with_names_locations_and_examples() -> None:
    ruleset = compile_rules(GOOD, "rules/energy.yaml", fmt="yaml")
    edf, station = ruleset.rules
    assert (edf.name, edf.location) == ("edf", "rules/energy.yaml:3")
    assert station.name == station.location == "rules/energy.yaml:6"
    (example,) = edf.examples
    assert example.fields["amount"] == Decimal("-84.20")
    assert isinstance(example.fields["amount"], Decimal)
    assert example.expect == {"party": "EDF"}
    assert (example.line, example.rule_location) == (5, "rules/energy.yaml:3")
    assert ruleset.evaluate(tx("CB TOTAL STATION 12")).account == "606100"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules:\n  - \"lable contains 'x' => ignore\"\n", "2:6: unknown field 'lable'"),
        ("rules:\n  - 'label contains ''x'' => ignor'\n", "2:30: unknown action 'ignor'"),
        ("rules:\n  - label contains 'x' => ignor\n", "2:27: unknown action 'ignor'"),
        (
            "rules:\n  - rule: |\n      label contains 'x'\n        and amount > 'y' => ignore\n",
            "4:22: amount needs a number, got string 'y'",
        ),
        (
            "rules:\n  - rule: >-\n      label contains 'x'\n      and lable = 'y' => ignore\n",
            "4:11: unknown field 'lable'",
        ),
    ],
)
def test_errors_in_rule_strings_point_into_the_yaml_file(text: str, message: str) -> None:
    assert errors(text, "r.yaml", "yaml")[0] == message


def test_caret_is_drawn_under_the_yaml_line() -> None:
    with pytest.raises(RuleFileError) as info:
        compile_rules("rules:\n  - rule: \"lable contains 'x' => ignore\"\n", "r.yaml", fmt="yaml")
    (d,) = info.value.diagnostics
    assert d.render().splitlines()[1:3] == [
        "      - rule: \"lable contains 'x' => ignore\"",
        "               ^^^^^",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules:\n  - rule: 'label contains 'x''\n", "2:28: YAML syntax error"),
        ("rules: [\n", "2:1: YAML syntax error"),
        ('rulez:\n  - "amount < 0 => ignore"\n', "1:1: unknown key 'rulez'"),
        ('- "amount < 0 => ignore"\n', "1:1: a rules file must be a mapping"),
        ("rules: 5\n", "1:8: 'rules' must be a list"),
        ("rules:\n  - name: x\n", "2:5: rule entry has no 'rule:'"),
        (
            "rules:\n  - rule: 'amount < 0 => ignore'\n    exemples: []\n",
            "3:5: unknown key 'exemples' in rule",
        ),
        (
            "rules:\n  - rule: 'amount < 0 => ignore'\n    rule: 'amount > 0 => stop'\n",
            "3:5: duplicate key 'rule'",
        ),
        (
            HEAD + "      - {lable: x, expect: {ignore: true}}\n",
            "4:10: unknown field 'lable' in example",
        ),
        (
            HEAD + "      - {amount: abc, expect: {ignore: true}}\n",
            "4:18: amount is not a number: 'abc'",
        ),
        (
            HEAD + "      - {amount: -1, expect: {ignored: true}}\n",
            "4:31: unknown key 'ignored' in expect",
        ),
        (
            HEAD + "      - {amount: -1}\n",
            "4:9: example has no 'expect:'",
        ),
        (
            HEAD + "      - {amount: -1, expect: {ignore: maybe}}\n",
            "4:39: 'ignore' must be true or false, not 'maybe'",
        ),
    ],
)
def test_yaml_structure_errors(text: str, message: str) -> None:
    found = errors(text, "r.yaml", "yaml")[0]
    assert found.startswith(message), found


def test_yaml_unknown_key_suggestion() -> None:
    with pytest.raises(RuleFileError) as info:
        compile_rules(
            "rules:\n  - rule: 'amount < 0 => ignore'\n    exemples: []\n", "r.yaml", fmt="yaml"
        )
    assert info.value.diagnostics[0].suggestion == "did you mean 'examples'?"


def test_empty_yaml_file_has_no_rules() -> None:
    assert len(compile_rules("", "e.yaml", fmt="yaml")) == 0
    assert len(compile_rules("rules:\n", "e.yaml", fmt="yaml")) == 0
