"""Enable Banking's JSON into bankrec's plain data: banks, accounts, balances, transactions.

Kept apart from the HTTP calls so the mapping (signs, counterparty side, ids) can be read
and tested on its own. The rules follow the API reference's ``Transaction`` schema and the
camt importer, so a feed line and the same line read from a camt.053 file look alike:

* the amount is ``transaction_amount.amount`` as a Decimal, signed by
  ``credit_debit_indicator`` (``CRDT`` money in, ``DBIT`` money out);
* the counterparty is the debtor of money received and the creditor of money paid, with
  that party's account (IBAN, else its other identification) and agent's BIC;
* the label is the ``remittance_information`` lines joined, the reference the structured
  ``reference_number``;
* the date is the booking date (else the value date, else the transaction date);
* the id is our IBAN plus the ``entry_reference`` (what camt calls AcctSvcrRef), made by
  :class:`~bankrec.statements.ids.IdAllocator` exactly as the camt importer does, so a
  sync overlapping an imported file duplicates nothing. Without an entry reference the id
  is the content hash: Enable Banking's ``transaction_id`` is documented as changing
  between listings, so it never makes an id.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from bankrec.feeds.errors import ProviderError
from bankrec.feeds.provider import Bank, FeedAccount, FeedBalance
from bankrec.model import Transaction
from bankrec.statements.ids import IdAllocator, usable_ref

BOOKED = "BOOK"
SIGNS = {"CRDT": 1, "DBIT": -1}
DAY_SECONDS = 86400


def _text(value: Any) -> str:
    """A JSON value as one clean line of text ('' for null and non-strings)."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_date(value: Any) -> dt.date | None:
    """An ISO date of the API, or None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_datetime(value: Any) -> dt.datetime | None:
    """An RFC 3339 date-time of the API in UTC (a date alone is read as midnight UTC)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def account_number(identification: Any) -> str:
    """The IBAN of an ``AccountIdentification``, else its other identification."""
    ident = _obj(identification)
    iban = _text(ident.get("iban"))
    if iban:
        return iban.replace(" ", "").upper()
    return _text(_obj(ident.get("other")).get("identification")).replace(" ", "")


def bank_from(data: dict[str, Any]) -> Bank:
    """An ``ASPSPData`` entry of ``GET /aspsps``."""
    seconds = data.get("maximum_consent_validity")
    days = int(seconds) // DAY_SECONDS if isinstance(seconds, int) and seconds > 0 else None
    return Bank(
        id=_text(data.get("name")),
        name=_text(data.get("name")),
        country=_text(data.get("country")),
        bic=_text(data.get("bic")),
        max_consent_days=days,
    )


def account_from(data: dict[str, Any]) -> FeedAccount | None:
    """An ``AccountResource`` of ``POST /sessions``; None when it has no ``uid`` (the bank
    blocks it: no balances or transactions can be fetched)."""
    uid = _text(data.get("uid"))
    if not uid:
        return None
    name = _text(data.get("name")) or _text(data.get("details")) or _text(data.get("product"))
    return FeedAccount(
        id=uid,
        iban=account_number(data.get("account_id")),
        currency=_text(data.get("currency")),
        name=name,
    )


def balance_from(data: dict[str, Any]) -> FeedBalance:
    """A ``BalanceResource`` of ``GET /accounts/{uid}/balances``."""
    amount = _obj(data.get("balance_amount"))
    return FeedBalance(
        amount=decimal(amount.get("amount"), "balance"),
        currency=_text(amount.get("currency")),
        kind=_text(data.get("balance_type")),
        date=parse_date(data.get("reference_date")),
    )


def decimal(value: Any, what: str) -> Decimal:
    """An amount of the API as an exact Decimal (never through float): a string as the
    reference says, or a number (which the HTTP client decodes as Decimal already)."""
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            return number
    raise ProviderError(f"enablebanking: the {what} amount {value!r} is not a number")


def is_booked(data: dict[str, Any]) -> bool:
    """Only ``BOOK`` transactions are kept: pending ones (``PDNG``) and the other statuses
    change amount, text or disappear before the bank books them."""
    return data.get("status") == BOOKED


def _bank_code(data: dict[str, Any]) -> str:
    code = _obj(data.get("bank_transaction_code"))
    parts = [_text(code.get("code")), _text(code.get("sub_code"))]
    return "/".join(p for p in parts if p) or _text(code.get("description"))


class TransactionMapper:
    """Turns the booked transactions of one account listing into :class:`Transaction`.

    One mapper per ``transactions()`` call: its :class:`IdAllocator` counts repeated
    lines (two identical coffees on one day) afresh each time, as a file read does.
    """

    def __init__(self, account: FeedAccount) -> None:
        self.account = account
        # our account as the camt importer names it (the statement's IBAN); the uid changes
        # with every session, so it is only the last resort of an account without IBAN
        self.our = account.iban.replace(" ", "").upper() or account.id
        self.ids = IdAllocator()

    def transaction(self, data: dict[str, Any]) -> Transaction:
        """One booked ``Transaction`` of the API (the caller skips the others)."""
        money = _obj(data.get("transaction_amount"))
        amount = decimal(money.get("amount"), "transaction")
        sign = SIGNS.get(_text(data.get("credit_debit_indicator")))
        amount = abs(amount) * sign if sign is not None else amount
        currency = _text(money.get("currency")).upper() or self.account.currency
        entry_ref = _text(data.get("entry_reference"))
        date = (parse_date(data.get("booking_date")) or parse_date(data.get("value_date"))
                or parse_date(data.get("transaction_date")))  # fmt: skip
        if date is None:
            raise ProviderError(
                f"enablebanking: a booked transaction of account {self.account.id} has no "
                f"booking, value or transaction date (entry reference {entry_ref or 'none'})"
            )
        side = "debtor" if amount >= 0 else "creditor"
        party = _text(_obj(data.get(side)).get("name"))
        party_account = account_number(data.get(f"{side}_account"))
        bic = _text(_obj(data.get(f"{side}_agent")).get("bic_fi"))
        lines = data.get("remittance_information")
        texts = [_text(x) for x in lines] if isinstance(lines, list) else []
        label = " ".join(t for t in texts if t) or _text(
            _obj(data.get("bank_transaction_code")).get("description")
        )
        reference = _text(data.get("reference_number"))
        end_to_end = _text(data.get("end_to_end_id"))  # not in every ASPSP's answer
        bank_ref = entry_ref if usable_ref(entry_ref) else ""
        tx_id = self.ids.allocate(
            self.our, date, amount, currency,
            label, party, party_account, reference, end_to_end,
            bank_ref=bank_ref,
        )  # fmt: skip
        return Transaction(
            id=tx_id,
            date=date,
            amount=amount,
            currency=currency,
            label=label,
            counterparty=party,
            iban=party_account,
            reference=reference,
            account=self.our,
            value_date=parse_date(data.get("value_date")),
            bank_reference=bank_ref,
            end_to_end_id=end_to_end,
            bic=bic,
            bank_code=_bank_code(data),
            source=f"enablebanking:{self.account.id}" + (f":{bank_ref}" if bank_ref else ""),
        )
