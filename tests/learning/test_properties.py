"""Property tests: whatever a bank writes as a name, a learned rule compiles and fires on it."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bankrec.learning import learn
from bankrec.learning.keys import name_key
from dsl import compile_rules

from .helpers import accept, tx

NAMES = st.text(
    alphabet=st.sampled_from(list("abcXYZéèüößæœøıİŉﬁ ÀÇ'\"\\.,&-/()0123456789#=>")),
    min_size=0,
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(counterparty=NAMES, party=NAMES.filter(lambda p: p.strip() != ""))
def test_any_learned_name_rule_compiles_and_fires_on_its_line(
    counterparty: str, party: str
) -> None:
    line = tx("T1", counterparty=counterparty)
    result = learn([accept("T1", party=party)], [line], [], today=dt.date(2026, 11, 23))
    rules = compile_rules(result.text, "learned.rules")
    if name_key(counterparty) is None:
        assert rules.rules == ()
        return
    assert len(rules.rules) == 1
    outcome = rules.evaluate(line.rule_fields())
    assert outcome.party == " ".join(party.split())
    assert outcome.confidence == 5
