"""OFX / QFX bank and credit-card statements: SGML (v1.x) and XML (v2.x).

Why not simply ``ofxtools.Parser.OFXTree().convert()``? Because it refuses files banks
really send (two ``BANKTRANLIST`` in one ``STMTRS``, elements out of spec order), converts
every date to UTC (a payment posted at 20:00 in California moves to the next day), and
its errors carry no line numbers. So this reader uses ofxtools' tag grammar
(:attr:`ofxtools.Parser.TreeBuilder.regex`, which already knows SGML's unclosed leaf
elements and CDATA) to tokenize, and builds the tree itself so every element knows its
line; a mismatched or missing end tag, a bad amount or date raises
:class:`StatementError` naming file, line and element path, and nothing is imported.

The tokenizer never processes a DTD (entities other than the five XML ones and ``&nbsp;``
stay as written), but an OFX 2.x file is XML: a ``<!DOCTYPE``/``<!ENTITY`` before
``<OFX>`` is refused with the same check and message as camt
(:func:`bankrec.statements.xmlsafe.check_prolog_bytes`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import unescape

from ofxtools.Parser import TreeBuilder

from bankrec.errors import Location, StatementError
from bankrec.model import Balance, Statement, Transaction
from bankrec.money import check_currency, exponent
from bankrec.statements.ids import IdAllocator, usable_ref
from bankrec.statements.textfile import decode, known_encoding, read_bytes
from bankrec.statements.xmlsafe import check_prolog_bytes

NAME = "ofx"

_TAG_RE: re.Pattern[str] = TreeBuilder.regex
_SNIFF_RE = re.compile(rb"OFXHEADER\s*:|<\?OFX\b|<OFX>", re.IGNORECASE)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*?encoding=[\"']([\w.-]+)[\"'][^>]*\?>")
_OFX_PI_RE = re.compile(r"<\?OFX\b[^>]*\?>")
_IGNORABLE_RE = re.compile(r"\s*(?:(?:<!--.*?-->|<\?.*?\?>)\s*)*", re.S)
_AMOUNT_RE = re.compile(r"^([+-]?)(\d*)(?:[.,](\d*))?$")
_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2,6})?(\.\d+)?(\[[^\]]*\])?$")
_CHARSETS = {"1252": "cp1252", "ISO-8859-1": "latin_1", "8859-1": "latin_1", "NONE": "cp1252"}
_STATEMENT_TAGS = ("STMTRS", "CCSTMTRS")
# What the OFX DTD allows inside list aggregates whose end tag banks forget.
_CHILDREN = {"BANKTRANLIST": ("DTSTART", "DTEND", "STMTTRN")}


@dataclass
class _Node:
    """An OFX element with the line it starts on; ``text`` is None for aggregates."""

    tag: str
    line: int
    path: str
    text: str | None = None
    children: list[_Node] = field(default_factory=list)

    def child(self, tag: str) -> _Node | None:
        """First direct child named ``tag``."""
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[_Node]:
        """All direct children named ``tag``."""
        return [c for c in self.children if c.tag == tag]

    def value(self, *tags: str) -> str:
        """Text of the leaf reached by following ``tags`` from here ('' when absent)."""
        node: _Node | None = self
        for tag in tags:
            node = node.child(tag) if node is not None else None
        return (node.text or "") if node is not None else ""

    def walk(self) -> Iterator[_Node]:
        """This node and all below it, in document order."""
        yield self
        for c in self.children:
            yield from c.walk()


def sniff(head: bytes) -> bool:
    """True for an OFX v1 header, an OFX v2 processing instruction or an ``<OFX>`` root."""
    try:
        return bool(_SNIFF_RE.search(head[:4096]))
    except Exception:  # pragma: no cover - regex on bytes does not raise
        return False


def read(path: Path) -> list[Statement]:
    """Read every bank (``STMTRS``) and card (``CCSTMTRS``) statement of an OFX file."""
    name = str(path)
    data = read_bytes(path)
    check_prolog_bytes(data, name)  # no DTD before <OFX>: refused as every XML format does
    text, body_start = _decode(data, name)
    root = _parse_tree(text, body_start, name)
    statements = [_statement(node, name) for node in root.walk() if node.tag in _STATEMENT_TAGS]
    if not statements:
        raise StatementError(
            "no bank or credit card statement in the file",
            Location(name, root.line, path="/OFX"),
            "an <STMTRS> or <CCSTMTRS> aggregate",
        )
    _assign_ids(statements)
    return statements


# --------------------------------------------------------------------------- decoding


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _decode(data: bytes, name: str) -> tuple[str, int]:
    """Decode per the header (v1 ENCODING/CHARSET, v2 XML declaration); find the body.

    Returns the whole decoded text (so line numbers count from the file's first line)
    and the offset where the ``<OFX>`` body starts.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise StatementError(
            "file contains NUL bytes (UTF-16 or binary data)",
            Location(name, data.count(b"\n", 0, nul) + 1),
            "an OFX file in ASCII, UTF-8 or Windows-1252",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:2048].decode("latin_1")
    stripped = head.lstrip()
    if stripped.startswith("<?xml"):
        decl = _XML_DECL_RE.match(head)
        codec = decl.group(1) if decl else "utf-8"
    elif stripped.upper().startswith("OFXHEADER"):
        codec = _v1_codec(head, name)
    else:
        codec = "utf-8"
    if codec.replace("-", "").replace("_", "").lower() in ("usascii", "ascii"):
        codec = "cp1252"  # "ASCII" files with accented names are Windows-1252 in practice
    if not known_encoding(codec):
        raise StatementError(
            f"unknown character encoding {codec!r} in the header",
            Location(name, 1),
            "UTF-8, US-ASCII or a Windows/ISO code page",
        )
    declared = f"text in the encoding the header declares ({codec})"
    text = decode(data, codec, name, expected=declared)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    start = text.find("<OFX>")
    if start < 0:
        raise StatementError(
            "no <OFX> element", Location(name, 1), "the <OFX> root element after the header"
        )
    pi = _OFX_PI_RE.search(text, 0, start)
    if stripped.startswith("<?xml") and pi and 'OFXHEADER="200"' not in pi.group():
        raise StatementError(
            'OFX processing instruction without OFXHEADER="200"',
            Location(name, _line_of(text, pi.start())),
            '<?OFX OFXHEADER="200" VERSION="2xx" ...?>',
        )
    return text, start


def _v1_codec(head: str, name: str) -> str:
    """Codec of an OFX 1.x body from its ``ENCODING``/``CHARSET`` header lines."""
    fields: dict[str, str] = {}
    for line in head.replace("\r", "\n").split("\n"):
        if line.lstrip().startswith("<"):
            break
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().upper()] = value.strip().upper()
    if fields.get("OFXHEADER") != "100" or fields.get("DATA", "OFXSGML") != "OFXSGML":
        raise StatementError(
            "OFX 1.x header is malformed",
            Location(name, 1),
            "OFXHEADER:100 and DATA:OFXSGML header lines",
        )
    if fields.get("ENCODING") in ("UTF-8", "UTF8", "UNICODE"):
        return "utf-8"
    return _CHARSETS.get(fields.get("CHARSET", "1252"), "cp1252")


