"""Create statement lines on a bank journal from imported transactions, never twice.

Community 17 has no ``unique_import_id`` on statement lines, so each line carries the
transaction's stable import id in ``ref`` (``bankrec:<id>``); lines whose ref exists are not
created again, and importing the same or an overlapping file twice creates nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bankrec.model import Transaction
from connectors.odoo.errors import ConnectorError
from connectors.odoo.reader import IMPORT_PREFIX, BankJournal
from connectors.odoo.transport import OdooTransport


@dataclass
class ImportReport:
    """Result of creating statement lines from a file."""

    created: int = 0
    existing: int = 0
    line_ids: list[int] = field(default_factory=list)


class StatementImporter:
    """Creates one journal's statement lines from transactions (batched creates)."""

    def __init__(self, transport: OdooTransport, journal: BankJournal) -> None:
        self.t = transport
        self.journal = journal

    def import_transactions(
        self, transactions: Sequence[Transaction], *, chunk: int = 500
    ) -> ImportReport:
        """Create a statement line per transaction not imported before (by import id).

        The whole file is refused before anything is created when a transaction's currency
        is not the journal's. Existing lines are found by ``ref = 'bankrec:<id>'``
        (Community 17 has no ``unique_import_id``), so importing twice creates nothing.
        """
        for tx in transactions:
            if tx.currency.upper() != self.journal.currency:
                raise ConnectorError(
                    f"{tx.source or tx.id}: transaction in {tx.currency} cannot go to journal "
                    f"{self.journal.code} in {self.journal.currency}; nothing was imported"
                )
        report = ImportReport()
        unique: dict[str, Transaction] = {}
        for tx in transactions:
            unique.setdefault(tx.id, tx)
        refs = [IMPORT_PREFIX + i for i in unique]
        existing: set[str] = set()
        for start in range(0, len(refs), 2000):
            rows = self.t.execute_kw(
                "account.bank.statement.line",
                "search_read",
                [[("journal_id", "=", self.journal.id), ("ref", "in", refs[start : start + 2000])]],
                {"fields": ["ref"]},
            )
            existing.update(r["ref"] for r in rows)
        todo = [tx for tx in unique.values() if IMPORT_PREFIX + tx.id not in existing]
        report.existing = len(unique) - len(todo)
        for start in range(0, len(todo), chunk):
            vals = [self._line_values(tx) for tx in todo[start : start + chunk]]
            ids = self.t.execute_kw("account.bank.statement.line", "create", [vals])
            report.line_ids.extend(ids if isinstance(ids, list) else [ids])
        report.created = len(todo)
        return report

    def _line_values(self, tx: Transaction) -> dict[str, Any]:
        label = tx.label or tx.reference or tx.counterparty or "/"
        if tx.reference and tx.reference not in label:
            label = f"{label} {tx.reference}"
        return {
            "journal_id": self.journal.id,
            "date": tx.date.isoformat(),
            "amount": float(tx.amount),
            "payment_ref": label,
            "partner_name": tx.counterparty or False,
            "account_number": tx.iban or False,
            "ref": IMPORT_PREFIX + tx.id,
        }
