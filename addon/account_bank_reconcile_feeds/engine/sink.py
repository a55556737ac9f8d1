# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Synced transactions into a bank journal: the connector's sink, in a savepoint, keeping
the ids of the lines it created so the reconciliation run takes exactly those.

The lines are created by the connector's ``StatementImporter`` over the in-process
``OrmTransport`` -- the path of the rules add-on's statement import wizard -- so a
transaction is never created twice (``ref = 'bankrec:<id>'``), whether it came from a
file, an earlier sync or the overlap days every sync fetches again. One account's lines
are one savepoint: an error while creating them (a currency other than the journal's, a
missing right) leaves none of them.
"""

from odoo.addons.account_bank_reconcile_rules.engine.orm_transport import OrmTransport
from odoo.addons.account_bank_reconcile_rules.engine.runner import bank_journal

from connectors.odoo.feed_sink import OdooJournalSink
from connectors.odoo.statement_import import StatementImporter


class RecordingImporter(StatementImporter):
    """The connector's importer, remembering the ids of the lines it created."""

    def __init__(self, transport, journal):
        super().__init__(transport, journal)
        self.created_ids = []

    def import_transactions(self, transactions, *, chunk=500):
        report = super().import_transactions(transactions, chunk=chunk)
        self.created_ids.extend(report.line_ids)
        return report


class JournalSink(OdooJournalSink):
    """``bankrec.feeds.sync.sync_account``'s sink for one journal, as ``env``'s user."""

    def __init__(self, env, journal):
        transport = OrmTransport(env)
        super().__init__(transport, bank_journal(journal))
        self.env = env
        self.importer = RecordingImporter(transport, self.journal)

    @property
    def created_ids(self):
        return self.importer.created_ids

    def deliver(self, connection, account, transactions):
        with self.env.cr.savepoint():
            return super().deliver(connection, account, transactions)
