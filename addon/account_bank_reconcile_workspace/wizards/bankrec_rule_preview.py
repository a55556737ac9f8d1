# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The preview of a learned rule: an editable copy of its text, tried on past lines."""

from odoo import _, api, fields, models


class BankrecRulePreview(models.TransientModel):
    _name = "bankrec.rule.preview"
    _description = "Preview which past bank lines a learned rule would hit"

    rule_id = fields.Many2one(
        "bankrec.learned.rule", string="Learned rule", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="rule_id.company_id")
    rule_text = fields.Char(
        string="Rule",
        required=True,
        help="Try an edit here first; Save rule writes it to the learned rule.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Bank journal",
        domain="[('type', '=', 'bank'), ('company_id', '=', company_id)]",
        help="Empty: every bank journal of the company.",
    )
    scanned = fields.Integer(string="Lines scanned", readonly=True)
    hits = fields.Integer(string="Lines hit", readonly=True)
    party = fields.Char(readonly=True)
    summary = fields.Char(compute="_compute_summary")
    line_ids = fields.One2many("bankrec.rule.preview.line", "preview_id", readonly=True)

    @api.depends("scanned", "hits", "line_ids")
    def _compute_summary(self):
        for preview in self:
            preview.summary = _(
                "%(hits)s of %(scanned)s past lines hit (first %(shown)s shown).",
                hits=preview.hits,
                scanned=preview.scanned,
                shown=len(preview.line_ids),
            )

    def _action_open(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Preview of %s", self.rule_id.key),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_preview(self):
        self.ensure_one()
        result = self.rule_id.bankrec_preview(self.rule_text, self.journal_id.id or None)
        self.line_ids.unlink()
        self.write(
            {
                "scanned": result["scanned"],
                "hits": result["hits"],
                "party": result["party"],
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "statement_line_id": row["id"],
                            "status": row["status"],
                            "agrees": row["agrees"],
                        },
                    )
                    for row in result["lines"]
                ],
            }
        )
        return self._action_open()

    def action_save(self):
        """Write the tried text to the learned rule (managers; checked when saved)."""
        self.ensure_one()
        self.rule_id.write({"rule_text": self.rule_text})
        return {"type": "ir.actions.act_window_close"}


class BankrecRulePreviewLine(models.TransientModel):
    _name = "bankrec.rule.preview.line"
    _description = "A past bank line a learned rule would hit"
    _order = "id"

    preview_id = fields.Many2one("bankrec.rule.preview", required=True, ondelete="cascade")
    statement_line_id = fields.Many2one("account.bank.statement.line", readonly=True)
    date = fields.Date(related="statement_line_id.date")
    label = fields.Char(related="statement_line_id.payment_ref")
    counterparty = fields.Char(related="statement_line_id.partner_name")
    amount = fields.Monetary(related="statement_line_id.amount")
    currency_id = fields.Many2one(related="statement_line_id.currency_id")
    partner_id = fields.Many2one(related="statement_line_id.partner_id")
    status = fields.Char(readonly=True)
    agrees = fields.Selection(
        [("yes", "Same partner"), ("no", "Other partner"), ("unknown", "No partner")],
        string="Booked partner",
        readonly=True,
        help="Whether the partner the line is booked to is the party the rule names.",
    )
