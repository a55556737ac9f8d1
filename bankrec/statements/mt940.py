"""SWIFT MT940 (customer statement) and MT942 (interim report) reader.

Banks all over Europe still deliver MT940, each with its own dialect: German banks put
DK-structured ``?20``…``?33`` sub-fields into ``:86:``, Dutch banks ``/NAME/``/``/REMI/``
keys, others free text. This module turns all of them into :class:`Statement` objects.

It is strict on purpose: the file is cut into fields here (so every error can name the
line it was found on), the ``:61:`` statement line is matched with the ``mt-940``
library's field pattern (which knows the funds-code and reversal-mark variants banks
send), and every amount goes from text straight into ``Decimal``. Any problem raises
:class:`StatementError` naming file, line and what was expected; nothing is returned from
a broken file.

Files run to a million lines, so the reader streams: one pass over the bytes checks NUL
bytes, control characters and the encoding; a second reads line by line and turns each
``:61:``/``:86:`` pair into its final :class:`Transaction` at once, so only those stay in
memory. Errors keep the precedence of reading the whole file first (encoding problems,
then the field layout anywhere in the file, then the first bad statement): a statement
error is held back until the rest of the file has been checked for layout errors.

Ids need one fact that is only known at the end: whether a bank reference repeats for
the account. The reader assumes it does not and records what it sees; in the rare file
where that (or the account, written after its lines) turns out wrong, the file is read
once more with the facts known, so the ids are exactly those of a two-phase reader.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from sys import intern

import charset_normalizer
from mt940.tags import Statement as _MT940StatementLine

from bankrec.errors import Location, StatementError
from bankrec.model import Balance, Statement, Transaction
from bankrec.money import check_currency, exponent
from bankrec.statements.ids import IdAllocator, usable_ref
from bankrec.statements.mt940_details import NO_DETAILS, DetailFields, details_fields

NAME = "mt940"

_TAG_RE = re.compile(r"^:(\d{2}[A-Z]?|NS):(.*)$")
_END_RE = re.compile(r"^-\s*(\}.*|XXX)?\s*$")  # "-", "-}{5:...}", ING's "-XXX"
_SNIFF_TAG = re.compile(rb"(?m)^(?:\{4:\s*)?:(20|25|60F|60M|61|13D|34F):")
# The `mt-940` library's :61: pattern knows the optional entry date (digits or blanks),
# the R?[DC] mark, the funds code and the //bank-reference split; matched case-sensitively.
_LINE61_RE = re.compile(_MT940StatementLine.pattern, re.VERBOSE)
_LINE61_GROUPS = tuple(
    _LINE61_RE.groupindex[g]
    for g in ("entry_month", "entry_day", "status", "amount", "id", "customer_reference",
              "bank_reference", "extra_details")
)  # fmt: skip
_BALANCE_RE = re.compile(r"^([DC])(\d{6})([A-Z]{3})(\d[\d,]*)$")
_SUM_RE = re.compile(r"^(\d+)([A-Z]{3})(\d[\d,]*)$")
_FLOOR_RE = re.compile(r"^([A-Z]{3})([DC]?)(\d[\d,]*)$")
_DATE6_RE = re.compile(r"\d{6}")
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_FRAMING = "\x01\x03\x1a"  # SOH/ETX (mBank) and DOS EOF around messages
_BAD_CONTROL = re.compile(r"[\x00\x02\x04-\x08\x0b\x0c\x0e-\x19\x1b-\x1f\x7f]")
_BAD_CONTROL_BYTES = re.compile(rb"[\x00\x02\x04-\x08\x0b\x0c\x0e-\x19\x1b-\x1f\x7f]")
_SINGLE_LINE_TAGS = {"20", "21", "25", "28", "28C", "60F", "60M", "60", "62F", "62M", "62"}
_SINGLE_LINE_TAGS |= {"64", "65", "90D", "90C", "13", "13D", "34F"}
_FALLBACK_CODECS = ["cp1252", "latin_1", "cp850", "cp852", "cp437", "iso8859_2", "iso8859_15"]
_CHUNK = 1 << 20
_MAX_READINGS = 3  # see read()
# Tag lookup without a regex for the ASCII tags every file uses (":61:", ":60F:"...);
# anything else starting with ":" still goes through _TAG_RE.
_HEADS4 = {f":{a}{b}:": f"{a}{b}" for a in string.digits for b in string.digits}
_HEADS4[":NS:"] = "NS"
_HEADS5 = {
    f":{t}{c}:": f"{t}{c}" for t in (h[1:3] for h in _HEADS4) for c in string.ascii_uppercase
}

Field = tuple[str, int, list[str]]  # tag, line it starts on, its lines (first plus continuations)
_NO_LINES: list[str] = []
# a :61: line before ids: line, value date, entry date, signed amount, reversal, type
# code, customer reference, bank reference, supplementary details
_Line = tuple[int, dt.date, "dt.date | None", Decimal, bool, str, str, str, str]


def sniff(head: bytes) -> bool:
    """True when ``head`` carries MT940/942 field tags at line starts (never raises)."""
    try:
        tags = {m.group(1) for m in _SNIFF_TAG.finditer(head.replace(b"\r", b"\n"))}
    except Exception:  # pragma: no cover - regex on bytes does not raise
        return False
    return b"20" in tags and b"25" in tags and bool(tags - {b"20", b"25"})


def read(path: Path) -> list[Statement]:
    """Read every statement in an MT940/MT942 file, or raise :class:`StatementError`."""
    name = str(path)
    encoding = _inspect(Path(path), name)
    facts = _Facts()
    # Reading 1 learns the accounts, reading 2 (if needed) the repeated references with
    # the right accounts, and reading 3 is then always consistent.
    for _ in range(_MAX_READINGS):
        reader = _Reader(name, facts, check_controls=encoding.check_controls)
        try:
            with Path(path).open("rb") as raw:
                statements = reader.run(_lines(raw, encoding))
        except OSError as exc:
            raise StatementError(f"cannot read file: {exc.strerror}", Location(name)) from None
        if reader.consistent():
            return statements
        del statements  # free the first attempt before reading again
        facts = reader.learned()
    raise AssertionError(f"{name}: MT940 ids did not settle in {_MAX_READINGS} readings")


# --------------------------------------------------------------------------- decoding


@dataclass(frozen=True)
class _Encoding:
    """How to decode the file, as decided by :func:`_inspect`."""

    codec: str
    skip_bom: bool  # skip a UTF-8 BOM by hand (for the 8-bit fallback codecs)
    check_controls: bool  # control characters not yet ruled out: check each line


def _inspect(path: Path, name: str) -> _Encoding:
    """Check the raw bytes in one streaming pass and choose the codec.

    UTF-8 when the whole file is valid UTF-8, else the most plausible 8-bit bank codepage
    (SWIFT itself only allows ASCII, but bank exports use Latin-1/cp1252 in Western Europe
    or DOS codepages, e.g. cp852 for Hungarian Raiffeisen). A NUL byte means UTF-16 or
    binary, which no MT940 file is: that is refused with the line it occurs on, and so is
    a control character (the wrong encoding, or not a text file at all).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, newlines, offset, control_at, control = True, 0, 0, -1, 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                nul = chunk.find(b"\x00")
                if nul >= 0:
                    raise StatementError(
                        "file contains NUL bytes (UTF-16 or binary data)",
                        Location(name, newlines + chunk.count(b"\n", 0, nul) + 1),
                        "an MT940 text file in ASCII, UTF-8 or an 8-bit codepage",
                    )
                newlines += chunk.count(b"\n")
                if control_at < 0 and (bad := _BAD_CONTROL_BYTES.search(chunk)):
                    control_at, control = offset + bad.start(), bad.group()[0]
                if utf8:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        utf8 = False
                offset += len(chunk)
            if utf8:
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    utf8 = False
    except OSError as exc:
        raise StatementError(f"cannot read file: {exc.strerror}", Location(name)) from None
    if not utf8:  # rare and small in practice: let charset_normalizer see it all
        data = _read_bytes(path, name)
        bom = data.startswith(b"\xef\xbb\xbf")
        best = charset_normalizer.from_bytes(
            data[3:] if bom else data, cp_isolation=_FALLBACK_CODECS
        ).best()
        codec = best.encoding if best is not None else "latin_1"
        return _Encoding(codec, skip_bom=bom, check_controls=True)
    if control_at >= 0:  # in UTF-8 a control byte is that control character
        raise _control_error(name, _line_at(path, name, control_at), chr(control))
    return _Encoding("utf-8-sig", skip_bom=False, check_controls=False)


