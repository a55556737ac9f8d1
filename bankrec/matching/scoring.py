"""Confidence of one way to settle a transaction, with a reason for every point.

The weights are the ones finance users already reason with (partner +50, exact amount +30,
invoice number +15, date +5, validated structured reference on top), so a score can be
explained line by line; rule ``confidence±N`` is added last and the total clamped to 0..100.
Every contribution yields a sentence a person can check against the bank line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from bankrec.matching.amounts import q as quantize
from bankrec.matching.config import MatchConfig
from bankrec.matching.index import PartnerHit
from bankrec.matching.instalments import Together
from bankrec.model import Allocation, Candidate, OpenItem, Transaction


@dataclass(frozen=True, slots=True)
class ItemEvidence:
    """What pointed the search at one open item."""

    reference: str = ""  # the structured reference found on the bank line, formatted
    number: str = ""  # the number (as written in the item) found in label/reference
    number_source: str = ""  # where it was found: "label", "reference" or "rule …"
    unique: bool = False  # the number as written belongs to this one open item only


@dataclass(frozen=True, slots=True)
class Scored:
    """One scored way to settle a transaction (internal: carries what a Candidate lacks)."""

    allocations: tuple[Allocation, ...]
    confidence: int
    reasons: tuple[str, ...]
    party: str
    writeoff: Decimal
    partial: bool  # leaves part of an item's residual open
    review: str = ""  # why a person must look even at a high score ("" when nothing)
    item_ids: tuple[str, ...] = ()  # ids of the allocated items, for ordering and ties

    def __post_init__(self) -> None:
        if not self.item_ids:
            object.__setattr__(self, "item_ids", tuple(a.item_id for a in self.allocations))

    def sort_key(self) -> tuple[int, int, tuple[str, ...]]:
        """Best first, then fewer items, then item ids: a total, deterministic order."""
        return (-self.confidence, len(self.allocations), self.item_ids)

    def candidate(self) -> Candidate:
        return Candidate(self.allocations, self.confidence, self.reasons, self.party)


@dataclass(frozen=True, slots=True)
class RuleInfluence:
    """What rules add to every candidate of a transaction."""

    delta: int = 0
    where: str = ""


NO_RULE = RuleInfluence()
_ZERO = Decimal("0.00")


def clamp(score: int) -> int:
    return max(0, min(100, score))


def _partner_points(hit: PartnerHit | None, cfg: MatchConfig, cited: bool = False) -> int:
    """Full points from ``partner_full_similarity``; a name that fits several partners
    equally (similarity ``partner_cited_similarity``) gets full points only for a document
    the line names, since the number then says which of them it is."""
    if hit is None:
        return 0
    full, low = cfg.partner_full_similarity, cfg.partner_min_similarity
    if hit.similarity >= full or (cited and hit.similarity >= cfg.partner_cited_similarity):
        return cfg.weights.partner
    if hit.similarity < low or full <= low:
        return 0
    return round(cfg.weights.partner * (hit.similarity - low) / (full - low))


def _partner_reason(hit: PartnerHit, item: OpenItem, points: int) -> str:
    return (
        f"partner {item.partner!r} recognised from {hit.source} "
        f"(similarity {hit.similarity}, +{points})"
    )


def _date_ok(tx_date: dt.date, item: OpenItem, cfg: MatchConfig) -> bool:
    """Paid no earlier than a week before the document and not long after it fell due."""
    due = item.due_date or item.date
    return item.date - _WEEK <= tx_date <= due + _days(cfg.date_window_days)


_WEEK = dt.timedelta(days=7)


@lru_cache(maxsize=16)
def _days(days: int) -> dt.timedelta:
    return dt.timedelta(days=days)


Points = tuple[int, str]  # (points, the sentence that explains them)


def weigh(
    *,
    reference: Points | None,
    partner: Points | None,
    number: Points | None,
    amount: Sequence[Points],
    proof: Points | None = None,
    date: Points | None,
    other_document: Points | None,
    notes: Sequence[str],
    rule: RuleInfluence,
) -> tuple[int, list[str]]:
    """The one place evidence becomes points: sum them, and keep one sentence per piece,
    always in the same order (reference, partner, number, amount, what the number proves,
    date, another document named, notes, rules), for a single item and for a group alike."""
    score = 0
    reasons: list[str] = []
    for piece in (reference, partner, number, *amount, proof, date, other_document):
        if piece is not None:
            score += piece[0]
            reasons.append(piece[1])
    reasons.extend(notes)
    if rule.delta:
        score += rule.delta
        reasons.append(f"rule {rule.where}: confidence {rule.delta:+d}")
    return score, reasons


def _other_document(cited_elsewhere: str, names_own: bool, cfg: MatchConfig) -> Points | None:
    """A line naming a different document than the candidate's is evidence against it."""
    if not cited_elsewhere or names_own:
        return None
    penalty = cfg.weights.other_document
    return -penalty, f"the line names another document, {cited_elsewhere} (-{penalty})"


