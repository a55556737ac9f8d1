"""The data a case makes: our bank accounts, and open items and bank lines before ids.

Separate from :mod:`bench.matchgen.cases.maker`, which decides what to make, because these
plain records are what the rest of the generator reads (``generate_matching`` turns them
into the dataset and its truth); the period and company every case shares are fixed here
too. Amounts are integer cents turned into ``Decimal`` by :func:`from_cents`, never via
float.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from bankrec.model import ItemKind
from bench.matchgen.names import Partner

OUR_COMPANY = "Nordlicht Handels SA"
PERIOD_START = dt.date(2026, 1, 5)
PERIOD_DAYS = 90


@dataclass(frozen=True, slots=True)
class OurAccount:
    """One of our bank accounts; ``style`` is the country whose bank wording it uses."""

    iban: str
    currency: str
    style: str
    code: str = ""  # the journal code our ERP names the account by (the zoo profile uses it)


@dataclass(slots=True)
class ItemDraft:
    """An open item before ids are assigned (ids follow the final shuffled order)."""

    partner: Partner
    kind: ItemKind
    number: str
    date: dt.date
    due_date: dt.date
    amount: Decimal
    residual: Decimal
    currency: str
    reference: str = ""
    id: str = ""


@dataclass(slots=True)
class TxDraft:
    """A bank line before ids are assigned, with the truth the case gave it."""

    case: str
    status_class: str
    date: dt.date
    amount: Decimal
    account: OurAccount
    label: str
    counterparty: str = ""
    iban: str = ""
    reference: str = ""
    expected: list[tuple[ItemDraft, Decimal]] = field(default_factory=list)
    alternatives: list[list[tuple[ItemDraft, Decimal]]] = field(default_factory=list)
    unambiguous: bool = True
    writeoff: Decimal = Decimal(0)
    transfer_with: TxDraft | None = None
    book_account: str = ""
    order: float = 0.0
    id: str = ""


def from_cents(amount: int) -> Decimal:
    """Integer cents as an exact two-place ``Decimal``."""
    return Decimal(amount).scaleb(-2)