# --------------------------------------------------------------------------- tree


def _parse_tree(text: str, start: int, name: str) -> _Node:
    """Build the element tree of the body, checking that every aggregate is closed.

    SGML leaf elements (``<TRNAMT>-6.60``) need no end tag; aggregates do, and an end
    tag must close the innermost open aggregate.
    """
    root: _Node | None = None
    stack: list[_Node] = []
    counts: list[dict[str, int]] = [{}]
    pos = start
    for match in _TAG_RE.finditer(text, start):
        gap = text[pos : match.start()]
        if _IGNORABLE_RE.fullmatch(gap) is None:
            _unexpected(text, pos, gap, name, stack)
        pos = match.end()
        tag = match.group("tag").strip()
        line = _line_of(text, match.start())
        tail = (match.group("tail") or "").strip()
        if tail and _IGNORABLE_RE.fullmatch(tail) is None:
            _unexpected(text, match.start("tail"), tail, name, stack)
        if tag.startswith("/"):
            closing = tag[1:]
            if closing not in (n.tag for n in stack):
                open_tag = f"</{stack[-1].tag}> for line {stack[-1].line}" if stack else "nothing"
                raise StatementError(
                    f"end tag </{closing}> does not match any open element",
                    Location(name, line, path=stack[-1].path if stack else ""),
                    open_tag,
                )
            # SGML lets a bank omit an aggregate's end tag (Nubank leaves </BANKTRANLIST>
            # out): an end tag closes every element opened inside it, as SGML parsers do.
            while stack[-1].tag != closing:
                stack.pop()
                counts.pop()
            stack.pop()
            counts.pop()
            continue
        while stack and tag not in _CHILDREN.get(stack[-1].tag, (tag,)):
            stack.pop()  # an unclosed list aggregate ends where a foreign element starts
            counts.pop()
        if stack:
            parent_path = stack[-1].path
        elif root is None:
            parent_path = ""
        else:
            raise StatementError(
                f"element <{tag}> after the end of </OFX>", Location(name, line), "end of file"
            )
        siblings = counts[-1]
        siblings[tag] = siblings.get(tag, 0) + 1
        index = f"[{siblings[tag]}]" if siblings[tag] > 1 else ""
        node = _Node(tag, line, f"{parent_path}/{tag}{index}")
        if stack:
            stack[-1].children.append(node)
        else:
            root = node
        cdata, raw_text = match.group("cdata"), match.group("text")
        value = cdata if cdata is not None else unescape((raw_text or "").strip(), _ENTITIES)
        closetag = match.group("closetag")
        if value:
            node.text = value.strip()
        elif closetag is None:
            stack.append(node)
            counts.append({})
        else:
            node.text = ""  # <MEMO></MEMO>: an empty element
    if root is None or root.tag != "OFX":
        raise StatementError("no <OFX> root element", Location(name, 1), "<OFX>")
    if stack:
        node = stack[-1]
        raise StatementError(
            f"file ends inside <{node.tag}> opened at line {node.line} (truncated?)",
            Location(name, _line_of(text, len(text)), path=node.path),
            f"</{node.tag}>",
        )
    return root


