"""The normalised data model every part of bankrec shares.

Statement importers produce :class:`Transaction` and :class:`Statement`; ERP readers
produce :class:`OpenItem`; the matcher turns both into :class:`Decision`. All of them are
frozen plain data (no ORM, no I/O), so an Odoo module, the CLI and the connectors can pass
them around and tests can compare them by value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Direction(StrEnum):
    """Which way money moves on *our* bank account."""

    IN = "in"
    OUT = "out"


@dataclass(frozen=True, slots=True)
class Transaction:
    """One bank transaction, whatever file or feed it came from.

    ``amount`` is signed from our point of view: positive means money received.
    ``id`` is a stable import id (the bank's own ids where present, else a deterministic
    hash of the content), so importing the same file twice never creates duplicates.
    """

    id: str
    date: dt.date
    amount: Decimal
    currency: str
    label: str = ""
    counterparty: str = ""
    iban: str = ""  # the counterparty's account (IBAN or other account number)
    reference: str = ""  # payment reference: structured creditor reference or free text
    account: str = ""  # our own account (IBAN or journal code) this line was booked on
    value_date: dt.date | None = None
    bank_reference: str = ""  # the bank's own id for the entry (AcctSvcrRef, :61: ref, FITID)
    end_to_end_id: str = ""
    bic: str = ""
    reversal: bool = False  # the bank reversed an earlier entry (RvslInd, MT940 RC/RD)
    charges: Decimal | None = None  # bank charges the bank reports as deducted, if any
    bank_code: str = ""  # bank transaction code (BkTxCd, :61: type, CODA code)
    source: str = ""  # file:line or XML path the transaction was read from
    # what the importer had to assume to read this line (e.g. a date taken from the
    # statement); shown to the user, never part of the id or of the canonical CSV
    warnings: tuple[str, ...] = ()

    @property
    def direction(self) -> Direction:
        """``in`` for money received (amount >= 0), ``out`` for money paid."""
        return Direction.IN if self.amount >= 0 else Direction.OUT

    def rule_fields(self) -> dict[str, object]:
        """The fields the rule language can test, by their rule-language names."""
        return {
            "label": self.label,
            "counterparty": self.counterparty,
            "reference": self.reference,
            "iban": self.iban,
            "amount": self.amount,
            "currency": self.currency,
            "date": self.date,
            "account": self.account,
            "direction": self.direction.value,
        }


@dataclass(frozen=True, slots=True)
class Balance:
    """A balance the bank states, with its date."""

    amount: Decimal
    date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """One bank statement (a file may hold several)."""

    account: str  # our IBAN / account number as the bank states it
    currency: str
    transactions: tuple[Transaction, ...]
    opening: Balance | None = None
    closing: Balance | None = None
    statement_id: str = ""
    source: str = ""  # file name, and where in the file the statement starts
    # what the importer had to assume about the statement as a whole (e.g. the sign of
    # balances the bank did not state); shown to the user like the transactions' warnings
    statement_warnings: tuple[str, ...] = ()

    def movements(self) -> Decimal:
        """Sum of the statement's transaction amounts."""
        return sum((t.amount for t in self.transactions), Decimal(0))

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning of the statement, then of its transactions, one line each, in file
        order: ``"<source> [<statement id>]: <warning>"`` for the statement's own,
        ``"<source> [<id>]: <warning>"`` for a transaction's (the id tells apart lines --
        and statements -- of a one-line XML file)."""
        where = f"{self.source} [{self.statement_id}]" if self.statement_id else self.source
        own = tuple(f"{where}: {w}" for w in self.statement_warnings)
        return own + tuple(
            f"{t.source} [{t.id}]: {w}" for t in self.transactions for w in t.warnings
        )


class ItemKind(StrEnum):
    """Odoo's move types for open documents."""

    OUT_INVOICE = "out_invoice"  # customer invoice: money comes in
    IN_INVOICE = "in_invoice"  # supplier bill: money goes out
    OUT_REFUND = "out_refund"  # customer credit note: money goes out
    IN_REFUND = "in_refund"  # supplier credit note: money comes in

    @property
    def direction(self) -> Direction:
        """The bank direction a payment of this document has."""
        return Direction.IN if self in (ItemKind.OUT_INVOICE, ItemKind.IN_REFUND) else Direction.OUT

    @property
    def sign(self) -> int:
        """+1 when a payment of this document is money in, -1 when money out."""
        return 1 if self.direction is Direction.IN else -1


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An open ERP document (invoice, bill or credit note) with money left to pay.

    ``amount`` and ``residual`` are positive; the direction follows from ``kind``.
    """

    id: str
    kind: ItemKind
    number: str
    partner: str
    date: dt.date
    due_date: dt.date | None
    amount: Decimal
    residual: Decimal
    currency: str
    reference: str = ""  # payment reference printed on the document (QR, RF, +++…+++)
    partner_id: str = ""  # the ERP's partner key, when known
    partner_ibans: tuple[str, ...] = ()  # the partner's known bank accounts

    @property
    def signed_residual(self) -> Decimal:
        """Residual with the sign a bank transaction paying it would have."""
        return self.residual * self.kind.sign


class Status(StrEnum):
    """What the matcher decided for a transaction."""

    RECONCILED = "reconciled"  # sure enough to book without a person
    SUGGESTED = "suggested"  # a person should confirm
    UNMATCHED = "unmatched"  # no candidate good enough
    IGNORED = "ignored"  # a rule said to ignore it


class Booking(StrEnum):
    """What kind of entry a decision books."""

    PAYMENT = "payment"  # pays open items
    EXPENSE = "expense"  # booked straight to an account (rule ``account`` / ``kind expense``)
    FEE = "fee"  # bank fee
    TRANSFER = "transfer"  # internal transfer between two of our accounts
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Allocation:
    """Part of a transaction applied to one open item, in the item's currency.

    ``amount`` is positive: how much of the item's residual this transaction settles.
    """

    item_id: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored way to settle a transaction, kept to explain and to offer alternatives."""

    allocations: tuple[Allocation, ...]
    confidence: int
    reasons: tuple[str, ...]
    party: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """The matcher's verdict on one transaction: plain data, ready to show or to book.

    ``writeoff`` is the signed difference between the transaction and what it settles
    (for example a bank fee the payer's bank deducted), to be booked on ``writeoff_account``.
    """

    transaction_id: str
    status: Status
    confidence: int
    allocations: tuple[Allocation, ...] = ()
    party: str = ""
    reasons: tuple[str, ...] = ()
    alternatives: tuple[Candidate, ...] = ()
    booking: Booking = Booking.NONE
    account: str = ""  # account code to book an expense / fee on (from rules)
    category: str = ""
    tax: str = ""  # the tax an expense / fee is booked with: an ERP tax id, or a tax's name
    writeoff: Decimal = Decimal(0)
    transfer_with: str = ""  # the other side's transaction id for an internal transfer
    tags: tuple[str, ...] = ()
    provenance: tuple[str, ...] = field(default=())  # rule locations that shaped the decision
