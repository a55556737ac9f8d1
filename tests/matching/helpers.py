"""Small builders for matcher tests: a transaction or an open item in one line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bankrec.model import ItemKind, OpenItem, Transaction

DAY = dt.date(2026, 11, 10)


def tx(
    tx_id: str,
    amount: str,
    label: str = "",
    *,
    counterparty: str = "",
    iban: str = "",
    reference: str = "",
    currency: str = "EUR",
    account: str = "FR7630006000011234567890189",
    date: dt.date = DAY,
) -> Transaction:
    return Transaction(
        id=tx_id,
        date=date,
        amount=Decimal(amount),
        currency=currency,
        label=label,
        counterparty=counterparty,
        iban=iban,
        reference=reference,
        account=account,
    )


def item(
    item_id: str,
    partner: str,
    amount: str,
    *,
    number: str = "",
    kind: ItemKind = ItemKind.OUT_INVOICE,
    residual: str | None = None,
    currency: str = "EUR",
    reference: str = "",
    date: dt.date = DAY - dt.timedelta(days=30),
    due: dt.date | None = DAY,
    ibans: tuple[str, ...] = (),
) -> OpenItem:
    return OpenItem(
        id=item_id,
        kind=kind,
        number=number or f"FA-2026-{item_id}",
        partner=partner,
        date=date,
        due_date=due,
        amount=Decimal(amount),
        residual=Decimal(residual if residual is not None else amount),
        currency=currency,
        reference=reference,
        partner_ibans=ibans,
    )
