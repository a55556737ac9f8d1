# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    bankrec_auto_threshold = fields.Integer(
        related="company_id.bankrec_auto_threshold", readonly=False
    )
    bankrec_writeoff_account_id = fields.Many2one(
        related="company_id.bankrec_writeoff_account_id", readonly=False
    )
    bankrec_writeoff_max = fields.Monetary(
        related="company_id.bankrec_writeoff_max", readonly=False
    )
    bankrec_writeoff_percent = fields.Float(
        related="company_id.bankrec_writeoff_percent", readonly=False
    )
    bankrec_batch_size = fields.Integer(related="company_id.bankrec_batch_size", readonly=False)
