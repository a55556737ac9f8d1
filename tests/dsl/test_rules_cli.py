"""`bankrec rules check` and `bankrec rules test` end to end through the CLI entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from bankrec.cli.main import main

STATEMENT = """\
id,date,amount,currency,label,counterparty,iban,reference,account
t1,2026-03-01,-8.90,EUR,FRAIS TENUE DE COMPTE 03/2026,,,,FR76
t2,2026-03-03,-84.20,EUR,PRLV SEPA ELECTRICITE DE FRANCE ECH/150326,EDF,,,FR76
t3,2026-03-04,1200.00,EUR,VIR SEPA CLIENT F-2026-001,ACME,,,FR76
"""
RULES = """\
label contains 'tenue de compte' => kind fee, tag bank
label contains 'ELECTRICITE DE FRANCE' => party EDF, confidence+20
counterparty = 'edf' => party 'Électricité de France'
label matches 'F-(?P<invoice>\\d{4}-\\d{3})' => confidence+5
label contains 'never ever' => ignore
"""


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "st.csv").write_text(STATEMENT)
    (tmp_path / "mine.rules").write_text(RULES)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_passes_and_counts(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "ex.yaml").write_text(
        "rules:\n  - rule: \"label contains 'x' => tag x\"\n"
        "    examples:\n      - {label: X, expect: {tags: [x]}}\n"
    )
    assert main(["rules", "check", "mine.rules", "ex.yaml"]) == 0
    assert capsys.readouterr().out.strip() == "6 rules in 2 files; 1/1 examples passed"


def test_check_fails_on_rule_error(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "bad.rules").write_text("label contains 'x' => ignor\n")
    assert main(["rules", "check", "mine.rules", "bad.rules"]) == 2  # bad input
    err = capsys.readouterr().err
    assert err.startswith("bad.rules:1:23: unknown action 'ignor'")
    assert "did you mean 'ignore'?" in err


def test_check_fails_on_failing_example(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "ex.yaml").write_text(
        "rules:\n  - rule: \"label contains 'x' => tag x\"\n"
        "    examples:\n      - {label: Y, expect: {tags: [x]}}\n"
    )
    assert main(["rules", "check", "ex.yaml"]) == 1
    captured = capsys.readouterr()
    assert "ex.yaml:4:9: example 1 of rule 'ex.yaml:2' fails" in captured.err
    assert "0/1 examples passed" in captured.out


def test_check_missing_file(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check", "nope.rules"]) == 2  # bad input
    assert "nope.rules:1:1: no such file or folder" in capsys.readouterr().err


def test_test_shows_hits_conflicts_and_silent_rules(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rules", "test", "mine.rules", "--statement", "st.csv"]) == 0
    out = capsys.readouterr().out
    assert "3 statement lines, 5 rules" in out
    assert "mine.rules:1  1 hit" in out
    assert "mine.rules:4  1 hit" in out
    assert "invoice 2026-001" in out
    assert "party 'EDF' (mine.rules:2) kept, 'Électricité de France' (mine.rules:3) rejected" in out
    never = out.split("Rules that never fire (1):")[1]
    assert "mine.rules:5" in never and "mine.rules:1" not in never


def test_test_reports_bad_statement(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "junk.txt").write_text("not a statement at all\n")
    assert main(["rules", "test", "mine.rules", "--statement", "junk.txt"]) == 2
    assert "junk.txt" in capsys.readouterr().err
