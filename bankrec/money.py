"""Exact money: ``Decimal`` amounts quantised to each currency's minor unit.

Floats never carry money in bankrec. Amounts are parsed from text straight into
``Decimal`` and compared in minor units, so 0.1 + 0.2 is exactly 0.3 and a cent is a cent.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from bankrec.errors import CurrencyMismatchError

# ISO 4217 exponents that differ from 2; every other currency has 2 decimals.
_EXPONENTS: dict[str, int] = {
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}  # fmt: skip

_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_AMOUNT_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def exponent(currency: str) -> int:
    """Number of decimals of ``currency`` (ISO 4217), 2 when not listed as special."""
    return _EXPONENTS.get(currency.upper(), 2)


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of ``currency``: ``Decimal('0.01')`` for EUR, ``1`` for JPY."""
    return Decimal(1).scaleb(-exponent(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` to the minor unit of ``currency`` (banker's rounding)."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_EVEN)


def format_amount(amount: Decimal, currency: str) -> str:
    """``amount`` as text with the minor units of ``currency``, for files people and ERPs read.

    ``-905.3`` EUR is written ``-905.30``, ``50000`` EUR ``50000.00``, ``1500.00`` JPY
    ``1500``, ``1.25`` KWD ``1.250``: banks write amounts every which way (``50000``,
    ``88667.8``), a statement export should not. Plain digits, never an exponent, never
    ``-0.00``.

    This pads and never rounds: an amount more precise than its currency (``1.234`` EUR, a
    fee priced in tenths of a cent) keeps its digits -- ``1.234`` -- because a writer must
    not change money; only zeros beyond the minor unit are dropped (``1.2340`` -> ``1.234``,
    ``1500.00`` JPY -> ``1500``). Use :func:`quantize` to round deliberately.
    """
    if not amount.is_finite():
        raise ValueError(f"{amount} is not an amount")
    if amount.is_zero():
        amount = abs(amount)  # -0.00 and 0E-7 are plain zero
    significant = -int(amount.normalize().as_tuple().exponent)  # decimals that are not zeros
    return format(amount, f".{max(exponent(currency), significant)}f")


def to_minor(amount: Decimal, currency: str) -> int:
    """Amount as an integer count of minor units (cents); exact, for indexes and sums."""
    return int(quantize(amount, currency).scaleb(exponent(currency)))


def from_minor(units: int, currency: str) -> Decimal:
    """Inverse of :func:`to_minor`."""
    return Decimal(units).scaleb(-exponent(currency))


def check_currency(code: str) -> str:
    """Return ``code`` upper-cased if it looks like an ISO 4217 code, else raise ValueError."""
    norm = code.strip().upper()
    if not _CURRENCY_RE.match(norm):
        raise ValueError(f"{code!r} is not a three-letter ISO 4217 currency code")
    return norm


def parse_amount(text: str, *, decimal_comma: bool = False, thousands: str = "") -> Decimal:
    """Parse a decimal amount written as text, never through float.

    ``decimal_comma`` accepts ``1.234,56``-style input; ``thousands`` is a separator to
    drop (``"'"`` for Swiss ``1'234.50``). Raises ``ValueError`` with the offending text.
    """
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    if thousands:
        raw = raw.replace(thousands, "")
    if decimal_comma:
        raw = raw.replace(".", "").replace(",", ".")
    if raw.endswith("-") and raw[:-1] and raw[0] not in "+-":  # trailing minus: 12.50-
        raw = "-" + raw[:-1]
    if not _AMOUNT_RE.match(raw):
        raise ValueError(f"{text!r} is not an amount")
    try:
        return Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards
        raise ValueError(f"{text!r} is not an amount") from exc


def same_currency(a: str, b: str) -> None:
    """Raise :class:`CurrencyMismatchError` unless ``a`` and ``b`` are the same currency."""
    if a.upper() != b.upper():
        raise CurrencyMismatchError(f"cannot combine {a} and {b} amounts")
