"""Belgian CODA v2 (Febelfin "Coded statement of account", standard 2.x) reader.

A CODA file is a sequence of 128-character records: ``0`` header, ``1`` old balance,
``21``/``22``/``23`` a movement and its continuations, ``31``/``32``/``33`` information
attached to a movement, ``4`` free communication, ``8`` new balance, ``9`` trailer. One
file may hold several statements (``0`` ... ``9`` repeated).

Globalisation: a movement of type 1 or 2 is a total the customer or the bank grouped;
when the bank also sends its details (types 5, 6, 7 with the same sequence number) we
import the details *instead of* the total, so nothing is counted twice, and we check the
details add up to the total. Details of type 8 (breakdown of a type 3 movement, e.g.
charges of a foreign payment) are informative and not imported as movements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

from stdnum.be import ogm_vcs

from bankrec.errors import Location, StatementError
from bankrec.model import Balance, Statement, Transaction
from bankrec.money import check_currency, minor_unit
from bankrec.statements.fixedwidth import Record, first_line, records
from bankrec.statements.ids import IdAllocator
from bankrec.statements.textfile import read_bytes

NAME = "coda"
LENGTH = 128
_GLOBAL_TYPES = "12"  # amount totalised by the customer (1) or by the bank (2)
_DETAIL_TYPES = "567"  # details of a totalised amount
_RECORD_TYPES = "a CODA record 0, 1, 21, 22, 23, 31, 32, 33, 4, 8 or 9"


def sniff(head: bytes) -> bool:
    """A CODA file starts with a 128-character header record ``0000``."""
    try:
        line = first_line(head)
        return line.startswith(b"0000") and (
            len(line) == LENGTH or line[LENGTH : LENGTH + 1] == b"1"
        )
    except Exception:  # pragma: no cover - sniff never raises
        return False


def structured_reference(digits: str) -> str:
    """Belgian structured communication ``+++123/4567/89002+++`` from its 12 digits.

    The reference is kept even when its check digits are wrong (see :func:`valid_structured`):
    it is what the payer sent, and the matcher decides what it is worth.
    """
    return f"+++{ogm_vcs.format(digits[:12])}+++"


def valid_structured(digits: str) -> bool:
    """True when ``digits`` is a Belgian structured communication (OGM-VCS) with a right
    check (mod 97 of the first ten digits, 97 for 0), as python-stdnum checks it.

    Only the 12 bare digits CODA carries are accepted: stdnum alone would also take the
    ``123/4567/89002`` spelling.
    """
    return len(digits) == 12 and digits.isascii() and digits.isdigit() and ogm_vcs.is_valid(digits)


def tidy(amount: Decimal, currency: str) -> Decimal:
    """CODA writes 3 decimals for every currency; keep the currency's own when lossless."""
    unit = minor_unit(currency)
    return amount.quantize(unit) if amount.quantize(unit) == amount else amount


@dataclass
class _Movement:
    """A 21 record with its 22/23 continuations and 31/32/33 information records."""

    line: int
    seq: str
    detail: str
    ref: str
    amount: Decimal
    value_date: dt.date | None
    code: str
    structured: bool
    comm: list[str]
    entry_date: dt.date | None
    counterparty: str = ""
    iban: str = ""
    bic: str = ""
    end_to_end: str = ""
    info: list[str] = field(default_factory=list)


@dataclass
class _Stmt:
    """The statement being read: from its record 1 to its record 8."""

    line: int
    account: str
    account_field: str
    currency: str
    opening: Balance
    paper_seq: str
    currency_at: int  # offset of the currency in the 37-character account field
    movements: list[_Movement] = field(default_factory=list)


