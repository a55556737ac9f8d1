"""Small builders for learning tests: transactions, open items and decisions as plain data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bankrec.learning import ValidatedDecision
from bankrec.model import ItemKind, OpenItem, Transaction

MULLER_IBAN = "CH9300762011623852957"
OTHER_IBAN = "DE89370400440532013000"


def tx(
    tx_id: str,
    *,
    counterparty: str = "",
    iban: str = "",
    amount: str = "100.00",
    day: str = "2026-11-02",
    label: str = "",
) -> Transaction:
    return Transaction(
        id=tx_id,
        date=dt.date.fromisoformat(day),
        amount=Decimal(amount),
        currency="EUR",
        label=label or f"VIR SEPA {counterparty}".strip(),
        counterparty=counterparty,
        iban=iban,
    )


def item(item_id: str, partner: str, amount: str = "100.00", number: str = "") -> OpenItem:
    return OpenItem(
        id=item_id,
        kind=ItemKind.OUT_INVOICE,
        number=number or f"FA-{item_id}",
        partner=partner,
        date=dt.date(2026, 10, 1),
        due_date=dt.date(2026, 10, 31),
        amount=Decimal(amount),
        residual=Decimal(amount),
        currency="EUR",
    )


def accept(tx_id: str, *items: str, party: str = "", day: str | None = None) -> ValidatedDecision:
    return ValidatedDecision(
        tx_id, tuple(items), True, party, dt.date.fromisoformat(day) if day else None
    )


def reject(tx_id: str, *items: str, party: str = "", day: str | None = None) -> ValidatedDecision:
    return ValidatedDecision(
        tx_id, tuple(items), False, party, dt.date.fromisoformat(day) if day else None
    )
