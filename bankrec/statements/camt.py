"""ISO 20022 bank-to-customer cash management messages: camt.052, camt.053 and camt.054.

One reader serves the three messages and every version (02, 04, 08, 10...): the version
only moves elements around (``Dbtr/Nm`` became ``Dbtr/Pty/Nm`` in v08, ``Sts`` grew a
``Cd``, ``TxDtls/Amt`` appeared in v03), so elements are looked up by local name in the
namespace the root element declares, and the message (052 report, 053 statement, 054
notification) is taken from that namespace -- never from the file name.

The file is read with lxml ``iterparse`` (streaming): each entry (``Ntry``) is turned into
transactions as soon as it is complete and then dropped from the tree, so a 500 MB file
needs memory for one entry at a time plus the transactions produced. DTDs and entities are
refused by bankrec itself before any byte reaches libxml2, and again on every chunk the
parser is fed (:mod:`bankrec.statements.xmlsafe`).

Strictness: every error names the file, the source line and the XML path
(``/Document/BkToCstmrStmt/Stmt[2]/Ntry[14]/Amt``) and says what was expected; the first
error aborts the whole file, so nothing is imported from a broken one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from lxml import etree

from bankrec.errors import Location, StatementError
from bankrec.model import Balance, Statement, Transaction
from bankrec.statements.ids import IdAllocator, usable_ref
from bankrec.statements.xmlsafe import (
    _decode_head,
    check_docinfo,
    check_prolog,
    safe_iterparse,
)

NAME = "camt"

NS_PREFIX = "urn:iso:std:iso:20022:tech:xsd:camt.05"
_NS_RE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.(\d{2})$")
# message number -> (message element, statement element)
MESSAGES = {
    "052": ("BkToCstmrAcctRpt", "Rpt"),
    "053": ("BkToCstmrStmt", "Stmt"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}
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
NOT_BOOKED = frozenset({"PDNG", "INFO", "FUTR"})  # pending/information: not on the account
_AMOUNT_RE = re.compile(r"^\+?(\d*)(?:\.(\d*))?$")
_CCY_RE = re.compile(r"^[A-Z]{3}$")
_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T[0-9:.]+)?(?:Z|[+-]\d{2}:\d{2})?$")


def sniff(head: bytes) -> bool:
    """An XML document in one of the camt.05x namespaces."""
    try:
        text = _decode_head(head).lstrip("\ufeff \t\r\n")
        return text.startswith("<") and NS_PREFIX in text
    except Exception:  # never raise from a sniffer
        return False


def read(path: Path) -> list[Statement]:
    """Every statement (``Stmt`` / ``Rpt`` / ``Ntfctn``) of a camt file, in file order.

    Raises :class:`StatementError` on the first problem; nothing is returned then.
    """
    statements: list[Statement] = []
    buffer: list[Transaction] = []
    for item in _Reader(Path(path)).items():
        if isinstance(item, Transaction):
            buffer.append(item)
        else:
            statements.append(item.statement(tuple(buffer)))
            buffer = []
    return statements


def iter_transactions(path: Path) -> Iterator[Transaction]:
    """Stream the transactions of a camt file without keeping them (bounded memory).

    For very large files and benchmarks. Per-statement checks (currency, stated totals)
    run when each statement ends, so a caller that must import nothing from a broken file
    should collect first, as :func:`read` does.
    """
    for item in _Reader(Path(path)).items():
        if isinstance(item, Transaction):
            yield item


@dataclass
class _StatementEnd:
    """The header of a statement, emitted after its transactions."""

    account: str
    currency: str
    opening: Balance | None
    closing: Balance | None
    statement_id: str
    source: str

    def statement(self, transactions: tuple[Transaction, ...]) -> Statement:
        return Statement(
            account=self.account,
            currency=self.currency,
            transactions=transactions,
            opening=self.opening,
            closing=self.closing,
            statement_id=self.statement_id,
            source=self.source,
        )


@dataclass
class _StatementState:
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


@dataclass(frozen=True)
class _Party:
    name: str = ""
    account: str = ""
    bic: str = ""

    def empty(self) -> bool:
        return not (self.name or self.account)


class _Reader:
    """One pass over one camt file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        self.ns = ""
        self.message = ""
        self.version = ""
        self.stmt_tag = ""
        self.stmt_count = 0
        self.stmt: _StatementState | None = None
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
        name = etree.QName(node).localname
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

    # ---- the pass -------------------------------------------------------------------

    def items(self) -> Iterator[Transaction | _StatementEnd]:
        check_prolog(self.path)
        self._read_root()
        msg_tag, stmt_local = MESSAGES[self.message]
        self.stmt_tag = f"{{{self.ns}}}{stmt_local}"
        ntry_tag = f"{{{self.ns}}}Ntry"
        msg_qtag = f"{{{self.ns}}}{msg_tag}"
        context = safe_iterparse(self.path, ("start", "end"), (self.stmt_tag, ntry_tag))
        events = iter(context)
        saw_message = False
        while True:
            try:
                event, el = next(events)
            except StopIteration:
                break
            except (etree.LxmlError, UnicodeError, ValueError) as exc:
                raise self._syntax_error(exc) from None
            if el.tag == ntry_tag:
                if event == "start":
                    self._start_entry(el)
                else:
                    yield from self._end_entry(el)
            elif event == "start":
                parent = el.getparent()
                if parent is None or parent.tag != msg_qtag or parent.getparent() is None:
                    raise self.error(
                        f"{stmt_local} is not where camt.{self.message} puts it",
                        el,
                        f"{stmt_local} directly under /Document/{msg_tag}",
                    )
                saw_message = True
                self.stmt_count += 1
                line = el.sourceline if isinstance(el.sourceline, int) else 0
                self.stmt = _StatementState(el, self.stmt_count, line)
            else:
                yield self._end_statement(el)
        if not saw_message:
            raise StatementError(
                f"no {stmt_local} in this camt.{self.message} file",
                Location(self.file, None, None, f"/Document/{msg_tag}"),
                f"at least one {stmt_local} element",
            )

    def _syntax_error(self, exc: Exception) -> StatementError:
        line: int | None = None
        column: int | None = None
        if isinstance(exc, etree.XMLSyntaxError):
            line, column = exc.position if exc.position else (exc.lineno, None)
            message = (exc.msg or str(exc)).split(", line ")[0]
        else:
            message = str(exc)
        where = ""
        if self.stmt is not None:
            msg_tag, stmt_tag = MESSAGES[self.message]
            where = f"/Document/{msg_tag}/{stmt_tag}[{self.stmt.index}]"
            if self.current_ntry is not None:
                where += f"/Ntry[{self.ntry_index}]"
        return StatementError(
            f"not well-formed XML: {message}",
            Location(self.file, line, column, where),
            "a complete, well-formed camt XML document",
        )

    def _read_root(self) -> None:
        """Check the prolog and the root element before the real pass."""
        context = safe_iterparse(self.path, ("start",), None)
        try:
            _event, root = next(iter(context))
        except StopIteration:
            raise StatementError(
                "no XML element in file", Location(self.file, 1), "a camt XML document"
            ) from None
        except (etree.LxmlError, UnicodeError, ValueError) as exc:
            raise self._syntax_error(exc) from None
        check_docinfo(root, self.path)
        qname = etree.QName(root)
        match = _NS_RE.match(qname.namespace or "")
        if qname.localname != "Document" or match is None:
            raise StatementError(
                f"root element is {root.tag!r}",
                Location(self.file, _line(root), None, f"/{qname.localname}"),
                "Document in a urn:iso:std:iso:20022:tech:xsd:camt.052/053/054.001.xx namespace",
            )
        self.ns = qname.namespace or ""
        self.message, self.version = match.group(1), match.group(2)
        del context

    # ---- statements -----------------------------------------------------------------

    def _state(self, el: etree._Element) -> _StatementState:
        if self.stmt is None:
            raise self.error("entry outside a statement", el, "Ntry inside a statement")
        return self.stmt

    def _read_header(self, st: _StatementState) -> None:
        """Account and currency: ``Acct`` precedes the entries, so it is complete here."""
        if st.header_read:
            return
        st.header_read = True
        acct = self.find(st.element, "Acct")
        if acct is None:
            raise self.error("statement has no account", st.element, "an Acct element", "Acct")
        st.account = self.text(acct, "Id/IBAN") or self.text(acct, "Id/Othr/Id")
        if not st.account:
            raise self.error("account has no identification", acct, "Id/IBAN or Id/Othr/Id", "Id")
        st.account = st.account.replace(" ", "")
        ccy = self.text(acct, "Ccy")
        if ccy:
            if not _CCY_RE.match(ccy):
                raise self.error(
                    f"{ccy!r} is not a currency", acct, "a three-letter ISO 4217 code", "Ccy"
                )
            st.currency = ccy
        else:
            for bal in self.all(st.element, "Bal"):
                amt = self.find(bal, "Amt")
                if amt is not None and amt.get("Ccy"):
                    st.currency = self._currency(amt)
                    break

    def _end_statement(self, el: etree._Element) -> _StatementEnd:
        st = self._state(el)
        self._read_header(st)
        opening, closing = self._balances(st)
        if not st.currency:  # no Acct/Ccy, no balance, no entry: nothing says the currency
            st.currency = ""
        self._check_summary(st)
        end = _StatementEnd(
            account=st.account,
            currency=st.currency,
            opening=opening,
            closing=closing,
            statement_id=self.text(el, "Id"),
            source=f"{self.file}:{st.line}",
        )
        el.clear()
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
        self.stmt = None
        self._cache.clear()
        self._hot = None
        return end

    def _balances(self, st: _StatementState) -> tuple[Balance | None, Balance | None]:
        found: dict[str, Balance] = {}
        for bal in self.all(st.element, "Bal"):
            code = self.text(bal, "Tp/CdOrPrtry/Cd") or self.text(bal, "Tp/CdOrPrtry/Prtry")
            if code not in OPENING_CODES + CLOSING_CODES or code in found:
                continue
            amt_el = self.find(bal, "Amt")
            if amt_el is None:
                raise self.error("balance has no amount", bal, "an Amt element", "Amt")
            amount = self._amount(amt_el)
            ccy = self._currency(amt_el)
            if st.currency and ccy != st.currency:
                raise self.error(
                    f"{code} balance is in {ccy} but the statement is in {st.currency}",
                    amt_el,
                    f"a balance in {st.currency}",
                )
            st.currency = st.currency or ccy
            sign = self._sign(bal, zero_ok=amount == 0)
            date_el = self.find(bal, "Dt")
            date = self._date(bal, "Dt") if date_el is not None else None
            found[code] = Balance(amount * sign, date)
        opening = found.get("OPBD") or found.get("PRCD")
        return opening, found.get("CLBD")

    def _check_summary(self, st: _StatementState) -> None:
        """Compare the totals the bank states (``TxsSummry``) with the entries read."""
        summary = self.find(st.element, "TxsSummry")
        if summary is None or st.skipped:
            return
        checks = (
            ("TtlNtries/NbOfNtries", st.entries, "entries"),
            ("TtlCdtNtries/NbOfNtries", int(st.credits[0]), "credit entries"),
            ("TtlDbtNtries/NbOfNtries", int(st.debits[0]), "debit entries"),
        )
        for path, actual, what in checks:
            stated_text = self.text(summary, path)
            if not stated_text:
                continue
            stated_el = self.find(summary, path)
            assert stated_el is not None
            if not stated_text.isdigit():
                raise self.error(f"{stated_text!r} is not a count", stated_el, "a whole number")
            if int(stated_text) != actual:
                raise self.error(
                    f"the statement says {stated_text} {what} but contains {actual}",
                    stated_el,
                    "the stated number of entries (is the file complete?)",
                )
        for path, actual_sum in (
            ("TtlCdtNtries/Sum", st.credits[1]),
            ("TtlDbtNtries/Sum", st.debits[1]),
        ):
            sum_el = self.find(summary, path)
            if sum_el is not None and (sum_el.text or "").strip():
                stated = self._amount(sum_el)
                if stated != actual_sum:
                    raise self.error(
                        f"the statement says the sum is {stated} but its entries add up "
                        f"to {actual_sum}",
                        sum_el,
                        "entries that add up to the stated sum",
                    )
        net_el = self.find(summary, "TtlNtries/TtlNetNtry")
        if net_el is None:
            net_el = self.find(summary, "TtlNtries/TtlNetNtryAmt")  # v02 name
            if net_el is not None:
                stated_net = self._amount(net_el) * self._sign(self.find(summary, "TtlNtries"))
                self._compare_net(stated_net, st, net_el)
            return
        amt_el = self.find(net_el, "Amt")
        if amt_el is not None:
            stated_net = self._amount(amt_el) * self._sign(net_el, zero_ok=True)
            self._compare_net(stated_net, st, amt_el)

    def _compare_net(self, stated: Decimal, st: _StatementState, el: etree._Element) -> None:
        if stated != st.net:
            raise self.error(
                f"the statement says the net total is {stated} but its entries add up to {st.net}",
                el,
                "entries that add up to the stated net total",
            )

    def _statement_date(self, st: _StatementState, ntry: etree._Element) -> tuple[dt.date, str]:
        """The date for an entry that has neither ``BookgDt`` nor ``ValDt``, and what it is.

        Some banks (a real Lithuanian camt.053, see docs/import.md) date only the statement:
        its balances carry the day, the entries nothing. Refusing such a file loses a whole
        day's statement over a date the file does state, so the entry takes -- with a
        warning on the transaction -- the first of: the closing balance's date (the day the
        entries were booked by), the opening balance's, the end of the statement's period
        (``FrToDt/ToDtTm``: inside the period, where ``CreDtTm`` is often the next
        morning), the statement's ``CreDtTm``, the group header's ``CreDtTm``. All of
        them precede the entries in the file, so they are already parsed here. When none
        is there the entry is refused, as before.
        """
        if not st.fallback_searched:
            st.fallback_searched = True
            st.fallback_date = self._find_statement_date(st)
        if st.fallback_date is None:
            raise self.error(
                "entry has no date, and neither do the statement's balances, period or "
                "creation time",
                ntry,
                "BookgDt or ValDt on the entry (or a dated balance on the statement)",
                "BookgDt",
            )
        return st.fallback_date

    def _find_statement_date(self, st: _StatementState) -> tuple[dt.date, str] | None:
        dated: dict[str, dt.date] = {}
        for bal in self.all(st.element, "Bal"):
            code = self.text(bal, "Tp/CdOrPrtry/Cd") or self.text(bal, "Tp/CdOrPrtry/Prtry")
            wanted = code in OPENING_CODES + CLOSING_CODES and code not in dated
            if wanted and self.find(bal, "Dt") is not None:
                dated[code] = self._date(bal, "Dt")
        for code in CLOSING_CODES:
            if code in dated:
                return dated[code], "statement's closing balance date"
        for code in OPENING_CODES:
            if code in dated:
                return dated[code], "statement's opening balance date"
        period = self.find(st.element, "FrToDt")  # not indexed below: _UNUSED
        period_end = self.find(period, "ToDtTm") if period is not None else None
        if period_end is not None:
            return self._date_of(period_end), "end of the statement's period"
        created = self.find(st.element, "CreDtTm")
        if created is not None:
            return self._date_of(created), "statement's creation date"
        message = st.element.getparent()
        for child in message if message is not None else ():
            if child.tag == f"{{{self.ns}}}GrpHdr":
                created = self.find(child, "CreDtTm")
                if created is not None:
                    return self._date_of(created), "message's creation date"
        return None

    # ---- entries --------------------------------------------------------------------

    def _start_entry(self, el: etree._Element) -> None:
        st = self._state(el)
        if self.current_ntry is not None or el.getparent() is not st.element:
            raise self.error(
                "entry (Ntry) in the wrong place", el, "Ntry directly inside the statement"
            )
        st.entries += 1
        self.ntry_index = st.entries
        self.current_ntry = el

    def _end_entry(self, ntry: etree._Element) -> Iterator[Transaction]:
        st = self._state(ntry)
        self._read_header(st)
        transactions = self._entry(ntry, st)
        # drop the entry (and the one before, already emptied) so memory stays flat
        previous = ntry.getprevious()
        ntry.clear()
        if previous is not None and previous.tag == ntry.tag:
            parent = previous.getparent()
            if parent is not None:
                parent.remove(previous)
        self.current_ntry = None
        self._cache.clear()
        self._hot = None
        yield from transactions

    def _entry(self, ntry: etree._Element, st: _StatementState) -> list[Transaction]:
        amt_el = self.find(ntry, "Amt")
        if amt_el is None:
            raise self.error("entry has no amount", ntry, "an Amt element", "Amt")
        amount = self._amount(amt_el)
        ccy = self._currency(amt_el)
        sign = self._sign(ntry)
        if not st.currency:
            st.currency = ccy
        elif ccy != st.currency:
            raise self.error(
                f"entry is in {ccy} but the statement is in {st.currency}",
                amt_el,
                f"amounts in the statement currency {st.currency}",
            )
        signed = amount * sign
        reversal = self._flag(ntry, "RvslInd")
        status = self.text(ntry, "Sts") or self.text(ntry, "Sts/Cd")
        if status in NOT_BOOKED:
            st.skipped += 1
            return []
        st.net += signed
        bucket = st.credits if sign > 0 else st.debits
        bucket[0] += 1
        bucket[1] += amount
        booking_el = self.find(ntry, "BookgDt")
        value_el = self.find(ntry, "ValDt")
        value_date = self._date(ntry, "ValDt") if value_el is not None else None
        warnings: tuple[str, ...] = ()
        if booking_el is not None:
            booking = self._date(ntry, "BookgDt")
        elif value_date is not None:
            booking = value_date
        else:
            booking, what = self._statement_date(st, ntry)
            warnings = (f"no booking or value date; took the {what} {booking.isoformat()}",)
        entry = _Entry(
            element=ntry,
            amount=signed,
            currency=ccy,
            reversal=reversal,
            booking=booking,
            value_date=value_date,
            ref=self.text(ntry, "AcctSvcrRef"),
            code=self._bank_code(ntry),
            info=self.text(ntry, "AddtlNtryInf"),
            charges=self._charges(ntry, ccy),
            warnings=warnings,
        )
        details = self.all(ntry, "NtryDtls/TxDtls")
        amounts = [self._detail_amount(d, entry) for d in details]
        if len(details) >= 2 and any(a is not None for a in amounts):
            return self._split(entry, details, amounts, st)
        if len(details) == 1 and amounts[0] is not None and amounts[0] != signed:
            d_amt = self.find(details[0], "Amt")
            raise self.error(
                f"the transaction details say {amounts[0]} but the entry amount is {signed}",
                d_amt if d_amt is not None else details[0],
                "details that agree with the entry amount",
            )
        return [self._transaction(entry, details, signed, st, details[0] if details else ntry)]

    def _split(
        self,
        entry: _Entry,
        details: list[etree._Element],
        amounts: list[Decimal | None],
        st: _StatementState,
    ) -> list[Transaction]:
        """A batch entry whose details carry amounts: one transaction per detail."""
        for detail, amt in zip(details, amounts, strict=True):
            if amt is None:
                raise self.error(
                    "this batch detail has no amount while the others have one",
                    detail,
                    "Amt (or AmtDtls/TxAmt/Amt) on every TxDtls of the batch",
                    "Amt",
                )
        total = sum((a for a in amounts if a is not None), Decimal(0))
        if total != entry.amount:
            amt_el = self.find(entry.element, "Amt")
            raise self.error(
                f"the {len(details)} transaction details add up to {total} "
                f"but the entry amount is {entry.amount}",
                amt_el if amt_el is not None else entry.element,
                "batch details (TxDtls) that add up to the entry amount",
            )
        out: list[Transaction] = []
        for index, (detail, amt) in enumerate(zip(details, amounts, strict=True), start=1):
            assert amt is not None
            out.append(self._transaction(entry, [detail], amt, st, detail, index))
        return out

    def _transaction(
        self,
        entry: _Entry,
        details: list[etree._Element],
        amount: Decimal,
        st: _StatementState,
        where: etree._Element,
        split_index: int = 0,
    ) -> Transaction:
        labels: list[str] = []
        refs: list[str] = []
        infos: list[str] = []
        parties: list[_Party] = []
        e2e = ""
        detail_ref = ""
        tx_id = ""
        code = ""
        charges = entry.charges if not split_index else None
        # the related parties of a reversal are those of the original transaction
        incoming = (amount >= 0) != entry.reversal
        for detail in details:
            labels += [t.strip() for t in self._texts(detail, "RmtInf/Ustrd")]
            refs += [r for r in self._texts(detail, "RmtInf/Strd/CdtrRefInf/Ref") if r]
            info = self.text(detail, "AddtlTxInf")
            if info:
                infos.append(info)
            parties.append(self._party(detail, incoming, st.account))
            e2e = e2e or _usable(self.text(detail, "Refs/EndToEndId"))
            detail_ref = detail_ref or _usable(self.text(detail, "Refs/AcctSvcrRef"))
            tx_id = tx_id or _usable(self.text(detail, "Refs/TxId"))
            code = code or self._bank_code(detail)
            if split_index or len(details) == 1:
                detail_charges = self._charges(detail, entry.currency)
                if detail_charges is not None:
                    charges = detail_charges
        label = " ".join(x for x in labels if x) or " ".join(infos) or entry.info
        reference = " ".join(dict.fromkeys(refs))
        distinct = {p for p in parties if not p.empty()}
        party = distinct.pop() if len(distinct) == 1 else _Party()
        if split_index:
            id_ref = detail_ref or tx_id or (f"{entry.ref}/{split_index}" if usable_ref(entry.ref)
                                             else "")  # fmt: skip
        else:
            id_ref = entry.ref if usable_ref(entry.ref) else (detail_ref or tx_id)
        tx = st.ids.allocate(
            st.account,
            entry.booking,
            amount,
            entry.currency,
            label,
            party.name,
            party.account,
            reference,
            e2e,
            bank_ref=id_ref,
        )
        st.count += 1
        if split_index and detail_ref:
            bank_reference = detail_ref
        else:
            bank_reference = _usable(entry.ref) or detail_ref
        line = where.sourceline if isinstance(where.sourceline, int) else st.line
        return Transaction(
            id=tx,
            date=entry.booking,
            amount=amount,
            currency=entry.currency,
            label=label,
            counterparty=party.name,
            iban=party.account,
            reference=reference,
            account=st.account,
            value_date=entry.value_date,
            bank_reference=bank_reference,
            end_to_end_id=e2e,
            bic=party.bic,
            reversal=entry.reversal,
            charges=charges,
            bank_code=code or entry.code,
            source=f"{self.file}:{line}",
            warnings=entry.warnings,
        )

    # ---- fields ---------------------------------------------------------------------

    def _texts(self, el: etree._Element, path: str) -> list[str]:
        return [(x.text or "").strip() for x in self.all(el, path)]

    def _party(self, detail: etree._Element, incoming: bool, own: str) -> _Party:
        """The other side: the debtor of money we receive, the creditor of money we pay."""
        first, second = ("Dbtr", "Cdtr") if incoming else ("Cdtr", "Dbtr")
        party = self._side(detail, first)
        if party.empty():
            other = self._side(detail, second)
            if other.account.upper() != own.upper():
                party = other
        return party

    def _side(self, detail: etree._Element, role: str) -> _Party:
        name = self.text(detail, f"RltdPties/{role}/Nm") or self.text(
            detail, f"RltdPties/{role}/Pty/Nm"
        )
        acct = self.text(detail, f"RltdPties/{role}Acct/Id/IBAN") or self.text(
            detail, f"RltdPties/{role}Acct/Id/Othr/Id"
        )
        bic = self.text(detail, f"RltdAgts/{role}Agt/FinInstnId/BICFI") or self.text(
            detail, f"RltdAgts/{role}Agt/FinInstnId/BIC"
        )
        return _Party(" ".join(name.split()), acct.replace(" ", "").upper(), bic)

    def _bank_code(self, el: etree._Element) -> str:
        domain = self.text(el, "BkTxCd/Domn/Cd")
        if domain:
            family = self.text(el, "BkTxCd/Domn/Fmly/Cd")
            sub = self.text(el, "BkTxCd/Domn/Fmly/SubFmlyCd")
            return "/".join(x for x in (domain, family, sub) if x)
        return self.text(el, "BkTxCd/Prtry/Cd")

    def _detail_amount(self, detail: etree._Element, entry: _Entry) -> Decimal | None:
        """Signed amount a TxDtls carries in the entry's currency, or None when it has none."""
        amt_el = self.find(detail, "Amt")
        if amt_el is None:
            amt_el = self.find(detail, "AmtDtls/TxAmt/Amt")
        if amt_el is None:
            return None
        amount = self._amount(amt_el)
        ccy = self._currency(amt_el)
        if ccy != entry.currency:
            raise self.error(
                f"the transaction detail amount is in {ccy} but the entry is in {entry.currency}",
                amt_el,
                f"detail amounts in the entry currency {entry.currency}",
            )
        if self.find(detail, "CdtDbtInd") is not None:
            return amount * self._sign(detail)
        return amount if entry.amount >= 0 else -amount

    def _charges(self, el: etree._Element, currency: str) -> Decimal | None:
        """Total charges reported on an entry or a detail (v02 list or v03+ records)."""
        blocks = self.all(el, "Chrgs")
        if not blocks:
            return None
        amounts: list[etree._Element] = []
        for block in blocks:
            total = self.find(block, "TtlChrgsAndTaxAmt")
            if total is not None:
                amounts.append(total)
                continue
            amounts += self.all(block, "Rcrd/Amt") + self.all(block, "Amt")
        result = Decimal(0)
        for amt_el in amounts:
            value = self._amount(amt_el)
            ccy = self._currency(amt_el)
            if ccy != currency:
                raise self.error(
                    f"charges are in {ccy} but the entry is in {currency}",
                    amt_el,
                    f"charges in {currency}",
                )
            result += value
        return result if amounts else None

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
        if not _CCY_RE.match(ccy):
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


@dataclass(slots=True)
class _Entry:
    """The entry-level facts every transaction of an entry shares."""

    element: etree._Element
    amount: Decimal
    currency: str
    reversal: bool
    booking: dt.date
    value_date: dt.date | None
    ref: str
    code: str
    info: str
    charges: Decimal | None
    warnings: tuple[str, ...] = ()  # what was assumed for this entry (a date taken elsewhere)


def _line(el: etree._Element) -> int | None:
    return el.sourceline if isinstance(el.sourceline, int) else None


def _usable(ref: str) -> str:
    return ref if usable_ref(ref) else ""
