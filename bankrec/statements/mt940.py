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
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import charset_normalizer
from mt940.tags import Statement as _MT940StatementLine

from bankrec.errors import Location, StatementError
from bankrec.model import Balance, Statement, Transaction
from bankrec.money import check_currency, exponent
from bankrec.statements.ids import IdAllocator, usable_ref
from bankrec.statements.mt940_details import Details, parse_details

NAME = "mt940"

_TAG_RE = re.compile(r"^:(\d{2}[A-Z]?|NS):(.*)$")
_END_RE = re.compile(r"^-\s*(\}.*|XXX)?\s*$")  # "-", "-}{5:...}", ING's "-XXX"
_SNIFF_TAG = re.compile(rb"(?m)^(?:\{4:\s*)?:(20|25|60F|60M|61|13D|34F):")
# The `mt-940` library's :61: pattern knows the optional entry date (digits or blanks),
# the R?[DC] mark, the funds code and the //bank-reference split; matched case-sensitively.
_LINE61_RE = re.compile(_MT940StatementLine.pattern, re.VERBOSE)
_BALANCE_RE = re.compile(r"^([DC])(\d{6})([A-Z]{3})(\d[\d,]*)$")
_SUM_RE = re.compile(r"^(\d+)([A-Z]{3})(\d[\d,]*)$")
_FLOOR_RE = re.compile(r"^([A-Z]{3})([DC]?)(\d[\d,]*)$")
_AMOUNT_RE = re.compile(r"^(\d+)(?:,(\d*))?$")
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_FRAMING = "\x01\x03\x1a"  # SOH/ETX (mBank) and DOS EOF around messages
_BAD_CONTROL = re.compile(r"[\x00\x02\x04-\x08\x0b\x0c\x0e-\x19\x1b-\x1f\x7f]")
_SINGLE_LINE_TAGS = {"20", "21", "25", "28", "28C", "60F", "60M", "60", "62F", "62M", "62"}
_SINGLE_LINE_TAGS |= {"64", "65", "90D", "90C", "13", "13D", "34F"}
_FALLBACK_CODECS = ["cp1252", "latin_1", "cp850", "cp852", "cp437", "iso8859_2", "iso8859_15"]


@dataclass
class _Field:
    """One ``:TAG:`` field with the line it starts on and its continuation lines."""

    tag: str
    line: int
    lines: list[str] = field(default_factory=list)


@dataclass
class _Line:
    """A parsed ``:61:`` (plus its ``:86:``) before ids are assigned."""

    line: int
    value_date: dt.date
    entry_date: dt.date | None
    amount: Decimal
    reversal: bool
    type_code: str
    customer_ref: str
    bank_ref: str
    supplementary: str
    details: Details | None = None


@dataclass
class _Block:
    """A statement's fields as read, before they become a :class:`Statement`."""

    fields: list[_Field]
    start: int


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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StatementError(f"cannot read file: {exc.strerror}", Location(name)) from None
    text = _decode(data, name)
    blocks = _split(text, name)
    parsed = [_parse_block(block, name) for block in blocks]
    return _assign_ids(parsed, name)


# --------------------------------------------------------------------------- decoding


