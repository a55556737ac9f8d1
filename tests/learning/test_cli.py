"""``bankrec learn`` end to end: writes, re-learns, respects deletions, refuses bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bankrec.cli.main import main
from bankrec.learning import state_path
from dsl import load_rules

from .helpers import BOULANGERIE_SARL, MULLER_IBAN

STATEMENT = f"""id,date,amount,currency,label,counterparty,iban,reference,account
T1,2026-10-05,250.00,EUR,VIR SEPA MULLER,Müller AG,{MULLER_IBAN},,
T2,2026-10-20,410.00,EUR,VIR SEPA MUELLER,MUELLER,{MULLER_IBAN},,
T3,2026-11-02,99.90,EUR,VIR SEPA LEFEVRE,Boulangerie Lefèvre SARL,,,
T4,2026-11-03,12.00,EUR,VIREMENT,VIREMENT,,,
T5,2026-11-05,180.00,EUR,ZAHLUNG,MAG ZRH,{MULLER_IBAN},,
"""
ITEMS = """id,kind,number,partner,date,due_date,amount,residual,currency,reference
I1,out_invoice,FA-1,Müller AG,2026-09-01,2026-10-01,250.00,250.00,EUR,
I2,out_invoice,FA-2,Müller AG,2026-09-15,2026-10-15,410.00,410.00,EUR,
I3,out_invoice,FA-3,Boulangerie Lefèvre,2026-10-01,2026-10-31,99.90,99.90,EUR,
I4,out_invoice,FA-4,Anyone,2026-10-01,2026-10-31,12.00,12.00,EUR,
I5,out_invoice,FA-5,Müller AG,2026-10-01,2026-10-31,180.00,180.00,EUR,
I6,out_invoice,FA-6,Weber Bau GmbH,2026-10-01,2026-10-31,180.00,180.00,EUR,
"""


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"statement": tmp_path / "statement.csv", "items": tmp_path / "open_items.csv"}
    paths["statement"].write_text(STATEMENT, encoding="utf-8")
    paths["items"].write_text(ITEMS, encoding="utf-8")
    paths["rules"] = tmp_path / "rules" / "learned.rules"
    return paths


def learn(files: dict[str, Path], decisions: Path, *extra: str) -> int:
    return main(
        ["learn", "--decisions", str(decisions), "--statement", str(files["statement"]),
         "--open-items", str(files["items"]), "--rules-out", str(files["rules"]),
         "--today", "2026-11-23", *extra]
    )  # fmt: skip


def decisions(tmp_path: Path, rows: str, name: str = "decisions.csv") -> Path:
    path = tmp_path / name
    path.write_text("transaction_id,items,decision\n" + rows, encoding="utf-8")
    return path


def test_learn_writes_compiling_rules_and_reports(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status = learn(files, decisions(tmp_path, "T1,I1,accept\nT3,I3,accept\nT4,I4,accept\n"))
    out = capsys.readouterr().out
    assert status == 0
    assert f"created   iban:{MULLER_IBAN} -> Müller AG (1 validation" in out
    assert "created   name:BOULANGERIE LEFEVRE SARL -> Boulangerie Lefèvre" in out
    assert "skipped   T4" in out
    assert "2 created, 1 skipped" in out
    rules = load_rules([files["rules"]])
    assert [r.text for r in rules.rules] == [
        f"iban = '{MULLER_IBAN}' => party 'Müller AG', confidence+5",
        f"{BOULANGERIE_SARL} => party 'Boulangerie Lefèvre', confidence+5",
    ]
    state = json.loads(state_path(files["rules"]).read_text(encoding="utf-8"))
    assert sorted(state["keys"]) == [f"iban:{MULLER_IBAN}", "name:BOULANGERIE LEFEVRE SARL"]
    assert oct(os.stat(files["rules"]).st_mode & 0o777) != oct(0o600)  # readable by colleagues
    assert [p.name for p in files["rules"].parent.iterdir() if p.name.endswith(".tmp")] == []


def test_relearn_updates_and_respects_a_deleted_rule(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    learn(files, decisions(tmp_path, "T1,I1,accept\nT3,I3,accept\n"))
    text = files["rules"].read_text(encoding="utf-8")
    # the person deletes the Lefèvre rule (its three lines)
    kept = [
        ln
        for ln in text.splitlines()
        if "LEFEVRE" not in ln and "1 validation, last 2026-11-02" not in ln
    ]
    files["rules"].write_text("\n".join(kept) + "\n", encoding="utf-8")
    capsys.readouterr()
    learn(files, decisions(tmp_path, "T2,I2,accept\nT3,I3,accept\n", "more.csv"))
    out = capsys.readouterr().out
    assert f"updated   iban:{MULLER_IBAN}" in out
    assert "deleted   name:BOULANGERIE LEFEVRE" in out
    new_text = files["rules"].read_text(encoding="utf-8")
    assert "LEFEVRE" not in new_text
    assert "confidence+10" in new_text and "# learned: 2 validations, last 2026-10-20" in new_text


def test_dry_run_writes_nothing(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert learn(files, decisions(tmp_path, "T1,I1,accept\n"), "--dry-run") == 0
    assert "would write" in capsys.readouterr().out
    assert not files["rules"].exists()
    assert not state_path(files["rules"]).exists()


def test_bad_decisions_file_is_refused_with_its_line(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = decisions(tmp_path, "T1,I1,accept\nT2,I2,approve\n")
    assert learn(files, bad) == 2
    err = capsys.readouterr().err
    assert (
        f"bankrec: error: {bad}:3: decision 'approve' is unknown (expected accept or reject)" in err
    )
    assert not files["rules"].exists()


def test_unknown_transaction_is_refused_with_its_line(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad = decisions(tmp_path, "T1,I1,accept\nT9,I2,accept\n")
    assert learn(files, bad) == 2
    assert f"{bad}:3: transaction 'T9' is not in the statement" in capsys.readouterr().err
    assert not files["rules"].exists()


def test_broken_learned_rules_file_is_not_overwritten(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    files["rules"].parent.mkdir()
    files["rules"].write_text("lable contains 'X' => ignore\n", encoding="utf-8")
    assert learn(files, decisions(tmp_path, "T1,I1,accept\n")) == 2
    err = capsys.readouterr().err
    assert "fix it first" in err and "label" in err
    assert files["rules"].read_text(encoding="utf-8") == "lable contains 'X' => ignore\n"


def test_damaged_state_file_is_an_error(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    files["rules"].parent.mkdir()
    state_path(files["rules"]).write_text('{"version": 1, "keys": [', encoding="utf-8")
    assert learn(files, decisions(tmp_path, "T1,I1,accept\n")) == 2
    assert "state file is not JSON" in capsys.readouterr().err


def test_relearning_the_same_decisions_changes_no_file(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    rows = decisions(tmp_path, "T1,I1,accept\nT3,I3,accept\n")
    learn(files, rows)
    rules_bytes = files["rules"].read_bytes()
    state_bytes = state_path(files["rules"]).read_bytes()
    capsys.readouterr()
    assert main(["learn", "--decisions", str(rows), "--statement", str(files["statement"]),
                 "--open-items", str(files["items"]), "--rules-out", str(files["rules"]),
                 "--today", "2026-12-01"]) == 0  # fmt: skip
    assert "2 unchanged" in capsys.readouterr().out
    assert files["rules"].read_bytes() == rules_bytes
    assert state_path(files["rules"]).read_bytes() == state_bytes


def test_match_learn_match_on_the_command_line(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The loop a user runs: match, mark lines in the JSON, learn, match again with the rules."""
    first = tmp_path / "first.json"
    args = ["match", "--statement", str(files["statement"]), "--open-items", str(files["items"])]
    assert main([*args, "--json", str(first)]) in (0, 1)
    report = json.loads(first.read_text(encoding="utf-8"))
    for line in report["lines"]:
        if line["id"] == "T2":  # the person confirms that T2 paid FA-2
            line["matches"] = [{"item": "I2", "amount": "410.00"}]
            line["validated"] = True
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(report), encoding="utf-8")
    assert learn(files, edited) == 0
    assert f"created   iban:{MULLER_IBAN} -> Müller AG" in capsys.readouterr().out

    second = tmp_path / "second.json"
    assert main([*args, "--rules", str(files["rules"]), "--json", str(second)]) in (0, 1)
    before = {ln["id"]: ln for ln in report["lines"]}
    after = {ln["id"]: ln for ln in json.loads(second.read_text(encoding="utf-8"))["lines"]}
    # T1 comes from the same IBAN: the learned rule now vouches for it
    assert (
        after["T1"]["confidence"] > before["T1"]["confidence"] or before["T1"]["confidence"] == 100
    )
    assert any(f"{files['rules']}:" in reason for reason in after["T1"]["reasons"])
