"""Bridge's JSON turned into bankrec's plain data: banks, accounts, balances, transactions.

Kept apart from the HTTP flow in :mod:`bankrec.feeds.bridge` so the rules that decide what a
reconciliation sees -- which lines are skipped, which text becomes the label, which id a
line gets -- can be read (and tested) on their own, without a server.

Bridge sends amounts as JSON numbers, which the HTTP layer decodes as ``Decimal`` (exact).
Should a float reach :func:`money` anyway (a caller decoding JSON itself), a float read
from a decimal text of at most 15 significant digits prints back as exactly that text
(``repr`` is the shortest round-trip form), so ``Decimal(repr(value))`` recovers the amount
the bank wrote; larger values are refused rather than silently rounded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from bankrec.feeds.errors import ProviderError
from bankrec.feeds.provider import Bank, FeedAccount, FeedBalance
from bankrec.model import Transaction
from bankrec.statements.ids import IdAllocator

_MAX_EXACT_DIGITS = 15  # a double holds any decimal of this many significant digits exactly


def money(value: Any, what: str) -> Decimal:
    """The exact amount behind a JSON number (or numeric string) ``value``."""
    if isinstance(value, bool) or value is None:
        raise ProviderError(f"bridge: {what} has no amount")
    try:
        if isinstance(value, float):
            amount = Decimal(repr(value))
            if len(amount.as_tuple().digits) > _MAX_EXACT_DIGITS:
                raise ProviderError(f"bridge: {what} has an amount too long to read exactly")
            return amount
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ProviderError(f"bridge: {what} has an unreadable amount {value!r}") from None
    if not amount.is_finite():
        raise ProviderError(f"bridge: {what} has an unreadable amount {value!r}")
    return amount


def day(value: Any) -> dt.date | None:
    """A ``YYYY-MM-DD`` date (or the date part of a timestamp); ``None`` when absent."""
    if not value or not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def timestamp(value: Any) -> dt.datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime; ``None`` when absent or unreadable."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def bank(raw: Mapping[str, Any]) -> Bank | None:
    """A Bridge provider as a :class:`Bank`, or ``None`` when it cannot aggregate accounts
    (Bridge also lists payment-only providers)."""
    capabilities = raw.get("capabilities")
    if isinstance(capabilities, list) and capabilities and "aggregation" not in capabilities:
        return None
    if raw.get("id") is None or not raw.get("name"):
        return None
    return Bank(
        id=str(raw["id"]),
        name=str(raw["name"]),
        country=str(raw.get("country_code") or "").upper(),
        bic=str(raw.get("bic") or ""),
        max_consent_days=None,  # Bridge renews SCA itself; the item tells the expiry
    )


def account(raw: Mapping[str, Any]) -> FeedAccount | None:
    """A Bridge account as a :class:`FeedAccount`; ``None`` when the user switched its data
    access off (Bridge keeps listing it but no longer refreshes it)."""
    if raw.get("id") is None or raw.get("data_access") == "disabled":
        return None
    return FeedAccount(
        id=str(raw["id"]),
        iban=str(raw.get("iban") or "").replace(" ", "").upper(),
        currency=str(raw.get("currency_code") or "").upper(),
        name=str(raw.get("name") or ""),
    )


def balances(raw: Mapping[str, Any], fallback_currency: str) -> list[FeedBalance]:
    """The balances Bridge states on an account object (booked, instant, accounting)."""
    currency = str(raw.get("currency_code") or fallback_currency).upper()
    when = day(raw.get("updated_at"))
    found = []
    for key, kind in (("balance", "balance"), ("instant_balance", "instant"),
                      ("accounting_balance", "accounting")):  # fmt: skip
        if raw.get(key) is not None:
            amount = money(raw[key], f"the {kind} balance of account {raw.get('id')}")
            found.append(FeedBalance(amount, currency, kind=kind, date=when))
    return found


def our_account(feed_account: FeedAccount) -> str:
    """The value of :attr:`Transaction.account` for ``feed_account``: its IBAN, like the
    statement importers, so a sync and an imported camt file of the same account agree;
    else a stable Bridge-specific name."""
    return feed_account.iban or f"bridge:{feed_account.id}"


def is_booked(raw: Mapping[str, Any]) -> bool:
    """Whether Bridge reports ``raw`` as a booked, live transaction. ``future`` lines are
    pending (their amount and text change when booked) and ``deleted`` ones were withdrawn
    by the bank; v2 names (``is_future``/``is_deleted``) are honoured too."""
    return not any(raw.get(key) for key in ("future", "is_future", "deleted", "is_deleted"))


def value_day(raw: Mapping[str, Any]) -> dt.date | None:
    """The day Bridge files the line under (``date``, always present), which is also what
    the ``min_date`` filter compares."""
    return day(raw.get("date"))


def transaction(raw: Mapping[str, Any], feed_account: FeedAccount, ids: IdAllocator) -> Transaction:
    """One booked Bridge transaction as a normalised :class:`Transaction`.

    The label is the bank's own wording (``provider_description``), which is what statement
    files carry and where invoice numbers live; Bridge's cleaned text is the fallback.
    Bridge gives no bank reference, so its transaction id -- stable for the life of the
    line -- is the reference of the id (``IBAN/<id>``), which makes ids independent of
    which pages or which period a sync fetched.
    """
    tx_ref = str(raw.get("id") or "")
    what = f"transaction {tx_ref or '?'} of account {feed_account.id}"
    if not tx_ref:
        raise ProviderError(f"bridge: a transaction of account {feed_account.id} has no id")
    booked = day(raw.get("booking_date")) or day(raw.get("date"))
    if booked is None:
        raise ProviderError(f"bridge: {what} has no date")
    amount = money(raw.get("amount"), what)
    currency = str(raw.get("currency_code") or feed_account.currency).upper()
    if not currency:
        raise ProviderError(f"bridge: {what} has no currency")
    label = " ".join(str(raw.get("provider_description") or raw.get("clean_description")
                         or raw.get("bank_description") or "").split())  # fmt: skip
    account_name = our_account(feed_account)
    return Transaction(
        id=ids.allocate(account_name, booked, amount, currency, label, bank_ref=tx_ref),
        date=booked,
        amount=amount,
        currency=currency,
        label=label,
        account=account_name,
        value_date=day(raw.get("value_date")),
        bank_reference=tx_ref,
        bank_code=str(raw.get("operation_type") or ""),
        source=f"bridge:transaction/{tx_ref}",
    )
