"""The learning core: rules created, strengthened, weakened, dropped; people have the last word."""

from __future__ import annotations

import datetime as dt

import pytest

from bankrec.errors import InputError
from bankrec.learning import ChangeKind, LearnResult, ValidatedDecision, learn, learned_confidence
from bankrec.learning.keys import KeyKind
from bankrec.learning.known import known_ibans
from bankrec.learning.state import LearnState, parse_state
from bankrec.learning.store import parse_learned_file
from bankrec.model import OpenItem, Transaction

from .helpers import BOULANGERIE_SARL, MULLER_IBAN, OTHER_IBAN, accept, item, reject, tx

TODAY = dt.date(2026, 11, 23)
TXS = [
    tx("T1", counterparty="Müller AG", iban=MULLER_IBAN, day="2026-10-05"),
    tx("T2", counterparty="MUELLER", iban=MULLER_IBAN, day="2026-10-20"),
    tx("T3", counterparty="M. AG Zürich", iban=MULLER_IBAN, day="2026-11-02"),
    tx("T4", counterparty="", iban=MULLER_IBAN, day="2026-11-03"),
    tx("T5", counterparty="Boulangerie Lefèvre SARL", day="2026-11-04"),
    tx("T6", counterparty="VIREMENT", day="2026-11-05"),
    tx("T7", counterparty="Meier GmbH", iban=OTHER_IBAN, day="2026-11-06"),
]
ITEMS = [
    item("I1", "Müller AG"),
    item("I2", "Müller AG"),
    item("I3", "Müller AG"),
    item("I4", "Müller AG"),
    item("I5", "Boulangerie Lefèvre"),
    item("I6", "Meier GmbH"),
    item("I7", "Someone Else SA"),
]


def run(
    decisions: list[ValidatedDecision],
    previous: LearnResult | None = None,
    text: str | None = None,
    transactions: list[Transaction] = TXS,
    items: list[OpenItem] = ITEMS,
) -> LearnResult:
    """One learn pass, chained on a previous one like the files would be."""
    rules_text = text if text is not None else (previous.text if previous else "")
    state = parse_state(previous.state.to_json()) if previous else LearnState()
    return learn(decisions, transactions, items, today=TODAY, rules_text=rules_text, state=state)


def rule_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_first_validation_writes_a_readable_iban_rule() -> None:
    result = run([accept("T1", "I1")])
    assert rule_lines(result.text) == [f"iban = '{MULLER_IBAN}' => party 'Müller AG', confidence+5"]
    assert f"# learned: 1 validation, last 2026-10-05\n# learned-key: iban:{MULLER_IBAN}\n" in (
        result.text
    )
    assert [c.kind for c in result.changes] == [ChangeKind.CREATED]


def test_name_rule_when_there_is_no_iban() -> None:
    result = run([accept("T5", "I5")])
    assert rule_lines(result.text) == [
        f"{BOULANGERIE_SARL} => party 'Boulangerie Lefèvre', confidence+5"
    ]


def test_confidence_rises_with_validations_up_to_the_cap() -> None:
    first = run([accept("T1", "I1")])
    second = run([accept("T2", "I2")], first)
    assert rule_lines(second.text)[0].endswith("confidence+10")
    assert "# learned: 2 validations, last 2026-10-20" in second.text
    many = run([accept("T3", "I3"), accept("T4", "I4")], second)
    assert rule_lines(many.text)[0].endswith("confidence+20")
    assert learned_confidence(KeyKind.IBAN, 50, 0) == 25  # capped
    assert learned_confidence(KeyKind.NAME, 50, 0) == 15  # names are trusted less


def test_confidence_falls_with_a_rejection() -> None:
    learned = run([accept("T1", "I1"), accept("T2", "I2"), accept("T3", "I3")])
    assert rule_lines(learned.text)[0].endswith("confidence+15")
    rejected = run([reject("T4", "I4", day="2026-11-10")], learned)
    assert rule_lines(rejected.text)[0].endswith("confidence+10")
    assert "# learned: 3 validations, 1 rejection, last 2026-11-10" in rejected.text
    assert [c.kind for c in rejected.changes] == [ChangeKind.UPDATED]


