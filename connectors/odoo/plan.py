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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bankrec.matching.config import MatchConfig
from bankrec.model import Booking, Decision, Status

# Counterpart lines bankrec writes carry this label prefix; an interrupted write-back
# (entry rewritten, reconcile not done) is found by it and undone on the next run.
MARK = "bankrec:"
TRANSFER_MARK = "bankrec-transfer:"


class LineCondition(StrEnum):
    """What a statement line looks like in Odoo right before we write."""

    PRISTINE = "pristine"  # liquidity + one suspense line for the full amount: ours to book
    RECONCILED = "reconciled"  # no suspense left: booked already (by us or by someone)
    PARTIAL = "partial"  # someone booked part of it: leave it to a person
    INCONSISTENT = "inconsistent"  # unexpected shape: do not touch


@dataclass(frozen=True, slots=True)
class MoveLine:
    """A journal item of the bank entry as read from Odoo (amounts in journal currency)."""

    id: int
    account_id: int
    amount: Decimal  # signed amount_currency
    name: str = ""
    partner_id: int | None = None
    reconciled: bool = False
    matched_move_ids: tuple[int, ...] = ()  # entries (invoices) it is reconciled with


@dataclass(frozen=True, slots=True)
class LineState:
    """A bank statement line and its entry, freshly read."""

    line_id: int
    move_id: int
    amount: Decimal
    currency: str
    liquidity: MoveLine | None
    suspense: MoveLine | None
    others: tuple[MoveLine, ...] = ()
    foreign_currency: bool = False

    @property
    def condition(self) -> LineCondition:
        if self.liquidity is None:
            return LineCondition.INCONSISTENT
        if self.suspense is None:
            return LineCondition.RECONCILED if self.others else LineCondition.INCONSISTENT
        if self.others:
            return LineCondition.PARTIAL
        if self.suspense.amount != -self.amount:
            return LineCondition.PARTIAL
        return LineCondition.PRISTINE


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """An open receivable/payable journal item of an invoice, freshly read.

    ``residual`` is signed as in Odoo (debit positive): a customer invoice's line is
    positive, a supplier bill's negative.
    """

    id: int
    item_id: str  # the invoice's account.move id, as OpenItem.id
    number: str
    account_id: int
    partner_id: int | None
    residual: Decimal
    currency: str
    due: str = ""  # date_maturity, to pay instalments in order


@dataclass(frozen=True, slots=True)
class WriteConfig:
    """Where write-back books what the decision does not say.

    ``writeoff_account``: account code for small differences (bank fees deducted by the
    payer's bank); ``max_writeoff``: the largest difference written off automatically.
    ``fee_account`` / ``expense_account``: used when a fee/expense decision names no account.
    """

    writeoff_account: str = ""
    max_writeoff: Decimal = MatchConfig().writeoff_max  # the matcher offers no more
    fee_account: str = ""
    expense_account: str = ""


@dataclass(frozen=True, slots=True)
class Counterpart:
    """One journal item replacing the suspense line; ``amount`` is signed on the bank entry."""

    account_id: int
    amount: Decimal
    name: str
    partner_id: int | None = None
    reconcile_with: int | None = None  # the invoice journal item to reconcile it with
    item_id: str = ""


@dataclass(frozen=True, slots=True)
class LinePlan:
    """Everything to write for one statement line: one entry rewrite, then reconciles."""

    transaction_id: str
    line_id: int
    move_id: int
    booking: Booking
    counterparts: tuple[Counterpart, ...]
    partner_id: int | None = None
    confidence: int = 0
    skip: str = ""  # non-empty: nothing to do (already done), with the reason

    @property
    def done_action(self) -> str:
        """The outcome's action once written: money matched (``reconciled``) or booked."""
        return "reconciled" if self.booking in (Booking.PAYMENT, Booking.TRANSFER) else "booked"

    @property
    def reconciles(self) -> tuple[tuple[int, int], ...]:
        """(counterpart index, invoice journal item) pairs to reconcile after the rewrite."""
        return tuple(
            (i, c.reconcile_with) for i, c in enumerate(self.counterparts) if c.reconcile_with
        )

    def move_write_values(self, state: LineState) -> dict[str, Any]:
        """The single ``account.move.write`` values that turn the suspense line into the
        counterparts: the first counterpart rewrites the suspense line in place (command 1),
        the others are created (command 0), so the entry balances within this one write."""
        if state.suspense is None or state.liquidity is None:
            raise ValueError("the statement line has no suspense line to rewrite")
        commands: list[Any] = []
        if self.partner_id:
            commands.append((1, state.liquidity.id, {"partner_id": self.partner_id}))
        for i, cp in enumerate(self.counterparts):
            vals = {
                "account_id": cp.account_id,
                "partner_id": cp.partner_id or False,
                "name": cp.name,
                "amount_currency": float(cp.amount),
                "balance": float(cp.amount),
            }
            commands.append((1, state.suspense.id, vals) if i == 0 else (0, 0, vals))
        return {"line_ids": commands}


