"""Outputs of a matching run: JSON for programs, CSV for the review queue, HTML for people.

The JSON is the stable contract of ``bankrec match --json`` (amounts are strings, so they
stay exact). The CSV lists only lines awaiting a person. The HTML report is one
self-contained page (no scripts, no external assets) a finance person can open from an
e-mail; every piece of user text in it is escaped.
"""

from __future__ import annotations

import csv
import html
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


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d2330}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{border-bottom:1px solid #e2e5ea;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6f8}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #e2e5ea;border-radius:6px;padding:.7rem 1rem;min-width:11rem}
.card b{display:block;font-size:1.3rem}
.status{font-weight:600;border-radius:4px;padding:0 .35rem}
.reconciled{background:#e3f5e8;color:#17632d}.suggested{background:#fff4d6;color:#7a5600}
.unmatched{background:#fde7e7;color:#8a1c1c}.ignored{background:#eceff3;color:#4a5260}
.band-high{color:#17632d}.band-probable{color:#2d5f9a}.band-possible{color:#7a5600}
.band-low{color:#8a1c1c}ul{margin:0;padding-left:1.1rem}small{color:#5b6472}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def render_html(
    result: MatchResult,
    transactions: Sequence[Transaction],
    items: Sequence[OpenItem],
    *,
    title: str = "Bank reconciliation",
) -> str:
    """One self-contained HTML page: totals, shares matched, and every line with its reasons."""
    by_id = {item.id: item for item in items}
    s = result.summary
    handled = s.counts[Status.RECONCILED.value] + s.counts[Status.IGNORED.value]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        '<div class="cards">',
        f'<div class="card">Lines settled automatically<b>{handled} / {s.lines}</b>'
        f"<small>{s.counts['reconciled']} reconciled, {s.counts['ignored']} ignored</small></div>",
        f'<div class="card">Awaiting a person<b>{s.counts["suggested"] + s.counts["unmatched"]}'
        f"</b><small>{s.counts['suggested']} suggested, {s.counts['unmatched']} unmatched"
        "</small></div>",
        "</div>",
        "<h2>Statement totals</h2>",
        "<table><thead><tr><th>Currency</th><th>Lines</th><th>Total moved</th>"
        "<th>Reconciled</th><th>% of amount reconciled</th><th>Suggested</th>"
        "<th>Left unmatched</th><th>Ignored</th></tr></thead><tbody>",
    ]
    for cur, t in s.currencies.items():
        share = (t.reconciled / t.total * 100) if t.total else Decimal(0)
        parts.append(
            f"<tr><td>{_e(cur)}</td><td class='num'>{t.lines}</td>"
            f"<td class='num'>{_e(quantize(t.total, cur))}</td>"
            f"<td class='num'>{_e(quantize(t.reconciled, cur))}</td>"
            f"<td class='num'>{share.quantize(Decimal('0.1'))} %</td>"
            f"<td class='num'>{_e(quantize(t.suggested, cur))}</td>"
            f"<td class='num'>{_e(quantize(t.unmatched, cur))}</td>"
            f"<td class='num'>{_e(quantize(t.ignored, cur))}</td></tr>"
        )
    parts.append("</tbody></table><h2>Lines</h2>")
    parts.append(
        "<table><thead><tr><th>Date</th><th>Amount</th><th>Bank text</th><th>Status</th>"
        "<th>Confidence</th><th>Settles</th><th>Why</th></tr></thead><tbody>"
    )
    for d, tx in zip(result.decisions, transactions, strict=True):
        settles = [
            f"{_e(m['number'] or m['item'])} <small>({_e(m['item'])})</small> {_e(m['amount'])}"
            for m in _matches(d.allocations, by_id)
        ]
        if d.transfer_with:
            settles.append(f"transfer with {_e(d.transfer_with)}")
        if d.account:
            settles.append(f"{_e(d.booking.value)} on {_e(d.account)}")
        if d.writeoff:
            settles.append(f"write-off {_e(d.writeoff)}")
        reasons = "".join(f"<li>{_e(r)}</li>" for r in d.reasons)
        alts = "".join(
            "<li><small>alternative: "
            + _e(", ".join(a.item_id for a in c.allocations))
            + f" ({c.confidence})</small></li>"
            for c in d.alternatives
        )
        text = _e(tx.label)
        if tx.counterparty:
            text += f"<br><small>{_e(tx.counterparty)}</small>"
        parts.append(
            f"<tr><td>{_e(tx.date.isoformat())}</td>"
            f"<td class='num'>{_e(tx.amount)} {_e(tx.currency)}</td><td>{text}</td>"
            f"<td><span class='status {_e(d.status.value)}'>{_e(d.status.value)}</span></td>"
            f"<td class='band-{band(d.confidence)}'>{d.confidence} {band(d.confidence)}</td>"
            f"<td>{'<br>'.join(settles)}</td><td><ul>{reasons}{alts}</ul></td></tr>"
        )
    parts.append("</tbody></table></body></html>")
    return "\n".join(parts) + "\n"
