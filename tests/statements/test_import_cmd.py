"""``bankrec import``: canonical CSV / JSON out, duplicates across files, balances refused,
nothing written when any file fails."""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from decimal import Decimal
from pathlib import Path

import pytest

from bankrec.cli.main import main
from bankrec.statements import registry
from bankrec.statements.canonical import read_statement_csv

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "camt"
V02 = FIXTURES / "camt053_v02_ch.xml"


@pytest.fixture(autouse=True)
def _available_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    """Detect among the format modules present (others are built in parallel)."""
    present = tuple(m for m in registry.FORMAT_MODULES if importlib.util.find_spec(m))
    monkeypatch.setattr(registry, "FORMAT_MODULES", present)


def _second_statement_only(tmp_path: Path) -> Path:
    """A file that overlaps V02: it repeats V02's second statement (two identical coffees)."""
    text = V02.read_text(encoding="utf-8")
    start = text.index("<Stmt>")
    end = text.index("</Stmt>") + len("</Stmt>")
    path = tmp_path / "overlap.xml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    return path


def test_csv_output_is_the_canonical_statement_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    assert main(["import", str(V02), "--to", "csv", "-o", str(out)]) == 0
    rows = read_statement_csv(out)
    assert len(rows) == 7
    assert sum(t.amount for t in rows) == Decimal("414.50")  # 424.50 then -10.00
    assert rows[0].reference == "210000000003139471430009017"
    assert "imported 7 transactions from 2 statements in 1 files" in capsys.readouterr().err


def test_json_output_has_statements_balances_and_string_amounts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", str(V02), "--to", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    first = doc["statements"][0]
    assert first["opening"] == {"amount": "1000.00", "date": "2024-02-29"}
    assert first["closing"]["amount"] == "1424.50"
    assert first["balanced"] is True and first["transactions"] == 5
    amounts = [t["amount"] for t in doc["transactions"]]
    assert all(isinstance(a, str) for a in amounts) and "-45.50" in amounts
    fee = next(t for t in doc["transactions"] if t["amount"] == "-45.50")
    assert fee["charges"] == "5.50" and fee["counterparty"] == "Gamma Supplies BV"
    assert doc["summary"]["transactions"] == len(doc["transactions"]) == 7


def test_overlapping_files_do_not_duplicate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlap = _second_statement_only(tmp_path)
    assert main(["import", str(V02), str(overlap), "--to", "json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    ids = [t["id"] for t in doc["transactions"]]
    assert len(ids) == len(set(ids)) == 7  # both coffees kept once each, not four times
    assert doc["summary"]["duplicates"] == 2
    assert "2 duplicates removed" in captured.err


def test_same_file_twice_imports_once(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert main(["import", str(V02), str(V02), "--to", "csv", "-o", str(out)]) == 0
    assert len(read_statement_csv(out)) == 7


def _unbalanced(tmp_path: Path) -> Path:
    text = V02.read_text(encoding="utf-8").replace(">1414.50<", ">1400.00<")
    path = tmp_path / "unbalanced.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unbalanced_statement_is_refused_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    assert main(["import", str(_unbalanced(tmp_path)), "--to", "csv", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "does not balance" in err and "--allow-unbalanced" in err
    assert "difference -14.50" in err
    assert not out.exists()


def test_allow_unbalanced_imports_and_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    args = ["import", str(_unbalanced(tmp_path)), "--to", "json", "-o", str(out)]
    assert main([*args, "--allow-unbalanced"]) == 0
    assert "warning" in capsys.readouterr().err
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [s["balanced"] for s in doc["statements"]] == [True, False]
    assert doc["summary"]["unbalanced"] == 1


def test_one_broken_file_means_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    out.write_text("previous content\n", encoding="utf-8")
    broken = FIXTURES / "truncated.xml"
    assert main(["import", str(V02), str(broken), "--to", "csv", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "truncated.xml:139" in err and "nothing was written" in err
    assert out.read_text(encoding="utf-8") == "previous content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary left


def test_every_broken_file_is_listed(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(FIXTURES / n) for n in ("bad_amount.xml", "bomb.xml")]
    assert main(["import", *files, "--to", "csv"]) == 2
    captured = capsys.readouterr()
    assert "2 files cannot be imported" in captured.err
    assert "bad_amount.xml:115" in captured.err and "DOCTYPE" in captured.err
    assert captured.out == ""


@pytest.mark.parametrize("name", ["bomb.xml", "xxe.xml"])
def test_hostile_xml_is_refused_in_our_words_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    out = tmp_path / "out.csv"
    assert main(["import", str(V02), str(FIXTURES / name), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert (
        f"{FIXTURES / name}:2: refusing XML with a <!DOCTYPE declaration "
        "(entity expansion / external entity risk)"
    ) in err
    assert "nothing was written" in err and "root:" not in err
    assert not out.exists()  # not even V02's transactions


def test_output_format_defaults_to_csv_unless_the_extension_is_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``import`` infers ``--to`` since commit 129af75: CSV on stdout by default, the
    format of ``-o``'s extension, and an error only for an extension it cannot tell."""
    assert main(["import", str(V02), "-q"]) == 0
    assert capsys.readouterr().out.startswith("id,date,amount,currency,label")
    assert main(["import", str(V02), "-o", str(tmp_path / "st.txt")]) == 2
    assert "--to csv / --to json" in capsys.readouterr().err
    assert not (tmp_path / "st.txt").exists()


def test_detect_prints_the_proposed_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[Path] = []

    def propose_profile(path: Path) -> str:
        seen.append(path)
        return f"columns:\n  date: Buchungstag  # {path.name}\n"

    fake = types.ModuleType("bankrec.statements.sheet")
    fake.propose_profile = propose_profile  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bankrec.statements.sheet", fake)
    export = tmp_path / "export.csv"
    export.write_text("Buchungstag;Betrag\n01.03.2024;-5,00\n", encoding="utf-8")
    assert main(["import", "--detect", str(export)]) == 0
    assert capsys.readouterr().out == "columns:\n  date: Buchungstag  # export.csv\n"
    assert seen == [export]


def test_notification_without_balances_is_marked_unchecked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", str(FIXTURES / "camt054_v04_ch.xml"), "--to", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (statement,) = doc["statements"]
    assert statement["opening"] is None and statement["closing"] is None
    assert statement["balanced"] is None
    assert statement["movements"] == "1160.40"
    assert [t["reference"][-2:] for t in doc["transactions"]] == ["17", "03", "16"]


def test_statement_warnings_are_printed_and_kept_in_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Balances without CdtDbtInd, read as credits: the statement says so, once."""
    unsigned = FIXTURES / "camt053_v08_unsigned_balances.xml"
    assert main(["import", str(unsigned), "--to", "json"]) == 0
    captured = capsys.readouterr()
    warned = [ln for ln in captured.err.splitlines() if ln.startswith("bankrec: warning:")]
    assert warned == [
        f"bankrec: warning: {unsigned}:13 [STMT-UNSIGNED-1]: balances carry no credit/debit "
        "indicator; read as credits because opening + entries = closing"
    ]
    (statement,) = json.loads(captured.out)["statements"]
    assert statement["warnings"] == [warned[0].removeprefix("bankrec: warning: ")]
    assert statement["balanced"] is True
