# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Matching runs and the decision they took for each statement line.

A run records who ran it, when, how long it took, the settings and rule-set versions it
used, and for every line it looked at: status, confidence, band, reasons, the items chosen
and the alternatives, and what was written. Runs can be undone as a whole: every line the
run booked and that is still booked is undone with Odoo's own undo, which restores the
invoices' payment states.
"""

import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError

STATUSES = [
    ("reconciled", "Reconciled"),
    ("suggested", "Suggested"),
    ("unmatched", "Unmatched"),
    ("ignored", "Ignored"),
]
BANDS = [("high", "High"), ("probable", "Probable"), ("possible", "Possible"), ("low", "Low")]
OUTCOMES = [
    ("booked", "Booked"),
    ("left", "Left for review"),
    ("skipped", "Already booked"),
    ("refused", "Refused"),
    ("error", "Error"),
    ("undone", "Undone"),
]
BOOKED = ("booked",)


class BankrecRun(models.Model):
    _name = "bankrec.run"
    _description = "Bank reconciliation run"
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    journal_id = fields.Many2one("account.journal", required=True, index=True)
    journal_ids = fields.Many2many(
        "account.journal", string="Journals", help="All journals the run matched together."
    )
    user_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user)
    started_at = fields.Datetime(required=True, default=fields.Datetime.now)
    duration = fields.Float(digits=(16, 2), help="Seconds the run took.")
    trigger = fields.Selection(
        [
            ("manual", "Manual"),
            ("import", "After an import"),
            ("cron", "Scheduled"),
            ("rematch", "Rematch"),
        ],
        default="manual",
        required=True,
    )
    state = fields.Selection(
        [("done", "Done"), ("undone", "Undone")], default="done", required=True
    )
    auto_threshold = fields.Integer()
    tie_margin = fields.Integer()
    rule_versions = fields.Char(string="Rule sets used")
    line_ids = fields.One2many("bankrec.run.line", "run_id")
    line_count = fields.Integer(string="Lines")
    reconciled_count = fields.Integer(string="Reconciled")
    suggested_count = fields.Integer(string="To review")
    unmatched_count = fields.Integer(string="Unmatched")
    ignored_count = fields.Integer(string="Ignored")
    error_count = fields.Integer(string="Errors")
    undone_by_id = fields.Many2one("res.users", readonly=True)
    undone_at = fields.Datetime(readonly=True)

    @api.depends("journal_id", "journal_ids", "started_at")
    def _compute_name(self):
        for run in self:
            codes = ", ".join((run.journal_ids or run.journal_id).mapped("code"))
            run.name = _("%(journal)s, %(when)s", journal=codes, when=run.started_at)

    def action_undo(self):
        """Undo every line this run booked that is still booked, then mark the run undone."""
        for run in self:
            if run.state == "undone":
                raise UserError(_("Run %s was undone already.", run.name))
            booked = run.line_ids.filtered(
                lambda ln: ln.outcome in BOOKED and ln.statement_line_id.is_reconciled
            )
            booked.mapped("statement_line_id")._bankrec_undo_lines()
            booked.write({"outcome": "undone"})
            run.write(
                {
                    "state": "undone",
                    "undone_by_id": self.env.uid,
                    "undone_at": fields.Datetime.now(),
                }
            )
        return True

    def _action_open(self):
        """The window showing these runs (the run itself when there is one)."""
        action = {
            "type": "ir.actions.act_window",
            "name": _("Reconciliation runs"),
            "res_model": "bankrec.run",
        }
        if len(self) == 1:
            return {**action, "view_mode": "form", "res_id": self.id}
        return {**action, "view_mode": "tree,form", "domain": [("id", "in", self.ids)]}

    def action_open_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Decisions of %s", self.name),
            "res_model": "bankrec.run.line",
            "view_mode": "tree,form",
            "domain": [("run_id", "=", self.id)],
        }


class BankrecRunLine(models.Model):
    _name = "bankrec.run.line"
    _description = "Decision of a bank reconciliation run for one statement line"
    _order = "run_id desc, id"

    run_id = fields.Many2one("bankrec.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    statement_line_id = fields.Many2one(
        "account.bank.statement.line", required=True, ondelete="cascade", index=True
    )
    transaction_id = fields.Char(required=True, help="bankrec's id of the transaction.")
    status = fields.Selection(STATUSES, required=True)
    confidence = fields.Integer()
    band = fields.Selection(BANDS)
    reasons = fields.Text()
    booking = fields.Char()
    account_code = fields.Char()
    party = fields.Char()
    writeoff = fields.Char(help="Difference written off, as an exact decimal.")
    transfer_with = fields.Char()
    allocations_json = fields.Text(help="The items this decision settles and how much.")
    alternatives_json = fields.Text(help="Other ways to settle the line, with their scores.")
    move_ids = fields.Many2many("account.move", string="Documents")
    outcome = fields.Selection(OUTCOMES)
    message = fields.Char()

    def allocations(self):
        """[(item id, amount text)] of the chosen settlement."""
        self.ensure_one()
        return [(a["item_id"], a["amount"]) for a in json.loads(self.allocations_json or "[]")]

    def alternatives(self):
        """The alternatives as stored: [{confidence, reasons, allocations}]."""
        self.ensure_one()
        return json.loads(self.alternatives_json or "[]")
