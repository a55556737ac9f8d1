"""``match()``: transactions and open items in, one :class:`Decision` per transaction out.

The order of decisions is fixed: rules first (a line a rule ignores or books as an expense
or fee never grabs an invoice), then internal transfers (both sides paired), then the
scored matching with a global assignment. Plain data in and out, no I/O and no global
state, so the CLI and an Odoo module call the very same function.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from bankrec.matching.amounts import q as quantize
from bankrec.matching.assign import Assigner, Pick
from bankrec.matching.candidates import Evidence, gather, score_all
from bankrec.matching.config import MatchConfig
from bankrec.matching.index import ItemIndex
from bankrec.matching.scoring import RuleInfluence, Scored, clamp
from bankrec.matching.transfers import pair_transfers
from bankrec.model import Booking, Decision, OpenItem, Status, Transaction

_NO_RULES_CONFIDENCE = 60  # a rule says "transfer" but the other side is not in the data


class RuleOutcome(Protocol):
    """The part of ``dsl.Outcome`` the matcher reads."""

    @property
    def matched(self) -> tuple[str, ...]: ...
    @property
    def party(self) -> str | None: ...
    @property
    def account(self) -> str | None: ...
    @property
    def category(self) -> str | None: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def ignore(self) -> bool: ...
    @property
    def confidence(self) -> int: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def invoice(self) -> str | None: ...
    def provenance(self, action: str) -> str | None: ...


class Rules(Protocol):
    """Anything that evaluates transaction fields like ``dsl.RuleSet``."""

    def evaluate(self, fields: Mapping[str, object]) -> RuleOutcome: ...


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
    return _match(transactions, items, rules, config, known_ibans, progress)


def _match(
    transactions: Sequence[Transaction],
    items: Sequence[OpenItem],
    rules: Rules | None,
    config: MatchConfig,
    known_ibans: Mapping[str, str] | None,
    progress: Callable[[int], None] | None,
) -> MatchResult:
    index = ItemIndex(items, config, known_ibans)
    outcomes: list[RuleOutcome | None] = [
        rules.evaluate(tx.rule_fields()) if rules is not None else None for tx in transactions
    ]
    decided: dict[int, Decision] = {}
    open_positions: list[int] = []
    rule_transfer: set[int] = set()
    for t, (tx, out) in enumerate(zip(transactions, outcomes, strict=True)):
        decision = _by_rules(tx, out, config)
        if decision is not None:
            decided[t] = decision
            continue
        if out is not None and out.kind == "transfer":
            rule_transfer.add(t)
        open_positions.append(t)
    for pair in pair_transfers(
        transactions,
        open_positions,
        days=config.transfer_days,
        own_accounts=config.own_accounts,
        rule_transfer=frozenset(rule_transfer),
    ):
        for me, other in ((pair.out_side, pair.in_side), (pair.in_side, pair.out_side)):
            decided[me] = _transfer(transactions[me], transactions[other], pair.confidence,
                                    pair.reasons, outcomes[me], config, pair.ambiguous)  # fmt: skip
    for t in sorted(rule_transfer - decided.keys()):
        out = outcomes[t]
        assert out is not None
        decided[t] = _unpaired_transfer(transactions[t], out)
    remaining = [t for t in open_positions if t not in decided]
    evidence: dict[int, Evidence] = {}

    def score(t: int, residuals: Mapping[int, Decimal]) -> list[Scored]:
        """Score line ``t``; its evidence is kept only when it will likely be needed again.

        A line whose best candidate settles in full is nearly always decided in phase 1;
        only the others (partial payments, weak lines) are rescored against what is left.
        Keeping every line's evidence alive to the end made the heap, and every full
        garbage-collector pass over it, much larger. ``gather`` is pure, so a line
        rescored without kept evidence gets exactly the same evidence again.
        """
        ev = evidence.get(t)
        if ev is None:
            ev = _gather(transactions[t], outcomes[t], index)
            scored = score_all(transactions[t], ev, index, residuals)
            if not scored or scored[0].partial or scored[0].confidence < config.suggest_threshold:
                evidence[t] = ev
            return scored
        return score_all(transactions[t], ev, index, residuals)

    finished = len(decided)
    step = None
    if progress is not None:
        base = finished
        progress(base)

        def step(done: int) -> None:
            progress(base + done)

    assigner = Assigner(
        remaining,
        score,
        [item.id for item in index.items],
        {i: item.residual for i, item in enumerate(index.items)},
        suggest_threshold=config.suggest_threshold,
        tie_margin=config.tie_margin,
        dates=[tx.date for tx in transactions],
        names=[tx.id for tx in transactions],
        progress=step,
    )
    for t, pick in assigner.run().items():
        decided[t] = _from_pick(transactions[t], pick, config)
    decisions = [_with_rules(decided[t], outcomes[t]) for t in range(len(transactions))]
    if progress is not None:
        progress(len(transactions))
    return MatchResult(decisions, summarise(transactions, decisions))


def _gather(tx: Transaction, out: RuleOutcome | None, index: ItemIndex) -> Evidence:
    if out is None:
        return gather(tx, index)
    where = ", ".join(out.matched)
    delta_where = out.provenance("confidence") or where
    return gather(
        tx,
        index,
        rule=RuleInfluence(out.confidence, delta_where),
        rule_party=out.party or "",
        rule_invoice=out.invoice or "",
        rule_where=out.provenance("party") or out.provenance("invoice") or where,
    )


def _with_rules(decision: Decision, out: RuleOutcome | None) -> Decision:
    """Carry the rules' category, tags and provenance onto a decision."""
    if out is None or not out.matched:
        return decision
    return dataclasses.replace(
        decision, category=out.category or "", tags=tuple(out.tags), provenance=out.matched
    )


