"""``bankrec match --csv``: the lines awaiting a person, one row each, for a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from bankrec.matching.engine import MatchResult
from bankrec.model import OpenItem, Status, Transaction
from bankrec.results.match_json import band, matches_of

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
        matches = matches_of(d.allocations, by_id)
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
