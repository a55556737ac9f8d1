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
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bankrec.matching.config import MatchConfig
from bankrec.model import Booking, Decision, Status
from bankrec.money import quantize

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
    """A journal item of the bank entry as read from Odoo.

    ``amount`` is its signed ``amount_currency`` (in ``currency``, the journal's unless it
    says otherwise); ``balance`` its signed company-currency value, ``None`` when it is
    the same as ``amount`` (an item in the company's currency).
    """

    id: int
    account_id: int
    amount: Decimal  # signed amount_currency
    name: str = ""
    partner_id: int | None = None
    reconciled: bool = False
    matched_move_ids: tuple[int, ...] = ()  # entries (invoices) it is reconciled with
    balance: Decimal | None = None  # signed, company currency
    currency: str = ""  # of ``amount``; empty: the line's currency

    @property
    def company_balance(self) -> Decimal:
        return self.amount if self.balance is None else self.balance


@dataclass(frozen=True, slots=True)
class LineState:
    """A bank statement line and its entry, freshly read.

    ``amount`` and ``currency`` are the line's, in its journal's currency;
    ``company_currency`` is the company's (empty: the same, a journal in the company's
    currency). ``foreign_currency``: the line carries a transaction currency of its own
    (Odoo's ``foreign_currency_id``, a third currency beside the journal's), which bankrec
    does not book.
    """

    line_id: int
    move_id: int
    amount: Decimal
    currency: str
    liquidity: MoveLine | None
    suspense: MoveLine | None
    others: tuple[MoveLine, ...] = ()
    foreign_currency: bool = False
    company_currency: str = ""

    @property
    def base_currency(self) -> str:
        """The company's currency: the one journal items' ``balance`` is in."""
        return self.company_currency or self.currency

    @property
    def suspense_balance(self) -> Decimal:
        """The suspense item's company-currency balance: what the counterparts' balances
        must add up to, so the entry stays balanced against the untouched bank item."""
        if self.suspense is None:
            raise ValueError("the statement line has no suspense line")
        return self.suspense.company_balance

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

    ``residual`` (Odoo's ``amount_residual_currency``, in the invoice's ``currency``) is
    signed as in Odoo (debit positive): a customer invoice's line is positive, a supplier
    bill's negative. ``company_residual`` (``amount_residual``) is the same open money in
    the company's currency at the rate the invoice was booked at (``None``: not known, so
    the item cannot be weighed against items in other currencies on one line).
    """

    id: int
    item_id: str  # the invoice's account.move id, as OpenItem.id
    number: str
    account_id: int
    partner_id: int | None
    residual: Decimal
    currency: str
    due: str = ""  # date_maturity, to pay instalments in order
    company_residual: Decimal | None = None

    @property
    def booked_rate(self) -> Decimal | None:
        """Company currency per unit of the invoice's currency, as Odoo booked it (what
        the open money is worth in the books); ``None`` when not known."""
        if self.company_residual is None or not self.residual:
            return None
        return self.company_residual / self.residual


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
    """One journal item replacing the suspense line, signed on the bank entry.

    ``amount`` is its ``amount_currency`` in ``currency`` (empty: the line's), the currency
    of what it settles; ``balance`` its company-currency value (``None``: the same as
    ``amount``, only right for an item in the company's currency). :func:`plan_line` sets
    both on every counterpart it plans.
    """

    account_id: int
    amount: Decimal
    name: str
    partner_id: int | None = None
    reconcile_with: int | None = None  # the invoice journal item to reconcile it with
    item_id: str = ""
    currency: str = ""
    balance: Decimal | None = None

    def currency_on(self, state: LineState) -> str:
        return self.currency or state.currency

    @property
    def company_balance(self) -> Decimal:
        return self.amount if self.balance is None else self.balance


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

    def move_write_values(
        self, state: LineState, currency_ids: Mapping[str, int]
    ) -> dict[str, Any]:
        """The single ``account.move.write`` values that turn the suspense line into the
        counterparts: the first counterpart rewrites the suspense line in place (command 1),
        the others are created (command 0), so the entry balances within this one write.

        Each item gets its currency, ``amount_currency`` and ``balance`` explicitly
        (``currency_ids``: ISO code -> ``res.currency`` id): left out, Odoo would give a new
        item the company's currency and convert at its own rate.
        """
        if state.suspense is None or state.liquidity is None:
            raise ValueError("the statement line has no suspense line to rewrite")
        commands: list[Any] = []
        if self.partner_id:
            commands.append((1, state.liquidity.id, {"partner_id": self.partner_id}))
        for i, cp in enumerate(self.counterparts):
            currency = cp.currency_on(state)
            if currency not in currency_ids:
                raise ValueError(f"currency {currency} is not known to this Odoo")
            vals = {
                "account_id": cp.account_id,
                "partner_id": cp.partner_id or False,
                "name": cp.name,
                "currency_id": currency_ids[currency],
                "amount_currency": float(cp.amount),
                "balance": float(cp.company_balance),
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
        cp = Counterpart(account_id, -state.amount, f"{MARK} {decision.category or booking.value}")
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
    return _with_balances(planned, state, invoice_lines)


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


def _with_balances(
    planned: LinePlan, state: LineState, invoice_lines: Mapping[str, Sequence[InvoiceLine]]
) -> LinePlan | Refusal:
    """``planned`` with every counterpart's currency and company-currency balance set.

    The balances must add up exactly to the suspense item's balance: the bank item is
    not touched, so anything else would unbalance the entry. An item in the company's
    currency is worth exactly its amount. The rest of the suspense balance is spread over
    the items in other currencies in proportion to what each settles: pro rata of their
    amounts when they share one currency (in a CHF journal each CHF item gets its share of
    the line's EUR value; an EUR line paying one CHF invoice gives it all of its EUR),
    and, only when they are in several currencies, valued at the bank line's own rate for
    items in its currency and at the rate each invoice was booked at otherwise. Each share
    is rounded to the company currency and the last item takes what rounding left over,
    so the sum is exact.

    What this gives is what the line's money is worth in the books; the difference to the
    invoices' booked value is left for Odoo's reconciliation to book as an exchange
    difference. Refused when that cannot work: company-currency items alone do not add up
    to the line's company-currency value (an exchange difference on company-currency items,
    which Odoo does not book), or a share would come out against its amount's sign.
    """
    tid = planned.transaction_id
    base = state.base_currency
    total = state.suspense_balance
    fixed = sum(
        (cp.amount for cp in planned.counterparts if cp.currency_on(state) == base), Decimal(0)
    )
    floating = {i: cp for i, cp in enumerate(planned.counterparts) if cp.currency_on(state) != base}
    weights: dict[int, Decimal] = {i: cp.amount for i, cp in floating.items()}
    if len({cp.currency_on(state) for cp in floating.values()}) > 1:  # weigh them in `base`
        rates = {ln.id: ln.booked_rate for lines in invoice_lines.values() for ln in lines}
        suspense = state.suspense
        assert suspense is not None  # a pristine line has one
        line_rate = suspense.company_balance / suspense.amount if suspense.amount else None
        for i, cp in floating.items():
            currency = cp.currency_on(state)
            rate = line_rate if currency == state.currency else rates.get(cp.reconcile_with or 0)
            if rate is None:
                return Refusal(
                    tid, f"no rate to value the {currency} counterpart {cp.name!r} in {base}"
                )
            weights[i] = cp.amount * rate
    rest = total - fixed
    if not weights:
        if rest:
            return Refusal(
                tid,
                f"the line is worth {-total} {base} in the books but its {base} items settle "
                f"{-fixed} {base}: the difference would be an exchange difference on items "
                f"in the company's currency, which Odoo does not book; reconcile it in Odoo",
                foreign_currency=True,
            )
        shares: dict[int, Decimal] = {}
    else:
        weight = sum(weights.values(), Decimal(0))
        if not weight:
            return Refusal(tid, "the counterparts in other currencies cancel out; not written")
        shares = {}
        *first, last = weights
        for i in first:
            shares[i] = quantize(rest * weights[i] / weight, base)
        shares[last] = rest - sum(shares.values(), Decimal(0))
    counterparts = []
    for i, cp in enumerate(planned.counterparts):
        balance = shares.get(i, cp.amount)
        if balance * cp.amount < 0 or (cp.amount and not balance and i in shares):
            why = "its sign does not fit" if balance else "an amount without a value"
            return Refusal(
                tid,
                f"the counterpart {cp.name!r} ({cp.amount} {cp.currency_on(state)}) would be "
                f"worth {balance if balance else abs(balance)} {base}: {why}; not written",
                foreign_currency=True,
            )
        counterparts.append(
            dataclasses.replace(cp, currency=cp.currency_on(state), balance=balance)
        )
    return dataclasses.replace(planned, counterparts=tuple(counterparts))


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