def _decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 when valid, else the most plausible 8-bit bank codepage.

    SWIFT itself only allows ASCII, but bank exports use Latin-1/cp1252 (Western Europe)
    or DOS codepages (cp852 for Hungarian Raiffeisen). A NUL byte means UTF-16 or binary,
    which no MT940 file is: that is refused with the line it occurs on.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise StatementError(
            "file contains NUL bytes (UTF-16 or binary data)",
            Location(name, data.count(b"\n", 0, nul) + 1),
            "an MT940 text file in ASCII, UTF-8 or an 8-bit codepage",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data, cp_isolation=_FALLBACK_CODECS).best()
        codec = best.encoding if best is not None else "latin_1"
        text = data.decode(codec, errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _BAD_CONTROL.search(text)
    if bad:
        raise StatementError(
            f"control character U+{ord(bad.group()):04X} in the text",
            Location(name, text.count("\n", 0, bad.start()) + 1),
            "printable text (is this really an MT940 file, or the wrong encoding?)",
        )
    return text


# --------------------------------------------------------------------------- fields


def _split(text: str, name: str) -> list[_Block]:
    """Cut the text into statements (``:20:`` to ``-`` or the next ``:20:``) of fields.

    Lines outside a statement (SWIFT ``{1:..}{2:..}`` headers, ABN AMRO's ``ABNANL2A``/
    ``940`` preamble, ING's ``0000 01INGB...``) are envelope and skipped; inside a
    statement a line without a tag continues the previous field.
    """
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(_FRAMING)
        if "{4:" in line:
            line = line.split("{4:", 1)[1]
        match = _TAG_RE.match(line)
        if match:
            tag, value = match.group(1), match.group(2)
            if tag == "20":
                current = _Block([], number)
                blocks.append(current)
            elif current is None:
                raise StatementError(
                    f"field :{tag}: outside a statement",
                    Location(name, number),
                    "':20:' (transaction reference) to start a statement",
                )
            current.fields.append(_Field(tag, number, [value]))
        elif _END_RE.match(line.strip()) and line.strip():
            current = None
        elif current is None or not line.strip():
            continue
        else:
            last = current.fields[-1]
            if last.tag in _SINGLE_LINE_TAGS:
                raise StatementError(
                    f"unexpected text after field :{last.tag}: ({line.strip()[:40]!r})",
                    Location(name, number),
                    "a field tag such as ':61:' or '-' ending the statement",
                )
            last.lines.append(line)
    if not blocks:
        raise StatementError("no MT940 statement found", Location(name, 1), "a ':20:' field")
    return blocks


# --------------------------------------------------------------------------- values


def _year(yy: int) -> int:
    """Two-digit SWIFT year: 70-99 are 19xx, 00-69 are 20xx (fixed pivot, no clock)."""
    return 1900 + yy if yy >= 70 else 2000 + yy


def _date6(text: str, name: str, line: int, what: str) -> dt.date:
    """Parse YYMMDD."""
    if not re.fullmatch(r"\d{6}", text):
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


def _amount(text: str, currency: str, name: str, line: int, what: str) -> Decimal:
    """SWIFT amount ``123,45`` (comma decimal, integer part mandatory) as Decimal."""
    match = _AMOUNT_RE.match(text)
    if not match:
        raise StatementError(
            f"{what} {text!r} is not a SWIFT amount", Location(name, line), "digits like '123,45'"
        )
    whole, frac = match.group(1), match.group(2) or ""
    if len(frac) > exponent(currency):
        raise StatementError(
            f"{what} {text!r} has {len(frac)} decimals but {currency} has {exponent(currency)}",
            Location(name, line),
            f"at most {exponent(currency)} decimals",
        )
    value = Decimal(f"{whole}.{frac.ljust(exponent(currency), '0')}")
    return value if exponent(currency) else Decimal(whole)


def _currency(text: str, name: str, line: int) -> str:
    """A three-letter ISO 4217 code."""
    try:
        return check_currency(text)
    except ValueError:
        raise StatementError(
            f"{text!r} is not a currency code", Location(name, line), "ISO 4217 code like EUR"
        ) from None


def _balance(fld: _Field, name: str) -> tuple[str, Balance]:
    """``:60F:``/``:62F:`` style balance ``C070903EUR1234,56`` -> (currency, Balance)."""
    value = fld.lines[0].strip()
    match = _BALANCE_RE.match(value)
    if not match:
        raise StatementError(
            f"balance :{fld.tag}: {value!r} is malformed",
            Location(name, fld.line),
            "C or D, date YYMMDD, currency, amount (e.g. 'C070903EUR1234,56')",
        )
    mark, date_text, currency_text, amount_text = match.groups()
    currency = _currency(currency_text, name, fld.line)
    date = _date6(date_text, name, fld.line, "balance date")
    amount = _amount(amount_text, currency, name, fld.line, "balance")
    return currency, Balance(-amount if mark == "D" else amount, date)


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


def _line61(fld: _Field, currency: str, name: str) -> _Line:
    """Parse a ``:61:`` statement line (first line) and its supplementary details."""
    first = fld.lines[0]
    match = _LINE61_RE.match(first)
    if not match or not match.group("id"):
        raise StatementError(
            f"statement line :61: {first.strip()[:60]!r} is malformed",
            Location(name, fld.line),
            _diagnose_61(first),
        )
    g = match.groupdict()
    value_date = _date6(f"{g['year']}{g['month']}{g['day']}", name, fld.line, "value date")
    entry = f"{g['entry_month'] or ''}{g['entry_day'] or ''}"
    entry_date = None
    if re.fullmatch(r"\d{4}", entry):
        entry_date = _entry_date(entry, value_date, name, fld.line)
    elif entry.strip():
        raise StatementError(
            f"entry date {entry!r} is not MMDD", Location(name, fld.line), "MMDD or nothing"
        )
    amount = _amount(g["amount"], currency, name, fld.line, "amount")
    status = g["status"]
    # C and RD (reversal of a debit) put money on the account; D and RC take it off.
    signed = amount if status in ("C", "RD") else -amount
    supplementary = " ".join(
        part.strip() for part in [g["extra_details"] or "", *fld.lines[1:]] if part.strip()
    )
    return _Line(
        line=fld.line,
        value_date=value_date,
        entry_date=entry_date,
        amount=signed,
        reversal=status.startswith("R"),
        type_code=g["id"],
        customer_ref=(g["customer_reference"] or "").strip(),
        bank_ref=(g["bank_reference"] or "").strip(),
        supplementary=supplementary,
    )


# --------------------------------------------------------------------------- statements


@dataclass
class _Parsed:
    """A statement read from one block, lines not yet turned into transactions."""

    block: _Block
    reference: str
    number: str
    account: str
    currency: str
    opening: Balance | None
    closing: Balance | None
    lines: list[_Line]


def _parse_block(block: _Block, name: str) -> _Parsed:
    """Check one statement's fields (order, mandatory ones, currency) and parse them."""
    reference, number, account = "", "", ""
    currency = ""
    opening: Balance | None = None
    closing: Balance | None = None
    lines: list[_Line] = []
    sums: dict[str, tuple[_Field, int, Decimal]] = {}
    interim = False
    last_line = block.fields[-1].line + len(block.fields[-1].lines) - 1

    def use_currency(code: str, fld: _Field) -> None:
        nonlocal currency
        if currency and code != currency:
            raise StatementError(
                f":{fld.tag}: is in {code} but the statement is in {currency}",
                Location(name, fld.line),
                f"one currency per statement ({currency})",
            )
        currency = code

    for fld in block.fields:
        tag, first = fld.tag, fld.lines[0].strip()
        if tag == "20":
            reference = first
        elif tag == "25":
            account = first
        elif tag in ("28", "28C"):
            number = first
        elif tag in ("60F", "60M", "60"):
            if opening is not None or lines:
                raise StatementError(
                    f"opening balance :{tag}: in the wrong place",
                    Location(name, fld.line),
                    "one opening balance, before the first ':61:'",
                )
            code, opening = _balance(fld, name)
            use_currency(code, fld)
        elif tag in ("62F", "62M", "62"):
            if closing is not None:
                raise StatementError(
                    f"second closing balance :{tag}:", Location(name, fld.line), "one ':62F:'"
                )
            code, closing = _balance(fld, name)
            use_currency(code, fld)
        elif tag in ("64", "65"):
            code, _ = _balance(fld, name)
            use_currency(code, fld)
        elif tag == "34F":
            interim = True
            floor = _FLOOR_RE.match(first)
            if not floor:
                raise StatementError(
                    f"floor limit :34F: {first!r} is malformed",
                    Location(name, fld.line),
                    "currency, optional D/C, amount (e.g. 'EUR0,')",
                )
            code = _currency(floor.group(1), name, fld.line)
            _amount(floor.group(3), code, name, fld.line, "floor limit")
            use_currency(code, fld)
        elif tag in ("13", "13D"):
            interim = True
        elif tag in ("90D", "90C"):
            interim = True
            found = _SUM_RE.match(first)
            if not found:
                raise StatementError(
                    f"entry sum :{tag}: {first!r} is malformed",
                    Location(name, fld.line),
                    "count, currency, amount (e.g. '3EUR123,45')",
                )
            code = _currency(found.group(2), name, fld.line)
            use_currency(code, fld)
            total = _amount(found.group(3), code, name, fld.line, "sum")
            sums[tag] = (fld, int(found.group(1)), total)
        elif tag == "61":
            if closing is not None:
                raise StatementError(
                    "statement line after the closing balance",
                    Location(name, fld.line),
                    "':61:' lines between ':60F:' and ':62F:'",
                )
            if not currency:
                raise StatementError(
                    "statement line before any balance or floor limit gives the currency",
                    Location(name, fld.line),
                    "':60F:' (MT940) or ':34F:' (MT942) before the first ':61:'",
                )
            lines.append(_line61(fld, currency, name))
        elif tag == "86" and lines and lines[-1].details is None and closing is None:
            lines[-1].details = parse_details(fld.lines)
        # Other tags (:21:, :NS:, bank extensions) carry nothing bankrec uses.

    where = f"statement starting at line {block.start}"
    if not account:
        raise StatementError(
            f"{where} has no account", Location(name, block.start), "a ':25:' account field"
        )
    if opening is None and closing is None and not interim:
        raise StatementError(
            f"{where} has no opening balance",
            Location(name, block.start),
            "':60F:' opening balance (MT940) or ':34F:'/':90D:' (MT942)",
        )
    if opening is not None and closing is None:
        raise StatementError(
            f"{where} ends without a closing balance",
            Location(name, last_line),
            "':62F:' or ':62M:' closing balance",
        )
    if closing is not None and opening is None:
        raise StatementError(
            f"{where} has a closing but no opening balance",
            Location(name, block.start),
            "':60F:' or ':60M:' opening balance",
        )
    _check_sums(sums, lines, currency, name)
    suffix = re.compile(rf"[\s/]+{re.escape(currency)}$") if currency else None
    if suffix is not None:
        account = suffix.sub("", account) or account
    return _Parsed(block, reference, number, account, currency, opening, closing, lines)


def _check_sums(
    sums: dict[str, tuple[_Field, int, Decimal]], lines: list[_Line], currency: str, name: str
) -> None:
    """MT942 ``:90D:``/``:90C:`` are control totals: a mismatch means a damaged file."""
    for tag, credit in (("90D", False), ("90C", True)):
        if tag not in sums:
            continue
        fld, count, total = sums[tag]
        mine = [ln.amount for ln in lines if (ln.amount >= 0) == credit]
        actual = abs(sum(mine, Decimal(0)))
        if count != len(mine) or total != actual:
            raise StatementError(
                f":{tag}: states {count} entries totalling {total} {currency} but the "
                f"statement has {len(mine)} totalling {actual}",
                Location(name, fld.line),
                "control totals matching the ':61:' lines",
            )


# --------------------------------------------------------------------------- transactions


def _assign_ids(parsed: list[_Parsed], name: str) -> list[Statement]:
    """Build transactions with stable ids.

    The bank reference (``//`` part of ``:61:``) is the id when it is unique for the
    account in the whole file; otherwise (``NONREF``, repeats) the id is a hash of the
    content plus an occurrence counter, so re-reading the file gives the same ids.
    """
    refs: Counter[tuple[str, str]] = Counter()
    for p in parsed:
        for ln in p.lines:
            if usable_ref(ln.bank_ref):
                refs[(p.account, ln.bank_ref)] += 1
    ids = IdAllocator()
    statements: list[Statement] = []
    for p in parsed:
        transactions: list[Transaction] = []
        for ln in p.lines:
            det = ln.details or Details()
            date = ln.entry_date or ln.value_date
            unique = usable_ref(ln.bank_ref) and refs[(p.account, ln.bank_ref)] == 1
            tx_id = ids.allocate(
                p.account,
                date,
                ln.amount,
                p.currency,
                ln.type_code,
                ln.customer_ref,
                ln.bank_ref,
                det.raw,
                ln.supplementary,
                bank_ref=ln.bank_ref if unique else "",
            )
            transactions.append(_transaction(p, ln, det, tx_id, date, name))
        statements.append(
            Statement(
                account=p.account,
                currency=p.currency,
                transactions=tuple(transactions),
                opening=p.opening,
                closing=p.closing,
                statement_id="/".join(x for x in (p.reference, p.number) if x),
                source=f"{name}:{p.block.start}",
            )
        )
    return statements


def _transaction(
    p: _Parsed, ln: _Line, det: Details, tx_id: str, date: dt.date, name: str
) -> Transaction:
    """One :class:`Transaction` from a parsed ``:61:``/``:86:`` pair."""
    iban = det.iban
    if not iban and _IBAN_SHAPE.match(ln.supplementary):  # Rabobank: counter IBAN here
        iban = ln.supplementary
    customer_ref = ln.customer_ref if usable_ref(ln.customer_ref) else ""
    label = det.label or ln.supplementary or customer_ref
    bank_code = f"{ln.type_code}/{det.code}" if det.code else ln.type_code
    return Transaction(
        id=tx_id,
        date=date,
        amount=ln.amount,
        currency=p.currency,
        label=label,
        counterparty=det.counterparty,
        iban=iban,
        reference=det.reference,
        account=p.account,
        value_date=ln.value_date,
        bank_reference=ln.bank_ref if usable_ref(ln.bank_ref) else "",
        end_to_end_id=det.end_to_end_id,
        bic=det.bic,
        reversal=ln.reversal,
        bank_code=bank_code,
        source=f"{name}:{ln.line}",
    )