def test_more_rejections_than_validations_drops_the_rule_to_a_comment() -> None:
    learned = run([accept("T1", "I1")])
    dropped = run([reject("T2", "I2"), reject("T3", "I3")], learned)
    assert rule_lines(dropped.text) == []
    assert f"# iban = '{MULLER_IBAN}' => party 'Müller AG', confidence-5" in dropped.text
    assert "(dropped: more rejections than validations)" in dropped.text
    assert [c.kind for c in dropped.changes] == [ChangeKind.DROPPED]
    # a further validation does not bring it back by itself
    again = run([accept("T4", "I4")], dropped)
    assert rule_lines(again.text) == []
    assert [c.kind for c in again.changes] == [ChangeKind.DISABLED]


def test_accepting_another_party_for_the_same_iban_counts_against_the_rule() -> None:
    learned = run([accept("T1", "I1"), accept("T2", "I2")])
    contradicted = run([accept("T3", "I7")], learned)
    assert "# learned: 2 validations, 1 rejection" in contradicted.text
    # rejecting another party's settlement says nothing about the Müller rule
    unrelated = run([reject("T4", "I7")], contradicted)
    assert "# learned: 2 validations, 1 rejection" in unrelated.text


def test_learning_the_same_decisions_twice_counts_them_once() -> None:
    once = run([accept("T1", "I1"), accept("T2", "I2")])
    twice = run([accept("T1", "I1"), accept("T2", "I2")], once)
    assert twice.text == once.text
    assert [c.kind for c in twice.changes] == [ChangeKind.UNCHANGED]


def test_a_changed_verdict_replaces_the_earlier_one() -> None:
    once = run([accept("T1", "I1"), accept("T2", "I2")])
    changed = run([reject("T2", "I2")], once)
    assert "# learned: 1 validation, 1 rejection" in changed.text


def test_rule_deleted_by_a_person_is_never_re_created() -> None:
    learned = run([accept("T1", "I1")])
    deleted = run([accept("T2", "I2"), accept("T3", "I3")], learned, text="")
    assert MULLER_IBAN not in deleted.text
    assert [c.kind for c in deleted.changes] == [ChangeKind.DELETED]
    later = run([accept("T4", "I4")], deleted)
    assert MULLER_IBAN not in later.text


def test_rule_commented_out_by_a_person_stays_off_but_keeps_counting() -> None:
    learned = run([accept("T1", "I1")])
    rule = rule_lines(learned.text)[0]
    edited = learned.text.replace(rule, "# " + rule)
    result = run([accept("T2", "I2")], learned, text=edited)
    assert rule_lines(result.text) == []
    assert f"# {rule}" in result.text
    assert "# learned: 2 validations" in result.text
    assert [c.kind for c in result.changes] == [ChangeKind.DISABLED]
    assert known_ibans(result.text) == {}


def test_human_edit_of_the_party_and_actions_is_kept_and_still_counted() -> None:
    learned = run([accept("T1", "I1")])
    rule = rule_lines(learned.text)[0]
    mine = rule.replace("party 'Müller AG'", "party 'Müller Holding AG'") + ", tag vip"
    edited = "# my own rules first\nlabel contains 'FRAIS' => ignore\n\n" + learned.text.replace(
        rule, mine
    )
    result = run([accept("T2", "I2")], learned, text=edited)
    expected = mine.replace("confidence+5", "confidence+10")
    assert rule_lines(result.text) == ["label contains 'FRAIS' => ignore", expected]
    assert result.text.startswith("# my own rules first\nlabel contains 'FRAIS' => ignore\n\n")
    assert known_ibans(result.text) == {MULLER_IBAN: "Müller Holding AG"}


def test_untouched_rules_are_left_byte_for_byte() -> None:
    learned = run([accept("T1", "I1"), accept("T5", "I5")])
    edited = learned.text.replace("confidence+5", "confidence+5   ", 1)
    result = run([accept("T7", "I6")], learned, text=edited)
    assert result.text.startswith(edited)
    assert [c.kind for c in result.changes] == [ChangeKind.CREATED]


def test_rule_without_state_is_adopted_with_its_stated_counts() -> None:
    text = (
        "# learned: 4 validations, 1 rejection, last 2026-11-02\n"
        f"# learned-key: iban:{MULLER_IBAN}\n"
        f"iban = '{MULLER_IBAN}' => party 'Müller AG', confidence+15\n"
    )
    result = learn([accept("T4", "I4")], TXS, ITEMS, today=TODAY, rules_text=text)
    assert "# learned: 5 validations, 1 rejection, last 2026-11-03" in result.text
    assert rule_lines(result.text)[0].endswith("confidence+20")


