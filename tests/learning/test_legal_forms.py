"""Partners differing only by legal form are two payers; spelling variants of one are one.

``Acme plc`` and ``Acme Limited`` are two partners in any ERP: learning must give them two
rules, each firing on its own spelling only. ``ACME PLC`` and ``Acme plc.`` are the same
partner written with other case and punctuation: one rule, two validations.
"""

from __future__ import annotations

import datetime as dt

from bankrec.learning import ChangeKind, learn
from bankrec.learning.keys import derive_key
from dsl import compile_rules

from .helpers import accept, item, tx

TODAY = dt.date(2026, 11, 23)

LINES = [
    tx("T1", counterparty="ACME PLC", day="2026-11-02"),
    tx("T2", counterparty="Acme plc.", day="2026-11-03"),
    tx("T3", counterparty="ACME LIMITED", day="2026-11-04"),
]
ITEMS = [item("I1", "Acme plc"), item("I2", "Acme plc"), item("I3", "Acme Limited")]
GOLDEN = """\
# learned: 1 validation, last 2026-11-04
# learned-key: name:ACME LIMITED
(counterparty contains 'ACME LIMITED ' or counterparty contains 'ACME LIMITED.' \
or counterparty endswith 'ACME LIMITED') => party 'Acme Limited', confidence+5

# learned: 2 validations, last 2026-11-03
# learned-key: name:ACME PLC
(counterparty contains 'ACME PLC ' or counterparty contains 'ACME PLC.' \
or counterparty endswith 'ACME PLC') => party 'Acme plc', confidence+10
"""


def _learn() -> str:
    decisions = [accept("T1", "I1"), accept("T2", "I2"), accept("T3", "I3")]
    return learn(decisions, LINES, ITEMS, today=TODAY).text


def test_legal_form_twins_learn_two_rules_and_spelling_variants_one() -> None:
    text = _learn()
    body = text[text.index("\n# learned: ") + 1 :]  # after the header
    assert body == GOLDEN


def test_each_twin_rule_fires_on_its_own_spelling_only() -> None:
    rules = compile_rules(_learn(), "learned.rules")
    for counterparty, party in [
        ("ACME PLC", "Acme plc"),
        ("Acme plc.", "Acme plc"),
        ("ACME PLC LONDON", "Acme plc"),
        ("ACME LIMITED", "Acme Limited"),
        ("Acme Limited", "Acme Limited"),
        ("ACME HOLDINGS", None),  # no legal form of either twin
    ]:
        outcome = rules.evaluate(tx("X", counterparty=counterparty).rule_fields())
        assert outcome.party == party, counterparty


def test_a_closing_legal_form_does_not_fire_on_a_longer_one() -> None:
    line = tx("T1", counterparty="DUPONT SA")
    text = learn([accept("T1", party="Dupont SA")], [line], [], today=TODAY).text
    rules = compile_rules(text, "learned.rules")
    assert rules.evaluate(line.rule_fields()).party == "Dupont SA"
    assert rules.evaluate(tx("T2", counterparty="DUPONT SAS").rule_fields()).party is None


def test_same_key_for_case_punctuation_and_accents() -> None:
    keys = {
        str(derive_key(tx("T", counterparty=name)))
        for name in ("ACME PLC", "Acme plc.", "acme p.l.c.", "VIR SEPA Acme PLC")
    }
    assert keys == {"name:ACME PLC"}
    assert str(derive_key(tx("T", counterparty="Müller GmbH"))) == "name:MULLER GMBH"
    assert str(derive_key(tx("T", counterparty="MULLER GMBH & CO. KG"))) == "name:MULLER GMBH CO KG"


def test_a_rule_learned_before_legal_forms_were_kept_keeps_counting() -> None:
    # a file written by an earlier bankrec: the key has no legal form
    old = (
        "# learned: 1 validation, last 2026-10-01\n"
        "# learned-key: name:ACME\n"
        "counterparty contains 'ACME' => party 'Acme plc', confidence+5\n"
    )
    result = learn([accept("T1", "I1")], LINES, ITEMS, today=TODAY, rules_text=old)
    assert [(c.kind, c.key) for c in result.changes] == [(ChangeKind.UPDATED, "name:ACME")]
    assert "name:ACME PLC" not in result.state.keys
    assert "confidence+10" in result.text