def _by_rules(tx: Transaction, out: RuleOutcome | None, cfg: MatchConfig) -> Decision | None:
    """A decision made by rules alone: ignore, or book an expense / fee to an account."""
    if out is None or not out.matched:
        return None
    if out.ignore:
        where = out.provenance("ignore") or ", ".join(out.matched)
        return Decision(tx.id, Status.IGNORED, 100, reasons=(f"ignored by rule {where}",))
    expense_like = out.kind in ("expense", "fee")
    plain_account = out.account and out.kind is None and not out.party and not out.invoice
    if not (expense_like or plain_account):
        return None
    booking = Booking.FEE if out.kind == "fee" else Booking.EXPENSE
    confidence = clamp(cfg.rule_booking_confidence + out.confidence)
    reasons = [
        f"booked as {booking.value}"
        + (f" on account {out.account}" if out.account else "")
        + f" by rule {out.provenance('kind') or out.provenance('account') or out.matched[0]}"
    ]
    if out.confidence:
        reasons.append(f"rule {out.provenance('confidence')}: confidence {out.confidence:+d}")
    status = Status.RECONCILED
    if not out.account and booking is Booking.FEE:
        reasons.append("no account given by the rules: the bank journal's fee account applies")
    elif not out.account:
        status = Status.SUGGESTED
        reasons.append("no account given by the rules: a person must choose one")
    if confidence < cfg.auto_threshold:
        status = Status.SUGGESTED
    return Decision(
        tx.id,
        status,
        confidence,
        party=out.party or "",
        reasons=tuple(reasons),
        booking=booking,
        account=out.account or "",
    )


def _transfer(
    tx: Transaction,
    other: Transaction,
    confidence: int,
    reasons: tuple[str, ...],
    out: RuleOutcome | None,
    cfg: MatchConfig,
    ambiguous: bool = False,
) -> Decision:
    delta = out.confidence if out is not None else 0
    score = clamp(confidence + delta)
    ok = score >= cfg.auto_threshold and not ambiguous
    status = Status.RECONCILED if ok else Status.SUGGESTED
    return Decision(
        tx.id,
        status,
        score,
        reasons=(f"internal transfer with {other.id}", *reasons),
        booking=Booking.TRANSFER,
        account=(out.account or "") if out is not None else "",
        transfer_with=other.id,
    )


def _unpaired_transfer(tx: Transaction, out: RuleOutcome) -> Decision:
    where = out.provenance("kind") or ", ".join(out.matched)
    return Decision(
        tx.id,
        Status.SUGGESTED,
        clamp(_NO_RULES_CONFIDENCE + out.confidence),
        reasons=(
            f"rule {where} marks an internal transfer",
            "the other side is not in this statement: confirm the account",
        ),
        booking=Booking.TRANSFER,
        account=out.account or "",
    )


def _from_pick(tx: Transaction, pick: Pick, cfg: MatchConfig) -> Decision:
    alternatives = tuple(c.candidate() for c in pick.alternatives)
    best = pick.best
    if best is None:
        if pick.alternatives:
            top = pick.alternatives[0]
            reason = (
                f"no open item matches well enough: best candidate "
                f"{', '.join(top.item_ids)} scores {top.confidence} (< {cfg.suggest_threshold})"
            )
            confidence = top.confidence
        else:
            reason = "no open item in " + tx.currency + " points to this line"
            confidence = 0
        return Decision(
            tx.id, Status.UNMATCHED, confidence, reasons=(reason,), alternatives=alternatives,
        )  # fmt: skip
    reasons = list(best.reasons)
    status = Status.RECONCILED
    if best.confidence < cfg.auto_threshold:
        status = Status.SUGGESTED
    if pick.tie:
        status = Status.SUGGESTED
        reasons.append(f"not automatic: {pick.tie} (within {cfg.tie_margin})")
    if best.review:
        status = Status.SUGGESTED
        reasons.append(f"to confirm: {best.review}")
    return Decision(
        tx.id,
        status,
        best.confidence,
        allocations=best.allocations,
        party=best.party,
        reasons=tuple(reasons),
        alternatives=alternatives,
        booking=Booking.PAYMENT,
        writeoff=best.writeoff,
    )


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
