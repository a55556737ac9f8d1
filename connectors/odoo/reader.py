"""Batched reads from Odoo 17: open items, bank journals, unreconciled statement lines.

A sync makes a handful of calls whatever the volume: one ``search_read`` per page of
records (paged by id, so 100,000+ invoices are read in steady pages without OFFSET
scans), always with explicit field lists (fewer bytes, and JSON-RPC cannot serialise two
computed fields of ``account.move``), and one batched read of partner bank accounts.

Amounts: Odoo stores monetary values as PostgreSQL NUMERIC rounded to the currency's
decimals, and sends them as floats. A float holds any decimal of up to 15 significant
digits so that Python's shortest ``repr`` gives that decimal back; rounding to the currency
digits first removes noise a computed (summed) field may carry. So
``Decimal(str(round(x, digits)))`` recovers the stored value exactly for every amount
below 10**13 in a 2-decimal currency; see :func:`to_decimal`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bankrec.model import ItemKind, OpenItem, Transaction
from bankrec.money import quantize
from connectors.odoo.errors import ConnectorError
from connectors.odoo.transport import OdooTransport

OPEN_ITEM_KINDS = tuple(k.value for k in ItemKind)
MOVE_FIELDS = [
    "name",
    "move_type",
    "partner_id",
    "commercial_partner_id",
    "invoice_date",
    "invoice_date_due",
    "date",
    "amount_total",
    "amount_residual",
    "currency_id",
    "payment_reference",
    "ref",
    "payment_state",
]
LINE_FIELDS = [
    "date",
    "amount",
    "payment_ref",
    "partner_name",
    "account_number",
    "partner_id",
    "foreign_currency_id",
    "amount_currency",
    "amount_residual",
    "is_reconciled",
    "ref",
    "move_id",
    "journal_id",
]
IMPORT_PREFIX = "bankrec:"  # statement lines bankrec creates carry ref = IMPORT_PREFIX + tx id
PAGE_SIZE = 5000


def to_decimal(value: float | int | bool | None, currency: str) -> Decimal:
    """An Odoo monetary float as the exact Decimal it stands for (see module docstring)."""
    if value is None or value is False:
        return quantize(Decimal(0), currency)
    from bankrec.money import exponent

    return quantize(Decimal(str(round(float(value), exponent(currency)))), currency)


def _m2o_id(value: Any) -> int | None:
    return int(value[0]) if isinstance(value, list | tuple) and value else None


def _m2o_name(value: Any) -> str:
    return str(value[1]) if isinstance(value, list | tuple) and len(value) > 1 else ""


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class BankJournal:
    """A bank journal and the accounts its statement lines use."""

    id: int
    code: str
    name: str
    currency: str  # the journal's currency, else the company's
    default_account_id: int
    suspense_account_id: int | None
    company_id: int
    foreign: bool  # journal currency differs from the company currency
    company_name: str = ""


@dataclass(frozen=True, slots=True)
class StatementLineRef:
    """Where a Transaction read from Odoo lives: the statement line and its entry."""

    line_id: int
    move_id: int
    journal_id: int


def search_read_pages(
    transport: OdooTransport,
    model: str,
    domain: list[Any],
    fields: Sequence[str],
    *,
    page_size: int = PAGE_SIZE,
) -> Iterator[list[dict[str, Any]]]:
    """Yield pages of records ordered by id, each page one ``search_read`` (``id > last``)."""
    last = 0
    while True:
        page: list[dict[str, Any]] = transport.execute_kw(
            model,
            "search_read",
            [[*domain, ("id", ">", last)]],
            {"fields": list(fields), "order": "id", "limit": page_size},
        )
        if page:
            yield page
        if len(page) < page_size:
            return
        last = page[-1]["id"]


class Currencies:
    """Currency ids to ISO codes, read once per sync (one call)."""

    def __init__(self, transport: OdooTransport) -> None:
        rows = transport.execute_kw(
            "res.currency",
            "search_read",
            [[("active", "in", [True, False])]],
            {"fields": ["name", "decimal_places"]},
        )
        self.codes: dict[int, str] = {r["id"]: r["name"] for r in rows}
        self.ids: dict[str, int] = {r["name"]: r["id"] for r in rows}

    def code(self, value: Any, default: str = "") -> str:
        cid = _m2o_id(value)
        return self.codes.get(cid, default) if cid is not None else default


def read_bank_journals(transport: OdooTransport, currencies: Currencies) -> list[BankJournal]:
    """All bank journals the user can see (two calls: journals, then the companies' names and
    currencies)."""
    rows = transport.execute_kw(
        "account.journal",
        "search_read",
        [[("type", "=", "bank")]],
        {
            "fields": [
                "code",
                "name",
                "currency_id",
                "default_account_id",
                "suspense_account_id",
                "company_id",
            ]
        },
    )
    company_ids = sorted({cid for r in rows if (cid := _m2o_id(r["company_id"])) is not None})
    companies = transport.execute_kw(
        "res.company", "read", [company_ids], {"fields": ["name", "currency_id"]}
    )
    company_currency = {c["id"]: currencies.code(c["currency_id"]) for c in companies}
    company_name = {c["id"]: _text(c["name"]) for c in companies}
    journals = []
    for r in rows:
        company_id = _m2o_id(r["company_id"]) or 0
        base = company_currency.get(company_id, "")
        currency = currencies.code(r["currency_id"], base)
        journals.append(
            BankJournal(
                id=r["id"],
                code=r["code"],
                name=r["name"],
                currency=currency,
                default_account_id=_m2o_id(r["default_account_id"]) or 0,
                suspense_account_id=_m2o_id(r["suspense_account_id"]),
                company_id=company_id,
                foreign=currency != base,
                company_name=company_name.get(company_id) or _m2o_name(r["company_id"]),
            )
        )
    return journals


def find_journal(
    transport: OdooTransport,
    code: str,
    currencies: Currencies,
    company: str | int | None = None,
) -> BankJournal:
    """The bank journal with ``code`` (in ``company``: its id, or its name in any case).

    Journal codes are unique per company only (Odoo's Belgian demo data has two companies
    each with a ``BNK1``), so a code found in several companies is refused with the
    candidates listed rather than guessed: booking on another company's journal would pay
    that company's invoices with this bank's money. A clear error lists what exists when
    nothing fits.
    """
    journals = read_bank_journals(transport, currencies)
    found = [j for j in journals if j.code.upper() == code.upper()]
    if not found:
        known = ", ".join(sorted({j.code for j in journals})) or "none"
        raise ConnectorError(f"no bank journal with code {code!r} in Odoo (bank journals: {known})")
    if company is not None and str(company).strip():
        wanted = str(company).strip()
        chosen = [
            j
            for j in found
            if (wanted.isdigit() and j.company_id == int(wanted))
            or j.company_name.casefold() == wanted.casefold()
        ]
        if not chosen:
            raise ConnectorError(
                f"no bank journal with code {code!r} in company {wanted!r} "
                f"(it exists in: {_companies(found)})"
            )
        found = chosen
    if len(found) > 1:
        raise ConnectorError(
            f"journal code {code!r} exists in {len(found)} companies: {_companies(found)}; "
            "choose one with --company"
        )
    return found[0]


def _companies(journals: Sequence[BankJournal]) -> str:
    """``'My Company' (id 1), 'My Belgian Company' (id 2)``, by company id."""
    return ", ".join(
        f"{j.company_name!r} (id {j.company_id})"
        for j in sorted(journals, key=lambda j: (j.company_id, j.id))
    )


def read_open_items(
    transport: OdooTransport,
    currencies: Currencies,
    *,
    page_size: int = PAGE_SIZE,
    company_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[OpenItem]:
    """Posted invoices, bills and credit notes with money left to pay, as OpenItems.

    One ``search_read`` per page of ``page_size`` moves, then the partners' bank accounts in
    one ``search_read`` per 20,000 partners.
    """
    domain: list[Any] = [
        ("move_type", "in", list(OPEN_ITEM_KINDS)),
        ("state", "=", "posted"),
        ("amount_residual", ">", 0),
    ]
    if company_id is not None:
        domain.append(("company_id", "=", company_id))
    rows: list[dict[str, Any]] = []
    for page in search_read_pages(
        transport, "account.move", domain, MOVE_FIELDS, page_size=page_size
    ):
        rows.extend(page)
        if progress:
            progress(len(page))
    partner_ids = sorted({pid for r in rows if (pid := _m2o_id(r["commercial_partner_id"]))})
    ibans = read_partner_ibans(transport, partner_ids)
    return [_open_item(r, currencies, ibans) for r in rows]


def read_partner_ibans(
    transport: OdooTransport, partner_ids: Sequence[int], *, chunk: int = 20000
) -> dict[int, tuple[str, ...]]:
    """Bank account numbers per partner (normalised: no spaces, upper case)."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(partner_ids), chunk):
        ids = list(partner_ids[start : start + chunk])
        rows = transport.execute_kw(
            "res.partner.bank",
            "search_read",
            [[("partner_id", "in", ids)]],
            {"fields": ["partner_id", "acc_number"]},
        )
        for r in rows:
            pid = _m2o_id(r["partner_id"])
            if pid is not None and r["acc_number"]:
                found.setdefault(pid, []).append(r["acc_number"].replace(" ", "").upper())
    return {pid: tuple(sorted(set(v))) for pid, v in found.items()}


