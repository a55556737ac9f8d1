"""One small run with every status, rule hits, a currency mismatch and hostile text.

Shared by the report's unit tests and its browser test, so both check the same page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bankrec.matching import MatchConfig, MatchResult, match
from bankrec.model import OpenItem, Transaction
from bankrec.results.html_report import ReportContext, render_html
from dsl import RuleSet, compile_rules
from tests.matching.helpers import item, tx

RULES_FILE = "rules/fees.yaml"
RULES_YAML = """\
rules:
  - name: bank-fee-ignore
    rule: label contains 'frais tenue' and amount < 0 => ignore, tag bank
  - name: rent
    rule: label contains 'loyer' and amount < 0 => kind expense, account 613200, category rent
  - name: rent-tag
    rule: label contains 'loyer' => tag premises, category other
  - name: "<script>alert('rule')</script>"
    rule: label contains 'garage' => confidence-5
"""
# each rule's location: the line of its ``rule:`` key in RULES_YAML
WHERE = {"bank-fee-ignore": "rules/fees.yaml:3", "rent": "rules/fees.yaml:5",
         "rent-tag": "rules/fees.yaml:7", "hostile": "rules/fees.yaml:9"}  # fmt: skip

HOSTILE = "CB <script>alert(1)</script> </SCRIPT><!--"


@dataclass
class Run:
    result: MatchResult
    lines: list[Transaction]
    items: list[OpenItem]
    rules: RuleSet
    config: MatchConfig


def run() -> Run:
    items = [
        item("I1", "ACME <SA>", "1200.00", number="FA-2026-0101"),
        item("I2", "Garage Martin", "250.00"),
        item("I3", "Garage Martin", "250.00"),
        item("I4", "Pacific Trading Inc", "500.00", number="FA-2026-0114"),
        item("I5", "Boulangerie Dupont", "450.00", number="FA-2026-0105"),
    ]
    lines = [
        tx("T1", "1200.00", "ACME FA-2026-0101", counterparty="ACME <SA>"),
        tx("T2", "250.00", "GARAGE MARTIN", counterparty="GARAGE MARTIN"),
        tx("T3", "-54.90", HOSTILE + "\nsecond line"),
        tx("T4", "-12.50", "FRAIS TENUE DE COMPTE NOVEMBRE"),
        tx("T5", "500.00", "INCOMING WIRE PACIFIC TRADING INV FA-2026-0114", currency="USD",
           counterparty="PACIFIC TRADING INC", account="US12345678"),
        tx("T6", "-1890.00", "PRLV SEPA LOYER DECEMBRE"),
        tx("T7", "200.00", "BOULANGERIE DUPONT ACOMPTE FA-2026-0105",
           counterparty="BOULANGERIE DUPONT"),
    ]  # fmt: skip
    rules = compile_rules(RULES_YAML, RULES_FILE, fmt="yaml")
    config = MatchConfig(auto_threshold=88, tie_margin=7)
    return Run(match(lines, items, rules=rules, config=config), lines, items, rules, config)


def page(r: Run, **fields: object) -> str:
    context = ReportContext.for_run(
        r.config,
        r.rules,
        statements=("in/<b>statement</b>.csv",),
        open_items="in/open_items.csv",
        rule_files=(RULES_FILE,),
        generated_at="2026-12-01T09:15:00+01:00",
        **fields,
    )
    return render_html(r.result, r.lines, r.items, context)


def data_rows(html: str, status: str) -> list[str]:
    """The row HTML of one status's data block, one string per line."""
    found = re.search(rf'<script type="text/html" id="d-{status}">(.*?)</script>', html, re.S)
    assert found is not None, status
    return found.group(1).split("\n") if found.group(1) else []


def row_of(html: str, tx_id: str) -> str:
    """The row of one transaction, whatever its status."""
    for status in ("suggested", "reconciled", "ignored", "unmatched"):
        for row in data_rows(html, status):
            if f">{tx_id} · " in row or f">{tx_id}</small>" in row:
                return row
    raise AssertionError(f"no row for {tx_id}")
