"""``bankrec match --json``: the run written for programs, and read back once a person edited it.

**Writing.** The JSON is the stable contract of ``bankrec match --json``: one entry per
line with its status, confidence, band, matches, reasons and alternatives, and a summary.
Amounts are strings, so they stay exact.

**Reading.** The person works on the report the matcher wrote and marks each line they checked:

* ``"validated": true`` -- the line's ``matches`` (possibly edited) are right;
* ``"rejected": true`` -- the line's ``matches`` (or its ``party`` when it has no matches)
  are wrong;
* ``"decision": "accept" | "reject"`` -- the same, spelled as in the CSV;
* an ``unmatched`` line whose ``matches`` the person filled in counts as validated;
* with the unedited output given as ``original``, a line whose set of matched items
  differs from the original counts as validated, and the original items as rejected.

A marked line with neither matches nor a party (a line a rule ignored, an expense)
teaches nothing about a payer and is passed over. An optional
``"decided_on": "YYYY-MM-DD"`` dates the verdict; otherwise the transaction date is used.
Lines nobody touched teach nothing: the matcher's own verdicts are not evidence.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from bankrec.errors import InputError, Location
from bankrec.matching.amounts import q as quantize
from bankrec.matching.engine import MatchResult, Summary
from bankrec.model import Allocation, Candidate, Decision, OpenItem, Transaction
from bankrec.results.verdicts import DECISION_WORDS, ValidatedDecision

# ---------------------------------------------------------------------------- writing
BANDS = ((90, "high"), (70, "probable"), (50, "possible"), (0, "low"))


def band(confidence: int) -> str:
    """Confidence band: 90–100 high, 70–89 probable, 50–69 possible, below 50 low."""
    return next(name for floor, name in BANDS if confidence >= floor)


def matches_of(
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
        "matches": matches_of(c.allocations, items),
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
        "matches": matches_of(d.allocations, items),
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


# ---------------------------------------------------------------------------- reading
def _load(path: Path) -> tuple[str, dict[str, Any]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Location(name)) from None
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text", Location(name, 1)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}", Location(name, exc.lineno, exc.colno)
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
        raise InputError(
            "no 'lines' list at the top level",
            Location(name, 1),
            "the `bankrec match --json` output",
        )
    return text, data


_ID_RE = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*")')


class _Locator:
    """Finds the text line of a match line by its id, so errors point into the file.

    One pass over the text maps each ``"id": "..."`` to its line (first occurrence).
    """

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.lines: dict[str, int] = {}
        line, pos = 1, 0
        for found in _ID_RE.finditer(text):
            line += text.count("\n", pos, found.start())
            pos = found.start()
            try:
                value = json.loads(found.group(1))
            except json.JSONDecodeError:
                continue
            self.lines.setdefault(value, line)

    def at(self, index: int, line_id: object) -> Location:
        path = f"lines[{index}]"
        line = self.lines.get(line_id) if isinstance(line_id, str) else None
        return Location(self.name, line, path=path)


def _items(line: dict[str, Any], where: Location) -> tuple[str, ...]:
    matches = line.get("matches", [])
    if not isinstance(matches, list):
        raise InputError("'matches' is not a list", where, 'a list of {"item": ID, "amount": N}')
    items: list[str] = []
    for match in matches:
        item = match.get("item") if isinstance(match, dict) else None
        if not isinstance(item, str) or not item.strip():
            raise InputError("a match has no item id", where, 'a list of {"item": ID, "amount": N}')
        items.append(item.strip())
    return tuple(dict.fromkeys(items))


def _verdict(line: dict[str, Any], where: Location) -> bool | None:
    """True/False when the person marked the line, None when they did not."""
    flags: list[bool] = []
    for key, meaning in (("validated", True), ("rejected", False)):
        value = line.get(key)
        if value is None or value is False:
            continue
        if value is not True:
            raise InputError(f"'{key}' is {value!r}", where, "true or false")
        flags.append(meaning)
    word = line.get("decision")
    if word is not None:
        if not isinstance(word, str) or word.lower() not in DECISION_WORDS:
            raise InputError(f"'decision' is {word!r}", where, '"accept" or "reject"')
        flags.append(DECISION_WORDS[word.lower()])
    if len(set(flags)) > 1:
        raise InputError("the line is marked both validated and rejected", where, "one verdict")
    return flags[0] if flags else None


def _date(line: dict[str, Any], where: Location) -> dt.date | None:
    value = line.get("decided_on")
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"'decided_on' {value!r} is not a date", where, "YYYY-MM-DD") from None


def _original_items(original: Path | None) -> dict[str, tuple[str, ...]]:
    if original is None:
        return {}
    text, data = _load(original)
    locator = _Locator(str(original), text)
    result: dict[str, tuple[str, ...]] = {}
    for index, line in enumerate(data["lines"]):
        if isinstance(line, dict) and isinstance(line.get("id"), str):
            result[line["id"]] = _items(line, locator.at(index, line["id"]))
    return result


def read_match_json_decisions(path: Path, original: Path | None = None) -> list[ValidatedDecision]:
    """The verdicts a person recorded in an edited ``bankrec match --json`` file."""
    text, data = _load(path)
    locator = _Locator(str(path), text)
    before = _original_items(original)
    decisions: list[ValidatedDecision] = []
    seen: dict[str, int] = {}
    for index, line in enumerate(data["lines"]):
        if not isinstance(line, dict):
            raise InputError("a line is not an object", locator.at(index, None), "a JSON object")
        tx_id = line.get("id")
        where = locator.at(index, tx_id)
        if not isinstance(tx_id, str) or not tx_id.strip():
            raise InputError("the line has no transaction 'id'", where, "a non-empty string")
        if tx_id in seen:
            raise InputError(f"id {tx_id!r} repeats line {seen[tx_id]}", where, "one line per id")
        seen[tx_id] = index
        verdict = _verdict(line, where)
        items = _items(line, where)
        party = line.get("party") or ""
        if not isinstance(party, str):
            raise InputError(f"'party' is {party!r}", where, "a string")
        decided = _date(line, where)
        old = before.get(tx_id)
        changed = old is not None and set(old) != set(items)
        if verdict is None and line.get("status") == "unmatched" and items and old is None:
            verdict = True  # the person filled in an unmatched line
        if verdict is None and changed:
            verdict = True
        if verdict is None:
            continue
        if not items and not party.strip():
            continue  # an ignored line or an expense: confirms nothing about a payer
        decisions.append(
            ValidatedDecision(
                tx_id, items, verdict, party.strip() if not items else "", decided, where
            )
        )
        if verdict and changed and old:
            decisions.append(ValidatedDecision(tx_id, old, False, "", decided, where))
    return decisions
