# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""'Import statement' on a bank journal: any format bankrec reads, as Odoo statements.

The file goes through bankrec's importers (camt.052/053/054, MT940, OFX, CODA, CFONB 120,
CSV/XLSX with a profile): read completely, balances checked, duplicates removed, before
anything is created. A broken or unbalanced file is refused with the importer's message
(file, line or XML path, what was expected) and nothing is created. Each statement becomes
an ``account.bank.statement`` with the bank's opening and closing balances; a transaction
imported before (same import id) is never created twice.
"""

import base64
import os
import tempfile
from pathlib import Path

from odoo import _, fields, models
from odoo.exceptions import UserError

from bankrec.errors import BankrecError
from bankrec.statements.importing import import_files
from connectors.odoo.errors import ConnectorError
from connectors.odoo.statement_import import StatementImporter

from ..engine.orm_transport import OrmTransport
from ..engine.runner import Engine, bank_journal


class BankrecStatementImport(models.TransientModel):
    _name = "bankrec.statement.import"
    _description = "Import a bank statement file with bankrec"

    journal_id = fields.Many2one("account.journal", required=True, domain="[('type', '=', 'bank')]")
    data_file = fields.Binary(string="Statement file", required=True, attachment=False)
    filename = fields.Char()
    profile_file = fields.Binary(
        string="CSV/XLSX profile",
        attachment=False,
        help="YAML column mapping for a bank export no shipped profile recognises.",
    )
    allow_unbalanced = fields.Boolean(
        help="Import statements whose opening balance plus movements is not the closing one."
    )
    reconcile = fields.Boolean(string="Reconcile automatically after the import", default=True)

    def action_import(self):
        self.ensure_one()
        with tempfile.TemporaryDirectory(prefix="bankrec-import-") as folder:
            name = os.path.basename(self.filename or "statement")
            path = Path(folder) / (name or "statement")
            path.write_bytes(base64.b64decode(self.data_file))
            profile = None
            if self.profile_file:
                profile = Path(folder) / "profile.yaml"
                profile.write_bytes(base64.b64decode(self.profile_file))
            try:
                result = import_files(
                    [path], profile=profile, allow_unbalanced=self.allow_unbalanced
                )
            except BankrecError as exc:
                raise UserError(str(exc).replace(str(path), name)) from None
        importer = StatementImporter(OrmTransport(self.env), bank_journal(self.journal_id))
        try:
            report = importer.import_statements([s for _p, s in result.statements])
        except ConnectorError as exc:
            raise UserError(str(exc)) from None
        message = _(
            "%(created)s new lines in %(statements)s statements, %(existing)s imported before.",
            created=report.created,
            statements=len(report.statement_ids),
            existing=report.existing,
        )
        if self.reconcile and report.line_ids:
            lines = self.env["account.bank.statement.line"].browse(report.line_ids)
            run = Engine(self.env, self.journal_id).run(
                lines=lines, trigger="import", background=True
            )
            return run._action_open()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": _("Statement imported"), "message": message, "sticky": False},
        }
