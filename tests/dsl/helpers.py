"""Small helpers shared by the rule-language tests."""

from __future__ import annotations

import datetime as dt

from dsl import Outcome, RuleFileError, compile_rules
from tests.builders import OUR_ACCOUNT, rule_fields


def tx(
    label: str = "",
    amount: str = "-10.00",
    *,
    counterparty: str = "",
    reference: str = "",
    iban: str = "",
    currency: str = "EUR",
    date: dt.date = dt.date(2026, 3, 15),
    account: str = OUR_ACCOUNT,
) -> dict[str, object]:
    """Fields shaped like ``Transaction.rule_fields()`` (built by :mod:`tests.builders`)."""
    return rule_fields(
        label,
        amount,
        counterparty=counterparty,
        reference=reference,
        iban=iban,
        currency=currency,
        date=date,
        account=account,
    )


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
