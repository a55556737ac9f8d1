"""One place that builds test data: a transaction, an open item or rule fields in one line.

Like OCA's ``tests/common.py``: every suite builds its data through these functions, with
its own defaults where it needs them (``tests/<suite>/helpers.py`` are thin wrappers), so
a change to the data model is made here once, not in three incompatible helpers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bankrec.model import ItemKind, OpenItem, Transaction

DAY = dt.date(2026, 11, 10)
OUR_ACCOUNT = "FR7630006000011234567890189"


def transaction(
    tx_id: str = "T1",
    amount: str = "100.00",
    label: str = "",
    *,
    counterparty: str = "",
    iban: str = "",
    reference: str = "",
    currency: str = "EUR",
    account: str = OUR_ACCOUNT,
    date: dt.date = DAY,
) -> Transaction:
    """A bank transaction; ``amount`` is a decimal string, positive = money received."""
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


def open_item(
    item_id: str,
    partner: str,
    amount: str = "100.00",
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
    """An open invoice/bill; ``number`` defaults to ``FA-2026-<id>``, residual to the amount."""
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


def rule_fields(label: str = "", amount: str = "-10.00", **fields: object) -> dict[str, object]:
    """What the rule language sees of a transaction (``Transaction.rule_fields()``)."""
    return transaction("T1", amount, label, **fields).rule_fields()  # type: ignore[arg-type]
