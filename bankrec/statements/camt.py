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

The work is shared by three modules under one reader class: :mod:`.camt_xml` (element
index, error locations, value parsing), :mod:`.camt_entries` (an entry into its
transactions) and :mod:`.camt_balances` (balances and stated totals); this module runs the
streaming pass and is the format's public face (``NAME``, ``sniff``, ``read``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from bankrec.errors import Location, StatementError
from bankrec.model import Balance, Statement, Transaction
from bankrec.statements.camt_balances import StatementChecks
from bankrec.statements.camt_entries import EntryReader
from bankrec.statements.camt_xml import CCY_RE, StatementState, line_of
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
    warnings: tuple[str, ...] = ()  # what was assumed about the statement (its balances' sign)

    def statement(self, transactions: tuple[Transaction, ...]) -> Statement:
        return Statement(
            account=self.account,
            currency=self.currency,
            transactions=transactions,
            opening=self.opening,
            closing=self.closing,
            statement_id=self.statement_id,
            source=self.source,
            statement_warnings=self.warnings,
        )


class _Reader(EntryReader, StatementChecks):
    """One pass over one camt file."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.message = ""
        self.version = ""
        self.stmt_tag = ""
        self.stmt_count = 0

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
                self.stmt = StatementState(el, self.stmt_count, line)
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
        try:
            qname = etree.QName(root)
        except ValueError:  # a namespace lxml itself cannot name, e.g. one with a "}"
            raise StatementError(
                f"root element {root.tag!r} has an invalid name",
                Location(self.file, line_of(root)),
                "Document in a urn:iso:std:iso:20022:tech:xsd:camt.052/053/054.001.xx namespace",
            ) from None
        match = _NS_RE.match(qname.namespace or "")
        if qname.localname != "Document" or match is None:
            raise StatementError(
                f"root element is {root.tag!r}",
                Location(self.file, line_of(root), None, f"/{qname.localname}"),
                "Document in a urn:iso:std:iso:20022:tech:xsd:camt.052/053/054.001.xx namespace",
            )
        self.ns = qname.namespace or ""
        self.message, self.version = match.group(1), match.group(2)
        del context

    # ---- statements -----------------------------------------------------------------

    def _state(self, el: etree._Element) -> StatementState:
        if self.stmt is None:
            raise self.error("entry outside a statement", el, "Ntry inside a statement")
        return self.stmt

    def _read_header(self, st: StatementState) -> None:
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
            if not CCY_RE.match(ccy):
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
        opening, closing, warnings = self._balances(st)
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
            warnings=warnings,
        )
        el.clear()
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
        self.stmt = None
        self._cache.clear()
        self._hot = None
        return end

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
