"""Instalments paid within one run: several lines naming one invoice, settling it together.

Three lines ``instalment 1/3``, ``2/3``, ``3/3 INV-0097`` carry the same evidence (the
partner, the number, amounts that sum to the residual). Judged one by one against what
earlier lines left open, the first two were part payments (70) and the last "settled the
open amount exactly" (100) -- but only because the first two would be booked first, which
nobody had confirmed. Here the run is looked at as a whole instead: when every line of
the run that names one open item (and no other) pays less than its residual, and
together they pay it exactly, each line is a clearly identified part payment of it, and
each is scored the same way, against the item's residual before any of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Together:
    """The lines of a run that together settle one open item, as seen from one of them."""

    item: int  # the item's position in the index
    lines: int  # how many lines of the run name it (2 or more)
    residual: Decimal  # its residual before any of them: what they settle together


@dataclass(frozen=True, slots=True)
class Claim:
    """A line naming one open item only, and what it pays."""

    item: int
    paid: Decimal


def find_together(
    claims: Mapping[int, Claim], residuals: Mapping[int, Decimal], tolerance: Decimal
) -> dict[int, Together]:
    """Line position -> its group, for the items whose claiming lines settle them exactly.

    All of an item's claims must take part and each must pay less than the residual:
    there is no choosing among lines (that would be a guess), so a fourth line naming the
    same invoice, a line paying it whole, or a total off by more than ``tolerance`` means
    no group at all, and each line is judged alone.
    """
    by_item: dict[int, list[int]] = defaultdict(list)
    for line, claim in claims.items():
        by_item[claim.item].append(line)
    groups: dict[int, Together] = {}
    for item, lines in by_item.items():
        residual = residuals[item]
        if len(lines) < 2 or residual <= 0:
            continue
        paid = [claims[t].paid for t in lines]
        if any(p <= 0 or p >= residual - tolerance for p in paid):
            continue
        if abs(sum(paid, Decimal(0)) - residual) > tolerance:
            continue
        together = Together(item, len(lines), residual)
        for t in lines:
            groups[t] = together
    return groups


class BeforeAny(Mapping[int, Decimal]):
    """The residuals of the moment, with a group's item read as before any of its lines:
    each line of the group is scored as the first of them (a view, nothing copied)."""

    __slots__ = ("_base", "_group")

    def __init__(self, base: Mapping[int, Decimal], group: Together) -> None:
        self._base = base
        self._group = group

    def __getitem__(self, item: int) -> Decimal:
        return self._group.residual if item == self._group.item else self._base[item]

    def __iter__(self) -> Iterator[int]:
        return iter(self._base)

    def __len__(self) -> int:
        return len(self._base)
