"""YAML ``examples`` are checked against the whole rule set."""

from __future__ import annotations

from dsl import check_examples, compile_rules

PACK = """\
rules:
  - name: stopper
    rule: "label contains 'FRAIS' => kind fee, stop"
    examples:
      - {label: "FRAIS CARTE", amount: -3, expect: {kind: fee, ignore: false}}
  - name: shadowed
    rule: "label contains 'CARTE' => category card"
    examples:
      - {label: "FRAIS CARTE", amount: -3, expect: {category: card}}
      - {label: "CARTE", amount: -3, expect: {category: card, confidence: 0, tags: []}}
      - {label: "VIREMENT", expect: {fires: false, category: null}}
  - name: wrong
    rule: "label contains 'AGIOS' => tag bank, confidence+5"
    examples:
      - {label: "AGIOS", expect: {tags: [bank, interest], confidence: 7, invoice: X}}
"""


def test_examples_pass_and_fail_with_reasons() -> None:
    ran, failures = check_examples(compile_rules(PACK, "p.yaml", fmt="yaml"))
    assert ran == 5
    assert [(f.line, f.column) for f in failures] == [(9, 9), (15, 9)]
    shadowed, wrong = failures
    assert shadowed.message == (
        "example 1 of rule 'shadowed' fails: expected the rule to fire but it did not; "
        "expected category 'card', got None"
    )
    assert shadowed.suggestion == "rules that fired: p.yaml:3"
    assert "expected tags ['interest'], got ['bank']" in wrong.message
    assert "expected confidence 7, got 5" in wrong.message
    assert "expected invoice 'X', got None" in wrong.message
    assert shadowed.render().splitlines()[0].startswith("p.yaml:9:9: example 1 of rule 'shadowed'")
