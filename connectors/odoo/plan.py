"""Pure planning: a matcher :class:`~bankrec.model.Decision` plus what Odoo holds now ->
the exact write operations for one bank statement line, or a refusal saying why.

Nothing here talks to Odoo, so every rule of the write-back (signs, splits over several
invoices and instalments, write-off limits, idempotency states) is unit-tested without a
server. :mod:`connectors.odoo.writer` reads the state, calls :func:`plan_line` and carries
the plan out.

How Odoo 17 Community books a bank line (verified on a real server, see docs/odoo.md):
a statement line's entry has a liquidity line (bank account) and a suspense line. To
reconcile, the suspense line is rewritten in ONE ``account.move.write`` into counterpart
lines (receivable/payable of each invoice's partner, write-off, expense...) that balance
the entry; then each counterpart is reconciled with its invoice line
(``account.move.line.reconcile``). Odoo then sets the invoice ``paid`` or ``partial``.

Foreign currencies: every counterpart carries the currency of what it settles (the
invoice's) with ``amount_currency`` in that currency, and the company-currency ``balance``
the bank line's money is worth; the balances add up exactly to the suspense item's. When
such a counterpart is reconciled with the invoice's open item, Odoo 17 reconciles them in
the invoice's currency and books the difference between the two company-currency values
itself (an exchange-difference entry in the company's exchange journal), exactly as its own
payments do. bankrec never computes or writes an exchange entry by hand.

The data it plans with and produces lives in :mod:`connectors.odoo.plan_data` and the
company-currency values in :mod:`connectors.odoo.plan_balances`; this module decides, and
re-exports the data types, so ``from connectors.odoo.plan import LinePlan`` keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from bankrec.model import Booking, Decision, Status
from connectors.odoo.plan_balances import with_balances
from connectors.odoo.plan_data import (
    MARK,
    TRANSFER_MARK,
    Accounts,
    Counterpart,
    InvoiceLine,
    LineCondition,
    LinePlan,
    LineState,
    MoveLine,
    Refusal,
    WriteConfig,
)

__all__ = [
    "MARK",
    "TRANSFER_MARK",
    "Accounts",
    "Counterpart",
    "InvoiceLine",
    "LineCondition",
    "LinePlan",
    "LineState",
    "MoveLine",
    "Refusal",
    "WriteConfig",
    "is_writable",
    "plan_line",
]


def is_writable(decision: Decision) -> bool:
    """Only decisions the matcher is sure of are written; suggestions are for a person."""
    return decision.status is Status.RECONCILED


def plan_line(
    decision: Decision,
    state: LineState,
    invoice_lines: Mapping[str, Sequence[InvoiceLine]],
    accounts: Accounts,
    config: WriteConfig,
    *,
    item_signs: Mapping[str, int] | None = None,
) -> LinePlan | Refusal:
    """Plan the write-back of ``decision`` on the statement line ``state``.

    ``invoice_lines`` maps each open item id to its open receivable/payable journal items;
    ``item_signs`` maps item id to +1 (payment is money in) / -1 (money out), from
    :attr:`bankrec.model.ItemKind.sign`; when absent the sign of the residual is used.

    An allocation's amount is in its item's currency. The matcher only ever pairs a line
    with items in its own currency, where that is the line's currency too; an allocation
    to an item in another currency is a person's choice (the rules add-on's manual match),
    made in the currency the item is owed in.
    """
    tid = decision.transaction_id
    if not is_writable(decision):
        return Refusal(tid, f"{decision.status.value}: not written (only reconciled decisions are)")
    condition = state.condition
    if condition is LineCondition.RECONCILED:
        return _already_done(decision, state)
    if condition is not LineCondition.PRISTINE:
        return Refusal(
            tid, f"statement line {state.line_id} is {condition.value} in Odoo; left as is"
        )
    if state.foreign_currency:
        return Refusal(
            tid,
            f"the line's transaction is in another currency than its {state.currency} journal "
            "(Odoo's foreign currency on the line): bankrec does not book such lines; "
            "reconcile it in Odoo",
            foreign_currency=True,
        )
    booking = _booking(decision)
    if booking is Booking.PAYMENT:
        planned = _plan_payment(decision, state, invoice_lines, accounts, config, item_signs or {})
    elif booking in (Booking.EXPENSE, Booking.FEE):
        code = decision.account or (
            config.fee_account if booking is Booking.FEE else config.expense_account
        )
        if not code:
            return Refusal(tid, f"{booking.value} decision names no account and none is configured")
        account_id = accounts.by_code.get(code)
        if account_id is None:
            return Refusal(tid, f"account {code!r} does not exist in Odoo")
        taxes: tuple[int, ...] = ()
        if decision.tax:
            tax_id = accounts.tax(decision.tax, money_in=state.amount > 0)
            if tax_id is None:
                kind = "sale" if state.amount > 0 else "purchase"
                return Refusal(tid, f"{kind} tax {decision.tax!r} does not exist in Odoo")
            taxes = (tax_id,)
        name = f"{MARK} {decision.category or booking.value}"
        cp = Counterpart(account_id, -state.amount, name, taxes=taxes)
        planned = LinePlan(
            tid, state.line_id, state.move_id, booking, (cp,), None, decision.confidence
        )
    elif booking is Booking.TRANSFER:
        if accounts.transfer_account_id is None:
            return Refusal(tid, "the company has no internal transfer account configured")
        name = f"{TRANSFER_MARK} {decision.transfer_with or 'internal transfer'}"
        cp = Counterpart(accounts.transfer_account_id, -state.amount, name)
        planned = LinePlan(
            tid, state.line_id, state.move_id, booking, (cp,), None, decision.confidence
        )
    else:
        return Refusal(tid, "the decision books nothing")
    if isinstance(planned, Refusal):
        return planned
    return with_balances(planned, state, invoice_lines)


def _booking(decision: Decision) -> Booking:
    if decision.booking is not Booking.NONE:
        return decision.booking
    return Booking.PAYMENT if decision.allocations else Booking.NONE


def _plan_payment(
    decision: Decision,
    state: LineState,
    invoice_lines: Mapping[str, Sequence[InvoiceLine]],
    accounts: Accounts,
    config: WriteConfig,
    item_signs: Mapping[str, int],
) -> LinePlan | Refusal:
    """Counterparts for each allocation (each in its item's currency), plus a write-off
    of a small difference when every item is in the line's currency.

    Across currencies there is no difference to write off: the whole of the line's money
    goes to the items, and what it is worth more or less than their booked value is the
    exchange difference Odoo books when it reconciles them. A write-off there could not be
    told apart from that exchange difference, so it is refused.
    """
    tid = decision.transaction_id
    if not decision.allocations:
        return Refusal(tid, "payment decision without allocations")
    counterparts: list[Counterpart] = []
    settled = Decimal(0)  # signed, as money on the bank line, of items in the line's currency
    across: list[str] = []  # items in another currency than the line's
    for alloc in decision.allocations:
        lines = sorted(invoice_lines.get(alloc.item_id, ()), key=lambda ln: (ln.due, ln.id))
        if not lines:
            return Refusal(tid, f"item {alloc.item_id} has no open receivable/payable line in Odoo")
        currency = lines[0].currency
        if any(ln.currency != currency for ln in lines):
            return Refusal(tid, f"{lines[0].number} has open items in several currencies")
        if alloc.amount <= 0:
            return Refusal(tid, f"allocation to {lines[0].number} is not positive")
        sign = item_signs.get(alloc.item_id) or (1 if lines[0].residual > 0 else -1)
        open_total = sum((abs(ln.residual) for ln in lines), Decimal(0))
        if alloc.amount > open_total:
            return Refusal(
                tid,
                f"{lines[0].number} has {open_total} {currency} left to pay in Odoo, less "
                f"than the {alloc.amount} allocated (paid meanwhile?); not written",
            )
        left = alloc.amount
        for ln in lines:  # instalments, earliest due first
            if left <= 0:
                break
            part = min(left, abs(ln.residual))
            left -= part
            counterparts.append(
                Counterpart(
                    account_id=ln.account_id,
                    amount=-part * sign,
                    name=f"{MARK} {ln.number}",
                    partner_id=ln.partner_id,
                    reconcile_with=ln.id,
                    item_id=alloc.item_id,
                    currency=currency,
                )
            )
        if currency == state.currency:
            settled += alloc.amount * sign
        else:
            across.append(f"{lines[0].number} ({currency})")
    if across:
        if decision.writeoff:
            return Refusal(
                tid,
                f"a write-off of {decision.writeoff} {state.currency} with items in another "
                f"currency ({', '.join(across)}) cannot be told apart from the exchange "
                "difference; not written, reconcile it in Odoo",
                foreign_currency=True,
            )
    elif difference := state.amount - settled:
        if abs(difference) > config.max_writeoff:
            return Refusal(
                tid,
                f"the line ({state.amount}) and the allocations ({settled}) differ by "
                f"{difference}, more than the write-off limit {config.max_writeoff}",
            )
        if not config.writeoff_account:
            return Refusal(
                tid, f"difference {difference} needs a write-off account (none configured)"
            )
        account_id = accounts.by_code.get(config.writeoff_account)
        if account_id is None:
            return Refusal(tid, f"write-off account {config.writeoff_account!r} does not exist")
        counterparts.append(Counterpart(account_id, -difference, f"{MARK} write-off"))
    partners = {c.partner_id for c in counterparts if c.reconcile_with}
    partner = partners.pop() if len(partners) == 1 else None
    return LinePlan(
        tid,
        state.line_id,
        state.move_id,
        Booking.PAYMENT,
        tuple(counterparts),
        partner,
        decision.confidence,
    )


def _already_done(decision: Decision, state: LineState) -> LinePlan | Refusal:
    """A booked line: skip it when it is reconciled with exactly the decision's items
    (a second run, or a run racing another); anything else is left for a person."""
    tid = decision.transaction_id
    items = {a.item_id for a in decision.allocations}
    matched = {str(m) for o in state.others for m in o.matched_move_ids}
    if items and items <= matched:
        return LinePlan(
            tid, state.line_id, state.move_id, Booking.PAYMENT, (), skip="already reconciled"
        )
    return Refusal(
        tid,
        f"statement line {state.line_id} is already reconciled in Odoo; left as is",
        already_booked=True,
    )