_ENTITIES = {"&quot;": '"', "&apos;": "'", "&nbsp;": "\u00a0"}


def _unexpected(text: str, offset: int, gap: str, name: str, stack: list[_Node]) -> None:
    """Raise for text outside any element (a broken tag, stray characters)."""
    skip = len(gap) - len(gap.lstrip())
    raise StatementError(
        f"unexpected text {gap.strip()[:40]!r}",
        Location(name, _line_of(text, offset + skip), path=stack[-1].path if stack else ""),
        "an OFX tag such as <STMTTRN>",
    )


# --------------------------------------------------------------------------- values


def _fail(node: _Node, name: str, message: str, expected: str) -> StatementError:
    return StatementError(message, Location(name, node.line, path=node.path), expected)


def _required(parent: _Node, tag: str, name: str) -> _Node:
    node = parent.child(tag)
    if node is None or not node.text:
        raise StatementError(
            f"<{parent.tag}> has no <{tag}>",
            Location(name, parent.line, path=parent.path),
            f"a <{tag}> element with a value",
        )
    return node


def _amount(node: _Node, currency: str, name: str) -> Decimal:
    """OFX amount: period or comma decimal (both allowed by the spec), optional sign."""
    text = (node.text or "").strip()
    match = _AMOUNT_RE.match(text)
    if not match or not (match.group(2) or match.group(3)):
        raise _fail(node, name, f"amount {text!r} is not a number", "an amount like -12.34")
    sign, whole, frac = match.group(1), match.group(2) or "0", match.group(3) or ""
    digits = exponent(currency)
    if len(frac) > digits and frac[digits:].strip("0"):
        raise _fail(
            node,
            name,
            f"amount {text!r} has more decimals than {currency} allows",
            f"at most {digits} decimals",
        )
    frac = frac[:digits].ljust(digits, "0")
    value = Decimal(f"{whole}.{frac}") if digits else Decimal(whole)
    return -value if sign == "-" else value


