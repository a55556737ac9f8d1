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

from bankrec.matching.amounts import minor as to_minor
from bankrec.matching.amounts import q as quantize
from bankrec.matching.index import ItemIndex, PartnerHit
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
from bankrec.model import Transaction


@dataclass(slots=True)
class Evidence:
    """Everything pointing from one transaction to open items."""

    partners: dict[str, PartnerHit] = field(default_factory=dict)
    items: dict[int, ItemEvidence] = field(default_factory=dict)
    rule: RuleInfluence = NO_RULE


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

    def usable(i: int) -> bool:
        item = index.items[i]
        return item.currency == tx.currency

    text = f"{tx.reference} {tx.label}"
    for ref in find_references(text):
        for i in index.by_reference.get(ref.value, ()):
            if usable(i):
                items[i] = ItemEvidence(reference=str(ref))
    for source, field_text in (("reference", tx.reference), ("label", tx.label)):
        for key in text_keys(field_text):
            for i in index.by_number.get(key, ()):
                if usable(i) and not items.get(i, ItemEvidence()).number:
                    old = items.get(i, ItemEvidence())
                    items[i] = ItemEvidence(old.reference, index.items[i].number, source)
    if rule_invoice:
        key = normalize_number(rule_invoice)
        for i in index.by_number.get(key, ()):
            if usable(i):
                old = items.get(i, ItemEvidence())
                items[i] = ItemEvidence(old.reference, index.items[i].number, f"rule {rule_where}")
    paid = to_minor(abs(tx.amount), tx.currency)
    tol = to_minor(cfg.amount_tolerance, tx.currency)
    same_amount: list[int] = []
    for minor in range(paid - tol, paid + tol + 1):
        same_amount.extend(index.by_amount.get((tx.currency, tx.direction, minor), ()))
    if len(same_amount) <= cfg.max_amount_candidates:
        for i in same_amount:
            items.setdefault(i, ItemEvidence())
    wmax = to_minor(cfg.writeoff_max, tx.currency)
    for key in ev.partners:
        near = index.partner_items_between(key, tx.currency, tx.direction, paid - tol, paid + wmax)
        for i in near[: cfg.max_partner_items]:
            items.setdefault(i, ItemEvidence())
    ev.items = items
    return ev


def score_all(
    tx: Transaction, ev: Evidence, index: ItemIndex, residuals: Mapping[int, Decimal]
) -> list[Scored]:
    """Every scored way to settle ``tx`` given the residuals still open, best first."""
    cfg = index.config
    out: list[Scored] = []
    cur, direction = tx.currency, tx.direction
    paid = to_minor(abs(tx.amount), cur)
    tol = to_minor(cfg.amount_tolerance, cur)
    unique_of: dict[str, int | None] = {}  # partner -> its only open item at this amount
    amount_only: list[int] = []
    cited = sorted(
        index.items[i].number
        for i, e in ev.items.items()
        if (e.number or e.reference) and index.directions[i] is direction
    )
    cited_text = ", ".join(cited[:3])
    settled_alone = False
    for i, item_ev in ev.items.items():
        if index.directions[i] is not direction:
            continue
        if not (item_ev.number or item_ev.reference or index.partner_key[i] in ev.partners):
            amount_only.append(i)  # scored below only if nothing better turns up
            continue
        item = index.items[i]
        residual = residuals.get(i, item.residual)
        if residual <= 0:
            continue
        hit = ev.partners.get(index.partner_key[i])
        unique = False
        if hit is not None:
            if hit.key not in unique_of:
                same = [
                    j
                    for j in index.partner_items_between(
                        hit.key, cur, direction, paid - tol, paid + tol
                    )
                    if residuals.get(j, index.items[j].residual) > 0
                ]
                unique_of[hit.key] = same[0] if len(same) == 1 else None
            unique = unique_of[hit.key] == i
        scored = score_item(tx, item, residual, item_ev, hit, unique, cfg, ev.rule, cited_text)
        if scored is not None:
            out.append(scored)
            named = bool(item_ev.number or item_ev.reference)
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
        out.extend(_subsets(tx, ev, index, residuals))
    if not any(s.confidence >= cfg.suggest_threshold for s in out):
        # an amount alone scores amount + date at most; it matters only as an alternative
        # for a line that would otherwise show nothing, or when rules raise the score
        for i in amount_only:
            residual = residuals.get(i, index.items[i].residual)
            if residual > 0:
                scored = score_item(
                    tx, index.items[i], residual, ItemEvidence(), None, False, cfg, ev.rule
                )
                if scored is not None:
                    out.append(scored)
    out.sort(key=Scored.sort_key)
    return out


def _subsets(
    tx: Transaction, ev: Evidence, index: ItemIndex, residuals: Mapping[int, Decimal]
) -> list[Scored]:
    """Combinations of one partner's items (credit notes count negative) paid at once."""
    cfg = index.config
    cur = tx.currency
    paid = to_minor(abs(tx.amount), cur)
    tol = to_minor(cfg.amount_tolerance, cur)
    named: dict[str, list[int]] = {}  # documents named on the line, by partner
    for i, e in ev.items.items():
        if e.number or e.reference:
            named.setdefault(index.partner_key[i], []).append(i)
    out: list[Scored] = []
    for key in sorted(set(ev.partners) | set(named)):
        cited = sorted(named.get(key, ()), key=lambda i: index.items[i].id)
        # credit notes only take part when the line names them ("minus credit note ...")
        credits = sum(
            to_minor(residuals.get(i, index.items[i].residual), cur)
            for i in cited
            if index.directions[i] is not tx.direction
        )
        pool: list[int] = []
        values: list[int] = []
        for i in [*cited, *index.partner_items_near(key, cur, tx.date)]:
            if i in pool or (index.directions[i] is not tx.direction and i not in cited):
                continue
            residual = residuals.get(i, index.items[i].residual)
            if residual <= 0:
                continue
            signed = to_minor(residual, cur) * (1 if index.directions[i] is tx.direction else -1)
            if signed > paid + tol + credits:
                continue
            pool.append(i)
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
        chosen = [pool[j] for j in solutions[0]]
        if not any(index.items[i].kind.direction is tx.direction for i in chosen):
            continue
        chosen.sort(key=lambda i: index.items[i].id)
        out.append(
            score_group(
                tx,
                [index.items[i] for i in chosen],
                [quantize(residuals.get(i, index.items[i].residual), cur) for i in chosen],
                [ev.items.get(i, ItemEvidence()) for i in chosen],
                ev.partners.get(key),
                len(solutions) > 1,
                cfg,
                ev.rule,
                ", ".join(sorted(index.items[i].number for j in named.values() for i in j)[:3]),
            )
        )
    return out
