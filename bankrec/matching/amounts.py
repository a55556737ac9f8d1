"""Fast exact money helpers for the matcher's hot loops (cached per currency).

``bankrec.money`` recomputes a currency's minor unit on every call; the matcher quantises
millions of amounts per run, so it caches the unit per currency. Results are identical.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from bankrec.money import exponent, minor_unit


@lru_cache(maxsize=64)
def _unit(currency: str) -> Decimal:
    return minor_unit(currency)


@lru_cache(maxsize=64)
def _exp(currency: str) -> int:
    return exponent(currency)


def q(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded to the minor unit of ``currency`` (banker's rounding)."""
    return amount.quantize(_unit(currency), rounding=ROUND_HALF_EVEN)


def minor(amount: Decimal, currency: str) -> int:
    """Integer count of minor units, exact."""
    return int(q(amount, currency).scaleb(_exp(currency)))