def _open_item(
    row: dict[str, Any], currencies: Currencies, ibans: dict[int, tuple[str, ...]]
) -> OpenItem:
    currency = currencies.code(row["currency_id"])
    partner = row["commercial_partner_id"] or row["partner_id"]
    pid = _m2o_id(partner)
    doc_date = _date(row["invoice_date"]) or _date(row["date"]) or dt.date.today()
    return OpenItem(
        id=str(row["id"]),
        kind=ItemKind(row["move_type"]),
        number=_text(row["name"]),
        partner=_m2o_name(partner),
        date=doc_date,
        due_date=_date(row["invoice_date_due"]),
        amount=to_decimal(row["amount_total"], currency),
        residual=to_decimal(row["amount_residual"], currency),
        currency=currency,
        reference=_text(row["payment_reference"]) or _text(row["ref"]),
        partner_id=str(pid) if pid else "",
        partner_ibans=ibans.get(pid, ()) if pid else (),
    )


def read_statement_lines(
    transport: OdooTransport,
    journal: BankJournal,
    currencies: Currencies,
    *,
    page_size: int = PAGE_SIZE,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Transaction], dict[str, StatementLineRef], int]:
    """Unreconciled statement lines of ``journal`` that nobody has started to book.

    Returns the transactions, where each lives in Odoo (by transaction id), and how many
    unreconciled lines were skipped because part of them is already booked (a person
    started them; bankrec leaves them alone).
    """
    domain: list[Any] = [("journal_id", "=", journal.id), ("is_reconciled", "=", False)]
    transactions: list[Transaction] = []
    refs: dict[str, StatementLineRef] = {}
    partly = 0
    for page in search_read_pages(
        transport, "account.bank.statement.line", domain, LINE_FIELDS, page_size=page_size
    ):
        for row in page:
            tx = statement_line_to_transaction(row, journal, currencies)
            # untouched: the whole amount is still on the suspense line
            if to_decimal(row["amount_residual"], journal.currency) != -tx.amount:
                partly += 1
                continue
            transactions.append(tx)
            refs[tx.id] = StatementLineRef(row["id"], _m2o_id(row["move_id"]) or 0, journal.id)
        if progress:
            progress(len(page))
    return transactions, refs, partly


def statement_line_to_transaction(
    row: dict[str, Any], journal: BankJournal, currencies: Currencies
) -> Transaction:
    """Map one ``account.bank.statement.line`` record to a Transaction.

    The id is the import id bankrec stored in ``ref`` when it created the line, else
    ``odoo-line-<id>`` (stable for lines entered any other way).
    """
    ref = _text(row.get("ref"))
    tx_id = ref[len(IMPORT_PREFIX) :] if ref.startswith(IMPORT_PREFIX) else f"odoo-line-{row['id']}"
    currency = journal.currency
    return Transaction(
        id=tx_id,
        date=_date(row["date"]) or dt.date.today(),
        amount=to_decimal(row["amount"], currency),
        currency=currency,
        label=_text(row["payment_ref"]),
        counterparty=_text(row["partner_name"]) or _m2o_name(row["partner_id"]),
        iban=_text(row["account_number"]).replace(" ", "").upper(),
        account=journal.code,
        source=f"odoo:account.bank.statement.line/{row['id']}",
    )
