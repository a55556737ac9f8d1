from __future__ import annotations

from decimal import Decimal

import pytest

from bankrec.money import (
    check_currency,
    format_amount,
    from_minor,
    parse_amount,
    quantize,
    to_minor,
)


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


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        ("-905.3", "EUR", "-905.30"),  # as a Lithuanian camt.053 writes it
        ("50000", "EUR", "50000.00"),
        ("7.1", "USD", "7.10"),
        ("1E+3", "CHF", "1000.00"),  # never an exponent
        ("1500.00", "JPY", "1500"),  # no minor unit
        ("-3", "KRW", "-3"),
        ("1.25", "KWD", "1.250"),  # three decimals: fils
        ("2", "BHD", "2.000"),
        ("0.5", "JOD", "0.500"),
        ("-12.3", "OMR", "-12.300"),
        ("4.1", "TND", "4.100"),
        ("4.1", "tnd", "4.100"),
        ("123456789012345678.9", "EUR", "123456789012345678.90"),  # no float on the way
        ("-0.00", "EUR", "0.00"),  # no negative zero
        ("0E-7", "JPY", "0"),
    ],
)
def test_format_amount_writes_the_currency_minor_units(
    amount: str, currency: str, text: str
) -> None:
    assert format_amount(Decimal(amount), currency) == text


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        ("1.234", "EUR", "1.234"),  # tenths of a cent: kept, not rounded to 1.23
        ("1.2340", "EUR", "1.234"),  # only zeros beyond the minor unit are dropped
        ("-0.005", "EUR", "-0.005"),  # not rounded to zero, not made positive
        ("1500.5", "JPY", "1500.5"),
        ("1.2345", "KWD", "1.2345"),
    ],
)
def test_format_amount_never_rounds_money_away(amount: str, currency: str, text: str) -> None:
    assert format_amount(Decimal(amount), currency) == text
    assert parse_amount(text) == Decimal(amount)  # the text reads back as the same amount


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity"])
def test_format_amount_refuses_non_numbers(amount: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        format_amount(Decimal(amount), "EUR")
