"""Golden tests, hledger style: each folder under ``golden/`` is one case of the matcher.

A case holds ``statement.csv``, ``open_items.csv``, ``rules.rules`` and ``expected.json``;
the JSON that ``bankrec match --json`` would write must equal ``expected.json`` exactly.
After a deliberate change, regenerate with ``BANKREC_REGEN_GOLDEN=1 pytest tests/matching``
and review the diff like code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from bankrec.matching import match
from bankrec.open_items import read_open_items_csv
from bankrec.results.match_json import result_to_json
from bankrec.statements.canonical import read_statement_csv
from dsl import load_rules

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


def run_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.chdir(case)  # rule provenance reads "rules.rules:N" whatever the checkout
    transactions = read_statement_csv(Path("statement.csv"))
    items = read_open_items_csv(Path("open_items.csv"))
    rules = load_rules(["rules.rules"])
    result = match(transactions, items, rules=rules)
    return result_to_json(result, transactions, items)


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    case = GOLDEN / name
    produced = run_case(case, monkeypatch)
    expected_file = case / "expected.json"
    if os.environ.get("BANKREC_REGEN_GOLDEN"):
        expected_file.write_text(
            json.dumps(produced, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert produced == expected


def test_every_case_is_complete() -> None:
    for name in CASES:
        files = {p.name for p in (GOLDEN / name).iterdir()}
        assert {"statement.csv", "open_items.csv", "rules.rules", "expected.json"} <= files, name


def _statuses(name: str) -> dict[str, str]:
    data = json.loads((GOLDEN / name / "expected.json").read_text(encoding="utf-8"))
    return {line["id"]: line["status"] for line in data["lines"]}


def _matches(name: str) -> dict[str, list[tuple[str, str]]]:
    data = json.loads((GOLDEN / name / "expected.json").read_text(encoding="utf-8"))
    return {
        line["id"]: [(m["item"], m["amount"]) for m in line["matches"]] for line in data["lines"]
    }


# The reviewed meaning of each golden file, stated independently of the JSON details, so a
# regenerated expected.json that changed a decision cannot slip through unnoticed.
MEANING = {
    "exact_payment": ({"T1": "reconciled"}, {"T1": [("I1", "1200.00")]}),
    "partial_payment": ({"T1": "suggested"}, {"T1": [("I1", "200.00")]}),
    "multi_invoice": (
        {"T1": "suggested", "T2": "reconciled"},
        {"T1": [("I1", "300.00"), ("I2", "520.50")], "T2": [("C1", "100.00"), ("I4", "1000.00")]},
    ),
    # three instalments with the same evidence (partner by IBAN, unique number, together
    # the residual): each booked as a part payment, none resting on another's suggestion
    "instalments": (
        {"T1": "reconciled", "T2": "reconciled", "T3": "reconciled"},
        {"T1": [("I1", "1000.00")], "T2": [("I1", "1000.00")], "T3": [("I1", "1000.00")]},
    ),
    # ACOMPTE n/3 FACTURE ...: instalments of a named invoice, not deposits; booked as part
    # payments, all three alike. ACOMPTE COMMANDE ...: a deposit on an order, never booked
    "instalments_acompte": (
        {"T1": "reconciled", "T2": "reconciled", "T3": "reconciled", "T4": "unmatched"},
        {"T1": [("I1", "1200.00")], "T2": [("I1", "1200.00")], "T3": [("I1", "1250.40")], "T4": []},
    ),
    "instalments_rate": (
        {"T1": "reconciled", "T2": "reconciled", "T3": "reconciled"},
        {"T1": [("I1", "850.00")], "T2": [("I1", "850.00")], "T3": [("I1", "850.00")]},
    ),
    # the last instalment alone settles what earlier runs left: booked; two instalments
    # with a number only: suggested alike; a payment "settling" what a suggestion leaves
    # open is a part payment, not an exact match
    "instalments_weak": (
        {
            "T1": "reconciled",
            "T2": "suggested",
            "T3": "suggested",
            "T4": "suggested",
            "T5": "suggested",
        },
        {
            "T1": [("I1", "400.00")],
            "T2": [("I2", "700.00")],
            "T3": [("I2", "700.00")],
            "T5": [("I3", "600.00")],
        },
    ),
    "bank_fee_deducted": ({"T1": "suggested"}, {"T1": [("I1", "980.00")]}),
    "supplier_bill": (
        {"T1": "reconciled", "T2": "reconciled"},
        {"T1": [("B1", "1250.00")], "T2": [("B2", "1175.35")]},
    ),
    "refunds_credit_notes": (
        {"T1": "reconciled", "T2": "reconciled"},
        {"T1": [("C1", "150.00")], "T2": [("C2", "60.00")]},
    ),
    "internal_transfer": ({"T1": "reconciled", "T2": "reconciled", "T3": "unmatched"}, {}),
    "expense_fee_rules": (
        {"T1": "reconciled", "T2": "reconciled", "T3": "reconciled", "T4": "suggested"},
        {"T3": []},
    ),
    "ignored_by_rule": ({"T1": "ignored", "T2": "ignored"}, {"T2": []}),
    "no_counterpart": ({"T1": "unmatched", "T2": "unmatched", "T3": "unmatched"}, {}),
    "tie": ({"T1": "suggested"}, {}),
    "currency_not_mixed": (
        {"T1": "unmatched", "T2": "reconciled"},
        {"T1": [], "T2": [("I2", "860.00")]},
    ),
    "structured_references": (
        {"T1": "reconciled", "T2": "reconciled", "T3": "unmatched"},
        {"T1": [("I1", "1500.00")], "T2": [("I2", "640.00")]},
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_golden_meaning(name: str) -> None:
    statuses, matches = MEANING[name]
    assert _statuses(name) == statuses
    produced = _matches(name)
    for tx_id, allocations in matches.items():
        assert sorted(produced[tx_id]) == sorted(allocations)
