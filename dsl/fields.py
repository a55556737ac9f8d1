"""The fields a rule can test and the actions a rule can take.

Kept in one table so the compiler, the error messages ("did you mean ...") and the
documentation agree on the same names.
"""

from __future__ import annotations

from enum import Enum


class FieldType(Enum):
    """What kind of value a field holds; decides which operators make sense on it."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DIRECTION = "direction"


FIELDS: dict[str, FieldType] = {
    "label": FieldType.TEXT,
    "counterparty": FieldType.TEXT,
    "reference": FieldType.TEXT,
    "iban": FieldType.TEXT,
    "amount": FieldType.NUMBER,
    "currency": FieldType.TEXT,
    "date": FieldType.DATE,
    "account": FieldType.TEXT,
    "direction": FieldType.DIRECTION,
}

# fields whose text the rules see case- and accent-folded (direction is folded too)
TEXT_FIELDS: tuple[str, ...] = tuple(
    name for name, kind in FIELDS.items() if kind in (FieldType.TEXT, FieldType.DIRECTION)
)

# account numbers: compared without the spaces banks and people group them with
SPACELESS_FIELDS = ("iban", "account")

TEXT_OPERATORS = ("contains", "startswith", "endswith", "=", "!=", "in", "matches")
ORDER_OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "between", "in")
DIRECTION_OPERATORS = ("=", "!=", "in")
DIRECTIONS = ("in", "out")

# actions that take a value, and those that stand alone
VALUE_ACTIONS = ("party", "account", "category", "kind", "tag", "confidence")
FLAG_ACTIONS = ("ignore", "stop")
ACTIONS: tuple[str, ...] = VALUE_ACTIONS + FLAG_ACTIONS
KINDS = ("expense", "transfer", "fee")

# actions where the first rule to set a value wins and a later different value is a conflict
FIRST_WINS = ("party", "account", "category", "kind", "invoice")


def operators_for(kind: FieldType) -> tuple[str, ...]:
    """The operators allowed on a field of this kind (used by errors and the compiler)."""
    if kind is FieldType.TEXT:
        return TEXT_OPERATORS
    if kind is FieldType.DIRECTION:
        return DIRECTION_OPERATORS
    return ORDER_OPERATORS
