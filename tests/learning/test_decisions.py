"""Reading validated decisions: CSV and edited match JSON; bad files refused with a line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bankrec.errors import InputError
from bankrec.learning import read_decisions


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_decisions_with_optional_party_and_date(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.csv",
        "transaction_id,items,decision,party,date\n"
        "T1,I1;I2,accept,,2026-11-02\n"
        "T2,,REJECT,Meier AG,\n",
    )
    first, second = read_decisions(path)
    assert (first.transaction_id, first.items, first.accepted) == ("T1", ("I1", "I2"), True)
    assert first.date is not None and first.date.isoformat() == "2026-11-02"
    assert first.source.line == 2
    assert (second.items, second.accepted, second.party, second.date) == (
        (),
        False,
        "Meier AG",
        None,
    )
    assert first.record_id == "T1|I1;I2"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("T1,I1,maybe", r"d\.csv:3: decision 'maybe' is unknown \(expected accept or reject\)"),
        ("T1,,accept", r"d\.csv:3: the decision names neither items nor a party"),
        (",I1,accept", r"d\.csv:3:1: column 'transaction_id' is empty"),
        ("T0,I9,reject", r"d\.csv:3: transaction 'T0' with the same items is both accepted"),
        ("T1,I1", r"d\.csv:3: row has 2 cells, header has 3"),
    ],
)
def test_bad_csv_row_is_refused_with_its_line(tmp_path: Path, row: str, message: str) -> None:
    path = write(tmp_path, "d.csv", f"transaction_id,items,decision\nT0,I9,accept\n{row}\n")
    with pytest.raises(InputError, match=message):
        read_decisions(path)


def test_csv_without_the_required_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "transaction,items\nT1,I1\n")
    with pytest.raises(InputError, match=r"d\.csv:1: header lacks column\(s\) transaction_id"):
        read_decisions(path)


def match_json(lines: list[dict[str, object]]) -> str:
    return json.dumps({"lines": lines, "summary": {}}, indent=2)


def test_edited_match_json(tmp_path: Path) -> None:
    lines = [
        {"id": "T1", "status": "suggested", "matches": [{"item": "I1", "amount": "10.00"}],
         "party": "Müller AG", "validated": True},
        {"id": "T2", "status": "suggested", "matches": [{"item": "I2", "amount": "5"}],
         "rejected": True, "decided_on": "2026-11-20"},
        {"id": "T3", "status": "reconciled", "matches": [{"item": "I3", "amount": "5"}]},
        {"id": "T4", "status": "unmatched", "matches": [{"item": "I4", "amount": "5"}]},
        {"id": "T5", "status": "unmatched", "matches": [], "party": "Meier", "decision": "accept"},
        {"id": "T6", "status": "ignored", "matches": [], "party": "", "validated": True},
    ]  # fmt: skip
    decisions = read_decisions(write(tmp_path, "m.json", match_json(lines)))
    got = [(d.transaction_id, d.items, d.accepted, d.party) for d in decisions]
    assert got == [
        ("T1", ("I1",), True, ""),  # items given: their partner is the party
        ("T2", ("I2",), False, ""),
        ("T4", ("I4",), True, ""),  # an unmatched line the person filled in
        ("T5", (), True, "Meier"),
    ]
    assert decisions[1].date is not None and decisions[1].date.isoformat() == "2026-11-20"
    assert decisions[1].source.line is not None and decisions[1].source.line > 1


def test_changed_matches_against_the_original(tmp_path: Path) -> None:
    def line(tx_id: str, item_id: str) -> dict[str, object]:
        return {"id": tx_id, "status": "suggested", "matches": [{"item": item_id, "amount": "1"}]}

    before = [line("T1", "I1"), line("T2", "I2")]
    after = [line("T1", "I9"), line("T2", "I2")]
    original = write(tmp_path, "orig.json", match_json(before))
    decisions = read_decisions(write(tmp_path, "m.json", match_json(after)), original)
    got = [(d.transaction_id, d.items, d.accepted) for d in decisions]
    assert got == [("T1", ("I9",), True), ("T1", ("I1",), False)]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"id": "T1", "validated": True, "rejected": True, "matches": []},
         r"m\.json:4 \(lines\[0\]\): the line is marked both validated and rejected"),
        ({"id": "T1", "validated": "yes", "matches": []}, r"'validated' is 'yes'"),
        ({"id": "T1", "validated": True, "matches": [{"amount": 1}]}, "a match has no item id"),
        ({"id": "T1", "decision": "ok", "matches": []}, r"'decision' is 'ok'"),
        ({"id": "T1", "validated": True, "matches": [], "party": "X", "decided_on": "soon"},
         r"'decided_on' 'soon' is not a date"),
        ({"validated": True}, "the line has no transaction 'id'"),
    ],
)  # fmt: skip
def test_bad_match_json_line_is_refused(
    tmp_path: Path, line: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        read_decisions(write(tmp_path, "m.json", match_json([line])))


def test_broken_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "m.json", '{"lines": [\n  {"id": "T1",}\n]}')
    with pytest.raises(InputError, match=r"m\.json:2:\d+: invalid JSON"):
        read_decisions(path)


def test_json_without_lines(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no 'lines' list"):
        read_decisions(write(tmp_path, "m.json", '{"summary": {}}'))
