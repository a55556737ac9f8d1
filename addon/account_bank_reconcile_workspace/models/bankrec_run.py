# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""From a run back to the workspace of its journal."""

from odoo import models


class BankrecRun(models.Model):
    _inherit = "bankrec.run"

    def action_open_workspace(self):
        self.ensure_one()
        return self.journal_id.action_bankrec_workspace(tab="all")
