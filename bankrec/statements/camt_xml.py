"""The element index and the typed value readers every part of a camt pass shares.

A camt reader looks up some forty fields per entry; :class:`CamtXml` indexes each element's
descendants once by local-name path (so ``find(entry, "RltdPties/Dbtr/Nm")`` is a dictionary
lookup) and turns element text into checked values -- amounts, currencies, signs, dates,
flags -- raising a :class:`StatementError` that names the file, the line and the XML path
(``/Document/BkToCstmrStmt/Stmt[2]/Ntry[14]/Amt``) of the offending element.

The reader itself (:mod:`bankrec.statements.camt`) is built on this class together with
what turns entries into transactions (:mod:`bankrec.statements.camt_entries`) and what a
statement states about itself (:mod:`bankrec.statements.camt_balances`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from lxml import etree

from bankrec.errors import Location, StatementError
from bankrec.statements.ids import IdAllocator

OPENING_CODES = ("OPBD", "PRCD")  # opening booked; previously closed booked (German DK)
CLOSING_CODES = ("CLBD",)
_NO_DESCENT = frozenset({"Ntry", "NtryDtls/TxDtls"})  # indexed on their own
# subtrees no field is read from: not walked when indexing (addresses, ids, tax...)
_UNUSED = frozenset(
    {"PstlAdr", "OrgId", "PrvtId", "CtctDtls", "RltdDts", "Purp", "RfrdDocInf", "RfrdDocAmt",
     "Tax", "RtrInf", "CardTx", "SplmtryData", "Btch", "RltdQties", "RltdPric", "LclInstrm",
     "Avlbty", "CdtLine", "FrToDt", "Ownr", "Svcr", "GrpHdr", "InstdAmt", "CntrValAmt",
     "AnncdPstngAmt", "PrtryAmt", "RltdRmtInf", "Garnishmt"}
)  # fmt: skip
_AMOUNT_RE = re.compile(r"^\+?(\d*)(?:\.(\d*))?$")
CCY_RE = re.compile(r"^[A-Z]{3}$")
_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T[0-9:.]+)?(?:Z|[+-]\d{2}:\d{2})?$")


@dataclass
class StatementState:
    """What we know about the statement being read."""

    element: etree._Element
    index: int
    line: int
    account: str = ""
    currency: str = ""
    header_read: bool = False
    entries: int = 0  # Ntry elements seen
    skipped: int = 0  # entries not booked (pending / info)
    count: int = 0  # transactions produced
    net: Decimal = Decimal(0)  # sum of booked entry amounts
    credits: list[Decimal] = field(default_factory=lambda: [Decimal(0), Decimal(0)])
    debits: list[Decimal] = field(default_factory=lambda: [Decimal(0), Decimal(0)])
    ids: IdAllocator = field(default_factory=IdAllocator)
    # for entries without any date: (date, what it is), found once per statement
    fallback_date: tuple[dt.date, str] | None = None
    fallback_searched: bool = False


class CamtXml:
    """Lookups, error locations and value parsing for one pass over one camt file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        self.ns = ""
        self.stmt: StatementState | None = None
        self.ntry_index = 0
        self.current_ntry: etree._Element | None = None
        self._cache: dict[etree._Element, dict[str, list[etree._Element]]] = {}
        self._hot: etree._Element | None = None  # the element last looked into, and its index
        self._hot_index: dict[str, list[etree._Element]] = {}

    # ---- plumbing -------------------------------------------------------------------

    def _index(self, el: etree._Element) -> dict[str, list[etree._Element]]:
        """Descendants of ``el`` by relative local-name path (``RltdPties/Dbtr/Nm``).

        Built once per element in one breadth-first walk (so each list is in document
        order) and then looked up by dictionary: an order of magnitude faster than one
        ``find()`` per field. Entries and transaction details are not descended into from
        their parents; they get their own index.
        """
        if el is self._hot:
            return self._hot_index
        found = self._cache.get(el)
        if found is not None:
            self._hot, self._hot_index = el, found
            return found
        index: dict[str, list[etree._Element]] = {}
        cut = len(self.ns) + 2
        queue: list[tuple[etree._Element, str]] = [(el, "")]
        for node, prefix in queue:  # grows while iterated: breadth-first
            for child in node:
                local = child.tag[cut:]
                name = prefix + local
                if name in index:
                    index[name].append(child)
                else:
                    index[name] = [child]
                if len(child) and name not in _NO_DESCENT and local not in _UNUSED:
                    queue.append((child, name + "/"))
        self._cache[el] = index
        self._hot, self._hot_index = el, index
        return index

    def find(self, el: etree._Element, path: str) -> etree._Element | None:
        """First element at ``path`` below ``el``."""
        found = self._index(el).get(path)
        return found[0] if found else None

    def all(self, el: etree._Element, path: str) -> list[etree._Element]:
        """Every element at ``path`` below ``el``, in document order."""
        return self._index(el).get(path, [])

    def text(self, el: etree._Element, path: str) -> str:
        """Stripped text of the first element at ``path`` under ``el``, ``""`` if absent."""
        found = self._index(el).get(path)
        if not found:
            return ""
        value = found[0].text
        return value.strip() if value else ""

    def xpath_of(self, el: etree._Element, child: str = "") -> str:
        """The XML path of ``el`` (plus a missing ``child``) for error messages."""
        parts: list[str] = []
        node: etree._Element | None = el
        while node is not None:
            parts.append(self._step(node))
            node = node.getparent()
        path = "/" + "/".join(reversed(parts))
        return f"{path}/{child}" if child else path

    def _step(self, node: etree._Element) -> str:
        name = local_name(node)
        if self.stmt is not None and node is self.stmt.element:
            return f"{name}[{self.stmt.index}]"
        if node is self.current_ntry:
            return f"{name}[{self.ntry_index}]"
        parent = node.getparent()
        if parent is None:
            return name
        same = [c for c in parent if c.tag == node.tag]
        if len(same) == 1 and name not in ("TxDtls", "Bal", "Ntry"):
            return name
        return f"{name}[{same.index(node) + 1}]"

    def error(
        self, message: str, el: etree._Element, expected: str = "", child: str = ""
    ) -> StatementError:
        line = el.sourceline if isinstance(el.sourceline, int) else None
        return StatementError(
            message, Location(self.file, line, None, self.xpath_of(el, child)), expected
        )

    # ---- fields ---------------------------------------------------------------------

    def _texts(self, el: etree._Element, path: str) -> list[str]:
        return [(x.text or "").strip() for x in self.all(el, path)]

    def _amount(self, el: etree._Element) -> Decimal:
        text = (el.text or "").strip()
        match = _AMOUNT_RE.match(text)
        if not text or match is None or not (match.group(1) or match.group(2)):
            raise self.error(f"{text!r} is not an amount", el, "a decimal number such as 1234.56")
        whole, frac = match.group(1), match.group(2) or ""
        if len(frac) > 5 or len(whole.lstrip("0")) + len(frac) > 18:
            raise self.error(
                f"{text!r} has too many digits", el, "at most 18 digits, 5 after the point"
            )
        return Decimal(text)

    def _currency(self, el: etree._Element) -> str:
        ccy = (el.get("Ccy") or "").strip()
        if not CCY_RE.match(ccy):
            raise self.error(
                f"currency {ccy!r} is not valid" if ccy else "amount has no currency",
                el,
                "a Ccy attribute with a three-letter ISO 4217 code",
            )
        return ccy

    def _sign(self, el: etree._Element | None, zero_ok: bool = False) -> int:
        assert el is not None
        ind_el = self.find(el, "CdtDbtInd")
        ind = (ind_el.text or "").strip() if ind_el is not None else ""
        if ind == "CRDT" or (not ind and zero_ok):
            return 1
        if ind == "DBIT":
            return -1
        if ind_el is None:
            raise self.error(
                "credit/debit indicator missing", el, "CdtDbtInd CRDT or DBIT", "CdtDbtInd"
            )
        raise self.error(f"{ind!r} is not a credit/debit indicator", ind_el, "CRDT or DBIT")

    def _flag(self, el: etree._Element, name: str) -> bool:
        flag_el = self.find(el, name)
        if flag_el is None:
            return False
        value = (flag_el.text or "").strip()
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        raise self.error(f"{value!r} is not a boolean", flag_el, "true or false")

    def _date(self, root: etree._Element, name: str) -> dt.date:
        """``<X><Dt>2024-01-31</Dt></X>`` or ``<X><DtTm>2024-01-31T10:00:00+01:00</DtTm></X>``
        where ``X`` is the child ``name`` of ``root`` (looked up in ``root``'s index).

        The date is taken as the bank wrote it (its own time zone), never converted.
        """
        el = self.find(root, f"{name}/Dt")
        if el is None:
            el = self.find(root, f"{name}/DtTm")
        if el is None:
            holder = self.find(root, name)
            raise self.error(
                f"{name} has no date", holder if holder is not None else root, "Dt or DtTm", "Dt"
            )
        return self._date_of(el)

    def _date_of(self, el: etree._Element) -> dt.date:
        """The calendar day of an ISO date or date-time element, as the bank wrote it."""
        text = (el.text or "").strip()
        match = _DATE_RE.match(text)
        try:
            if match is None:
                raise ValueError(text)
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            raise self.error(
                f"{text!r} is not a date", el, "an ISO date such as 2024-01-31"
            ) from None


def line_of(el: etree._Element) -> int | None:
    return el.sourceline if isinstance(el.sourceline, int) else None


def local_name(node: etree._Element) -> str:
    """An element's name without its namespace, even for a namespace lxml cannot name
    (a "}" in it makes ``etree.QName`` raise): error locations must never fail."""
    tag = str(node.tag)
    return tag.rsplit("}", 1)[-1]
