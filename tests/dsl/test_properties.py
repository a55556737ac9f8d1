"""Property tests: any text, however mangled, either compiles or raises a clean RuleError;
and the literal prefilter never changes a result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl import RuleError, RuleSet, compile_rules

VALID = [
    "label contains 'FRAIS' and amount < 0 => ignore",
    "label contains 'ELECTRICITE DE FRANCE' => party EDF, confidence+20",
    "counterparty startswith 'AMAZON' and amount between -500 and 0 => account 606400, stop",
    "label matches '^CB (?P<invoice>\\d+) .* STATION' => account 606100, tag fuel",
    "not (label contains 'x' or iban = 'FR76 3000') and date >= 2026-01-01 => kind fee",
    "currency in [EUR, 'CHF'] and direction = out => category bank, confidence-5",
]
YAML_VALID = """rules:
  - name: edf
    rule: "label contains 'EDF' => party EDF"
    examples:
      - {label: "PRLV EDF", amount: -84.20, expect: {party: EDF}}
"""
ALPHABET = st.sampled_from(list("abcdeilnorstxyz ()[]'\",.=<>!+-_#:0123456789\n\t\\|*?^$é=>"))


def compiles_or_rule_error(text: str, fmt: str = "rules") -> None:
    try:
        result = compile_rules(text, "p.rules", fmt=fmt)
    except RuleError as exc:
        assert str(exc)  # a readable report, never an empty message
        for d in exc.diagnostics:  # type: ignore[attr-defined]
            assert d.line >= 1 and d.column >= 1
    else:
        assert isinstance(result, RuleSet)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=120))
def test_random_text_only_raises_rule_errors(text: str) -> None:
    compiles_or_rule_error(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80))
def test_rule_like_noise_only_raises_rule_errors(text: str) -> None:
    compiles_or_rule_error(text)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        ch = draw(ALPHABET)
        if op == "insert":
            text = text[:pos] + ch + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + 1 :]
        else:
            text = text[:pos] + ch + text[pos + 1 :]
    return text


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_mutated_rules_only_raise_rule_errors(text: str) -> None:
    compiles_or_rule_error(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(YAML_VALID)), st.text(alphabet=ALPHABET, max_size=3))
def test_mutated_yaml_only_raises_rule_errors(pos: int, insert: str) -> None:
    compiles_or_rule_error(YAML_VALID[:pos] + insert + YAML_VALID[pos:], fmt="yaml")


WORDS = ["frais", "edf", "amazon", "cb", "sepa", "prlv", "agios", "tva", "station", "é", "x1"]
word = st.sampled_from(WORDS)


@st.composite
def rule_text(draw: st.DrawFn) -> str:
    field = draw(st.sampled_from(["label", "counterparty", "reference"]))
    op = draw(st.sampled_from(["contains", "startswith", "endswith", "=", "not contains"]))
    cond = f"{field} {op} '{draw(word)}'"
    if draw(st.booleans()):
        joiner = draw(st.sampled_from(["and", "or"]))
        cond = f"({cond} {joiner} label contains '{draw(word)} {draw(word)}')"
    if draw(st.booleans()):
        cond += f" and amount {draw(st.sampled_from(['<', '>=']))} 0"
    if draw(st.booleans()):
        cond = f"{cond} or label in ['{draw(word)}', '{draw(word)}']"
    action = draw(
        st.sampled_from(["party P", "party Q", "ignore", "confidence+5", "tag t", "stop"])
    )
    return f"{cond} => {action}"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(rule_text(), min_size=1, max_size=25),
    st.lists(st.lists(word, max_size=5).map(" ".join), min_size=1, max_size=10),
    st.integers(-5, 5),
)
def test_prefilter_gives_the_same_outcome_as_trying_every_rule(
    rules: list[str], labels: list[str], cents: int
) -> None:
    ruleset = compile_rules("\n".join(rules))
    for label in labels:
        fields = {
            "label": label.upper(),
            "counterparty": label,
            "reference": label[::-1],
            "amount": Decimal(cents) / 100,
            "date": dt.date(2026, 1, 1),
        }
        assert ruleset.evaluate(fields) == ruleset.evaluate(fields, exhaustive=True)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_yaml_only_raises_rule_errors(text: str) -> None:
    compiles_or_rule_error(text, fmt="yaml")
