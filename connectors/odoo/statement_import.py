"""Create statement lines on a bank journal from imported transactions, never twice.

Community 17 has no ``unique_import_id`` on statement lines, so each line carries the
transaction's stable import id in ``ref`` (``bankrec:<id>``); lines whose ref exists are not
created again, and importing the same or an overlapping file twice creates nothing new.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bankrec.model import Statement, Transaction
from connectors.odoo.errors import ConnectorError
from connectors.odoo.reader import IMPORT_PREFIX, BankJournal
from connectors.odoo.transport import OdooTransport


@dataclass
class ImportReport:
    """Result of creating statement lines from a file."""

    created: int = 0
    existing: int = 0
    line_ids: list[int] = field(default_factory=list)
    statement_ids: list[int] = field(default_factory=list)
    loose: int = 0  # new lines of statements partly imported before: created without statement


class StatementImporter:
    """Creates one journal's statement lines from transactions (batched creates)."""

    def __init__(self, transport: OdooTransport, journal: BankJournal) -> None:
        self.t = transport
        self.journal = journal

    def import_statements(self, statements: Sequence[Statement]) -> ImportReport:
        """Create an ``account.bank.statement`` per statement, with the bank's opening and
        closing balances and its lines; transactions imported before are not created again.

        A statement none of whose lines exist yet is created whole (one ``create`` with its
        lines, so Odoo sees the balances and the lines together). When some of its lines
        exist already (an overlapping file), only the new lines are created, without a
        statement: a statement holding part of the bank's lines could not balance.
        """
        self._check_currency(t for s in statements for t in s.transactions)
        report = ImportReport()
        all_ids = [t.id for s in statements for t in s.transactions]
        existing = self._existing_refs(all_ids)
        seen: set[str] = set()
        for statement in statements:
            fresh = [t for t in statement.transactions if t.id not in seen]
            seen.update(t.id for t in fresh)
            new = [t for t in fresh if IMPORT_PREFIX + t.id not in existing]
            report.existing += len(fresh) - len(new)
            if not new:
                continue
            if len(new) == len(statement.transactions):
                values = self._statement_values(statement, new)
                statement_id = self.t.execute_kw("account.bank.statement", "create", [values])
                statement_id = statement_id[0] if isinstance(statement_id, list) else statement_id
                report.statement_ids.append(statement_id)
                rows = self.t.execute_kw(
                    "account.bank.statement.line",
                    "search_read",
                    [[("statement_id", "=", statement_id)]],
                    {"fields": ["id"], "order": "id"},
                )
                report.line_ids.extend(r["id"] for r in rows)
            else:
                report.line_ids.extend(self._create_lines(new))
                report.loose += len(new)
            report.created += len(new)
        return report

    def _statement_values(
        self, statement: Statement, transactions: Sequence[Transaction]
    ) -> dict[str, Any]:
        values: dict[str, Any] = {
            "journal_id": self.journal.id,
            "line_ids": [(0, 0, self._line_values(t)) for t in transactions],
        }
        if statement.statement_id:
            values["name"] = statement.statement_id
            values["reference"] = statement.statement_id
        if statement.opening is not None:
            values["balance_start"] = float(statement.opening.amount)
        if statement.closing is not None:
            values["balance_end_real"] = float(statement.closing.amount)
            if statement.closing.date:
                values["date"] = statement.closing.date.isoformat()
        return values

    def _check_currency(self, transactions: Iterable[Transaction]) -> None:
        for tx in transactions:
            if tx.currency.upper() != self.journal.currency:
                raise ConnectorError(
                    f"{tx.source or tx.id}: transaction in {tx.currency} cannot go to journal "
                    f"{self.journal.code} in {self.journal.currency}; nothing was imported"
                )

    def _existing_refs(self, ids: Sequence[str]) -> set[str]:
        refs = [IMPORT_PREFIX + i for i in dict.fromkeys(ids)]
        existing: set[str] = set()
        for start in range(0, len(refs), 2000):
            rows = self.t.execute_kw(
                "account.bank.statement.line",
                "search_read",
                [[("journal_id", "=", self.journal.id), ("ref", "in", refs[start : start + 2000])]],
                {"fields": ["ref"]},
            )
            existing.update(r["ref"] for r in rows)
        return existing

    def _create_lines(self, transactions: Sequence[Transaction], chunk: int = 500) -> list[int]:
        created: list[int] = []
        for start in range(0, len(transactions), chunk):
            vals = [self._line_values(tx) for tx in transactions[start : start + chunk]]
            ids = self.t.execute_kw("account.bank.statement.line", "create", [vals])
            created.extend(ids if isinstance(ids, list) else [ids])
        return created

    def import_transactions(
        self, transactions: Sequence[Transaction], *, chunk: int = 500
    ) -> ImportReport:
        """Create a statement line per transaction not imported before (by import id).

        The whole file is refused before anything is created when a transaction's currency
        is not the journal's. Existing lines are found by ``ref = 'bankrec:<id>'``
        (Community 17 has no ``unique_import_id``), so importing twice creates nothing.
        """
        self._check_currency(transactions)
        report = ImportReport()
        unique: dict[str, Transaction] = {}
        for tx in transactions:
            unique.setdefault(tx.id, tx)
        existing = self._existing_refs(list(unique))
        todo = [tx for tx in unique.values() if IMPORT_PREFIX + tx.id not in existing]
        report.existing = len(unique) - len(todo)
        report.line_ids.extend(self._create_lines(todo, chunk))
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