def _read_bytes(path: Path, name: str) -> bytes:
    """The whole file (only for the 8-bit codepage guess), or the usual read error."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StatementError(f"cannot read file: {exc.strerror}", Location(name)) from None


def _line_at(path: Path, name: str, offset: int) -> int:
    """Line number of byte ``offset``, counting CR LF, CR and LF as one line break each."""
    breaks, left, carry_cr = 0, offset, False
    try:
        with path.open("rb") as handle:
            while left > 0:
                chunk = handle.read(min(_CHUNK, left))
                if not chunk:
                    break
                left -= len(chunk)
                if carry_cr and chunk.startswith(b"\n"):
                    breaks -= 1  # the CR that ended the last chunk was half of a CR LF
                breaks += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
                carry_cr = chunk.endswith(b"\r")
    except OSError as exc:
        raise StatementError(f"cannot read file: {exc.strerror}", Location(name)) from None
    return breaks + 1


def _control_error(name: str, line: int, char: str) -> StatementError:
    """The error for a control character, wherever it was found."""
    return StatementError(
        f"control character U+{ord(char):04X} in the text",
        Location(name, line),
        "printable text (is this really an MT940 file, or the wrong encoding?)",
    )


def _lines(raw: io.BufferedReader, encoding: _Encoding) -> Iterable[str]:
    """The file's text lines (CR LF, CR and LF all end a line), decoded as they are read."""
    if encoding.skip_bom:
        raw.seek(3)
    return io.TextIOWrapper(raw, encoding=encoding.codec, errors="replace", newline=None)


