# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Runs started by a bank-feed sync say so ("Bank feed"), beside manual, import, scheduled."""

from odoo import fields, models


class BankrecRun(models.Model):
    _inherit = "bankrec.run"

    trigger = fields.Selection(
        selection_add=[("feed", "Bank feed")], ondelete={"feed": "set default"}
    )
