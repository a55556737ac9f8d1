"""Outputs of a matching run: JSON for programs, CSV for the review queue.

The JSON is the stable contract of ``bankrec match --json`` (amounts are strings, so they
stay exact). The CSV lists only lines awaiting a person. The HTML report lives in
:mod:`bankrec.results.html_report` (the home of match outputs for people), which imports
from here; nothing here imports it back.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TextIO

from bankrec.matching.amounts import q as quantize
from bankrec.matching.engine import MatchResult, Summary
from bankrec.model import Allocation, Candidate, Decision, OpenItem, Status, Transaction

BANDS = ((90, "high"), (70, "probable"), (50, "possible"), (0, "low"))


def band(confidence: int) -> str:
    """Confidence band: 90–100 high, 70–89 probable, 50–69 possible, below 50 low."""
    return next(name for floor, name in BANDS if confidence >= floor)


def _matches(
    allocations: Sequence[Allocation], items: Mapping[str, OpenItem]
) -> list[dict[str, str]]:
    out = []
    for a in allocations:
        item = items.get(a.item_id)
        out.append(
            {
                "item": a.item_id,
                "number": item.number if item else "",
                "kind": item.kind.value if item else "",
                "amount": str(a.amount),
            }
        )
    return out


def _alternative(c: Candidate, items: Mapping[str, OpenItem]) -> dict[str, Any]:
    return {
        "matches": _matches(c.allocations, items),
        "confidence": c.confidence,
        "band": band(c.confidence),
        "party": c.party,
        "reasons": list(c.reasons),
    }


def line_to_json(d: Decision, tx: Transaction, items: Mapping[str, OpenItem]) -> dict[str, Any]:
    """One decision with the transaction fields a reviewer needs."""
    return {
        "id": d.transaction_id,
        "date": tx.date.isoformat(),
        "amount": str(tx.amount),
        "currency": tx.currency,
        "label": tx.label,
        "counterparty": tx.counterparty,
        "status": d.status.value,
        "confidence": d.confidence,
        "band": band(d.confidence),
        "booking": d.booking.value,
        "matches": _matches(d.allocations, items),
        "party": d.party,
        "writeoff": str(d.writeoff),
        "account": d.account,
        "category": d.category,
        "transfer_with": d.transfer_with,
        "tags": list(d.tags),
        "provenance": list(d.provenance),
        "reasons": list(d.reasons),
        "alternatives": [_alternative(c, items) for c in d.alternatives],
    }


def summary_to_json(summary: Summary) -> dict[str, Any]:
    """Counts and per-currency amounts (strings), with the share reconciled."""
    currencies = {}
    for cur, t in summary.currencies.items():
        share = (t.reconciled / t.total * 100) if t.total else Decimal(0)
        currencies[cur] = {
            "lines": t.lines,
            "total": str(t.total),
            "reconciled": str(quantize(t.reconciled, cur)),
            "suggested": str(quantize(t.suggested, cur)),
            "unmatched": str(quantize(t.unmatched, cur)),
            "ignored": str(quantize(t.ignored, cur)),
            "reconciled_share": str(share.quantize(Decimal("0.1"))),
        }
    return {"lines": summary.lines, "counts": dict(summary.counts), "currencies": currencies}


def result_to_json(
    result: MatchResult, transactions: Sequence[Transaction], items: Sequence[OpenItem]
) -> dict[str, Any]:
    """The document ``bankrec match --json`` writes: ``{"lines": [...], "summary": {...}}``."""
    by_id = {item.id: item for item in items}
    lines = [
        line_to_json(d, tx, by_id) for d, tx in zip(result.decisions, transactions, strict=True)
    ]
    return {"lines": lines, "summary": summary_to_json(result.summary)}


REVIEW_COLUMNS = (
    "id", "date", "amount", "currency", "label", "counterparty", "status", "confidence",
    "band", "proposed_items", "proposed_numbers", "proposed_amounts", "party", "writeoff",
    "reasons", "alternatives",
)  # fmt: skip


def write_review_csv(
    result: MatchResult,
    transactions: Sequence[Transaction],
    items: Sequence[OpenItem],
    out: TextIO,
) -> int:
    """Write the lines awaiting a person (suggested and unmatched); return how many."""
    by_id = {item.id: item for item in items}
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REVIEW_COLUMNS)
    count = 0
    for d, tx in zip(result.decisions, transactions, strict=True):
        if d.status not in (Status.SUGGESTED, Status.UNMATCHED):
            continue
        matches = _matches(d.allocations, by_id)
        alts = [
            "+".join(a.item_id for a in c.allocations) + f" ({c.confidence})"
            for c in d.alternatives
        ]
        writer.writerow(
            [
                tx.id, tx.date.isoformat(), str(tx.amount), tx.currency, tx.label,
                tx.counterparty, d.status.value, d.confidence, band(d.confidence),
                ";".join(m["item"] for m in matches), ";".join(m["number"] for m in matches),
                ";".join(m["amount"] for m in matches), d.party, str(d.writeoff),
                " | ".join(d.reasons), "; ".join(alts),
            ]
        )  # fmt: skip
        count += 1
    return count
