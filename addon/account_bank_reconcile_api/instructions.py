# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading ``bankrec_apply`` instructions: amounts, the items they settle, the simple case."""

from decimal import Decimal, InvalidOperation

from odoo.exceptions import UserError, ValidationError

BOOKING_ERRORS = (UserError, ValidationError, ValueError, KeyError, TypeError, OverflowError)
LARGEST_AMOUNT = Decimal("1e15")  # beyond what a bank line carries; beyond a float's exactness


def targets_of(instruction):
    """The open items an instruction reconciles with (ids; empty when malformed)."""
    if not isinstance(instruction, dict) or not isinstance(instruction.get("counterparts"), list):
        return set()
    return {
        cp.get("reconcile_with")
        for cp in instruction["counterparts"]
        if isinstance(cp, dict) and cp.get("reconcile_with")
    }


def shared_targets(instructions):
    seen, shared = set(), set()
    for instruction in instructions:
        for target in targets_of(instruction):
            (shared if target in seen else seen).add(target)
    return shared


def is_simple(instruction, parsed, company_currency):
    """One counterpart settling one open item in the company's currency, no transfer."""
    if len(parsed) != 1 or instruction.get("transfer"):
        return False
    _cp, currency, _amount, _balance, target = parsed[0]
    return bool(target) and currency == company_currency


def decimal_amount(value):
    """Amounts travel as decimal strings so no float rounding happens in transit; a value
    that is not a finite amount of sensible size is refused for its line."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite() or abs(amount) >= LARGEST_AMOUNT:
        raise ValueError(f"not an amount: {value!r}")
    return amount
