"""The matcher's stages, each a pure step: rules -> transfers -> candidates -> score -> assign.

:func:`bankrec.matching.engine.match` runs them in this order; each takes plain data and
returns decisions for the lines it settles, leaving the rest to the next step:

1. :func:`evaluate_rules` -- the rule set's outcome for every line;
2. :func:`decide_by_rules` -- lines a rule ignores or books as an expense/fee never grab an
   invoice; lines a rule calls a transfer are set aside for step 3;
3. :func:`pair_internal_transfers` -- both sides of an internal transfer, paired;
4. :func:`assign_open_items` -- every other line: candidates from the index
   (:mod:`.candidates`), scored (:mod:`.scoring`), then one global, deterministic
   assignment (:mod:`.assign`) so no residual is allocated twice;
5. :func:`with_rule_provenance` -- the rules' category, tags and locations onto each decision.

A new stage (say, matching payroll batches) is one more function here and one more line
in ``engine._match``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Protocol

from bankrec.matching.amounts import q as quantize
from bankrec.matching.assign import Assigner, Pick
from bankrec.matching.candidates import Evidence, claim, gather, score_all
from bankrec.matching.config import MatchConfig
from bankrec.matching.index import ItemIndex
from bankrec.matching.instalments import BeforeAny, Claim, Together, find_together
from bankrec.matching.scoring import RuleInfluence, Scored, clamp
from bankrec.matching.transfers import pair_transfers
from bankrec.model import Booking, Decision, Status, Transaction

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


Decided = dict[int, Decision]  # position of a transaction -> its decision


def evaluate_rules(
    transactions: Sequence[Transaction], rules: Rules | None
) -> list[RuleOutcome | None]:
    """Stage 1: what the rules say of each line (None everywhere without rules)."""
    return [rules.evaluate(tx.rule_fields()) if rules is not None else None for tx in transactions]


def decide_by_rules(
    transactions: Sequence[Transaction],
    outcomes: Sequence[RuleOutcome | None],
    config: MatchConfig,
) -> tuple[Decided, list[int], frozenset[int]]:
    """Stage 2: lines the rules settle alone; the positions left open; those a rule calls a
    transfer (still open: stage 3 looks for their other side)."""
    decided: Decided = {}
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
    return decided, open_positions, frozenset(rule_transfer)


def pair_internal_transfers(
    transactions: Sequence[Transaction],
    outcomes: Sequence[RuleOutcome | None],
    open_positions: Sequence[int],
    rule_transfer: frozenset[int],
    config: MatchConfig,
) -> Decided:
    """Stage 3: both sides of each internal transfer found among the open lines; a line a
    rule calls a transfer whose other side is absent is suggested as such."""
    decided: Decided = {}
    for pair in pair_transfers(
        transactions,
        open_positions,
        days=config.transfer_days,
        own_accounts=config.own_accounts,
        rule_transfer=rule_transfer,
    ):
        for me, other in ((pair.out_side, pair.in_side), (pair.in_side, pair.out_side)):
            decided[me] = _transfer(transactions[me], transactions[other], pair.confidence,
                                    pair.reasons, outcomes[me], config, pair.ambiguous)  # fmt: skip
    for t in sorted(rule_transfer - decided.keys()):
        out = outcomes[t]
        assert out is not None
        decided[t] = _unpaired_transfer(transactions[t], out)
    return decided


def assign_open_items(
    transactions: Sequence[Transaction],
    outcomes: Sequence[RuleOutcome | None],
    remaining: Sequence[int],
    index: ItemIndex,
    config: MatchConfig,
    progress: Callable[[int], None] | None = None,
) -> Decided:
    """Stage 4: candidates, scores and one global assignment for the remaining lines.

    ``progress`` is called with the number of remaining lines assigned so far.
    """
    evidence: dict[int, Evidence] = {}
    claims: dict[int, Claim] = {}  # line -> the one item it names and pays part of
    together: dict[int, Together] = {}  # line -> the item it and others settle together

    def score(t: int, residuals: Mapping[int, Decimal]) -> list[Scored]:
        """Score line ``t``; its evidence is kept only when it will likely be needed again.

        A line whose best candidate settles in full is nearly always decided in phase 1;
        only the others (partial payments, weak lines) are rescored against what is left.
        Keeping every line's evidence alive to the end made the heap, and every full
        garbage-collector pass over it, much larger. ``gather`` is pure, so a line
        rescored without kept evidence gets exactly the same evidence again.

        A line settling an item together with others of the run is scored against the
        item's residual before any of them (:mod:`.instalments`), never against what the
        others would leave open.
        """
        group = together.get(t)
        if group is not None:
            residuals = BeforeAny(residuals, group)
        ev = evidence.get(t)
        if ev is None:
            ev = _gather(transactions[t], outcomes[t], index)
            scored = score_all(transactions[t], ev, index, residuals, group)
            if not scored or scored[0].partial or scored[0].confidence < config.suggest_threshold:
                evidence[t] = ev
            if t not in claims:
                found = claim(transactions[t], ev, index)
                if found is not None:
                    claims[t] = found
            return scored
        return score_all(transactions[t], ev, index, residuals, group)

    def group(residuals: Mapping[int, Decimal]) -> list[int]:
        """Find the instalments of the run; the lines to score again with them."""
        together.update(find_together(claims, residuals, config.amount_tolerance))
        return sorted(together)

    assigner = Assigner(
        remaining,
        score,
        [item.id for item in index.items],
        {i: item.residual for i, item in enumerate(index.items)},
        suggest_threshold=config.suggest_threshold,
        auto_threshold=config.auto_threshold,
        tie_margin=config.tie_margin,
        dates=[tx.date for tx in transactions],
        names=[tx.id for tx in transactions],
        progress=progress,
        group=group,
    )
    return {t: _from_pick(transactions[t], pick, config) for t, pick in assigner.run().items()}


def with_rule_provenance(decision: Decision, out: RuleOutcome | None) -> Decision:
    """Stage 5: carry the rules' category, tags and provenance onto a decision."""
    if out is None or not out.matched:
        return decision
    return dataclasses.replace(
        decision, category=out.category or "", tags=tuple(out.tags), provenance=out.matched
    )


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
    confidence = best.confidence
    review = best.review
    tolerated = writeoff_within_tolerance(tx, pick, cfg)
    if tolerated is not None:
        points = _amount_points_held_back(cfg)
        confidence = clamp(confidence + points)
        reasons.append(
            f"difference {tolerated:+} {tx.currency} is within the write-off tolerance "
            f"{cfg.auto_writeoff_max}: the amount counts in full (+{points})"
        )
        if confidence >= cfg.auto_threshold:
            review = ""
            reasons.append(
                f"difference {tolerated:+} {tx.currency} written off automatically "
                f"(within the tolerance {cfg.auto_writeoff_max})"
            )
    status = Status.RECONCILED
    if confidence < cfg.auto_threshold:
        status = Status.SUGGESTED
    if pick.tie:
        status = Status.SUGGESTED
        reasons.append(f"not automatic: {pick.tie} (within {cfg.tie_margin})")
    if review:
        status = Status.SUGGESTED
        reasons.append(f"to confirm: {review}")
    return Decision(
        tx.id,
        status,
        confidence,
        allocations=best.allocations,
        party=best.party,
        reasons=tuple(reasons),
        alternatives=alternatives,
        booking=Booking.PAYMENT,
        writeoff=best.writeoff,
    )


