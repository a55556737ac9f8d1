# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Review actions on a statement line: validate, choose an alternative, ignore, undo."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..engine.runner import Engine

STATES = [
    ("to_review", "To review"),
    ("reconciled", "Reconciled"),
    ("pending", "Booking"),  # a run is sure of it and books it in the background
    ("ignored", "Ignored"),
    ("unmatched", "Unmatched"),
]


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    bankrec_state = fields.Selection(STATES, string="bankrec", index=True, copy=False)
    bankrec_confidence = fields.Integer(string="Confidence", copy=False)
    bankrec_decision_id = fields.Many2one(
        "bankrec.run.line",
        string="Latest decision",
        compute="_compute_bankrec_decision_id",
        help="The decision of the latest run that looked at this line.",
    )
    bankrec_run_line_ids = fields.One2many(
        "bankrec.run.line", "statement_line_id", string="Decisions", readonly=True
    )
    bankrec_reasons = fields.Text(related="bankrec_decision_id.reasons", string="Why")
    bankrec_band = fields.Selection(related="bankrec_decision_id.band", string="Band")

    @api.depends("bankrec_run_line_ids")
    def _compute_bankrec_decision_id(self):
        """The latest run line of each statement line, found for all of them in one search
        (a run records thousands of lines: no write per line just to point at it)."""
        latest = {}
        ids = [i for i in self.ids if isinstance(i, int)]
        if ids:
            run_lines = self.env["bankrec.run.line"].search(
                [("statement_line_id", "in", ids)], order="id desc"
            )
            for run_line in run_lines:
                latest.setdefault(run_line.statement_line_id.id, run_line)
        for line in self:
            line.bankrec_decision_id = latest.get(line.id, False)

    # ------------------------------------------------------------------ actions
    def action_bankrec_reconcile(self):
        """'Reconcile automatically' on selected lines: one run per journal."""
        self._bankrec_check_user()
        runs = self.env["bankrec.run"]
        for company in self.company_id:
            lines = self.filtered(lambda ln, c=company: ln.company_id == c)
            runs |= Engine(self.env, lines.journal_id).run(lines=lines, background=True)
        return runs._action_open()

    def action_bankrec_validate(self):
        """Book the suggestion of each line (its latest decision) as it stands."""
        self._bankrec_check_user()
        for line in self:
            decision = line.bankrec_decision_id
            if line.is_reconciled:
                raise UserError(_("Line %s is reconciled already.", line.display_name))
            if not decision or not (decision.allocations() or decision.booking != "payment"):
                raise UserError(
                    _("Line %s has no suggestion to validate: match it by hand.", line.display_name)
                )
            line._bankrec_book(decision)
        return True

    def action_bankrec_choose(self, alternative_index):
        """Book alternative number ``alternative_index`` (0 = the first) of the line's
        latest decision."""
        self._bankrec_check_user()
        self.ensure_one()
        decision = self.bankrec_decision_id
        alternatives = decision.alternatives() if decision else []
        if not 0 <= alternative_index < len(alternatives):
            raise UserError(_("Line %s has no such alternative.", self.display_name))
        chosen = alternatives[alternative_index]["allocations"]
        return self._bankrec_book(decision, [(a["item_id"], a["amount"]) for a in chosen])

    def action_bankrec_ignore(self):
        """Set lines aside (fees, interest...): runs leave them alone until un-ignored."""
        self._bankrec_check_user()
        if self.filtered("is_reconciled"):
            raise UserError(_("A reconciled line cannot be ignored: undo it first."))
        self.write({"bankrec_state": "ignored"})
        return True

    def action_bankrec_unignore(self):
        self._bankrec_check_user()
        self.filtered(lambda ln: ln.bankrec_state == "ignored").write({"bankrec_state": False})
        return True

    def action_bankrec_undo(self):
        """Undo the reconciliation of the lines; their invoices get their payment state back."""
        self._bankrec_check_user()
        self.filtered("is_reconciled")._bankrec_undo_lines()
        return True

    # ------------------------------------------------------------------ helpers
    @api.model
    def _bankrec_check_group(self):
        if not self.env.user.has_group("account_bank_reconcile_rules.group_bankrec_user"):
            raise UserError(_("Only bank reconciliation users may do this."))

    def _bankrec_check_user(self):
        self._bankrec_check_group()
        self.check_access_rights("write")
        self.check_access_rule("write")

    def _bankrec_book(self, decision, allocations=None):
        self.ensure_one()
        # a person's choice teaches bankrec (undone with the rest if the booking fails)
        self.env["bankrec.learned.rule"]._learn_from_booking(decision, allocations)
        self._bankrec_check_booked(Engine(self.env, self.journal_id).book(decision, allocations))
        decision.outcome = "booked"
        self.write({"bankrec_state": "reconciled"})
        return True

    def _bankrec_book_decision(self, decision):
        """Book a decision a person made by hand (bankrec's plain ``Decision``) on this line,
        or raise with the reason Odoo or the planner refused it."""
        self.ensure_one()
        self._bankrec_check_booked(Engine(self.env, self.journal_id).book_decision(self, decision))
        self.write({"bankrec_state": "reconciled"})

    def _bankrec_check_booked(self, outcome):
        if outcome.action not in ("reconciled", "booked"):
            raise UserError(
                _(
                    "Line %(line)s was not booked: %(why)s",
                    line=self.display_name,
                    why=outcome.message,
                )
            )

    def _bankrec_undo_lines(self):
        """Odoo's undo through the API add-on (access checked there, before any change)."""
        if not self:
            return
        self.env["account.bank.statement.line"].bankrec_undo(self.ids)
        self.write({"bankrec_state": "to_review"})
        decisions = self.mapped("bankrec_decision_id").filtered(lambda d: d.outcome == "booked")
        decisions.write({"outcome": "undone"})