def _date(node: _Node, name: str) -> dt.date:
    """OFX datetime: the calendar date as the bank wrote it (no shift to UTC)."""
    text = (node.text or "").strip()
    match = _DATE_RE.match(text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise _fail(node, name, f"date {text!r} is not valid", "YYYYMMDD[HHMMSS[.XXX]][[tz]]")


def _currency(node: _Node, name: str) -> str:
    try:
        return check_currency(node.text or "")
    except ValueError:
        raise _fail(node, name, f"{node.text!r} is not a currency", "ISO 4217 code") from None


# --------------------------------------------------------------------------- statements


def _statement(node: _Node, name: str) -> Statement:
    """One ``STMTRS``/``CCSTMTRS`` aggregate as a :class:`Statement` (ids still empty)."""
    currency = _currency(_required(node, "CURDEF", name), name)
    acct_from = node.child("BANKACCTFROM") or node.child("CCACCTFROM")
    if acct_from is None:
        raise _fail(node, name, f"<{node.tag}> has no account", "<BANKACCTFROM> or <CCACCTFROM>")
    account = _required(acct_from, "ACCTID", name).text or ""
    transactions: list[Transaction] = []
    periods: list[str] = []
    for tranlist in node.all("BANKTRANLIST"):
        periods.append(f"{tranlist.value('DTSTART')[:8]}-{tranlist.value('DTEND')[:8]}")
        for trn in tranlist.all("STMTTRN"):
            transactions.append(_transaction(trn, account, currency, name))
    closing = None
    ledger = node.child("LEDGERBAL")
    if ledger is not None:
        amount = _amount(_required(ledger, "BALAMT", name), currency, name)
        closing = Balance(amount, _date(_required(ledger, "DTASOF", name), name))
    return Statement(
        account=account,
        currency=currency,
        transactions=tuple(transactions),
        opening=None,  # OFX states no opening balance
        closing=closing,
        statement_id=",".join(dict.fromkeys(periods)),
        source=f"{name}:{node.line}",
    )


def _transaction(trn: _Node, account: str, currency: str, name: str) -> Transaction:
    """One ``STMTTRN``; the id is filled in by :func:`_assign_ids`."""
    posted = _date(_required(trn, "DTPOSTED", name), name)
    user = trn.child("DTUSER")
    tx_currency = currency
    foreign = trn.child("CURRENCY")  # amounts in another currency (ORIGCURRENCY: converted)
    if foreign is not None and foreign.child("CURSYM") is not None:
        tx_currency = _currency(_required(foreign, "CURSYM", name), name)
    amount = _amount(_required(trn, "TRNAMT", name), tx_currency, name)
    payee = trn.value("NAME") or trn.value("PAYEE", "NAME") or trn.value("EXTDNAME")
    memo = trn.value("MEMO")
    check = trn.value("CHECKNUM")
    reference = trn.value("REFNUM") or (check if usable_ref(check) else "")
    counter = trn.child("BANKACCTTO") or trn.child("CCACCTTO")
    return Transaction(
        id="",
        date=posted,
        amount=amount,
        currency=tx_currency,
        label=" ".join((memo or payee or trn.value("TRNTYPE")).split()),
        counterparty=" ".join(payee.split()),
        iban=(counter.value("ACCTID") if counter is not None else "").replace(" ", "").upper(),
        reference=reference,
        account=account,
        value_date=_date(user, name) if user is not None and user.text else None,
        bank_reference=trn.value("FITID"),
        bank_code=trn.value("TRNTYPE"),
        source=f"{name}:{trn.line}",
    )


def _assign_ids(statements: list[Statement]) -> None:
    """FITID, scoped by account, is the id; without one, a content hash (stable)."""
    ids = IdAllocator()
    for index, st in enumerate(statements):
        fixed = []
        for t in st.transactions:
            tx_id = ids.allocate(
                t.account,
                t.date,
                t.amount,
                t.currency,
                t.label,
                t.counterparty,
                t.reference,
                t.bank_code,
                bank_ref=t.bank_reference,
            )
            fixed.append(replace(t, id=tx_id))
        statements[index] = replace(st, transactions=tuple(fixed))
