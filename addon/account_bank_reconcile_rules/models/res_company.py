# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    bankrec_auto_threshold = fields.Integer(
        string="Reconcile automatically from",
        default=90,
        help="Lines whose best match has at least this confidence (0-100), and no rival "
        "within the tie margin, are booked without a person; the others wait for review.",
    )
    bankrec_writeoff_account_id = fields.Many2one(
        "account.account",
        string="Write-off account",
        domain="[('deprecated', '=', False), ('company_id', '=', id)]",
        help="Where a small difference between a payment and its invoices is booked "
        "(typically a bank fee the payer's bank deducted).",
    )
    bankrec_writeoff_max = fields.Monetary(
        string="Largest write-off",
        currency_field="currency_id",
        default=5.0,
        help="A difference up to this amount may be written off; a larger one is left to a person.",
    )
    bankrec_writeoff_percent = fields.Float(
        string="Largest write-off share (%)",
        default=2.0,
        help="... and at most this share of the invoices' open amount.",
    )
    bankrec_batch_size = fields.Integer(
        string="Lines booked per batch",
        default=200,
        help="Sure lines booked together in one transaction: a reconciliation button books "
        "at most one batch while you wait, the scheduled action (or a queue job) books the "
        "others in the background.",
    )

    @api.constrains("bankrec_batch_size")
    def _check_bankrec_batch_size(self):
        if any(company.bankrec_batch_size < 1 for company in self):
            raise ValidationError(_("A batch books at least one line."))