@dataclass(frozen=True, slots=True)
class Refusal:
    """A decision that will not be written, and why (one line)."""

    transaction_id: str
    reason: str
    foreign_currency: bool = False  # refused because currencies differ
    already_booked: bool = False  # the line is booked in Odoo already (otherwise than planned)


@dataclass(frozen=True, slots=True)
class Accounts:
    """Account ids the planner may book on: by code, plus the company's transfer account."""

    by_code: Mapping[str, int] = field(default_factory=dict)
    transfer_account_id: int | None = None


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
            "the line is in a foreign currency: bankrec does not book exchange differences "
            "(Odoo posts them only through internal methods); reconcile it in Odoo",
            foreign_currency=True,
        )
    booking = _booking(decision)
    if booking is Booking.PAYMENT:
        return _plan_payment(decision, state, invoice_lines, accounts, config, item_signs or {})
    if booking in (Booking.EXPENSE, Booking.FEE):
        code = decision.account or (
            config.fee_account if booking is Booking.FEE else config.expense_account
        )
        if not code:
            return Refusal(tid, f"{booking.value} decision names no account and none is configured")
        account_id = accounts.by_code.get(code)
        if account_id is None:
            return Refusal(tid, f"account {code!r} does not exist in Odoo")
        cp = Counterpart(account_id, -state.amount, f"{MARK} {decision.category or booking.value}")
        return LinePlan(
            tid, state.line_id, state.move_id, booking, (cp,), None, decision.confidence
        )
    if booking is Booking.TRANSFER:
        if accounts.transfer_account_id is None:
            return Refusal(tid, "the company has no internal transfer account configured")
        name = f"{TRANSFER_MARK} {decision.transfer_with or 'internal transfer'}"
        cp = Counterpart(accounts.transfer_account_id, -state.amount, name)
        return LinePlan(
            tid, state.line_id, state.move_id, booking, (cp,), None, decision.confidence
        )
    return Refusal(tid, "the decision books nothing")


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
    tid = decision.transaction_id
    if not decision.allocations:
        return Refusal(tid, "payment decision without allocations")
    counterparts: list[Counterpart] = []
    settled = Decimal(0)  # signed, as money on the bank line
    for alloc in decision.allocations:
        lines = sorted(invoice_lines.get(alloc.item_id, ()), key=lambda ln: (ln.due, ln.id))
        if not lines:
            return Refusal(tid, f"item {alloc.item_id} has no open receivable/payable line in Odoo")
        if any(ln.currency != state.currency for ln in lines):
            return Refusal(
                tid,
                f"item {lines[0].number} is in {lines[0].currency}, the line in {state.currency}: "
                "bankrec does not book the exchange difference; reconcile it in Odoo",
                foreign_currency=True,
            )
        if alloc.amount <= 0:
            return Refusal(tid, f"allocation to {lines[0].number} is not positive")
        sign = item_signs.get(alloc.item_id) or (1 if lines[0].residual > 0 else -1)
        open_total = sum((abs(ln.residual) for ln in lines), Decimal(0))
        if alloc.amount > open_total:
            return Refusal(
                tid,
                f"{lines[0].number} has {open_total} left to pay in Odoo, less than the "
                f"{alloc.amount} allocated (paid meanwhile?); not written",
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
                )
            )
        settled += alloc.amount * sign
    difference = state.amount - settled
    if difference:
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
