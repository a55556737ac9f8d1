"""Learned rules are real rules: they compile, fire on the lines they came from, and make
the matcher recognise a payer it could not name before."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bankrec.learning import ChangeKind, learn, read_decisions
from bankrec.learning.known import known_ibans
from bankrec.matching import match
from bankrec.model import Status
from bankrec.results.match_json import result_to_json
from dsl import compile_rules

from .helpers import MULLER_IBAN, OTHER_IBAN, accept, item, reject, tx

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "counterparty",
    ["Müller AG", "Straße Bau GmbH", "O'Neil & Co.", "VIR SEPA Œuvre Lefèvre SARL", "S.A. Dupont"],
)
def test_learned_name_rule_compiles_and_fires_on_its_own_line(counterparty: str) -> None:
    line = tx("T1", counterparty=counterparty)
    result = learn([accept("T1", party="The Party")], [line], [], today=TODAY)
    rules = compile_rules(result.text, "learned.rules")
    assert len(rules.rules) == 1
    outcome = rules.evaluate(line.rule_fields())
    assert outcome.party == "The Party"
    assert outcome.confidence == 5
    other = rules.evaluate(tx("T2", counterparty="Someone Else").rule_fields())
    assert other.party is None


def test_dropped_and_adopted_rules_still_compile() -> None:
    lines = [tx(f"T{i}", iban=MULLER_IBAN) for i in range(3)]
    items = [item("I1", "Müller AG")]
    first = learn([accept("T0", "I1")], lines, items, today=TODAY)
    dropped = learn(
        [reject("T1", "I1"), reject("T2", "I1")],
        lines,
        items,
        today=TODAY,
        rules_text=first.text,
        state=first.state,
    )
    assert compile_rules(first.text).rules[0].text.endswith("confidence+5")
    assert compile_rules(dropped.text).rules == ()


def test_learned_iban_rule_makes_the_matcher_recognise_an_unknown_name() -> None:
    # The payer's bank sends a name the ERP does not know; only the IBAN is stable.
    history = [
        tx("H1", counterparty="M.A.G. ZUERICH", iban=MULLER_IBAN, amount="250", day="2026-10-02"),
        tx("H2", counterparty="MAG ZRH", iban=MULLER_IBAN, amount="410", day="2026-10-16"),
    ]
    old_items = [item("I1", "Müller AG", "250"), item("I2", "Müller AG", "410")]
    learned = learn([accept("H1", "I1"), accept("H2", "I2")], history, old_items, today=TODAY)
    assert known_ibans(learned.text) == {MULLER_IBAN: "Müller AG"}

    new_line = tx("N1", counterparty="MAG ZH AG", iban=MULLER_IBAN, amount="180.00",
                  day="2026-11-05", label="ZAHLUNG")  # fmt: skip
    open_items = [
        item("I3", "Müller AG", "180.00", number="RE-2026-3301"),
        item("I4", "Weber Bau GmbH", "180.00", number="RE-2026-3302"),
    ]
    before = match([new_line], open_items).decisions[0]
    rules = compile_rules(learned.text, "learned.rules")
    after = match([new_line], open_items, rules=rules).decisions[0]
    via_ibans = match([new_line], open_items, known_ibans=known_ibans(learned.text)).decisions[0]

    assert before.status is not Status.RECONCILED  # two same-amount items: no way to choose
    assert before.allocations == ()
    for decision in (after, via_ibans):
        assert decision.confidence > before.confidence
        assert [a.item_id for a in decision.allocations] == ["I3"]
        assert decision.party == "Müller AG"
    assert any("learned.rules:" in reason for reason in after.reasons)


def test_full_loop_through_an_edited_match_json(tmp_path: Path) -> None:
    """match --json -> a person validates/corrects lines -> learn -> the next match is surer."""
    lines = [
        tx("A1", counterparty="MAG ZRH", iban=MULLER_IBAN, amount="250", day="2026-10-02"),
        tx("A2", counterparty="Weber", iban=OTHER_IBAN, amount="75", day="2026-10-03"),
    ]
    items = [item("I1", "Müller AG", "250"), item("I2", "Weber Bau GmbH", "75"),
             item("I3", "Weber Bau GmbH", "75")]  # fmt: skip
    report = result_to_json(match(lines, items), lines, items)
    by_id = {line["id"]: line for line in report["lines"]}
    by_id["A1"]["matches"] = [{"item": "I1", "amount": "250"}]  # the person's correction
    by_id["A1"]["validated"] = True
    by_id["A2"]["rejected"] = True  # whatever was proposed for A2 is wrong
    edited = tmp_path / "match.json"
    edited.write_text(json.dumps(report, indent=2), encoding="utf-8")

    learned = learn(read_decisions(edited), lines, items, today=TODAY)
    created = [c for c in learned.changes if c.kind is ChangeKind.CREATED]
    assert [(c.key, c.party) for c in created] == [(f"iban:{MULLER_IBAN}", "Müller AG")]
    refused = [c for c in learned.changes if c.key == f"iban:{OTHER_IBAN}"]
    assert [(c.kind, c.counts.rejections) for c in refused] == [(ChangeKind.PENDING, 1)]

    later = tx("B1", counterparty="M A G", iban=MULLER_IBAN, amount="300", day="2026-11-05")
    new_items = [item("I7", "Müller AG", "300"), item("I8", "Dupont SA", "300")]
    before = match([later], new_items).decisions[0]
    after = match([later], new_items, rules=compile_rules(learned.text)).decisions[0]
    assert after.confidence > before.confidence
    assert [a.item_id for a in after.allocations] == ["I7"]
