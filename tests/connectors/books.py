"""Test data in a real Odoo through plain RPC, shared by the Odoo integration tests."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from decimal import Decimal
from typing import Any
from unittest.mock import patch

from bankrec.model import Transaction
from connectors.odoo.errors import ConnectorError
from connectors.odoo.lock import JournalLock
from connectors.odoo.reader import Currencies, find_journal
from connectors.odoo.statement_import import StatementImporter
from connectors.odoo.sync import SyncReport, sync
from connectors.odoo.transport import OdooTransport
from connectors.odoo.writer import OdooWriter
from tests.odoo_server import LocalOdoo

_codes = itertools.count(1)
# the first words of partner names: no two partners of a seeded journal share one, so the
# matcher never takes one for another
PLANTS = [
    "Ahorn",
    "Birke",
    "Distel",
    "Eibe",
    "Farn",
    "Ginster",
    "Hasel",
    "Iris",
    "Jasmin",
    "Kiefer",
    "Linde",
    "Mohn",
    "Nessel",
    "Orchidee",
    "Pappel",
    "Quitte",
    "Rose",
    "Salbei",
    "Tanne",
    "Ulme",
    "Veilchen",
    "Weide",
    "Ysop",
    "Zeder",
    "Akazie",
    "Buche",
    "Efeu",
    "Flieder",
    "Holunder",
    "Kastanie",
    "Lavendel",
    "Magnolie",
    "Narzisse",
    "Oleander",
    "Primel",
    "Rittersporn",
    "Schilf",
    "Thymian",
    "Wacholder",
    "Zypresse",
]
TRADES = ("Bau AG", "Druckerei GmbH", "Transporte KG", "Beratung SA", "Software Oy")


class Books:
    """Test data in Odoo through plain RPC (what an accountant would enter)."""

    def __init__(
        self, server: LocalOdoo, protocol: str = "xmlrpc", *, currency_id: int | None = None
    ) -> None:
        """A new bank journal of the demo company, in its currency or ``currency_id``."""
        self.server = server
        self.t: OdooTransport = server.transport(protocol)
        self.code = f"BR{next(_codes)}"
        journal: dict[str, Any] = {"name": f"Bank {self.code}", "code": self.code, "type": "bank"}
        if currency_id is not None:
            journal["currency_id"] = currency_id
        self.journal_id = self.t.execute_kw("account.journal", "create", [journal])
        own = self.t.execute_kw(
            "account.journal", "read", [[self.journal_id]], {"fields": ["currency_id"]}
        )[0]["currency_id"]
        company = self.t.execute_kw("res.company", "read", [[1]], {"fields": ["currency_id"]})
        self.currency: str = (own or company[0]["currency_id"])[1]

    def partner(self, name: str) -> int:
        pid: int = self.t.execute_kw("res.partner", "create", [{"name": name, "is_company": True}])
        return pid

    def invoice(
        self, partner: int, amount: str, kind: str = "out_invoice", *, currency_id: int = 0
    ) -> tuple[int, str]:
        line = {
            "name": "service",
            "quantity": 1,
            "price_unit": float(amount),
            "tax_ids": [(6, 0, [])],
        }
        vals = {
            "move_type": kind,
            "partner_id": partner,
            "invoice_date": "2026-11-01",
            "invoice_line_ids": [(0, 0, line)],
        }
        if currency_id:
            vals["currency_id"] = currency_id
        move = self.t.execute_kw("account.move", "create", [vals])
        self.t.execute_kw("account.move", "action_post", [[move]])
        name = self.t.execute_kw("account.move", "read", [[move]], {"fields": ["name"]})[0]["name"]
        return move, name

    def invoices(self, specs: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Several customer invoices (partner, amount) posted in three calls, in order."""
        vals = [
            {
                "move_type": "out_invoice",
                "partner_id": partner,
                "invoice_date": "2026-11-01",
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "service",
                            "quantity": 1,
                            "price_unit": float(amount),
                            "tax_ids": [(6, 0, [])],
                        },
                    )
                ],
            }
            for partner, amount in specs
        ]
        moves: list[int] = self.t.execute_kw("account.move", "create", [vals])
        self.t.execute_kw("account.move", "action_post", [moves])
        rows = self.t.execute_kw("account.move", "read", [moves], {"fields": ["name"]})
        names = {r["id"]: r["name"] for r in rows}
        return [(m, names[m]) for m in moves]

    def payments(self, prefix: str, lines: int, invoices: int) -> list[int]:
        """``lines`` statement lines paying ``invoices`` invoices exactly (the first
        ``invoices - lines`` lines pay two invoices of their partner, the others one), each
        line naming its invoices and its partner; returns the invoice ids."""
        assert lines <= invoices <= 2 * lines
        names = [f"{PLANTS[k]} {TRADES[k % len(TRADES)]}" for k in range(lines)]
        base = 300 + 1000 * int(self.code[2:])  # amounts of no other Books of the session
        owed = [
            [f"{base + 17 * k}.{k % 100:02d}"]
            + ([f"{base // 3 + 13 * k}.25"] if k < invoices - lines else [])
            for k in range(lines)
        ]
        partners = [self.partner(name) for name in names]
        made = self.invoices(
            [(p, a) for p, amounts in zip(partners, owed, strict=True) for a in amounts]
        )
        txs, moves = [], iter(made)
        for k, (name, amounts) in enumerate(zip(names, owed, strict=True)):
            numbers = " ".join(next(moves)[1] for _a in amounts)
            total = sum((Decimal(a) for a in amounts), Decimal(0))
            txs.append(self.tx(f"{prefix}{k}", str(total), f"Zahlung {numbers}", name.upper()))
        self.importer().import_transactions(txs)
        return [m for m, _n in made]

    def states(self, moves: list[int]) -> list[tuple[str, float]]:
        rows = self.t.execute_kw(
            "account.move", "read", [moves], {"fields": ["payment_state", "amount_residual"]}
        )
        by_id = {r["id"]: (r["payment_state"], r["amount_residual"]) for r in rows}
        return [by_id[m] for m in moves]

    def lines(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.t.execute_kw(
            "account.bank.statement.line",
            "search_read",
            [[("journal_id", "=", self.journal_id)]],
            {"fields": ["ref", "is_reconciled", "amount"], "order": "id"},
        )
        return rows

    def partials(self) -> int:
        count: int = self.t.execute_kw(
            "account.partial.reconcile", "search_count", [[("company_id", "=", 1)]]
        )
        return count

    def tx(self, tid: str, amount: str, label: str, counterparty: str) -> Transaction:
        return Transaction(
            tid,
            dt.date(2026, 11, 10),
            Decimal(amount),
            self.currency,
            label=label,
            counterparty=counterparty,
        )

    def writer(self, *, addon: bool = False) -> OdooWriter:
        cur = Currencies(self.t)
        return OdooWriter(self.t, find_journal(self.t, self.code, cur), cur, addon=addon)

    def importer(self) -> StatementImporter:
        return StatementImporter(self.t, find_journal(self.t, self.code, Currencies(self.t)))


def currency_with_rates(t: OdooTransport, code: str, rates: dict[str, float]) -> int:
    """The id of currency ``code``, activated, with the demo company's rates on the given
    days (``{"2026-11-01": 0.8}``: 0.8 units per unit of the company's currency), created
    unless there already."""
    (currency,) = t.execute_kw(
        "res.currency",
        "search_read",
        [[("name", "=", code), ("active", "in", [True, False])]],
        {"fields": ["id"]},
    )
    cid: int = currency["id"]
    t.execute_kw("res.currency", "write", [[cid], {"active": True}])
    for day, rate in rates.items():
        domain = [("currency_id", "=", cid), ("name", "=", day), ("company_id", "=", 1)]
        if not t.execute_kw("res.currency.rate", "search_count", [domain]):
            t.execute_kw(
                "res.currency.rate",
                "create",
                [{"currency_id": cid, "name": day, "rate": rate, "company_id": 1}],
            )
    return cid


def race(server: LocalOdoo, code: str, *, use_addon: bool) -> list[SyncReport | ConnectorError]:
    """Two syncs of journal ``code`` started at the same instant, each with its own
    connection (two threads, as two people or two cron jobs would); their reports, or the
    error each raised, in no particular order.

    The runs really overlap: whichever takes the journal's lock first holds it until the
    other has tried (or 60 s passed). Without that, a run quick enough could finish before
    the other even asked, and the race would test nothing."""
    barrier = threading.Barrier(2)
    other_tried = threading.Event()
    results: list[SyncReport | ConnectorError] = []
    enter = JournalLock.__enter__

    def enter_and_hold(self: JournalLock) -> JournalLock:
        try:
            taken = enter(self)
        except ConnectorError:
            other_tried.set()
            raise
        other_tried.wait(timeout=60)
        other_tried.set()  # the other run, coming later, does not wait for anyone
        return taken

    def run() -> None:
        transport = server.transport()
        barrier.wait(timeout=60)
        try:
            results.append(sync(transport, code, use_addon=use_addon))
        except ConnectorError as exc:
            results.append(exc)

    with patch.object(JournalLock, "__enter__", enter_and_hold):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
    assert len(results) == 2, "a sync of the race did not finish"
    return results
