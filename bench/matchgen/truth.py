"""Ground truth for generated matching data: what each bank line really is.

Kept apart from the generator so the evaluation can read ``truth.json`` without generating
anything, and so hand-made truths in tests use the very same types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

SHOULD_RECONCILE = "should_reconcile"  # strong evidence: book it without a person
SHOULD_SUGGEST = "should_suggest"  # answer known, but a person must confirm (partial, fee...)
SHOULD_STAY_UNMATCHED = "should_stay_unmatched"  # no counterpart exists
SHOULD_IGNORE = "should_ignore"  # a shipped rule says ignore (bank fees)
SHOULD_BOOK = "should_book"  # a shipped rule books it on an account (expenses)
TRANSFER = "transfer"  # internal transfer: pair with the other side

CLASSES = (SHOULD_RECONCILE, SHOULD_SUGGEST, TRANSFER, SHOULD_IGNORE, SHOULD_BOOK,
           SHOULD_STAY_UNMATCHED)  # fmt: skip

Allocations = tuple[tuple[str, Decimal], ...]  # sorted (item id, amount) pairs


@dataclass(frozen=True, slots=True)
class TruthLine:
    """What one transaction really is.

    ``expected`` is the allocation the payer meant; ``acceptable`` lists every allocation
    a person would accept (more than one only for a genuine tie, such as two invoices of
    the same partner and amount with no reference). ``unambiguous`` is False for ties.
    """

    case: str
    status_class: str
    expected: Allocations = ()
    acceptable: tuple[Allocations, ...] = ()
    unambiguous: bool = True
    writeoff: Decimal = Decimal(0)
    transfer_with: str = ""
    account: str = ""  # the rule account of an expense line
    currency: str = ""
    amount: Decimal = Decimal(0)

    @property
    def matchable(self) -> bool:
        """True when the line pays open items (it has an expected allocation)."""
        return bool(self.expected)


def sorted_allocations(pairs: Mapping[str, Decimal] | list[tuple[str, Decimal]]) -> Allocations:
    """Allocations in a canonical order, amounts of a repeated item added up."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    total: dict[str, Decimal] = {}
    for item_id, amount in items:
        total[item_id] = total.get(item_id, Decimal(0)) + amount
    return tuple(sorted(total.items()))


def _alloc_json(allocs: Allocations) -> list[dict[str, str]]:
    return [{"item": item, "amount": str(amount)} for item, amount in allocs]


def _alloc_from(rows: list[dict[str, str]]) -> Allocations:
    return sorted_allocations([(r["item"], Decimal(r["amount"])) for r in rows])


def line_to_json(line: TruthLine) -> dict[str, Any]:
    """One truth line as JSON-ready data (amounts as strings: exact)."""
    return {
        "case": line.case,
        "class": line.status_class,
        "matchable": line.matchable,
        "unambiguous": line.unambiguous,
        "amount": str(line.amount),
        "currency": line.currency,
        "expected": _alloc_json(line.expected),
        "acceptable": [_alloc_json(a) for a in line.acceptable],
        "writeoff": str(line.writeoff),
        "transfer_with": line.transfer_with,
        "account": line.account,
    }


def line_from_json(data: Mapping[str, Any]) -> TruthLine:
    """Inverse of :func:`line_to_json`."""
    return TruthLine(
        case=data["case"],
        status_class=data["class"],
        expected=_alloc_from(data["expected"]),
        acceptable=tuple(_alloc_from(a) for a in data["acceptable"]),
        unambiguous=bool(data["unambiguous"]),
        writeoff=Decimal(data["writeoff"]),
        transfer_with=data["transfer_with"],
        account=data["account"],
        currency=data["currency"],
        amount=Decimal(data["amount"]),
    )


def write_truth(path: Path, truth: Mapping[str, TruthLine], meta: Mapping[str, Any]) -> None:
    """Write ``truth.json``: the generator's parameters and one entry per transaction."""
    data = {**meta, "lines": {tx_id: line_to_json(line) for tx_id, line in truth.items()}}
    with path.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=None, separators=(",", ":"))
        fh.write("\n")


def read_truth(path: Path) -> dict[str, TruthLine]:
    """Read ``truth.json`` back into :class:`TruthLine` objects keyed by transaction id."""
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    return {tx_id: line_from_json(entry) for tx_id, entry in data["lines"].items()}
