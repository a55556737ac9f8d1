"""Merge transactions from several (possibly overlapping) statement files.

Import ids are stable (:mod:`bankrec.statements.ids`), so the same bank line read from two
files carries the same id; the first one read is kept. Two lines with the same id but a
different date, amount or currency are not duplicates but a contradiction between the
files, and are refused rather than silently dropping one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bankrec.errors import Location, StatementError
from bankrec.model import Transaction


@dataclass
class DedupeResult:
    """The kept transactions (first of each id, in input order) and what was dropped."""

    transactions: list[Transaction] = field(default_factory=list)
    duplicates: list[Transaction] = field(default_factory=list)

    @property
    def duplicate_count(self) -> int:
        return len(self.duplicates)


def _location(source: str) -> Location:
    file, _, line = source.rpartition(":")
    if file and line.isdigit():
        return Location(file, int(line))
    return Location(source)


def dedupe(transactions: Iterable[Transaction]) -> DedupeResult:
    """Keep the first transaction of each id; refuse ids whose lines contradict each other."""
    result = DedupeResult()
    seen: dict[str, Transaction] = {}
    for tx in transactions:
        first = seen.get(tx.id)
        if first is None:
            seen[tx.id] = tx
            result.transactions.append(tx)
            continue
        if (first.date, first.amount, first.currency) != (tx.date, tx.amount, tx.currency):
            raise StatementError(
                f"transaction id {tx.id!r} was already read from {first.source} with "
                f"{first.date} {first.amount} {first.currency}, here it is "
                f"{tx.date} {tx.amount} {tx.currency}",
                _location(tx.source),
                "the same date, amount and currency for the same bank reference",
            )
        result.duplicates.append(tx)
    return result
