"""A transaction as the compiled conditions see it: fields normalised once per evaluation.

A fresh :class:`Subject` is made for every call of ``RuleSet.evaluate``; conditions only
read it (apart from the per-rule ``capture`` slot), so evaluation shares no mutable state
between calls or threads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import Decimal

from dsl.fields import SPACELESS_FIELDS, TEXT_FIELDS
from dsl.normalize import fold, fold_iban, strip_accents


class Subject:
    """Normalised field values plus the invoice number a regex captured."""

    __slots__ = ("_regex_text", "amount", "capture", "date", "folded", "raw")

    def __init__(self, fields: Mapping[str, object], needed: Collection[str] = TEXT_FIELDS) -> None:
        """Read ``fields``; fold only the ``needed`` text fields (those some rule tests)."""
        get = fields.get
        raw: dict[str, str] = {}
        for name in TEXT_FIELDS:
            value = get(name)
            raw[name] = value if type(value) is str else _text(value)
        self.amount = _amount(get("amount"))
        if not raw["direction"] and self.amount is not None:
            raw["direction"] = "in" if self.amount >= 0 else "out"
        self.raw = raw
        folded: dict[str, str] = {}
        for name in needed:
            value = raw[name]
            if not value:
                folded[name] = ""
            elif name in SPACELESS_FIELDS:
                folded[name] = fold_iban(value)
            else:
                folded[name] = fold(value)
        self.folded = folded
        self.date = _date(fields.get("date"))
        self.capture: str | None = None
        self._regex_text: dict[str, str] = {}

    def regex_text(self, field: str) -> str:
        """Accent-stripped text with single spaces, case kept (what ``matches`` sees)."""
        text = self._regex_text.get(field)
        if text is None:
            text = self._regex_text[field] = strip_accents(self.raw[field])
        return text


def _text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "value") and not isinstance(value, str):  # enums such as Direction
        value = value.value
    return str(value)


def _amount(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool | float):
        raise TypeError("amount must be a Decimal, an int or a decimal string, never a float")
    if isinstance(value, int | str):
        return Decimal(value)
    raise TypeError(f"amount must be a Decimal, got {type(value).__name__}")


def _date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"date must be a datetime.date, got {type(value).__name__}")