# --------------------------------------------------------------------------- values


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


def _amount(
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


def _currency(text: str, name: str, line: int) -> str:
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


# --------------------------------------------------------------------------- reading


@dataclass
class _Facts:
    """What a previous reading of the file learned that ids depend on."""

    accounts: list[str] | None = None  # each statement's final account, in file order
    repeated_refs: set[tuple[str, str]] = field(default_factory=set)  # (account, bank ref)
    track_bases: bool = False  # two accounts can spell the same "ACCOUNT/REF" id


@dataclass
class _Block:
    """The statement being read: its fields so far and its finished transactions."""

    start: int
    index: int
    reference: str = ""
    number: str = ""
    account: str = ""
    currency: str = ""
    places: int = 2
    opening: Balance | None = None
    closing: Balance | None = None
    lines_seen: int = 0  # :61: fields so far
    sums: dict[str, tuple[int, int, Decimal]] = field(default_factory=dict)
    interim: bool = False
    transactions: list[Transaction] = field(default_factory=list)
    pending: _Line | None = None  # the last :61:, until its :86: (or none) is known
    tx_account: str | None = None  # the account its transactions were built with


class _Reader:
    """One reading of the file: fields in, statements out (see the module docstring)."""

    def __init__(self, name: str, facts: _Facts, *, check_controls: bool) -> None:
        self.name = name
        self.facts = facts
        self.check_controls = check_controls
        self.statements: list[Statement] = []
        self.block: _Block | None = None
        self.blocks = 0
        self.ids = IdAllocator()
        self.refs: dict[str, set[str]] = {}  # account -> bank references seen once
        self.repeated: set[tuple[str, str]] = set()
        self.account_moved = False  # :25: changed after transactions were built
        self.bases_collide = False
        self.final_accounts: list[str] = []
        self.dates: dict[str, dt.date] = {}
        self.entry_dates: dict[str, dt.date] = {}
        self.suffixes: dict[str, re.Pattern[str]] = {}

    # ------------------------------------------------------------------ driving

    def run(self, lines: Iterable[str]) -> list[Statement]:
        """All statements, or the error the whole-file reader would have reported."""
        held: StatementError | None = None
        for tag, line, values in self._fields(lines):
            if held is not None:
                continue
            try:
                if tag == "86":  # the two fields of every transaction go first
                    # only the first :86: after a :61: describes it (none after :62F:)
                    block = self.block
                    if block is not None and block.pending is not None and block.closing is None:
                        self._build(block, block.pending, details_fields(values))
                        block.pending = None
                elif tag == "61":
                    self._statement_line(line, values)
                else:
                    self._field(tag, line, values)
            except StatementError as exc:
                held = exc  # a layout error later in the file takes precedence
        if held is not None:
            raise held
        return self.statements

    def consistent(self) -> bool:
        """Whether the ids handed out rest on facts that held for the whole file."""
        return (
            not self.account_moved
            and not self.repeated
            and (not self.bases_collide or self.facts.track_bases)
        )

    def learned(self) -> _Facts:
        """Facts for the next reading (accounts first, then what depends on them)."""
        if self.account_moved:  # what was seen with the wrong account proves nothing
            return _Facts(accounts=self.final_accounts)
        return _Facts(
            accounts=self.final_accounts,
            repeated_refs=self.facts.repeated_refs | self.repeated,
            track_bases=self.facts.track_bases or self.bases_collide,
        )

    # ------------------------------------------------------------------ layout

    def _fields(self, lines: Iterable[str]) -> Iterator[Field]:
        """Cut the text into fields, with ``("-", last line, [])`` after each statement.

        A statement runs from ``:20:`` to ``-`` or the next ``:20:``. Lines outside a
        statement (SWIFT ``{1:..}{2:..}`` headers, ABN AMRO's ``ABNANL2A``/``940``
        preamble, ING's ``0000 01INGB...``) are envelope and skipped; inside a statement
        a line without a tag continues the previous field. Layout errors are raised here.
        """
        name, heads4, heads5, strip = self.name, _HEADS4, _HEADS5, _FRAMING + "\n"
        check_controls = self.check_controls
        in_block, blocks = False, 0
        tag: str | None = None
        start, values = 0, list[str]()
        numbered = enumerate(lines, start=1)
        for number, raw in numbered:
            if check_controls and (bad := _BAD_CONTROL.search(raw)):
                raise _control_error(name, number, bad.group())
            line = raw.strip(strip)
            if "{4:" in line:
                line = line.split("{4:", 1)[1]
            new = heads4.get(line[:4])
            if new is not None:
                value = line[4:]
            elif (new := heads5.get(line[:5])) is not None:
                value = line[5:]
            elif line[:1] == ":" and (match := _TAG_RE.match(line)):
                new, value = match.group(1), match.group(2)
            if new is not None:
                if tag is not None:
                    yield tag, start, values
                if new == "20":
                    if in_block:
                        yield "-", start + len(values) - 1, _NO_LINES
                    in_block, blocks = True, blocks + 1
                elif not in_block:
                    raise self._layout_error(
                        StatementError(
                            f"field :{new}: outside a statement",
                            Location(name, number),
                            "':20:' (transaction reference) to start a statement",
                        ),
                        numbered,
                    )
                tag, start, values = new, number, [value]
                continue
            stripped = line.strip()
            if not stripped:
                continue
            if _END_RE.match(stripped):
                if tag is not None:
                    yield tag, start, values
                    tag = None
                    if in_block:
                        yield "-", start + len(values) - 1, _NO_LINES
                in_block = False
            elif in_block:
                if tag in _SINGLE_LINE_TAGS:
                    raise self._layout_error(
                        StatementError(
                            f"unexpected text after field :{tag}: ({stripped[:40]!r})",
                            Location(name, number),
                            "a field tag such as ':61:' or '-' ending the statement",
                        ),
                        numbered,
                    )
                values.append(line)
        if tag is not None:
            yield tag, start, values
            if in_block:
                yield "-", start + len(values) - 1, _NO_LINES
        if not blocks:
            raise StatementError("no MT940 statement found", Location(name, 1), "a ':20:' field")

    def _layout_error(
        self, error: StatementError, rest: Iterator[tuple[int, str]]
    ) -> StatementError:
        """``error``, unless a control character further on comes first (it did before)."""
        if self.check_controls:
            for number, raw in rest:
                if bad := _BAD_CONTROL.search(raw):
                    return _control_error(self.name, number, bad.group())
        return error

    # ------------------------------------------------------------------ fields

    def _field(self, tag: str, line: int, values: list[str]) -> None:
        """A field other than :61: and :86:, or ``-`` for the end of the statement."""
        block = self.block
        if tag == "20":
            self.blocks += 1
            self.block = _Block(line, self.blocks - 1, reference=values[0].strip())
        elif tag == "-":  # line: the statement's last line
            assert block is not None  # _fields starts every statement with :20:
            self._end(block, line)
        else:
            assert block is not None
            self._other(block, tag, line, values)

    def _statement_line(self, line: int, values: list[str]) -> None:
        """A ``:61:``: checked against its statement and parsed; built once its :86: is in."""
        block = self.block
        assert block is not None  # _fields starts every statement with :20:
        if block.closing is not None:
            raise StatementError(
                "statement line after the closing balance",
                Location(self.name, line),
                "':61:' lines between ':60F:' and ':62F:'",
            )
        if not block.currency:
            raise StatementError(
                "statement line before any balance or floor limit gives the currency",
                Location(self.name, line),
                "':60F:' (MT940) or ':34F:' (MT942) before the first ':61:'",
            )
        parsed = self._line61(block, line, values)
        if block.pending is not None:
            self._build(block, block.pending, NO_DETAILS)
        block.pending = parsed
        block.lines_seen += 1

    def _other(self, block: _Block, tag: str, line: int, values: list[str]) -> None:
        """Every field but :20:, :61: and :86:."""
        name, first = self.name, values[0].strip()
        if tag == "25":  # the only way a statement's account changes: see consistent()
            block.account = first
            block.tx_account = None
            if block.transactions and self.facts.accounts is None:
                self.account_moved = True  # they were built with the wrong account
        elif tag in ("28", "28C"):
            block.number = first
        elif tag in ("60F", "60M", "60"):
            if block.opening is not None or block.lines_seen:
                raise StatementError(
                    f"opening balance :{tag}: in the wrong place",
                    Location(name, line),
                    "one opening balance, before the first ':61:'",
                )
            code, block.opening = self._balance(tag, line, first)
            self._use_currency(block, code, tag, line)
        elif tag in ("62F", "62M", "62"):
            if block.closing is not None:
                raise StatementError(
                    f"second closing balance :{tag}:", Location(name, line), "one ':62F:'"
                )
            code, block.closing = self._balance(tag, line, first)
            self._use_currency(block, code, tag, line)
            if block.pending is not None:  # no :86: can follow the closing balance
                self._build(block, block.pending, NO_DETAILS)
                block.pending = None
        elif tag in ("64", "65"):
            code, _ = self._balance(tag, line, first)
            self._use_currency(block, code, tag, line)
        elif tag == "34F":
            block.interim = True
            floor = _FLOOR_RE.match(first)
            if not floor:
                raise StatementError(
                    f"floor limit :34F: {first!r} is malformed",
                    Location(name, line),
                    "currency, optional D/C, amount (e.g. 'EUR0,')",
                )
            code = _currency(floor.group(1), name, line)
            _amount(floor.group(3), code, name, line, "floor limit")
            self._use_currency(block, code, tag, line)
        elif tag in ("13", "13D"):
            block.interim = True
        elif tag in ("90D", "90C"):
            block.interim = True
            found = _SUM_RE.match(first)
            if not found:
                raise StatementError(
                    f"entry sum :{tag}: {first!r} is malformed",
                    Location(name, line),
                    "count, currency, amount (e.g. '3EUR123,45')",
                )
            code = _currency(found.group(2), name, line)
            self._use_currency(block, code, tag, line)
            total = _amount(found.group(3), code, name, line, "sum")
            block.sums[tag] = (line, int(found.group(1)), total)
        # Other tags (:21:, :NS:, bank extensions) carry nothing bankrec uses.

    def _use_currency(self, block: _Block, code: str, tag: str, line: int) -> None:
        if block.currency and code != block.currency:
            raise StatementError(
                f":{tag}: is in {code} but the statement is in {block.currency}",
                Location(self.name, line),
                f"one currency per statement ({block.currency})",
            )
        if not block.currency:
            block.currency, block.places = code, exponent(code)

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
        currency = _currency(currency_text, self.name, line)
        date = self._date(date_text, line, "balance date")
        amount = _amount(amount_text, currency, self.name, line, "balance")
        return currency, Balance(-amount if mark == "D" else amount, date)

    def _date(self, text: str, line: int, what: str) -> dt.date:
        """:func:`_date6`, remembered: a statement has few distinct dates."""
        date = self.dates.get(text)
        if date is None:
            date = self.dates[text] = _date6(text, self.name, line, what)
        return date

    def _line61(self, block: _Block, line: int, values: list[str]) -> _Line:
        """Parse a ``:61:`` statement line (first line) and its supplementary details."""
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
        amount = _amount(amount_text, block.currency, self.name, line, "amount", block.places)
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

    # ------------------------------------------------------------------ transactions

    def _account(self, block: _Block) -> str:
        """The account to build transactions with: the final one when already known."""
        if self.facts.accounts is not None:
            return self.facts.accounts[block.index]
        return self._final_account(block)

    def _final_account(self, block: _Block) -> str:
        """The statement's account as read so far, its currency suffix dropped."""
        account = block.account
        if block.currency:
            suffix = self.suffixes.get(block.currency)
            if suffix is None:
                suffix = re.compile(rf"[\s/]+{re.escape(block.currency)}$")
                self.suffixes[block.currency] = suffix
            account = suffix.sub("", account) or account
        return intern(account)

    def _build(self, block: _Block, parsed: _Line, details: DetailFields) -> None:
        """Turn a parsed ``:61:`` (and its ``:86:``) into the finished transaction."""
        line, value_date, entry_date, amount, reversal, type_code, customer, bank_ref, extra = (
            parsed
        )
        raw, label, counterparty, iban, bic, reference, end_to_end, code = details
        account = block.tx_account
        if account is None:
            account = block.tx_account = self._account(block)
        date = entry_date or value_date
        currency = block.currency
        usable = usable_ref(bank_ref)
        repeated = self.facts.repeated_refs
        if usable and (not repeated or (account, bank_ref) not in repeated):
            self._note_ref(account, bank_ref)
            if self.facts.track_bases:
                tx_id = self.ids.allocate(account, date, amount, currency, type_code, customer,
                                          bank_ref, raw, extra, bank_ref=bank_ref)  # fmt: skip
            else:  # ids.base_id for a usable reference; it is unique, so no "#2"
                acct = account.strip()
                tx_id = f"{acct}/{bank_ref}" if acct else bank_ref
        else:
            tx_id = self.ids.allocate(account, date, amount, currency, type_code, customer,
                                      bank_ref, raw, extra)  # fmt: skip
        if not iban and _IBAN_SHAPE.match(extra):  # Rabobank: counter IBAN here
            iban = extra
        block.transactions.append(
            Transaction(
                id=tx_id,
                date=date,
                amount=amount,
                currency=currency,
                label=label or extra or (customer if usable_ref(customer) else ""),
                counterparty=counterparty,
                iban=iban,
                reference=reference,
                account=account,
                value_date=value_date,
                bank_reference=bank_ref if usable else "",
                end_to_end_id=end_to_end,
                bic=bic,
                reversal=reversal,
                bank_code=intern(f"{type_code}/{code}" if code else type_code),
                source=f"{self.name}:{line}",
            )
        )

    def _note_ref(self, account: str, ref: str) -> None:
        """Record a bank reference; a repeat means it was no id after all."""
        seen = self.refs.get(account)
        if seen is None:
            for other in self.refs:
                if other.startswith(account + "/") or account.startswith(other + "/"):
                    self.bases_collide = True  # "A" + "B/C" and "A/B" + "C" give one id
            seen = self.refs[account] = set()
        if ref in seen:
            self.repeated.add((account, ref))
        else:
            seen.add(ref)

    def _end(self, block: _Block, last_line: int) -> None:
        """Checks that need the whole statement, then the :class:`Statement` itself."""
        name = self.name
        where = f"statement starting at line {block.start}"
        if not block.account:
            raise StatementError(
                f"{where} has no account", Location(name, block.start), "a ':25:' account field"
            )
        if block.opening is None and block.closing is None and not block.interim:
            raise StatementError(
                f"{where} has no opening balance",
                Location(name, block.start),
                "':60F:' opening balance (MT940) or ':34F:'/':90D:' (MT942)",
            )
        if block.opening is not None and block.closing is None:
            raise StatementError(
                f"{where} ends without a closing balance",
                Location(name, last_line),
                "':62F:' or ':62M:' closing balance",
            )
        if block.closing is not None and block.opening is None:
            raise StatementError(
                f"{where} has a closing but no opening balance",
                Location(name, block.start),
                "':60F:' or ':60M:' opening balance",
            )
        if block.pending is not None:
            self._build(block, block.pending, NO_DETAILS)
            block.pending = None
        self._check_sums(block)
        account = self._final_account(block)
        self.final_accounts.append(account)
        self.statements.append(
            Statement(
                account=account,
                currency=block.currency,
                transactions=tuple(block.transactions),
                opening=block.opening,
                closing=block.closing,
                statement_id="/".join(x for x in (block.reference, block.number) if x),
                source=f"{name}:{block.start}",
            )
        )
        self.block = None

    def _check_sums(self, block: _Block) -> None:
        """MT942 ``:90D:``/``:90C:`` are control totals: a mismatch means a damaged file."""
        for tag, credit in (("90D", False), ("90C", True)):
            if tag not in block.sums:
                continue
            line, count, total = block.sums[tag]
            mine = [t.amount for t in block.transactions if (t.amount >= 0) == credit]
            actual = abs(sum(mine, Decimal(0)))
            if count != len(mine) or total != actual:
                raise StatementError(
                    f":{tag}: states {count} entries totalling {total} {block.currency} but the "
                    f"statement has {len(mine)} totalling {actual}",
                    Location(self.name, line),
                    "control totals matching the ':61:' lines",
                )
