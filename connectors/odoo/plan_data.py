"""The planner's plain data: a statement line and its invoices as read from Odoo, and
what a plan says to write (or why it writes nothing).

Separate from :mod:`connectors.odoo.plan`, which decides, because more modules share these
types than plan: the readers (:mod:`connectors.odoo.planning_reads`) build the states, the
executors and the add-on protocol carry the plans out, and none of them needs the planning
rules. The types are frozen and pure; :meth:`LinePlan.move_write_values` only spells a plan
as the values of Odoo's one ``account.move.write``.

The modules that only need the types import them from here; :mod:`connectors.odoo.plan`
re-exports them all, so ``from connectors.odoo.plan import LinePlan`` keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bankrec.matching.config import MatchConfig
from bankrec.model import Booking

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
    taxes: tuple[int, ...] = ()  # taxes included in ``amount``: Odoo splits off their lines
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
    # active taxes: (type_tax_use, name) -> id, and every id
    taxes_by_name: Mapping[tuple[str, str], int] = field(default_factory=dict)
    tax_ids: frozenset[int] = frozenset()

    def tax(self, ref: str, money_in: bool) -> int | None:
        """The tax ``ref`` names: an id, or a name among the sale taxes (money in) or the
        purchase taxes (money out); ``None`` when there is none."""
        ref = ref.strip()
        if ref.isdigit():
            return int(ref) if int(ref) in self.tax_ids else None
        return self.taxes_by_name.get(("sale" if money_in else "purchase", ref))
