from __future__ import annotations

from decimal import Decimal

import pytest

from bankrec.money import check_currency, from_minor, parse_amount, quantize, to_minor


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("-84.20", {}, Decimal("-84.20")),
        ("1.234,56", {"decimal_comma": True}, Decimal("1234.56")),
        ("1'234.50", {"thousands": "'"}, Decimal("1234.50")),
        ("12.50-", {}, Decimal("-12.50")),
        ("+0.10", {}, Decimal("0.10")),
    ],
)
def test_parse_amount_is_exact(text: str, kwargs: dict[str, object], expected: Decimal) -> None:
    assert parse_amount(text, **kwargs) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "1e5", "nan", "--5"])
def test_parse_amount_refuses_non_amounts(text: str) -> None:
    with pytest.raises(ValueError, match="is not an amount"):
        parse_amount(text)


def test_minor_units_follow_iso_4217() -> None:
    assert to_minor(Decimal("10.005"), "EUR") == 1000  # banker's rounding
    assert to_minor(Decimal("1234"), "JPY") == 1234
    assert to_minor(Decimal("1.2345"), "KWD") == 1234
    assert from_minor(1050, "CHF") == Decimal("10.50")
    assert quantize(Decimal("0.1") + Decimal("0.2"), "EUR") == Decimal("0.30")


def test_currency_codes_are_checked() -> None:
    assert check_currency(" eur ") == "EUR"
    with pytest.raises(ValueError):
        check_currency("EURO")
