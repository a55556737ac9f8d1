"""French CFONB 120 ("relevé de compte sur support informatique") reader.

Records are 120 characters: ``01`` old balance, ``04`` movement, ``05`` complement of the
movement before it (a 3-letter qualifier such as ``LIB`` extra label, ``NPY`` payer name,
``NBE`` beneficiary name, ``RCN`` end-to-end reference, ``REF`` bank reference, ``LCS``
structured creditor reference), ``07`` new balance. Amounts are 13 digits plus one last
character that carries both the last digit and the sign (``{`` and ``A``-``I`` positive
0-9, ``}`` and ``J``-``R`` negative 0-9); the number of decimals is in position 20.

One file may hold many statements (one ``01``...``07`` run per account and day). The
bank and branch codes are not compared between records of one statement (a published
sample mixes them); the account number and the currency are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

from bankrec.errors import Location, StatementError
from bankrec.model import Balance, Statement, Transaction
from bankrec.money import check_currency
from bankrec.statements.fixedwidth import first_line, records
from bankrec.statements.ids import IdAllocator
from bankrec.statements.textfile import read_bytes

NAME = "cfonb120"
LENGTH = 120
_SIGN_DIGITS = {"{": (1, 0), "}": (-1, 0)}
_SIGN_DIGITS.update({chr(ord("A") + i): (1, i + 1) for i in range(9)})
_SIGN_DIGITS.update({chr(ord("J") + i): (-1, i + 1) for i in range(9)})
_RECORDS = "a CFONB 120 record 01, 04, 05 or 07"


def sniff(head: bytes) -> bool:
    """120-character records starting with 01, 04 or 07 and a 5-digit bank code."""
    try:
        line = first_line(head)
        if line[:2] not in (b"01", b"04", b"07") or not line[2:7].isdigit():
            return False
        return len(line) == LENGTH or (len(line) > LENGTH and line[LENGTH:LENGTH + 2] in
                                       (b"04", b"05", b"07", b"01"))  # fmt: skip
    except Exception:  # pragma: no cover - sniff never raises
        return False


def decode_amount(text: str) -> Decimal | None:
    """The signed number of minor units in a 14-character CFONB amount, None if malformed."""
    if len(text) != 14 or not text[:13].isdigit() or text[13] not in _SIGN_DIGITS:
        return None
    sign, last = _SIGN_DIGITS[text[13]]
    return Decimal(sign * (int(text[:13]) * 10 + last))


@dataclass
class _Move:
    line: int
    date: dt.date
    value_date: dt.date | None
    amount: Decimal
    label: str
    entry_number: str
    op_code: str
    reference: str
    extra: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Stmt:
    line: int
    account: str
    number: str
    currency: str
    decimals: int
    opening: Balance
    moves: list[_Move] = field(default_factory=list)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.file = str(path)
        self.stmt: _Stmt | None = None
        self.statements: list[Statement] = []
        self.ids = IdAllocator()

    def fail(self, line: int, message: str, expected: str = "", column: int | None = None
             ) -> NoReturn:  # fmt: skip
        raise StatementError(message, Location(self.file, line, column), expected)

    def date(self, line: int, rec: str, start: int, *, optional: bool = False) -> dt.date | None:
        text = rec[start : start + 6]
        if optional and text.strip("0 ") == "":
            return None
        try:
            return dt.datetime.strptime(text, "%d%m%y").date()
        except ValueError:
            self.fail(line, f"date {text!r} is not a date", "DDMMYY", start + 1)

    def amount(self, line: int, rec: str, decimals: int) -> Decimal:
        text = rec[90:104]
        units = decode_amount(text)
        if units is None:
            self.fail(line, f"amount {text!r} is malformed", "13 digits and a sign character "
                      "({, A-I, }, J-R)", 91)  # fmt: skip
        return units.scaleb(-decimals)

    def account_fields(self, line: int, rec: str) -> tuple[str, str, int]:
        currency = rec[16:19]
        try:
            currency = check_currency(currency)
        except ValueError:
            self.fail(line, f"currency {currency!r} is not an ISO code", "a code like EUR", 17)
        if not rec[19].isdigit():
            self.fail(line, f"number of decimals {rec[19]!r}", "a digit", 20)
        number = rec[21:32]
        if not number.strip():
            self.fail(line, "account number is empty", "an 11-character account number", 22)
        return number, currency, int(rec[19])

    def check_same_account(self, line: int, rec: str, stmt: _Stmt) -> None:
        number, currency, decimals = self.account_fields(line, rec)
        if (number, currency, decimals) != (stmt.number, stmt.currency, stmt.decimals):
            self.fail(line, f"record is for account {number.strip()} in {currency} "
                      f"({decimals} decimals)", f"account {stmt.number.strip()} in "
                      f"{stmt.currency} ({stmt.decimals} decimals) as the 01 record on line "
                      f"{stmt.line}", 17)  # fmt: skip

    def old_balance(self, line: int, rec: str) -> None:
        if self.stmt is not None:
            self.fail(line, f"old balance 01 before the new balance 07 of the statement on line "
                      f"{self.stmt.line}", "record 07")  # fmt: skip
        number, currency, decimals = self.account_fields(line, rec)
        when = self.date(line, rec, 34)
        account = f"{rec[2:7]}{rec[11:16]}{number}".strip()
        opening = Balance(self.amount(line, rec, decimals), when)
        self.stmt = _Stmt(line, account, number, currency, decimals, opening)

    def movement(self, line: int, rec: str) -> None:
        stmt = self.open_stmt(line, "04")
        self.check_same_account(line, rec, stmt)
        when = self.date(line, rec, 34)
        assert when is not None
        stmt.moves.append(
            _Move(
                line=line, date=when, value_date=self.date(line, rec, 42, optional=True),
                amount=self.amount(line, rec, stmt.decimals),
                label=" ".join(rec[48:79].split()), entry_number=rec[81:88].strip(),
                op_code=rec[32:34].strip(), reference=rec[104:120].strip(),
            )
        )  # fmt: skip

    def complement(self, line: int, rec: str) -> None:
        stmt = self.open_stmt(line, "05")
        self.check_same_account(line, rec, stmt)
        if not stmt.moves:
            self.fail(line, "complement 05 before any movement 04", "a 04 record first")
        qualifier = rec[45:48].strip()
        stmt.moves[-1].extra.setdefault(qualifier, []).append(rec[48:118])

    def new_balance(self, line: int, rec: str) -> None:
        stmt = self.open_stmt(line, "07")
        self.check_same_account(line, rec, stmt)
        closing = Balance(self.amount(line, rec, stmt.decimals), self.date(line, rec, 34))
        self.statements.append(self.build(stmt, closing))
        self.stmt = None

    def open_stmt(self, line: int, kind: str) -> _Stmt:
        if self.stmt is None:
            self.fail(line, f"record {kind} outside a statement", "an old balance 01 first")
        return self.stmt

    def build(self, stmt: _Stmt, closing: Balance) -> Statement:
        txs = []
        for mv in stmt.moves:
            extra = {k: [" ".join(v.split()) for v in vs] for k, vs in mv.extra.items()}

            def first(*keys: str, extra: dict[str, list[str]] = extra) -> str:
                return next((v for k in keys for v in extra.get(k, []) if v), "")

            texts = [mv.label, *(v for k in ("LIB", "LCC", "LC2") for v in extra.get(k, []))]
            label = " ".join(t for t in texts if t)
            end_to_end = next((v[:35].strip() for v in mv.extra.get("RCN", []) if v.strip()), "")
            reference = first("LCS") or mv.reference or end_to_end
            counterparty = first("NPY", "NBE") if mv.amount >= 0 else first("NBE", "NPY")
            bank_ref = first("REF") or (mv.entry_number if mv.entry_number.strip("0") else "")
            txs.append(
                Transaction(
                    id=self.ids.allocate(stmt.account, mv.date, mv.amount, stmt.currency, label,
                                         counterparty, bank_ref=bank_ref),
                    date=mv.date, amount=mv.amount, currency=stmt.currency, label=label,
                    counterparty=counterparty, reference=reference, account=stmt.account,
                    value_date=mv.value_date, bank_reference=bank_ref,
                    end_to_end_id=end_to_end, bank_code=mv.op_code,
                    source=f"{self.file}:{mv.line}",
                )
            )  # fmt: skip
        return Statement(
            account=stmt.account, currency=stmt.currency, transactions=tuple(txs),
            opening=stmt.opening, closing=closing,
            statement_id=f"{closing.date:%Y-%m-%d}" if closing.date else "",
            source=f"{self.file}:{stmt.line}",
        )  # fmt: skip

    def run(self, path: Path) -> list[Statement]:
        recs = records(path, read_bytes(path), LENGTH, "CFONB 120")
        handlers = {"01": self.old_balance, "04": self.movement, "05": self.complement,
                    "07": self.new_balance}  # fmt: skip
        for line, rec in recs:
            handler = handlers.get(rec[:2])
            if handler is None:
                self.fail(line, f"unknown record type {rec[:2]!r}", _RECORDS, 1)
            handler(line, rec)
        if self.stmt is not None:
            self.fail(recs[-1][0], f"file ends inside the statement that starts on line "
                      f"{self.stmt.line} (truncated?)", "a new balance 07")  # fmt: skip
        return self.statements


def read(path: Path) -> list[Statement]:
    """All statements of a CFONB 120 file; StatementError (file, line, expected) on bad input."""
    return _Reader(path).run(path)