def score_item(
    tx: Transaction,
    item: OpenItem,
    residual: Decimal,
    evidence: ItemEvidence,
    hit: PartnerHit | None,
    unique_amount: bool,
    cfg: MatchConfig,
    rule: RuleInfluence,
    cited_elsewhere: str = "",
    fee: Decimal | None = None,
    deposit: str = "",
    together: Together | None = None,
    instalment: str = "",
) -> Scored | None:
    """Score settling ``tx`` against one item with ``residual`` still open (None if closed).

    ``fee`` is the fee the line states it had deducted (``ENTGELT 5,66``): when the amount
    and it make the residual exactly, the amount counts as exact and the fee is the
    write-off. ``deposit`` is the deposit / advance word the line uses: such a line is
    never booked to an invoice without a person. ``together``: this line and other lines
    of the run name this item only and together settle ``residual`` (instalments);
    ``instalment`` is the deposit word and instalment marker of a line read as an
    instalment (``ACOMPTE with 1/3``), not a deposit.
    """
    if residual <= 0:
        return None
    w = cfg.weights
    cur = tx.currency
    paid = abs(tx.amount)
    named = bool(evidence.number or evidence.reference)
    reference = number = partner = date = None
    if evidence.reference:
        reference = (
            w.reference,
            f"structured reference {evidence.reference} is {item.number}'s (+{w.reference})",
        )
    points = _partner_points(hit, cfg, named)
    if hit is not None and points:
        partner = (points, _partner_reason(hit, item, points))
    if evidence.number:
        number = (
            w.invoice,
            f"invoice number {item.number} found in {evidence.number_source} (+{w.invoice})",
        )
    amount: list[Points] = []
    diff = paid - residual
    partial = False
    review = ""
    tol = cfg.amount_tolerance
    exact = abs(diff) <= tol
    fee_exact = not exact and fee is not None and abs(abs(diff) - fee) <= tol
    if exact:
        allocated = min(paid, residual)
        amount.append(
            (w.amount, f"amount {paid} {cur} settles the open {residual} exactly (+{w.amount})")
        )
        if unique_amount and w.unique and hit is not None and points:
            amount.append(
                (
                    w.unique,
                    f"the only open item of this partner for {residual} {cur} (+{w.unique})",
                )
            )
    elif fee_exact:
        allocated = residual
        amount.append(
            (
                w.amount,
                f"amount {paid} {cur} and the fee {fee} the line states settle the open "
                f"{residual} exactly: the fee is the write-off (+{w.amount})",
            )
        )
    elif abs(diff) <= min(cfg.writeoff_max, quantize(residual * cfg.writeoff_ratio, cur)):
        allocated = residual
        half = w.amount // 2
        review = f"difference {diff:+} {cur} to write off"
        amount.append(
            (
                half,
                f"amount {paid} {cur} is {abs(diff)} {'short of' if diff < 0 else 'over'} the "
                f"open {residual}: difference booked as write-off, to confirm (+{half})",
            )
        )
    elif diff < 0:
        allocated = paid
        partial = True
        if _settled_together(together, residual, named, tol):
            assert together is not None
            amount.append(
                (
                    w.amount,
                    f"part payment {paid} of the open {residual} {cur}: the {together.lines} "
                    f"lines of this statement naming {item.number} settle it together exactly "
                    f"(+{w.amount})",
                )
            )
        else:
            amount.append(
                (
                    0,
                    f"partial payment: {paid} of the open {residual} {cur}, "
                    f"{residual - paid} stays open (+0)",
                )
            )
    else:
        allocated = residual
        review = f"pays {diff} {cur} more than the item's residual"
        amount.append((0, f"amount {paid} {cur} exceeds the open {residual} by {diff} (+0)"))
    proof = None
    jointly = partial and _settled_together(together, residual, named, tol)
    if evidence.unique and evidence.number and (exact or fee_exact or jointly) and w.unique_number:
        proof = (
            w.unique_number,
            f"number {item.number} as written belongs to no other open item, and the "
            f"{'lines naming it settle' if jointly else 'amount settles'} it "
            f"(+{w.unique_number})",
        )
    if jointly and not review:
        strong = points >= w.partner and (evidence.unique or bool(evidence.reference))
        if not strong:
            review = "a part payment is booked without a person only when the partner is "
            review += "recognised and the line names this document alone"
    if _date_ok(tx.date, item, cfg):
        due = item.due_date or item.date
        date = (w.date, f"paid {tx.date} for a document dated {item.date}, due {due} (+{w.date})")
    other = _other_document(cited_elsewhere, named, cfg)
    notes: list[str] = []
    if instalment and named:
        notes.append(
            f"the line says {instalment} and names {item.number}: an instalment of it, "
            "not a deposit"
        )
    if other is not None and not review:
        review = f"the line names another document, {cited_elsewhere}"
    if deposit:
        if not review:
            review = f"the line speaks of a deposit or advance ({deposit})"
        notes.append(
            f"the line says {deposit}: a deposit or advance is not booked to an invoice "
            f"without a person" + (f" (-{w.deposit})" if not named else ", even one the line names")
        )
    score, reasons = weigh(
        reference=reference,
        partner=partner,
        number=number,
        amount=amount,
        proof=proof,
        date=date,
        other_document=other,
        notes=notes,
        rule=rule,
    )
    if deposit and not named:
        score -= w.deposit
    loose = partial or (review and not review.startswith("difference"))
    if loose and not named and score >= cfg.suggest_threshold:
        score = cfg.suggest_threshold - 1
        reasons.append(
            "an amount that does not settle the item, on a line naming no document, could "
            f"be anything (a deposit, another invoice): confidence held at {score}"
        )
    sign = item.kind.sign
    writeoff = quantize(tx.amount - sign * allocated if not partial else _ZERO, cur)
    return Scored(
        allocations=(Allocation(item.id, allocated),),
        confidence=clamp(score),
        reasons=tuple(reasons),
        party=item.partner,
        writeoff=writeoff,
        partial=partial,
        review=review,
        item_ids=(item.id,),
    )


