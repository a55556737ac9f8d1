"""Small helpers shared by the rule-language tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dsl import Outcome, RuleFileError, compile_rules


def tx(
    label: str = "",
    amount: str = "-10.00",
    *,
    counterparty: str = "",
    reference: str = "",
    iban: str = "",
    currency: str = "EUR",
    date: dt.date = dt.date(2026, 3, 15),
    account: str = "FR7630006000011234567890189",
) -> dict[str, object]:
    """Fields shaped like ``Transaction.rule_fields()``."""
    value = Decimal(amount)
    return {
        "label": label,
        "counterparty": counterparty,
        "reference": reference,
        "iban": iban,
        "amount": value,
        "currency": currency,
        "date": date,
        "account": account,
        "direction": "in" if value >= 0 else "out",
    }


def run(text: str, fields: dict[str, object], source: str = "t.rules") -> Outcome:
    """Compile ``text`` and evaluate it on ``fields``."""
    return compile_rules(text, source).evaluate(fields)


def errors(text: str, source: str = "t.rules", fmt: str = "rules") -> list[str]:
    """``line:col: message`` of each diagnostic ``text`` produces (must produce some)."""
    try:
        compile_rules(text, source, fmt=fmt)
    except RuleFileError as exc:
        return [f"{d.line}:{d.column}: {d.message}" for d in exc.diagnostics]
    raise AssertionError("expected the rules to be refused")
