"""Small builders for learning tests: transactions, open items and decisions as plain data."""

from __future__ import annotations

import datetime as dt

from bankrec.learning import ValidatedDecision
from bankrec.model import OpenItem, Transaction
from tests.builders import open_item, transaction

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
    """A payment labelled like a SEPA credit transfer from ``counterparty``."""
    return transaction(
        tx_id,
        amount,
        label or f"VIR SEPA {counterparty}".strip(),
        counterparty=counterparty,
        iban=iban,
        account="",
        date=dt.date.fromisoformat(day),
    )


def item(item_id: str, partner: str, amount: str = "100.00", number: str = "") -> OpenItem:
    """An invoice of October 2026, due at its end."""
    return open_item(
        item_id,
        partner,
        amount,
        number=number or f"FA-{item_id}",
        date=dt.date(2026, 10, 1),
        due=dt.date(2026, 10, 31),
    )


def accept(tx_id: str, *items: str, party: str = "", day: str | None = None) -> ValidatedDecision:
    return ValidatedDecision(
        tx_id, tuple(items), True, party, dt.date.fromisoformat(day) if day else None
    )


def reject(tx_id: str, *items: str, party: str = "", day: str | None = None) -> ValidatedDecision:
    return ValidatedDecision(
        tx_id, tuple(items), False, party, dt.date.fromisoformat(day) if day else None
    )


# The condition learned for ``Boulangerie Lefèvre SARL``: the legal form stays, and must
# close the name (followed by a space, a dot or the end), so SARL never fires on SARLU.
BOULANGERIE_SARL = (
    "(counterparty contains 'BOULANGERIE LEFEVRE SARL ' "
    "or counterparty contains 'BOULANGERIE LEFEVRE SARL.' "
    "or counterparty endswith 'BOULANGERIE LEFEVRE SARL')"
)
