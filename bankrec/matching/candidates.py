"""Candidate search: which open items could a transaction settle, and on what evidence.

Candidates only come from the indexes (references, numbers, exact amounts, recognised
partners), never from a scan of all items; only items in the transaction's currency are
considered, so currencies are never mixed. The evidence is gathered once per transaction;
scoring happens against the residuals of the moment, so an instalment is scored against
what earlier instalments left open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from bankrec.matching.amounts import q as quantize
from bankrec.matching.index import ItemIndex, PartnerHit
from bankrec.matching.instalments import Claim, Together
from bankrec.matching.normalize import normalize_number, text_keys
from bankrec.matching.references import find_references
from bankrec.matching.scoring import (
    NO_RULE,
    ItemEvidence,
    RuleInfluence,
    Scored,
    score_group,
    score_item,
)
from bankrec.matching.subset_sum import find_subsets
from bankrec.matching.wording import deposit_word, find_word, instalment_marker, stated_fee
from bankrec.model import ItemKind, Transaction

_NOTHING = ItemEvidence()  # an item found by amount or partner only (immutable, shared)


@dataclass(slots=True)
class Evidence:
    """Everything pointing from one transaction to open items."""

    partners: dict[str, PartnerHit] = field(default_factory=dict)
    items: dict[int, ItemEvidence] = field(default_factory=dict)
    rule: RuleInfluence = NO_RULE
    fee: Decimal | None = None  # a fee the line states was deducted (``ENTGELT 5,66``)
    deposit: str = ""  # the deposit / advance word the line uses
    instalment: str = ""  # why a deposit word is read as an instalment of a named invoice


def gather(
    tx: Transaction,
    index: ItemIndex,
    *,
    rule: RuleInfluence = NO_RULE,
    rule_party: str = "",
    rule_invoice: str = "",
    rule_where: str = "",
) -> Evidence:
    """Collect candidate items for ``tx`` from every index (no residual-dependent filtering)."""
    cfg = index.config
    ev = Evidence(rule=rule)
    for hit in index.recognise(tx.counterparty, tx.label, tx.iban):
        ev.partners[hit.key] = hit
    if rule_party:
        key = index.partner_for_rule(rule_party)
        ev.partners[key] = PartnerHit(
            key, index.partners.display.get(key, rule_party), 100, f"rule {rule_where}"
        )
    items: dict[int, ItemEvidence] = {}
    cur = tx.currency
    currencies = index.currencies
    numbers = index.numbers

    text = f"{tx.reference} {tx.label}"
    directions = index.directions
    direction = tx.direction
    for ref in find_references(text):
        for i in index.by_reference.get(ref.value, ()):
            if currencies[i] == cur:
                items[i] = ItemEvidence(reference=str(ref))
    for source, field_text in (("reference", tx.reference), ("label", tx.label)):
        for key in text_keys(field_text):
            found = [i for i in index.by_number.get(key, ()) if currencies[i] == cur]
            # unique: the only item this line could pay (its currency and direction)
            unique = sum(1 for i in found if directions[i] is direction) == 1
            for i in found:
                old = items.get(i, _NOTHING)
                alone = unique and directions[i] is direction
                if not old.number or (alone and not old.unique):
                    items[i] = ItemEvidence(old.reference, numbers[i], source, alone)
    if rule_invoice:
        key = normalize_number(rule_invoice)
        for i in index.by_number.get(key, ()):
            if currencies[i] == cur:
                old = items.get(i, _NOTHING)
                items[i] = ItemEvidence(old.reference, numbers[i], f"rule {rule_where}", old.unique)
    paid = index.minor(abs(tx.amount), cur)
    tol = index.minor(cfg.amount_tolerance, cur)
    same_amount: list[int] = []
    for minor in range(paid - tol, paid + tol + 1):
        same_amount.extend(index.by_amount.get((cur, direction.value, minor), ()))
    if len(same_amount) <= cfg.max_amount_candidates:
        for i in same_amount:
            items.setdefault(i, _NOTHING)
    fee = stated_fee(text, cfg.fee_words)
    if fee:
        ev.fee = Decimal(fee)
        fee_minor = index.minor(ev.fee, cur)
        for centre in (paid + fee_minor, paid - fee_minor):
            fee_near: list[int] = []
            for minor in range(centre - tol, centre + tol + 1):
                fee_near.extend(index.by_amount.get((cur, direction.value, minor), ()))
            if len(fee_near) <= cfg.max_amount_candidates:
                for i in fee_near:
                    items.setdefault(i, _NOTHING)
    ev.deposit = deposit_word(text, cfg.deposit_words)
    if ev.deposit:
        ev.instalment = _instalment(text, ev.deposit, items, index, direction)
        if ev.instalment:
            ev.deposit = ""
    wmax = index.minor(cfg.writeoff_max, cur)
    for key in ev.partners:
        near = index.partner_items_between(key, cur, direction, paid - tol, paid + wmax)
        for i in near[: cfg.max_partner_items]:
            items.setdefault(i, _NOTHING)
    ev.items = items
    return ev


_INVOICES = (ItemKind.OUT_INVOICE, ItemKind.IN_INVOICE)


def _instalment(
    text: str, word: str, items: Mapping[int, ItemEvidence], index: ItemIndex, direction: object
) -> str:
    """The deposit word and instalment marker of a line that is an instalment of an
    invoice it names (``ACOMPTE with 1/3``), or ``""``.

    ``ACOMPTE 1/3 FACTURE FA-2026-0142`` pays a third of a named invoice: the deposit word
    is the payer's word for a part payment. It takes an instalment marker (``1/3``,
    ``Rate``, ``échéance``) *and* the number of an open invoice, and no order, quote or
    PO word: ``ACOMPTE COMMANDE 4512`` or a bare ``ACOMPTE`` stays a deposit.
    """
    cfg = index.config
    marker = instalment_marker(text, cfg.instalment_words)
    if not marker or find_word(text, cfg.order_words):
        return ""
    named = any(
        (e.number or e.reference)
        and index.directions[i] is direction
        and index.items[i].kind in _INVOICES
        for i, e in items.items()
    )
    if not named:
        return ""
    return f"{word} with {marker.strip()}"


def claim(tx: Transaction, ev: Evidence, index: ItemIndex) -> Claim | None:
    """The one open item ``tx`` names (number or reference, its direction) and what it
    pays, or None when it names none or several (see :mod:`.instalments`)."""
    direction = tx.direction
    named = [
        i
        for i, e in ev.items.items()
        if (e.number or e.reference) and index.directions[i] is direction
    ]
    if len(named) > 1:  # a loose number of another payer's document besides: the payer's
        named = [i for i in named if index.partner_key[i] in ev.partners]
    if len(named) != 1:
        return None
    return Claim(named[0], abs(tx.amount))


def score_all(
    tx: Transaction,
    ev: Evidence,
    index: ItemIndex,
    residuals: Mapping[int, Decimal],
    together: Together | None = None,
) -> list[Scored]:
    """Every scored way to settle ``tx`` given the residuals still open, best first.

    ``residuals`` holds the residual of every item (the assignment's running state);
    ``together`` the item this line and others of the run settle together, if any.
    """
    cfg = index.config
    out: list[Scored] = []
    cur, direction = tx.currency, tx.direction
    items, directions, partner_key = index.items, index.directions, index.partner_key
    partners = ev.partners
    paid = index.minor(abs(tx.amount), cur)
    tol = index.minor(cfg.amount_tolerance, cur)
    unique_of: dict[str, int | None] = {}  # partner -> its only open item at this amount
    amount_only: list[int] = []
    cited = sorted(
        index.numbers[i]
        for i, e in ev.items.items()
        if (e.number or e.reference) and directions[i] is direction
    )
    cited_text = ", ".join(cited[:3])
    settled_alone = False
    for i, item_ev in ev.items.items():
        if directions[i] is not direction:
            continue
        named = bool(item_ev.number or item_ev.reference)
        hit = partners.get(partner_key[i])
        if not (named or hit is not None):
            amount_only.append(i)  # scored below only if nothing better turns up
            continue
        residual = residuals[i]
        if residual <= 0:
            continue
        unique = False
        if hit is not None:
            if hit.key not in unique_of:
                same = [
                    j
                    for j in index.partner_items_between(
                        hit.key, cur, direction, paid - tol, paid + tol
                    )
                    if residuals[j] > 0
                ]
                unique_of[hit.key] = same[0] if len(same) == 1 else None
            unique = unique_of[hit.key] == i
        group = together if together is not None and together.item == i else None
        scored = score_item(tx, items[i], residual, item_ev, hit, unique, cfg, ev.rule, cited_text,
                            ev.fee, ev.deposit, group, ev.instalment)  # fmt: skip
        if scored is not None:
            out.append(scored)
            if (
                scored.confidence >= cfg.suggest_threshold
                and not scored.partial
                and not scored.review
                and (named or not cited)
            ):
                settled_alone = True
    # one item settling the amount exactly makes a combination of several unlikely,
    # unless the line names other documents than that item
    if not settled_alone:
        out.extend(_subsets(tx, ev, index, residuals, paid, tol))
    if not any(s.confidence >= cfg.suggest_threshold for s in out):
        # an amount alone scores amount + date at most; it matters only as an alternative
        # for a line that would otherwise show nothing, or when rules raise the score
        for i in amount_only:
            residual = residuals[i]
            if residual > 0:
                scored = score_item(tx, items[i], residual, _NOTHING, None, False, cfg, ev.rule,
                                    fee=ev.fee, deposit=ev.deposit)  # fmt: skip
                if scored is not None:
                    out.append(scored)
    out.sort(key=Scored.sort_key)
    return out


def _subsets(
    tx: Transaction,
    ev: Evidence,
    index: ItemIndex,
    residuals: Mapping[int, Decimal],
    paid: int,
    tol: int,
) -> list[Scored]:
    """Combinations of one partner's items (credit notes count negative) paid at once.

    ``paid`` and ``tol`` are the payment and the amount tolerance in minor units.
    """
    cfg = index.config
    cur, direction = tx.currency, tx.direction
    directions, minor_of = index.directions, index.minor_residual
    untouched, minors, positive = index.residuals, index.minor_residuals, index.positive
    named: dict[str, list[int]] = {}  # documents named on the line, by partner
    for i, e in ev.items.items():
        if e.number or e.reference:
            named.setdefault(index.partner_key[i], []).append(i)
    out: list[Scored] = []
    for key in sorted(set(ev.partners) | set(named)):
        cited = sorted(named.get(key, ()), key=lambda i: index.ids[i])
        # credit notes only take part when the line names them ("minus credit note ...")
        credits = sum(
            minor_of(i, residuals[i], cur) for i in cited if directions[i] is not direction
        )
        ceiling = paid + tol + credits
        pool: list[int] = []
        pooled: set[int] = set()
        values: list[int] = []
        for i in [*cited, *index.partner_items_near(key, cur, tx.date)]:
            same_direction = directions[i] is direction
            if i in pooled or (not same_direction and i not in cited):
                continue
            residual = residuals[i]
            if residual is untouched[i]:  # the item's own residual: precomputed facts
                if not positive[i]:
                    continue
                signed = minors[i]
            else:
                if residual <= 0:
                    continue
                signed = minor_of(i, residual, cur)
            if not same_direction:
                signed = -signed
            if signed > ceiling:
                continue
            pool.append(i)
            pooled.add(i)
            values.append(signed)
            if len(pool) >= cfg.subset_max_items:
                break
        if len(pool) < 2:
            continue
        solutions = find_subsets(
            values,
            paid,
            max_size=cfg.subset_max_size,
            max_steps=cfg.subset_max_steps,
            tolerance=tol,
        )
        if not solutions:
            continue
        if cited:  # a line naming documents pays those: combinations must include one
            solutions = [sol for sol in solutions if any(pool[j] in cited for j in sol)]
            if not solutions:
                continue
            # exactly the documents the line names, summing to the amount: that is the
            # answer, whatever other combinations happen to give the same total
            named_all = [sol for sol in solutions if {pool[j] for j in sol} == set(cited)]
            if named_all:
                solutions = named_all
        chosen = [pool[j] for j in solutions[0]]
        if not any(directions[i] is direction for i in chosen):
            continue
        chosen.sort(key=lambda i: index.ids[i])
        out.append(
            score_group(
                tx,
                [index.items[i] for i in chosen],
                [quantize(residuals[i], cur) for i in chosen],
                [ev.items.get(i, _NOTHING) for i in chosen],
                ev.partners.get(key),
                len(solutions) > 1,
                cfg,
                ev.rule,
                ", ".join(sorted(index.numbers[i] for j in named.values() for i in j)[:3]),
                ev.deposit,
            )
        )
    return out