def _settled_together(
    together: Together | None, residual: Decimal, named: bool, tolerance: Decimal
) -> bool:
    """This line and the others of its group settle ``residual`` exactly (instalments)."""
    return together is not None and named and abs(together.residual - residual) <= tolerance


def score_group(
    tx: Transaction,
    items: Sequence[OpenItem],
    residuals: Sequence[Decimal],
    evidence: Sequence[ItemEvidence],
    hit: PartnerHit | None,
    ambiguous: bool,
    cfg: MatchConfig,
    rule: RuleInfluence,
    cited_elsewhere: str = "",
    deposit: str = "",
) -> Scored:
    """Score one transaction settling several items of one partner exactly (subset-sum)."""
    w = cfg.weights
    cur = tx.currency
    reference = partner = number = date = None
    refs = [e for e in evidence if e.reference]
    if refs and len(refs) == len(items):
        reference = (
            w.reference,
            f"structured references of all {len(items)} documents found (+{w.reference})",
        )
    partner_points = _partner_points(hit, cfg)
    if hit is not None and partner_points:
        partner = (partner_points, _partner_reason(hit, items[0], partner_points))
    found = [it.number for it, e in zip(items, evidence, strict=True) if e.number]
    if found:
        points = round(w.invoice * len(found) / len(items))
        number = (
            points,
            f"invoice numbers found in the bank text: {', '.join(found)} "
            f"({len(found)} of {len(items)}, +{points})",
        )
    listing = ", ".join(
        f"{it.number} {'-' if it.kind.sign != tx_sign(tx) else ''}{quantize(r, cur)}"
        for it, r in zip(items, residuals, strict=True)
    )
    amount = (
        w.amount,
        f"one payment of {quantize(abs(tx.amount), cur)} {cur} settles {len(items)} documents "
        f"exactly: {listing} (+{w.amount})",
    )
    proof = None
    if w.unique_number and all(e.number and e.unique for e in evidence):
        proof = (
            w.unique_number,
            f"each of the {len(items)} numbers as written belongs to no other open item, and "
            f"the amount settles them together (+{w.unique_number})",
        )
    if all(_date_ok(tx.date, it, cfg) for it in items):
        date = (w.date, f"paid {tx.date}, consistent with every due date (+{w.date})")
    review = ""
    notes = []
    if ambiguous:
        review = "another combination of open items gives the same total"
        notes.append("another combination of this partner's open items has the same total")
    other = _other_document(cited_elsewhere, bool(found or refs), cfg)
    if other is not None and not review:
        review = f"the line names another document, {cited_elsewhere}"
    if deposit:
        review = review or f"the line speaks of a deposit or advance ({deposit})"
        notes.append(
            f"the line says {deposit}: a deposit or advance is not booked to an invoice "
            f"without a person (-{w.deposit})"
        )
    score, reasons = weigh(
        reference=reference,
        partner=partner,
        number=number,
        amount=[amount],
        proof=proof,
        date=date,
        other_document=other,
        notes=notes,
        rule=rule,
    )
    if deposit:
        score -= w.deposit
    allocations = tuple(
        Allocation(it.id, quantize(r, cur)) for it, r in zip(items, residuals, strict=True)
    )
    settled = sum((it.kind.sign * quantize(r, cur) for it, r in zip(items, residuals, strict=True)),
                  Decimal(0))  # fmt: skip
    return Scored(
        allocations=allocations,
        confidence=clamp(score),
        reasons=tuple(reasons),
        party=items[0].partner,
        writeoff=quantize(tx.amount - settled, cur),
        partial=False,
        review=review,
        item_ids=tuple(a.item_id for a in allocations),
    )


def tx_sign(tx: Transaction) -> int:
    """+1 for money in, -1 for money out."""
    return 1 if tx.amount >= 0 else -1
