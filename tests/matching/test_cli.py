from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bankrec.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


def test_match_writes_json_csv_html_for_the_samples(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    status = main([
        "match", "--statement", str(SAMPLES / "statement.csv"),
        "--open-items", str(SAMPLES / "open_items.csv"), "--rules", str(ROOT / "rules"),
        "--config", str(SAMPLES / "match.yaml"),
        "--json", str(out / "demo.json"), "--csv", str(out / "review.csv"),
        "--html", str(out / "demo.html"),
    ])  # fmt: skip
    assert status == 0
    data = json.loads((out / "demo.json").read_text(encoding="utf-8"))
    statuses = {line["id"]: line["status"] for line in data["lines"]}
    assert len(statuses) == sum(1 for _ in (SAMPLES / "statement.csv").open()) - 1
    assert set(statuses.values()) >= {"reconciled", "suggested", "unmatched"}
    by_id = {line["id"]: line for line in data["lines"]}
    assert by_id["T01"]["matches"][0]["item"] == "INV-101"
    assert by_id["T19"]["transfer_with"] == "T20"
    assert by_id["T25"]["status"] == "unmatched"  # USD line, EUR invoice
    review = list(csv.DictReader((out / "review.csv").open(encoding="utf-8")))
    assert {r["id"] for r in review} == {k for k, v in statuses.items()
                                         if v in ("suggested", "unmatched")}  # fmt: skip
    page = (out / "demo.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "VIR SEPA RECU ACME SA" in page
    printed = capsys.readouterr().out
    assert "reconciled" in printed and "EUR" in printed


def test_bad_config_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "match.yaml"
    config.write_text("tie_margn: 3\n")
    status = main([
        "match", "--statement", str(SAMPLES / "statement.csv"),
        "--open-items", str(SAMPLES / "open_items.csv"), "--config", str(config),
    ])  # fmt: skip
    assert status == 2
    assert "unknown key 'tie_margn'" in capsys.readouterr().err


def test_broken_rules_are_reported_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "bad.rules"
    rules.write_text("label contans 'x' => ignore\n")
    status = main([
        "match", "--statement", str(SAMPLES / "statement.csv"),
        "--open-items", str(SAMPLES / "open_items.csv"), "--rules", str(rules),
    ])  # fmt: skip
    assert status == 2
    assert "bad.rules:1" in capsys.readouterr().err