def test_decisions_that_teach_nothing_are_reported_not_learned() -> None:
    result = run([accept("T6", "I7"), accept("T7", "I6", "I7")])
    assert [(c.kind, c.key) for c in result.changes] == [
        (ChangeKind.SKIPPED, "T6"),
        (ChangeKind.SKIPPED, "T7"),
    ]
    assert "generic" in result.changes[0].detail
    assert "several partners" in result.changes[1].detail
    assert rule_lines(result.text) == []


def test_only_rejections_record_evidence_without_a_rule() -> None:
    result = run([reject("T1", "I1")])
    assert rule_lines(result.text) == []
    assert result.changes[0].kind is ChangeKind.PENDING
    assert result.state.keys[f"iban:{MULLER_IBAN}"].written is False


def test_explicit_party_without_items() -> None:
    result = run([accept("T7", party="Meier Holding")])
    assert rule_lines(result.text) == [
        f"iban = '{OTHER_IBAN}' => party 'Meier Holding', confidence+5"
    ]


def test_quotes_in_names_are_escaped() -> None:
    txs = [tx("Q1", counterparty="O'Neil & Co.")]
    result = run([accept("Q1", party="O'Neil & Co.")], transactions=txs)
    assert rule_lines(result.text) == [
        r"(counterparty contains 'O\'NEIL & CO ' or counterparty contains 'O\'NEIL & CO.' "
        r"or counterparty endswith 'O\'NEIL & CO') => party 'O\'Neil & Co.', confidence+5"
    ]


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (accept("NOPE", "I1"), "transaction 'NOPE' is not in the statement"),
        (accept("T1", "I99"), "open item 'I99' is not in the open items file"),
        (accept("T1", "I1", day="2026-12-01"), "after today"),
    ],
)
def test_decisions_that_do_not_fit_the_files_are_refused(decision: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        run([accept("T2", "I2"), decision])


def test_a_duplicated_learned_key_in_the_file_is_an_error_with_its_line() -> None:
    block = f"# learned-key: iban:{MULLER_IBAN}\niban = '{MULLER_IBAN}' => party X\n"
    with pytest.raises(InputError, match=r"learned.rules:3: .*line 1"):
        parse_learned_file(block * 2, "learned.rules")


def test_a_note_under_the_marker_is_kept_and_the_rule_still_updated() -> None:
    learned = run([accept("T1", "I1")])
    marker = f"# learned-key: iban:{MULLER_IBAN}"
    edited = learned.text.replace(marker, marker + "\n# checked with accounting, 2026-11")
    result = run([accept("T2", "I2")], learned, text=edited)
    assert f"{marker}\n# checked with accounting, 2026-11\niban = " in result.text
    assert rule_lines(result.text)[0].endswith("confidence+10")


def test_crlf_files_keep_their_line_ends_and_untouched_files_their_bytes() -> None:
    learned = run([accept("T1", "I1")])
    crlf = learned.text.replace("\n", "\r\n")
    updated = run([accept("T2", "I2")], learned, text=crlf)
    assert updated.text.count("\r\n") == updated.text.count("\n")
    assert "confidence+10\r\n" in updated.text
    no_final_newline = learned.text.rstrip("\n")
    same = run([accept("T1", "I1"), accept("T6", "I7")], learned, text=no_final_newline)
    assert same.text == no_final_newline


def test_a_rule_needs_more_validations_than_rejections_to_be_written() -> None:
    refused = run([reject("T1", "I1")])
    even = run([accept("T2", "I2")], refused)
    assert rule_lines(even.text) == []
    assert [c.kind for c in even.changes] == [ChangeKind.PENDING]
    ahead = run([accept("T3", "I3")], even)
    assert rule_lines(ahead.text) == [f"iban = '{MULLER_IBAN}' => party 'Müller AG', confidence+5"]
    assert "# learned: 2 validations, 1 rejection" in ahead.text


def test_min_validations_holds_a_rule_back() -> None:
    result = learn([accept("T1", "I1")], TXS, ITEMS, today=TODAY, min_validations=2)
    assert rule_lines(result.text) == []
    assert result.changes[0].kind is ChangeKind.PENDING
    assert (
        learn([accept("T1", "I1"), accept("T2", "I2")], TXS, ITEMS, today=TODAY, min_validations=2)
        .changes[0]
        .kind
        is ChangeKind.CREATED
    )
