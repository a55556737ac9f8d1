"""Synced bank-feed transactions into an Odoo bank journal, each one once.

The sink of :func:`bankrec.feeds.sync.sync_account` for Odoo: statement lines are created
by :class:`~connectors.odoo.statement_import.StatementImporter`, which finds lines created
before by their import id (``ref = 'bankrec:<id>'``), so the overlap days every sync fetches
again, a re-run after an interruption, and a statement file imported by hand over the same
days create nothing twice. It lives with the connector (floor 5) because ``bankrec.feeds``
(floor 4) may not import the connector.
"""

from __future__ import annotations

from collections.abc import Sequence

from bankrec.feeds.provider import Connection, FeedAccount
from bankrec.feeds.sync import Delivery
from bankrec.model import Transaction
from connectors.odoo.errors import ConnectorError
from connectors.odoo.reader import BankJournal
from connectors.odoo.statement_import import StatementImporter
from connectors.odoo.transport import OdooTransport


class OdooJournalSink:
    """Creates the transactions' statement lines on one bank journal."""

    def __init__(self, transport: OdooTransport, journal: BankJournal) -> None:
        self.journal = journal
        self.importer = StatementImporter(transport, journal)

    def deliver(
        self, connection: Connection, account: FeedAccount, transactions: Sequence[Transaction]
    ) -> Delivery:
        """Create the lines not in the journal yet; a currency other than the journal's is
        refused before anything is created (the money would land on the wrong account)."""
        if account.currency and account.currency.upper() != self.journal.currency.upper():
            raise ConnectorError(
                f"account {account.iban or account.id} is in {account.currency}, journal "
                f"{self.journal.code} in {self.journal.currency}: choose the journal of this "
                "account; nothing was imported"
            )
        report = self.importer.import_transactions(transactions)
        return Delivery(report.created, report.existing, f"journal {self.journal.code}")
