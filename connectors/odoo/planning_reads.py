"""The reads write-back plans are made on: each line's entry as it is now, the invoices'
open journal items, the company's accounts.

They are re-read (in batches) just before writing, never taken from the sync's first read,
because a person or another run may have booked a line since: the plan must be made on what
Odoo holds now, and the add-on re-checks the suspense item it was made on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from connectors.odoo.plan_data import Accounts, InvoiceLine, LineState, MoveLine
from connectors.odoo.reader import BankJournal, Currencies, to_decimal
from connectors.odoo.transport import OdooTransport

RECONCILABLE_TYPES = ["asset_receivable", "liability_payable"]


class PlanningReader:
    """Batched reads of one bank journal's lines and the invoices they would pay."""

    def __init__(
        self, transport: OdooTransport, journal: BankJournal, currencies: Currencies
    ) -> None:
        self.t = transport
        self.journal = journal
        self.currencies = currencies
        self._accounts: Accounts | None = None

    def accounts(self) -> Accounts:
        """Account ids by code, the company's internal transfer account and its taxes (one
        read each)."""
        if self._accounts is None:
            rows = self.t.execute_kw(
                "account.account",
                "search_read",
                [[("company_id", "=", self.journal.company_id)]],
                {"fields": ["code"]},
            )
            company = self.t.execute_kw(
                "res.company",
                "read",
                [[self.journal.company_id]],
                {"fields": ["transfer_account_id"]},
            )[0]
            transfer = company.get("transfer_account_id")
            taxes = self.t.execute_kw(
                "account.tax",
                "search_read",
                [[("company_id", "=", self.journal.company_id)]],
                {"fields": ["name", "type_tax_use"]},
            )
            self._accounts = Accounts(
                by_code={r["code"]: r["id"] for r in rows},
                transfer_account_id=transfer[0] if transfer else None,
                taxes_by_name={(t["type_tax_use"], t["name"]): t["id"] for t in taxes},
                tax_ids=frozenset(t["id"] for t in taxes),
            )
        return self._accounts

    def read_states(self, line_ids: Sequence[int]) -> dict[int, LineState]:
        """The current shape of each statement line's entry (two or three calls per batch)."""
        if not line_ids:
            return {}
        cur = self.journal.currency
        lines = self.t.execute_kw(
            "account.bank.statement.line",
            "read",
            [list(line_ids)],
            {"fields": ["move_id", "amount", "foreign_currency_id"]},
        )
        move_ids = [r["move_id"][0] for r in lines]
        amls = self.t.execute_kw(
            "account.move.line",
            "search_read",
            [[("move_id", "in", move_ids)]],
            {
                "fields": [
                    "move_id",
                    "account_id",
                    "amount_currency",
                    "balance",
                    "currency_id",
                    "company_currency_id",
                    "name",
                    "partner_id",
                    "reconciled",
                    "matched_debit_ids",
                    "matched_credit_ids",
                ],
                "order": "id",
            },
        )
        matched = self._matched_moves(
            [a for a in amls if a["matched_debit_ids"] or a["matched_credit_ids"]]
        )
        by_move: dict[int, list[dict[str, Any]]] = {}
        for a in amls:
            by_move.setdefault(a["move_id"][0], []).append(a)
        states: dict[int, LineState] = {}
        for r in lines:
            move_id = r["move_id"][0]
            liquidity = suspense = None
            others: list[MoveLine] = []
            base = cur
            for a in by_move.get(move_id, []):
                base = self.currencies.code(a["company_currency_id"], cur)
                currency = self.currencies.code(a["currency_id"], cur)
                ml = MoveLine(
                    id=a["id"],
                    account_id=a["account_id"][0],
                    amount=to_decimal(a["amount_currency"], currency),
                    name=a["name"] or "",
                    partner_id=a["partner_id"][0] if a["partner_id"] else None,
                    reconciled=bool(a["reconciled"]),
                    matched_move_ids=tuple(sorted(matched.get(a["id"], ()))),
                    balance=to_decimal(a["balance"], base),
                    currency=currency,
                )
                if ml.account_id == self.journal.default_account_id and liquidity is None:
                    liquidity = ml
                elif ml.account_id == self.journal.suspense_account_id and suspense is None:
                    suspense = ml
                else:
                    others.append(ml)
            states[r["id"]] = LineState(
                line_id=r["id"],
                move_id=move_id,
                amount=to_decimal(r["amount"], cur),
                currency=cur,
                liquidity=liquidity,
                suspense=suspense,
                others=tuple(others),
                # a transaction currency of its own; a journal in a foreign currency is fine
                foreign_currency=bool(r["foreign_currency_id"]),
                company_currency=base,
            )
        return states

    def _matched_moves(self, amls: list[dict[str, Any]]) -> dict[int, set[int]]:
        """For reconciled bank journal items: the entries they are reconciled with."""
        partial_ids = sorted(
            {p for a in amls for p in a["matched_debit_ids"] + a["matched_credit_ids"]}
        )
        if not partial_ids:
            return {}
        partials = self.t.execute_kw(
            "account.partial.reconcile",
            "read",
            [partial_ids],
            {"fields": ["debit_move_id", "credit_move_id"]},
        )
        pairs = [(p["debit_move_id"][0], p["credit_move_id"][0]) for p in partials]
        other_ids = sorted({x for pair in pairs for x in pair})
        moves = self.t.execute_kw("account.move.line", "read", [other_ids], {"fields": ["move_id"]})
        move_of = {m["id"]: m["move_id"][0] for m in moves}
        ours = {a["id"] for a in amls}
        result: dict[int, set[int]] = {}
        for debit, credit in pairs:
            for mine, theirs in ((debit, credit), (credit, debit)):
                if mine in ours:
                    result.setdefault(mine, set()).add(move_of[theirs])
        return result

    def read_invoice_lines(self, item_ids: Iterable[str]) -> dict[str, list[InvoiceLine]]:
        """Open receivable/payable journal items of the given invoices (one call): what is
        open in the invoice's currency and in the company's (the value it is booked at)."""
        ids = sorted({int(i) for i in item_ids if str(i).isdigit()})
        if not ids:
            return {}
        rows = self.t.execute_kw(
            "account.move.line",
            "search_read",
            [
                [
                    ("move_id", "in", ids),
                    ("account_id.account_type", "in", RECONCILABLE_TYPES),
                    ("reconciled", "=", False),
                    ("parent_state", "=", "posted"),
                ]
            ],
            {
                "fields": [
                    "move_id",
                    "move_name",
                    "account_id",
                    "partner_id",
                    "amount_residual_currency",
                    "amount_residual",
                    "currency_id",
                    "company_currency_id",
                    "date_maturity",
                ],
                "order": "id",
            },
        )
        result: dict[str, list[InvoiceLine]] = {}
        for r in rows:
            currency = self.currencies.code(r["currency_id"])
            base = self.currencies.code(r["company_currency_id"], currency)
            result.setdefault(str(r["move_id"][0]), []).append(
                InvoiceLine(
                    id=r["id"],
                    item_id=str(r["move_id"][0]),
                    number=r["move_name"] or str(r["move_id"][0]),
                    account_id=r["account_id"][0],
                    partner_id=r["partner_id"][0] if r["partner_id"] else None,
                    residual=to_decimal(r["amount_residual_currency"], currency),
                    currency=currency,
                    due=r["date_maturity"] or "",
                    company_residual=to_decimal(r["amount_residual"], base),
                )
            )
        return result
