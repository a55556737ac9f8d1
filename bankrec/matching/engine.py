"""``match()``: transactions and open items in, one :class:`Decision` per transaction out.

The order of decisions is fixed: rules first (a line a rule ignores or books as an expense
or fee never grabs an invoice), then internal transfers (both sides paired), then the
scored matching with a global assignment -- the stages of :mod:`bankrec.matching.stages`,
run in sequence by ``_match``. Plain data in and out, no I/O and no global
state, so the CLI and an Odoo module call the very same function.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from bankrec.matching.amounts import q as quantize
from bankrec.matching.config import MatchConfig
from bankrec.matching.index import ItemIndex
from bankrec.matching.stages import (
    RuleOutcome,
    Rules,
    assign_open_items,
    decide_by_rules,
    evaluate_rules,
    pair_internal_transfers,
    with_rule_provenance,
)
from bankrec.model import Decision, OpenItem, Status, Transaction

__all__ = ["CurrencyTotals", "MatchResult", "RuleOutcome", "Rules", "Summary", "match"]


@dataclass(slots=True)
class CurrencyTotals:
    """Per-currency money in the run, in absolute values (exact Decimals)."""

    lines: int = 0
    total: Decimal = Decimal(0)
    reconciled: Decimal = Decimal(0)
    suggested: Decimal = Decimal(0)
    unmatched: Decimal = Decimal(0)
    ignored: Decimal = Decimal(0)


@dataclass(slots=True)
class Summary:
    """Counts per status and amounts per currency."""

    lines: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Status})
    currencies: dict[str, CurrencyTotals] = field(default_factory=dict)


@dataclass(slots=True)
class MatchResult:
    """Decisions in transaction order, and their summary."""

    decisions: list[Decision]
    summary: Summary


def match(
    transactions: Sequence[Transaction],
    items: Sequence[OpenItem],
    *,
    rules: Rules | None = None,
    config: MatchConfig = MatchConfig(),  # noqa: B008 - frozen, safe as a default
    known_ibans: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> MatchResult:
    """Decide, for every transaction, which open items it settles, how surely and why.

    ``known_ibans`` maps counterparty IBANs to partner names learned from validated
    matches. ``progress`` is called with the number of transactions processed so far.
    """
    with _no_cycle_collection():
        return _match(transactions, items, rules, config, known_ibans, progress)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Matching allocates millions of short-lived objects without reference cycles (freed
    by reference counting alone), beside an index of hundreds of thousands of long-lived
    ones; Python's cycle collector, triggered by the allocations, walks that index again
    and again for nothing -- about a fifth of the CPU time at 50,000 lines. It is paused
    for the call and restored as it was afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _match(
    transactions: Sequence[Transaction],
    items: Sequence[OpenItem],
    rules: Rules | None,
    config: MatchConfig,
    known_ibans: Mapping[str, str] | None,
    progress: Callable[[int], None] | None,
) -> MatchResult:
    """The stages of :mod:`bankrec.matching.stages`, in order."""
    index = ItemIndex(items, config, known_ibans)
    outcomes = evaluate_rules(transactions, rules)
    decided, open_positions, rule_transfer = decide_by_rules(transactions, outcomes, config)
    decided |= pair_internal_transfers(
        transactions, outcomes, open_positions, rule_transfer, config
    )
    remaining = [t for t in open_positions if t not in decided]
    step = None
    if progress is not None:
        base = len(decided)
        progress(base)

        def step(done: int) -> None:
            progress(base + done)

    decided |= assign_open_items(transactions, outcomes, remaining, index, config, step)
    decisions = [with_rule_provenance(decided[t], outcomes[t]) for t in range(len(transactions))]
    if progress is not None:
        progress(len(transactions))
    return MatchResult(decisions, summarise(transactions, decisions))


def summarise(transactions: Sequence[Transaction], decisions: Sequence[Decision]) -> Summary:
    """Counts per status and absolute amounts per currency and status."""
    summary = Summary(lines=len(decisions))
    for tx, d in zip(transactions, decisions, strict=True):
        summary.counts[d.status.value] += 1
        totals = summary.currencies.setdefault(tx.currency, CurrencyTotals())
        amount = quantize(abs(tx.amount), tx.currency)
        totals.lines += 1
        totals.total += amount
        setattr(totals, d.status.value, getattr(totals, d.status.value) + amount)
    summary.currencies = dict(sorted(summary.currencies.items()))
    return summary