_WRITEOFF_REVIEW = "difference "  # how scoring.score_item words a write-off to confirm


def writeoff_within_tolerance(tx: Transaction, pick: Pick, cfg: MatchConfig) -> Decimal | None:
    """The write-off difference the tolerance rule accepts for this pick, else ``None``.

    The one place the rule lives (the Odoo connector gets it through ``MatchConfig``; an
    add-on calling the matcher gets the same): a fee deducted by the payer's bank is
    booked without a person when the write-off difference is the *only* reason the match
    was held for review -- no tie with another candidate, no other doubt -- and the
    difference is within ``auto_writeoff_max`` (0 = never) and within ``writeoff_ratio``
    of the residual it settles. The caller still requires the confidence to reach
    ``auto_threshold``. The difference is signed as paid minus open (``-5.66``: short).
    """
    best = pick.best
    if best is None or pick.tie or cfg.auto_writeoff_max <= 0:
        return None
    if not best.review.startswith(_WRITEOFF_REVIEW) or len(best.allocations) != 1:
        return None
    settled = best.allocations[0].amount
    difference = abs(tx.amount) - settled
    limit = min(cfg.auto_writeoff_max, quantize(settled * cfg.writeoff_ratio, tx.currency))
    if difference == 0 or abs(difference) > limit:
        return None
    return difference


def _amount_points_held_back(cfg: MatchConfig) -> int:
    """What scoring withholds from an amount that needs a write-off "to confirm" (it gives
    half the amount weight): once the tolerance accepts the difference there is nothing
    left to confirm, so the amount counts as settling the item, as an exact one does."""
    return cfg.weights.amount - cfg.weights.amount // 2
