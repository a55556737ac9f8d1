"""Values of MT940 fields: SWIFT dates, amounts and currencies, balances, ``:61:`` lines.

Every parser takes the text of one field and the line it is on, and either returns the
value -- an amount goes from text straight into ``Decimal`` -- or raises a
:class:`StatementError` naming the line and the layout that was expected. The ``:61:``
statement line is matched with the ``mt-940`` library's field pattern, which knows the
funds-code and reversal-mark variants banks send.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from sys import intern

from mt940.tags import Statement as _MT940StatementLine

from bankrec.errors import Location, StatementError
from bankrec.model import Balance
from bankrec.money import check_currency, exponent

# The `mt-940` library's :61: pattern knows the optional entry date (digits or blanks),
# the R?[DC] mark, the funds code and the //bank-reference split; matched case-sensitively.
_LINE61_RE = re.compile(_MT940StatementLine.pattern, re.VERBOSE)
_LINE61_GROUPS = tuple(
    _LINE61_RE.groupindex[g]
    for g in ("entry_month", "entry_day", "status", "amount", "id", "customer_reference",
              "bank_reference", "extra_details")
)  # fmt: skip
_BALANCE_RE = re.compile(r"^([DC])(\d{6})([A-Z]{3})(\d[\d,]*)$")
SUM_RE = re.compile(r"^(\d+)([A-Z]{3})(\d[\d,]*)$")
FLOOR_RE = re.compile(r"^([A-Z]{3})([DC]?)(\d[\d,]*)$")
_DATE6_RE = re.compile(r"\d{6}")
# a :61: line before ids: line, value date, entry date, signed amount, reversal, type
# code, customer reference, bank reference, supplementary details
Line61 = tuple[int, dt.date, "dt.date | None", Decimal, bool, str, str, str, str]


def _year(yy: int) -> int:
    """Two-digit SWIFT year: 70-99 are 19xx, 00-69 are 20xx (fixed pivot, no clock)."""
    return 1900 + yy if yy >= 70 else 2000 + yy


def _date6(text: str, name: str, line: int, what: str) -> dt.date:
    """Parse YYMMDD."""
    if not _DATE6_RE.fullmatch(text):
        raise StatementError(f"{what} {text!r} is not a date", Location(name, line), "YYMMDD")
    try:
        return dt.date(_year(int(text[:2])), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise StatementError(
            f"{what} {text!r} is not a valid date", Location(name, line), "YYMMDD"
        ) from None


def _entry_date(mmdd: str, value_date: dt.date, name: str, line: int) -> dt.date:
    """Entry date MMDD: the year is the one that puts it closest to the value date.

    A booking on 2 January of a payment valued 31 December must land in the next year,
    and an entry on 31 December for a value date of 2 January in the previous one.
    """
    month, day = int(mmdd[:2]), int(mmdd[2:])
    candidates: list[dt.date] = []
    for year in (value_date.year - 1, value_date.year, value_date.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise StatementError(
            f"entry date {mmdd!r} is not a valid month and day",
            Location(name, line),
            "MMDD after the value date",
        )
    return min(candidates, key=lambda d: abs((d - value_date).days))


def swift_amount(
    text: str, currency: str, name: str, line: int, what: str, places: int | None = None
) -> Decimal:
    """SWIFT amount ``123,45`` (comma decimal, integer part mandatory) as Decimal.

    ``places`` is ``exponent(currency)`` when the caller already knows it.
    """
    # str.isdecimal() is exactly the regex \d (Unicode category Nd)
    whole, _, frac = text.partition(",")
    if not whole.isdecimal() or (frac and not frac.isdecimal()):
        raise StatementError(
            f"{what} {text!r} is not a SWIFT amount", Location(name, line), "digits like '123,45'"
        )
    if places is None:
        places = exponent(currency)
    if len(frac) > places:
        raise StatementError(
            f"{what} {text!r} has {len(frac)} decimals but {currency} has {places}",
            Location(name, line),
            f"at most {places} decimals",
        )
    return Decimal(f"{whole}.{frac.ljust(places, '0')}") if places else Decimal(whole)


def swift_currency(text: str, name: str, line: int) -> str:
    """A three-letter ISO 4217 code."""
    try:
        return intern(check_currency(text))
    except ValueError:
        raise StatementError(
            f"{text!r} is not a currency code", Location(name, line), "ISO 4217 code like EUR"
        ) from None


def _diagnose_61(value: str) -> str:
    """Say which part of a :61: line is wrong, for the error message."""
    steps = [
        (r"\d{6}", "value date YYMMDD at the start"),
        (r"\d{6}(\d{4}|\s{4})?R?[DC]", "debit/credit mark C, D, RC or RD after the dates"),
        (r"\d{6}(\d{4}|\s{4})?R?[DC][A-Z]? ?\d[\d,]*", "an amount like '123,45'"),
        (r"\d{6}(\d{4}|\s{4})?R?[DC][A-Z]? ?\d[\d,]*[A-Z][A-Z0-9]{3}", "a type code like 'NTRF'"),
    ]
    for pattern, expected in steps:
        if not re.match(pattern, value):
            return expected
    return "value date, [entry date], mark, amount, type code, reference[//bank reference]"


class FieldValues:
    """Balance, date and ``:61:`` parsing for one reading, with what it remembers.

    A statement has few distinct dates, so parsed ones are kept (by their text) instead of
    being parsed again for each of a million lines.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.dates: dict[str, dt.date] = {}
        self.entry_dates: dict[str, dt.date] = {}

    def _balance(self, tag: str, line: int, value: str) -> tuple[str, Balance]:
        """``:60F:``/``:62F:`` style balance ``C070903EUR1234,56`` -> (currency, Balance)."""
        match = _BALANCE_RE.match(value)
        if not match:
            raise StatementError(
                f"balance :{tag}: {value!r} is malformed",
                Location(self.name, line),
                "C or D, date YYMMDD, currency, amount (e.g. 'C070903EUR1234,56')",
            )
        mark, date_text, currency_text, amount_text = match.groups()
        currency = swift_currency(currency_text, self.name, line)
        date = self._date(date_text, line, "balance date")
        amount = swift_amount(amount_text, currency, self.name, line, "balance")
        return currency, Balance(-amount if mark == "D" else amount, date)

    def _date(self, text: str, line: int, what: str) -> dt.date:
        """:func:`_date6`, remembered: a statement has few distinct dates."""
        date = self.dates.get(text)
        if date is None:
            date = self.dates[text] = _date6(text, self.name, line, what)
        return date

    def _line61(self, currency: str, places: int, line: int, values: list[str]) -> Line61:
        """Parse a ``:61:`` statement line (first line) and its supplementary details, in
        the statement's ``currency`` (with ``places`` decimals)."""
        first = values[0]
        match = _LINE61_RE.match(first)
        if match is None or not match.group("id"):
            raise StatementError(
                f"statement line :61: {first.strip()[:60]!r} is malformed",
                Location(self.name, line),
                _diagnose_61(first),
            )
        month, day, status, amount_text, type_code, customer, bank, extra = match.group(
            *_LINE61_GROUPS
        )
        value_date = self.dates.get(first[:6])  # the year, month and day groups
        if value_date is None:
            value_date = self._date(first[:6], line, "value date")
        entry_date = None
        if month is not None or day is not None:
            entry = f"{month or ''}{day or ''}"
            if len(entry) == 4 and entry.isdecimal():  # the regex \d{4}
                key = first[:10]
                entry_date = self.entry_dates.get(key)
                if entry_date is None:
                    entry_date = _entry_date(entry, value_date, self.name, line)
                    self.entry_dates[key] = entry_date
            elif entry.strip():
                raise StatementError(
                    f"entry date {entry!r} is not MMDD",
                    Location(self.name, line),
                    "MMDD or nothing",
                )
        amount = swift_amount(amount_text, currency, self.name, line, "amount", places)
        # C and RD (reversal of a debit) put money on the account; D and RC take it off.
        if status not in ("C", "RD"):
            amount = -amount
        if len(values) == 1:
            supplementary = (extra or "").strip()
        else:
            supplementary = " ".join(
                part.strip() for part in [extra or "", *values[1:]] if part.strip()
            )
        return (
            line,
            value_date,
            entry_date,
            amount,
            status.startswith("R"),
            type_code,
            (customer or "").strip(),
            (bank or "").strip(),
            supplementary,
        )
