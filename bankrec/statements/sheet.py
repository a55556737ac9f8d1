"""CSV/XLSX bank exports read through a YAML mapping profile.

Spreadsheet exports have no standard: every bank names, orders and formats its columns its
own way. A profile (:mod:`bankrec.statements.sheetprofile`) says which column is what; the
profiles shipped in ``bankrec/statements/profiles/`` are tried in turn when none is given,
and ``bankrec import --detect FILE`` prints a proposed profile (:func:`propose_profile`)
for a layout bankrec does not know yet.

This is the last format the registry tries, so :func:`sniff` accepts any workbook and any
delimited text; :func:`read` then refuses, naming the file, what it cannot map.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import NoReturn

from bankrec.errors import Location, StatementError
from bankrec.model import Balance, Statement, Transaction
from bankrec.money import check_currency, minor_unit, parse_amount
from bankrec.statements.ids import IdAllocator
from bankrec.statements.sheetguess import propose_profile
from bankrec.statements.sheetprofile import Column, Profile, load_profile, norm, shipped_profiles
from bankrec.statements.sheettable import (
    Cell,
    Table,
    check_workbook_parts,
    is_xlsx,
    read_table,
)

NAME = "sheet"
HEADER_SEARCH_ROWS = 100
__all__ = ["NAME", "find_profile", "load_profile", "propose_profile", "read", "read_with",
           "sniff"]  # fmt: skip


def sniff(head: bytes) -> bool:
    """A workbook, or text with a delimiter and no binary bytes (the format tried last)."""
    try:
        if is_xlsx(head):
            return True
        if b"\x00" in head:
            return False
        text = head.decode("utf-8", errors="replace")
        controls = sum(1 for ch in text if ch < " " and ch not in "\r\n\t")
        if controls > len(text) // 100 or text.count("\ufffd") > len(text) // 20:
            return False
        return any(d in text for d in (",", ";", "\t", "|"))
    except Exception:  # pragma: no cover - sniff never raises
        return False


def read(path: Path, profile: Path | None = None) -> list[Statement]:
    """Statements of a CSV/XLSX export, with ``profile`` or else the shipped one that fits."""
    check_workbook_parts(path)  # before profile detection, which takes errors for "no match"
    chosen = load_profile(profile) if profile is not None else find_profile(path)
    return read_with(path, chosen)


def _load(path: Path, prof: Profile, limit: int | None = None) -> Table:
    return read_table(path, encoding=prof.encoding, delimiter=prof.delimiter,
                      quotechar=prof.quotechar, sheet=prof.sheet, limit=limit)  # fmt: skip


def _header_index(table: Table, prof: Profile) -> int | None:
    """Index in ``table.rows`` of the header row; -1 when the file has none; None: not found."""
    if prof.header_row == 0:
        return -1
    wanted = {norm(h) for h in prof.match_header}
    for i, (line, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        if prof.header_row is not None and line != prof.header_row:
            continue
        names = {norm(str(c)) for c in cells}
        if wanted <= names:
            return i
        if prof.header_row is not None:
            return None
    return None


def matches(path: Path, prof: Profile) -> bool:
    """Whether ``prof`` recognises ``path`` (header signature or first-row pattern)."""
    if not prof.match_header and prof.match_first_row is None:
        return False
    try:
        table = _load(path, prof, limit=HEADER_SEARCH_ROWS)
    except StatementError:
        return False
    if not table.rows:
        return False
    if prof.match_first_row is not None:
        cells = table.rows[0][1]
        joined = (table.delimiter or ";").join(_text(c) for c in cells)
        if not prof.match_first_row.search(joined):
            return False
    return not prof.match_header or _header_index(table, prof) is not None


def find_profile(path: Path) -> Profile:
    """The first shipped profile that recognises ``path``, else a StatementError."""
    for prof in shipped_profiles():
        if matches(path, prof):
            return prof
    raise StatementError(
        "no shipped CSV/XLSX profile recognises this file's columns",
        Location(str(path), 1),
        "a known bank export; run `bankrec import --detect FILE` to propose a profile, "
        "check it, then import with --profile PROFILE.yaml",
    )


def _text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


@dataclass
class _Row:
    line: int
    date: dt.date
    amount: Decimal
    currency: str
    account: str
    balance: Decimal | None
    tx: dict[str, object]


class _RowReader:
    """Reads the data rows of one table with one profile; fails with file:line:column."""

    def __init__(self, table: Table, prof: Profile) -> None:
        self.table = table
        self.prof = prof
        self.file = table.file
        self.header_line = 0
        self.cols: dict[str, list[int]] = {}
        spaces = ("", " ", "\u00a0", "\u202f")  # removed with the other blanks before matching
        t = "" if prof.thousands in spaces else re.escape(prof.thousands)
        d = re.escape(prof.decimal)
        body = rf"(\d{{1,3}}({t}\d{{3}})+|\d+)" if t else r"\d+"
        self.number_re = re.compile(rf"^[+-]?{body}({d}\d*)?[+-]?$|^[+-]?{d}\d+$")

    def fail(self, line: int, message: str, expected: str = "", col: int | None = None
             ) -> NoReturn:  # fmt: skip
        raise StatementError(message, Location(self.file, line, col), expected)

    def resolve(self, header: Sequence[Cell] | None) -> None:
        names: dict[str, int] = {}
        if header is not None:
            for i, cell in enumerate(header):
                names.setdefault(norm(_text(cell)), i)
        for role, columns in self.prof.columns.items():
            found: list[int] = []
            for col in columns:
                if col.index:
                    found.append(col.index - 1)
                elif norm(col.name) in names:
                    found.append(names[norm(col.name)])
                elif not col.optional:
                    shown = ", ".join(repr(_text(c)) for c in header or [])
                    self.fail(self.header_line or 1, f"column {col.name!r} ({role}) is not in the"
                              " header", f"a header with it; the header has {shown}")  # fmt: skip
            if found:
                self.cols[role] = found

    def cell(self, cells: Sequence[Cell], role: str) -> tuple[Cell, int]:
        """The first non-empty cell of ``role`` and its 1-based column ("" when none)."""
        for i in self.cols.get(role, []):
            value = cells[i] if i < len(cells) else ""
            if _text(value):
                return value, i + 1
        first = self.cols.get(role, [0])[0]
        return "", first + 1

    def text(self, cells: Sequence[Cell], role: str) -> str:
        return " ".join(_text(self.cell(cells, role)[0]).split())

    def date(self, line: int, cells: Sequence[Cell], role: str) -> dt.date | None:
        value, col = self.cell(cells, role)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _text(value)
        if not text:
            return None
        try:
            return dt.datetime.strptime(text, self.prof.date_format).date()
        except ValueError:
            example = dt.date(2024, 1, 31).strftime(self.prof.date_format)
            self.fail(line, f"{role} {text!r} does not match date_format "
                      f"{self.prof.date_format!r}", f"a date like {example}", col)  # fmt: skip

    def money(self, line: int, cells: Sequence[Cell], role: str, currency: str
              ) -> Decimal | None:  # fmt: skip
        value, col = self.cell(cells, role)
        unit = minor_unit(currency) if currency else Decimal("0.01")
        if isinstance(value, bool):
            self.fail(line, f"{role} is a yes/no cell", "a number", col)
        if isinstance(value, int):
            return Decimal(value).quantize(unit)
        if isinstance(value, float):  # spreadsheet number: round to the currency's cents
            return Decimal(repr(value)).quantize(unit, rounding=ROUND_HALF_EVEN)
        text = _text(value)
        if not text:
            return None
        raw = re.sub(r"[€$£\s\u00a0\u202f]", "", text)
        raw = re.sub(r"^[A-Z]{3}|[A-Z]{3}$", "", raw)
        negative = raw.startswith("(") and raw.endswith(")")
        raw = raw.strip("()") if negative else raw
        thin = self.prof.thousands in (" ", "\u00a0", "\u202f")
        if not self.number_re.match(raw):
            style = f"decimal {self.prof.decimal!r}" + (
                f", thousands {self.prof.thousands!r}" if self.prof.thousands else ""
            )
            self.fail(line, f"{role} {text!r} is not an amount", f"a number with {style}", col)
        try:
            amount = parse_amount(
                raw.replace(self.prof.thousands, "") if self.prof.thousands and not thin else raw,
                decimal_comma=self.prof.decimal == ",",
            )
        except ValueError:
            self.fail(line, f"{role} {text!r} is not an amount", "a number", col)
        amount = -amount if negative else amount
        return amount.quantize(unit) if amount.quantize(unit) == amount else amount

    def row(self, line: int, cells: Sequence[Cell]) -> _Row:
        prof = self.prof
        when = self.date(line, cells, "date")
        if when is None:
            self.fail(line, "date is empty", "a booking date", self.cell(cells, "date")[1])
        currency = prof.currency
        if "currency" in self.cols and self.text(cells, "currency"):
            code = self.text(cells, "currency")
            try:
                currency = check_currency(code)
            except ValueError:
                self.fail(line, f"currency {code!r} is not an ISO code", "a code like EUR",
                          self.cell(cells, "currency")[1])  # fmt: skip
        if not currency:
            self.fail(line, "no currency: the row has none and the profile fixes none",
                      "a currency column, or currency: EUR in the profile")  # fmt: skip
        if "amount" in self.cols:
            amount = self.money(line, cells, "amount", currency)
            if amount is None:
                self.fail(line, "amount is empty", "an amount", self.cell(cells, "amount")[1])
            if prof.sign == "inverted":
                amount = -amount
        else:
            debit = self.money(line, cells, "debit", currency)
            credit = self.money(line, cells, "credit", currency)
            if debit and credit:
                self.fail(line, f"both debit {debit} and credit {credit} are filled",
                          "one of debit or credit per row")  # fmt: skip
            if debit is None and credit is None:
                self.fail(line, "debit and credit are both empty", "an amount in one of them")
            amount = -abs(debit) if debit else (credit or Decimal(0))
        if "direction" in self.cols:
            flag = self.text(cells, "direction").upper()
            if flag in prof.debit_values:
                amount = -abs(amount)
            elif flag in prof.credit_values:
                amount = abs(amount)
            else:
                self.fail(line, f"direction {flag!r} is neither debit nor credit",
                          " / ".join(prof.debit_values + prof.credit_values),
                          self.cell(cells, "direction")[1])  # fmt: skip
        charges = self.money(line, cells, "charges", currency) if "charges" in self.cols else None
        balance = self.money(line, cells, "balance", currency) if "balance" in self.cols else None
        labels = [_text(cells[i]) if i < len(cells) else "" for i in self.cols.get("label", [])]
        label = prof.label_separator.join(" ".join(t.split()) for t in labels if t.strip())
        tx: dict[str, object] = {
            "label": label,
            "counterparty": self.text(cells, "counterparty"),
            "iban": self.text(cells, "iban").replace(" ", "").upper(),
            "bic": self.text(cells, "bic").upper(),
            "reference": self.text(cells, "reference"),
            "value_date": self.date(line, cells, "value_date") if "value_date" in self.cols
            else None,
            "charges": abs(charges) if charges else None,
            "bank_reference": self.text(cells, "id"),
            "source": f"{self.file}:{line}",
        }  # fmt: skip
        account = self.text(cells, "account") or prof.account
        return _Row(line, when, amount, currency, account, balance, tx)


def _balances(rows: list[_Row]) -> tuple[Balance | None, Balance | None]:
    """Opening and closing balance from a running-balance column, in date order.

    Exports list newest first or oldest first; the dates say which. When they cannot (all
    rows on one day), the order in which the running balance adds up is taken.
    """
    if not rows or any(r.balance is None for r in rows):
        return None, None

    def runs(seq: list[_Row]) -> bool:
        return all(
            b.balance == a.balance + b.amount  # type: ignore[operator]
            for a, b in itertools.pairwise(seq)
        )

    dates = [r.date for r in rows]
    ascending = all(a <= b for a, b in itertools.pairwise(dates))
    descending = all(a >= b for a, b in itertools.pairwise(dates))
    newest_first = descending and not ascending
    same_day_reversed = ascending and descending and not runs(rows) and runs(rows[::-1])
    chrono = rows[::-1] if newest_first or same_day_reversed else rows
    first, last = chrono[0], chrono[-1]
    assert first.balance is not None and last.balance is not None
    return Balance(first.balance - first.amount, first.date), Balance(last.balance, last.date)


def read_with(path: Path, prof: Profile) -> list[Statement]:
    """Statements of ``path`` read with ``prof``: one per (own account, currency)."""
    table = _load(path, prof)
    start = _header_index(table, prof)
    if start is None:
        wanted = ", ".join(prof.match_header)
        where = f"line {prof.header_row}" if prof.header_row else \
            f"the first {HEADER_SEARCH_ROWS} rows"  # fmt: skip
        raise StatementError(f"no header row with {wanted} in {where} (profile {prof.name})",
                             Location(str(path), prof.header_row or 1),
                             f"a header row naming {wanted}")  # fmt: skip
    reader = _RowReader(table, prof)
    header = None
    if start >= 0:
        reader.header_line, header = table.rows[start]
    reader.resolve(header)
    if prof.preamble_account and not prof.account:
        wanted = norm(prof.preamble_account)
        preamble = [cells for _, cells in table.rows[: max(start, 0)] if len(cells) > 1]
        found = next((cells for cells in preamble if norm(_text(cells[0])) == wanted), None)
        if found is not None:
            prof = replace(prof, account=_text(found[1]).replace(" ", "").upper())
            reader.prof = prof
    body = table.rows[start + 1 :]
    if prof.skip_footer:
        body = body[: -prof.skip_footer] if prof.skip_footer < len(body) else []
    rows = [reader.row(line, cells) for line, cells in body]
    if not rows:
        raise StatementError("file holds no transactions", Location(str(path), 1),
                             "data rows after the header")  # fmt: skip
    groups: dict[tuple[str, str], list[_Row]] = {}
    for r in rows:
        groups.setdefault((r.account, r.currency), []).append(r)
    ids = IdAllocator()
    statements = []
    for (account, currency), members in groups.items():
        txs = []
        for r in members:
            extra = r.tx
            bank_ref = str(extra["bank_reference"])
            txs.append(
                Transaction(
                    id=ids.allocate(account, r.date, r.amount, currency, str(extra["label"]),
                                    str(extra["counterparty"]), str(extra["reference"]),
                                    bank_ref=bank_ref),
                    date=r.date, amount=r.amount, currency=currency, account=account,
                    **extra,  # type: ignore[arg-type]
                )
            )  # fmt: skip
        opening, closing = _balances(members)
        statements.append(
            Statement(account=account, currency=currency, transactions=tuple(txs),
                      opening=opening, closing=closing, source=f"{path}:{members[0].line}")
        )  # fmt: skip
    return statements


__all__ += ["Column", "Profile", "matches"]
