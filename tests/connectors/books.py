"""Test data in a real Odoo through plain RPC, shared by the Odoo integration tests."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from bankrec.model import Transaction
from connectors.odoo.reader import Currencies, find_journal
from connectors.odoo.statement_import import StatementImporter
from connectors.odoo.transport import OdooTransport
from connectors.odoo.writer import OdooWriter
from tests.odoo_server import LocalOdoo

_codes = itertools.count(1)


class Books:
    """Test data in Odoo through plain RPC (what an accountant would enter)."""

    def __init__(self, server: LocalOdoo, protocol: str = "xmlrpc") -> None:
        self.server = server
        self.t: OdooTransport = server.transport(protocol)
        self.code = f"BR{next(_codes)}"
        self.journal_id = self.t.execute_kw(
            "account.journal",
            "create",
            [{"name": f"Bank {self.code}", "code": self.code, "type": "bank"}],
        )
        self.currency = self.t.execute_kw(
            "res.company", "read", [[1]], {"fields": ["currency_id"]}
        )[0]["currency_id"][1]

    def partner(self, name: str) -> int:
        pid: int = self.t.execute_kw("res.partner", "create", [{"name": name, "is_company": True}])
        return pid

    def invoice(self, partner: int, amount: str, kind: str = "out_invoice") -> tuple[int, str]:
        line = {
            "name": "service",
            "quantity": 1,
            "price_unit": float(amount),
            "tax_ids": [(6, 0, [])],
        }
        move = self.t.execute_kw(
            "account.move",
            "create",
            [
                {
                    "move_type": kind,
                    "partner_id": partner,
                    "invoice_date": "2026-11-01",
                    "invoice_line_ids": [(0, 0, line)],
                }
            ],
        )
        self.t.execute_kw("account.move", "action_post", [[move]])
        name = self.t.execute_kw("account.move", "read", [[move]], {"fields": ["name"]})[0]["name"]
        return move, name

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
