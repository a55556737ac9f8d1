"""Strict field parsers for bankrec's canonical CSV files (statement and open items).

Each parser raises :class:`bankrec.errors.InputError` naming the file, line and column so
the user can fix the cell; a file with any bad row is refused as a whole.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from bankrec.errors import InputError, Location
from bankrec.money import check_currency, parse_amount


class CsvRow:
    """One data row with its line number, and typed accessors that fail with a location."""

    def __init__(self, file: str, line: int, header: Sequence[str], values: Sequence[str]) -> None:
        self.file = file
        self.line = line
        self._cells = dict(zip(header, values, strict=True))
        self._columns = {name: i + 1 for i, name in enumerate(header)}

    def _loc(self, column: str) -> Location:
        return Location(self.file, self.line, self._columns.get(column))

    def text(self, column: str) -> str:
        return self._cells.get(column, "").strip()

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            raise InputError(f"column {column!r} is empty", self._loc(column), "a value")
        return value

    def date(self, column: str, *, optional: bool = False) -> date | None:
        value = self.text(column)
        if not value and optional:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InputError(
                f"{column} {value!r} is not a date", self._loc(column), "YYYY-MM-DD"
            ) from None

    def amount(self, column: str) -> Decimal:
        value = self.text(column)
        try:
            return parse_amount(value)
        except ValueError:
            raise InputError(
                f"{column} {value!r} is not an amount", self._loc(column), "a number like -84.20"
            ) from None

    def currency(self, column: str) -> str:
        value = self.text(column)
        try:
            return check_currency(value)
        except ValueError:
            raise InputError(
                f"{column} {value!r} is not a currency", self._loc(column), "an ISO code like EUR"
            ) from None


def read_rows(path: Path, required: Sequence[str]) -> Iterator[CsvRow]:
    """Yield the rows of a UTF-8 CSV whose header must contain ``required`` columns."""
    name = str(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Location(name)) from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            raise InputError("file is empty", Location(name, 1), "a header row") from None
        except UnicodeDecodeError:
            raise InputError("file is not UTF-8 text", Location(name, 1)) from None
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(
                f"header lacks column(s) {', '.join(missing)}",
                Location(name, 1),
                "columns " + ",".join(required),
            )
        try:
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(header):
                    raise InputError(
                        f"row has {len(values)} cells, header has {len(header)}",
                        Location(name, line),
                    )
                yield CsvRow(name, line, header, values)
        except UnicodeDecodeError:
            raise InputError(
                "file is not UTF-8 text", Location(name, reader.line_num + 1)
            ) from None
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", Location(name, reader.line_num)) from None
