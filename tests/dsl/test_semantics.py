"""Evaluation semantics: order, stop, confidence, first-wins with conflicts, provenance."""

from __future__ import annotations

import datetime as dt

import pytest

from dsl import compile_rules, load_rules
from tests.dsl.helpers import run, tx

RULES = """\
# fees and energy
label contains 'FRAIS' and amount < 0 => ignore
label contains 'ELECTRICITE DE FRANCE' => party EDF, confidence+20
counterparty startswith 'AMAZON' and amount between -500 and 0 => account 606400, stop
label contains 'AMAZON' => party 'Amazon EU', confidence+5
"""


def test_rules_fire_in_file_order_with_provenance() -> None:
    outcome = run(RULES, tx("FRAIS ELECTRICITE DE FRANCE", "-3.00"), "rules/fees.rules")
    assert outcome.matched == ("rules/fees.rules:2", "rules/fees.rules:3")
    assert outcome.ignore is True
    assert outcome.party == "EDF"
    assert outcome.confidence == 20
    assert outcome.provenance("party") == "rules/fees.rules:3"
    assert outcome.provenance("ignore") == "rules/fees.rules:2"
    assert [(e.action, e.provenance) for e in outcome.effects] == [
        ("ignore", "rules/fees.rules:2"),
        ("party", "rules/fees.rules:3"),
        ("confidence", "rules/fees.rules:3"),
    ]


def test_stop_prevents_later_rules() -> None:
    fields = tx("CB AMAZON MKTPLACE", "-42.00", counterparty="Amazon Payments")
    outcome = run(RULES, fields)
    assert outcome.matched == ("t.rules:4",)
    assert outcome.stopped_at == "t.rules:4"
    assert outcome.account == "606400"
    assert outcome.party is None  # the later 'Amazon EU' rule never ran
    # outside the amount range the stopping rule does not match, so the next one runs
    later = run(RULES, tx("CB AMAZON MKTPLACE", "-900.00", counterparty="Amazon Payments"))
    assert later.matched == ("t.rules:5",)
    assert later.party == "Amazon EU"
    assert later.stopped_at is None


def test_confidence_deltas_add_up_unclamped() -> None:
    text = "\n".join(["label contains 'x' => confidence+60"] * 3 + ["amount < 0 => confidence-7"])
    assert run(text, tx("x", "-1")).confidence == 173
    negative = "label contains 'x' => confidence-80\nlabel contains 'x' => confidence-80"
    assert run(negative, tx("x")).confidence == -160


def test_first_party_wins_and_conflict_is_traced() -> None:
    text = (
        "label contains 'EDF' => party EDF, account 401EDF\n"
        "counterparty = 'electricite de france' => party 'Électricité de France', account 401EDF\n"
        "label contains 'EDF' => party EDF\n"
    )
    outcome = run(text, tx("PRLV EDF", counterparty="ELECTRICITE DE FRANCE"), "e.rules")
    assert outcome.party == "EDF"
    assert outcome.account == "401EDF"
    assert outcome.provenance("party") == "e.rules:1"
    assert len(outcome.conflicts) == 1  # same account and same party again are no conflict
    conflict = outcome.conflicts[0]
    assert (conflict.action, conflict.kept, conflict.kept_at) == ("party", "EDF", "e.rules:1")
    assert (conflict.rejected, conflict.rejected_at) == ("Électricité de France", "e.rules:2")


def test_tags_accumulate_without_duplicates() -> None:
    text = "amount < 0 => tag out, tag review\nlabel contains 'a' => tag review, tag a"
    outcome = run(text, tx("a", "-1"))
    assert outcome.tags == ("out", "review", "a")
    assert outcome.provenance("tag") == "t.rules:1, t.rules:2"


def test_kind_category_and_flags() -> None:
    text = "label contains 'agios' => kind expense, category interest, tag bank"
    outcome = run(text, tx("AGIOS T1", "-3"))
    assert (outcome.kind, outcome.category, outcome.tags) == ("expense", "interest", ("bank",))
    assert outcome.ignore is False


def test_no_match_gives_empty_outcome() -> None:
    outcome = run(RULES, tx("VIREMENT CLIENT", "100"))
    assert outcome.matched == ()
    assert outcome.party is None and outcome.confidence == 0 and outcome.effects == ()
    assert outcome.provenance("party") is None


def test_files_run_in_the_order_given(tmp_path: pytest.TempPathFactory) -> None:
    from pathlib import Path

    base = Path(str(tmp_path))
    (base / "a.rules").write_text("label contains 'x' => party A\n")
    (base / "b.rules").write_text("label contains 'x' => party B\n")
    first = load_rules([base / "b.rules", base / "a.rules"]).evaluate(tx("x"))
    assert first.party == "B"
    assert first.conflicts[0].rejected == "A"
    assert first.provenance("party") == f"{base / 'b.rules'}:1"
    # a folder gives its files sorted by name
    folder = load_rules([base]).evaluate(tx("x"))
    assert folder.party == "A"


