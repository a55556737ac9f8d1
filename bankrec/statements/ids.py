"""Stable import ids: the same bank line gets the same id in every file it appears in.

Re-importing a statement, or importing two files whose periods overlap, must never create
duplicates, yet two genuinely identical lines on one day (two 5.00 coffees) must stay two
transactions. So an id is

* the bank's own reference for the line (AcctSvcrRef, NtryRef, :61: bank reference,
  FITID...) prefixed with our account, when the bank gave a real one (placeholders such as
  ``NONREF`` or ``NOTPROVIDED`` are ignored); otherwise
* a hash of account, booking date, amount, currency and the line's text;

plus an occurrence counter (``#2``, ``#3``...) when the same reference or the same content
repeats. The counter counts within one *key* (same account, day, amount, text), not by
position in the file, so an overlapping file that holds the same day gets the same ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal

# references banks write when they have none; never unique, never an id
PLACEHOLDER_REFS = frozenset(
    {"", "NONREF", "NOTPROVIDED", "NOT PROVIDED", "NONE", "N/A", "NA", "0", "UNKNOWN"}
)
HASH_CHARS = 20


def usable_ref(ref: str) -> bool:
    """Whether ``ref`` is a real bank reference rather than an empty or placeholder value."""
    return ref.strip().upper() not in PLACEHOLDER_REFS


def _normal_amount(amount: Decimal) -> str:
    """Amount text that does not depend on how many decimals the file wrote (1.5 == 1.50)."""
    normal = amount.normalize()
    text = format(normal, "f")
    return "0" if normal.is_zero() else text


def content_key(account: str, date: dt.date, amount: Decimal, currency: str, *parts: str) -> str:
    """The text hashed for a line without a bank reference (whitespace and case folded)."""
    texts = [" ".join(p.split()).casefold() for p in parts]
    fields = [account.strip().upper(), date.isoformat(), _normal_amount(amount),
              currency.strip().upper(), *texts]  # fmt: skip
    return "\x1f".join(fields)


def base_id(
    account: str, date: dt.date, amount: Decimal, currency: str, *parts: str, bank_ref: str = ""
) -> str:
    """The id before any occurrence suffix: ``ACCOUNT/REF`` or ``h`` plus a content hash."""
    if usable_ref(bank_ref):
        ref = bank_ref.strip()
        return f"{account.strip()}/{ref}" if account.strip() else ref
    key = content_key(account, date, amount, currency, *parts)
    return "h" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:HASH_CHARS]


def with_occurrence(base: str, occurrence: int) -> str:
    """``base`` for the first occurrence, ``base#2`` for the second, and so on."""
    return base if occurrence == 0 else f"{base}#{occurrence + 1}"


def stable_id(
    account: str,
    date: dt.date,
    amount: Decimal,
    currency: str,
    *parts: str,
    occurrence: int = 0,
    bank_ref: str = "",
) -> str:
    """Deterministic import id of one transaction.

    ``occurrence`` is 0 for the first line with this key, 1 for the second identical one...
    (see :class:`IdAllocator`, which counts them for you). ``bank_ref``, when it is a real
    reference, makes a readable id ``ACCOUNT/REF``; otherwise the id is ``h`` plus a hash
    of the content (account, date, amount, currency and ``parts``).
    """
    base = base_id(account, date, amount, currency, *parts, bank_ref=bank_ref)
    return with_occurrence(base, occurrence)


class IdAllocator:
    """Hands out :func:`stable_id` values for one file, counting repeated keys.

    Use one allocator per file read: the counters start afresh so that reading the same
    file again yields the same ids.
    """

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def allocate(
        self,
        account: str,
        date: dt.date,
        amount: Decimal,
        currency: str,
        *parts: str,
        bank_ref: str = "",
    ) -> str:
        """The id of the next line with these values (``#2`` etc. for repeats)."""
        base = base_id(account, date, amount, currency, *parts, bank_ref=bank_ref)
        occurrence = self._seen[base]
        self._seen[base] = occurrence + 1
        return with_occurrence(base, occurrence)