class _Reader:
    """State machine over the records of one file; raises at the first problem."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        self.statements: list[Statement] = []
        self.stmt: _Stmt | None = None
        self.in_file = False  # between a 0 and a 9 record
        self.last: _Movement | None = None
        self.last_kind = ""
        self.ids = IdAllocator()
        self.debits = Decimal(0)  # movement totals (detail 0000) since the header, for record 9
        self.credits = Decimal(0)

    def fail(
        self, line: int, message: str, expected: str = "", column: int | None = None
    ) -> NoReturn:
        raise StatementError(message, Location(self.file, line, column), expected)

    # field parsers -------------------------------------------------------------
    def amount(self, line: int, rec: str, start: int, sign_pos: int) -> Decimal:
        text = rec[start : start + 15]
        if not text.isdigit():
            self.fail(line, f"amount {text!r} is not 15 digits", "an amount in 15 digits with 3 "
                      "decimals", start + 1)  # fmt: skip
        sign = rec[sign_pos]
        if sign not in "01":
            self.fail(line, f"sign code {sign!r} is not 0 or 1", "0 (credit) or 1 (debit)",
                      sign_pos + 1)  # fmt: skip
        value = Decimal(int(text)).scaleb(-3)
        return -value if sign == "1" else value

    def date(self, line: int, rec: str, start: int, *, optional: bool = False) -> dt.date | None:
        text = rec[start : start + 6]
        if optional and text in ("000000", "      "):
            return None
        try:
            return dt.datetime.strptime(text, "%d%m%y").date()
        except ValueError:
            self.fail(line, f"date {text!r} is not a date", "DDMMYY", start + 1)

    # records ---------------------------------------------------------------
    def header(self, line: int, rec: str) -> None:
        if self.in_file:
            self.fail(line, "header record 0 before the trailer 9 of the previous file",
                      "record 9")  # fmt: skip
        if rec[127] != "2":
            self.fail(line, f"CODA version {rec[127]!r} is not supported", "version 2 (position "
                      "128 of record 0)", 128)  # fmt: skip
        self.date(line, rec, 5)
        self.in_file = True
        self.debits = self.credits = Decimal(0)

    def old_balance(self, line: int, rec: str) -> None:
        if not self.in_file or self.stmt is not None:
            self.fail(line, "record 1 (old balance) out of place",
                      "record 1 right after a header 0 or a new balance 8")  # fmt: skip
        structure = rec[1]
        if structure == "0":
            account, currency = rec[5:17], rec[18:21]
        elif structure in "123":
            account = rec[5:39].strip() if structure != "2" else rec[5:21]
            currency = rec[39:42]
        else:
            self.fail(line, f"account structure {structure!r} unknown", "0, 1, 2 or 3", 2)
        try:
            currency = check_currency(currency)
        except ValueError:
            self.fail(line, f"currency {currency!r} is not an ISO code", "a code like EUR")
        account = account.strip()
        if not account:
            self.fail(line, "account number is empty", "our account number", 6)
        opening_date = self.date(line, rec, 58)
        opening = Balance(tidy(self.amount(line, rec, 43, 42), currency), opening_date)
        at = 13 if structure == "0" else 34
        self.stmt = _Stmt(line, account, rec[5:42], currency, opening, rec[2:5], at)
        self.last = None

    def movement(self, line: int, rec: str) -> None:
        stmt = self.require_stmt(line, rec)
        kind = rec[:2]
        seq, detail = rec[2:6], rec[6:10]
        if not (seq.isdigit() and detail.isdigit()):
            self.fail(line, f"sequence {seq!r}/{detail!r} is not numeric", "4-digit sequence "
                      "and detail numbers", 3)  # fmt: skip
        if kind == "21":
            comm_type = rec[61]
            if comm_type not in "01":
                self.fail(line, f"communication type {comm_type!r}", "0 or 1", 62)
            code = rec[53:61]
            if not code.isdigit():
                self.fail(line, f"transaction code {code!r} is not 8 digits", "8 digits", 54)
            self.last = _Movement(
                line=line, seq=seq, detail=detail, ref=rec[10:31].strip(),
                amount=self.amount(line, rec, 32, 31),
                value_date=self.date(line, rec, 47, optional=True), code=code,
                structured=comm_type == "1", comm=[rec[62:115]],
                entry_date=self.date(line, rec, 115, optional=True),
            )  # fmt: skip
            stmt.movements.append(self.last)
            if detail == "0000":
                if self.last.amount < 0:
                    self.debits -= self.last.amount
                else:
                    self.credits += self.last.amount
            self.last_kind = "21"
            return
        if self.last is None or self.last.seq != seq:
            self.fail(line, f"record {kind} for movement {seq} does not follow its record 21",
                      "records 22/23, 31/32/33 right after their movement's 21")  # fmt: skip
        mov = self.last
        if kind == "22":
            self.check_order(line, kind, ("21",))
            mov.comm.append(rec[10:63])
            end_to_end = rec[63:98].strip()
            mov.end_to_end = "" if set(end_to_end) <= {"0"} else end_to_end
            mov.bic = rec[98:109].strip()
        elif kind == "23":
            self.check_order(line, kind, ("22",))
            tokens = rec[10:47].split()
            iban = tokens[0].upper() if tokens else ""
            mov.iban = "" if set(iban) <= {"0"} else iban
            mov.counterparty = " ".join(rec[47:82].split())
            mov.comm.append(rec[82:125])
        elif kind == "31":
            self.check_order(line, kind, ("21", "22", "23", "31", "32", "33"))
            text = rec[43:113] if rec[39] == "1" else rec[40:113]
            mov.info.append(text)
        elif kind == "32":
            self.check_order(line, kind, ("31",))
            mov.info.append(rec[10:115])
        elif kind == "33":
            self.check_order(line, kind, ("32",))
            mov.info.append(rec[10:100])
        else:
            self.fail(line, f"unknown record type {kind!r}", _RECORD_TYPES, 1)
        self.last_kind = kind

    def check_order(self, line: int, kind: str, after: tuple[str, ...]) -> None:
        if self.last_kind not in after:
            self.fail(line, f"record {kind} follows record {self.last_kind}",
                      f"record {kind} after record {' or '.join(after)}")  # fmt: skip

    def require_stmt(self, line: int, rec: str) -> _Stmt:
        if self.stmt is None:
            self.fail(line, f"record {rec[:2].strip()} outside a statement",
                      "record 1 (old balance) first")  # fmt: skip
        return self.stmt

    def new_balance(self, line: int, rec: str) -> None:
        stmt = self.require_stmt(line, rec)
        field_currency = rec[4:41][stmt.currency_at : stmt.currency_at + 3]
        if field_currency != stmt.currency:
            self.fail(line, f"new balance is in {field_currency!r}",
                      f"{stmt.currency}, as record 1 on line {stmt.line}", 5)  # fmt: skip
        closing = Balance(
            tidy(self.amount(line, rec, 42, 41), stmt.currency), self.date(line, rec, 57)
        )
        self.statements.append(self.build(stmt, closing))
        self.stmt = None
        self.last = None

    def trailer(self, line: int, rec: str) -> None:
        if self.stmt is not None:
            self.fail(line, "trailer 9 before the new balance 8 of the statement on line "
                      f"{self.stmt.line}", "record 8")  # fmt: skip
        if not self.in_file:
            self.fail(line, "trailer 9 without a header 0", "record 0 first")
        for start, total, what in ((22, self.debits, "debit"), (37, self.credits, "credit")):
            text = rec[start : start + 15]
            if not text.isdigit():
                self.fail(line, f"{what} total {text!r} is not 15 digits", "15 digits", start + 1)
            stated = Decimal(int(text)).scaleb(-3)
            if stated != total:
                self.fail(line, f"trailer states {what} total {stated}, the movements add up "
                          f"to {total}", "a trailer matching the movements (truncated or "
                          "edited file?)", start + 1)  # fmt: skip
        self.in_file = False

    # building --------------------------------------------------------------
    def build(self, stmt: _Stmt, closing: Balance) -> Statement:
        groups: dict[str, list[_Movement]] = {}
        for mov in stmt.movements:
            groups.setdefault(mov.seq, []).append(mov)
        txs: list[Transaction] = []
        for seq, movs in groups.items():
            main = movs[0]
            if main.detail != "0000":
                self.fail(main.line, f"movement {seq} starts with detail {main.detail}",
                          "detail number 0000 first")  # fmt: skip
            details = [m for m in movs[1:] if m.code[0] in _DETAIL_TYPES]
            if main.code[0] in _GLOBAL_TYPES and details:
                total = sum((m.amount for m in details), Decimal(0))
                if total != main.amount:
                    self.fail(main.line, f"details of globalised movement {seq} add up to "
                              f"{total}, the total says {main.amount}",
                              "details summing to their total")  # fmt: skip
                txs.extend(self.transaction(stmt, m, closing) for m in details)
            else:
                txs.append(self.transaction(stmt, main, closing))
        return Statement(
            account=stmt.account, currency=stmt.currency, transactions=tuple(txs),
            opening=stmt.opening, closing=closing,
            statement_id=f"{closing.date:%Y}/{stmt.paper_seq}" if closing.date else
            stmt.paper_seq, source=f"{self.file}:{stmt.line}",
        )  # fmt: skip

    def transaction(self, stmt: _Stmt, mov: _Movement, closing: Balance) -> Transaction:
        comm = "".join(mov.comm)
        reference = ""
        if mov.structured:
            kind, body = comm[:3], comm[3:]
            if kind in ("101", "102") and body[:12].isdigit():
                reference = structured_reference(body[:12])
                body = body[12:]
            comm = body
        parts = [" ".join(comm.split()), *(" ".join(i.split()) for i in mov.info)]
        label = " ".join(p for p in parts if p) or reference or mov.counterparty
        when = mov.entry_date or closing.date or stmt.opening.date
        assert when is not None
        amount = tidy(mov.amount, stmt.currency)
        bank_ref = f"{mov.ref}/{mov.detail}" if mov.ref and mov.detail != "0000" else mov.ref
        return Transaction(
            id=self.ids.allocate(stmt.account, when, amount, stmt.currency, label,
                                 mov.counterparty, bank_ref=bank_ref),
            date=when, amount=amount, currency=stmt.currency, label=label,
            counterparty=mov.counterparty, iban=mov.iban, reference=reference,
            account=stmt.account, value_date=mov.value_date, bank_reference=mov.ref,
            end_to_end_id=mov.end_to_end, bic=mov.bic, bank_code=mov.code,
            source=f"{self.file}:{mov.line}",
        )  # fmt: skip

    def run(self, recs: list[Record]) -> list[Statement]:
        for line, rec in recs:
            kind = rec[0]
            if kind == "0":
                self.header(line, rec)
            elif kind == "1":
                self.old_balance(line, rec)
            elif kind in "23":
                if rec[1] not in "123":
                    self.fail(line, f"unknown record type {rec[:2]!r}", _RECORD_TYPES, 1)
                self.movement(line, rec)
            elif kind == "4":  # free communication: some banks put it after record 8
                if not self.in_file:
                    self.fail(line, "record 4 outside a file", "record 0 (header) first")
            elif kind == "8":
                self.new_balance(line, rec)
            elif kind == "9":
                self.trailer(line, rec)
            else:
                self.fail(line, f"unknown record type {kind!r}", _RECORD_TYPES, 1)
        last = recs[-1][0]
        if self.stmt is not None:
            self.fail(last, f"file ends inside the statement that starts on line {self.stmt.line}"
                      " (truncated?)", "records 8 (new balance) and 9 (trailer)")  # fmt: skip
        if self.in_file:
            self.fail(last, "file ends without its trailer record 9 (truncated?)", "record 9")
        return self.statements


def read(path: Path) -> list[Statement]:
    """All statements of a CODA file; StatementError (file, line, expected) on bad input."""
    recs = records(path, read_bytes(path), LENGTH, "CODA")
    return _Reader(path).run(recs)