def test_location_keeps_the_path_as_given(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    base = Path(str(tmp_path))
    (base / "rules").mkdir()
    (base / "rules" / "fees.rules").write_text("\n\n# comment\nlabel contains 'fee' => ignore\n")
    monkeypatch.chdir(base)
    ruleset = load_rules(["rules/fees.rules"])
    assert ruleset.rules[0].location == "rules/fees.rules:4"
    assert load_rules(["rules"]).rules[0].location == "rules/fees.rules:4"
    assert load_rules(["./rules/"]).rules[0].location == "./rules/fees.rules:4"


def test_numbers_are_decimal_and_exact() -> None:
    text = "amount = -84.20 => tag exact\namount between 0.1 and 0.3 => tag small"
    assert run(text, tx("", "-84.2")).tags == ("exact",)
    assert run(text, tx("", "0.30")).tags == ("small",)
    assert run(text, tx("", "0.31")).tags == ()


def test_float_amounts_are_refused() -> None:
    ruleset = compile_rules("amount < 0 => ignore")
    with pytest.raises(TypeError, match="float"):
        ruleset.evaluate({"amount": -1.5})


def test_dates_and_direction() -> None:
    text = (
        "date >= 2026-03-01 and date < 2026-04-01 => tag march\n"
        "direction = in => tag in\n"
        "direction in [out] => tag out\n"
        "date between 2026-01-01 and 2026-01-31 => tag january"
    )
    march = run(text, tx("", "5", date=dt.date(2026, 3, 31)))
    assert march.tags == ("march", "in")
    january = run(text, tx("", "-5", date=dt.date(2026, 1, 1)))
    assert january.tags == ("out", "january")


def test_in_lists_and_not() -> None:
    text = (
        "currency in [usd, 'CHF'] => tag foreign\n"
        "not (label contains 'salaire' or label contains 'gehalt') and amount > 0 => tag income\n"
        "label not contains 'sepa' => tag nosepa\n"
        "amount in [10, 20.5] => tag listed\n"
        "label != 'x' => tag notx"
    )
    assert run(text, tx("VIR SEPA", "20.50", currency="CHF")).tags == (
        "foreign",
        "income",
        "listed",
        "notx",
    )
    assert run(text, tx("Gehalt März", "10")).tags == ("nosepa", "listed", "notx")
    assert run(text, tx("x", "-1")).tags == ("nosepa",)


def test_missing_fields_never_match_comparisons() -> None:
    ruleset = compile_rules(
        "amount < 0 => tag neg\ndate > 2020-01-01 => tag dated\nlabel = '' => tag empty"
    )
    outcome = ruleset.evaluate({})
    assert outcome.tags == ("empty",)


def test_evaluate_is_pure_and_repeatable() -> None:
    ruleset = compile_rules(RULES)
    fields = tx("FRAIS ELECTRICITE DE FRANCE", "-3.00")
    assert ruleset.evaluate(fields) == ruleset.evaluate(fields)
    assert fields["label"] == "FRAIS ELECTRICITE DE FRANCE"


def test_evaluate_from_threads_gives_same_results() -> None:
    from concurrent.futures import ThreadPoolExecutor

    ruleset = compile_rules(RULES + "label matches 'F-(?P<invoice>\\d+)' => tag inv\n")
    inputs = [tx(f"FRAIS F-{i} ELECTRICITE DE FRANCE", f"-{i}.00") for i in range(1, 200)]
    expected = [ruleset.evaluate(f) for f in inputs]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(ruleset.evaluate, inputs))
    assert got == expected
    assert got[41].invoice == "42"


def test_rule_text_and_name() -> None:
    ruleset = compile_rules("label contains 'a'   and amount < 0   => ignore  # trailing comment")
    rule = ruleset.rules[0]
    assert rule.text == "label contains 'a' and amount < 0 => ignore"
    assert rule.name == "<text>:1"
    assert rule.matches(tx("A", "-1"))
    assert not rule.matches(tx("A", "1"))


def test_continuation_lines() -> None:
    text = (
        "label contains 'a'\n    and amount < 0\n    # note\n    => ignore\n"
        "label contains 'b' => stop\n"
    )
    ruleset = compile_rules(text, "c.rules")
    assert [r.location for r in ruleset.rules] == ["c.rules:1", "c.rules:5"]
    assert ruleset.evaluate(tx("a", "-1")).ignore is True
    assert ruleset.evaluate(tx("a", "1")).ignore is False
