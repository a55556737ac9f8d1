# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Review actions that need a person's input: match by hand, book as expense, rematch."""

from odoo import _, models
from odoo.exceptions import UserError

from ..engine.runner import Engine


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    def action_bankrec_rematch(self):
        """Re-score the lines awaiting review (new invoices may have arrived since)."""
        self._bankrec_check_user()
        waiting = self.filtered(
            lambda ln: not ln.is_reconciled and ln.bankrec_state in ("to_review", "unmatched")
        )
        if not waiting:
            raise UserError(_("None of these lines awaits review."))
        runs = self.env["bankrec.run"]
        for company in waiting.company_id:
            lines = waiting.filtered(lambda ln, c=company: ln.company_id == c)
            runs |= Engine(self.env, lines.journal_id).run(
                lines=lines, trigger="rematch", background=True
            )
        return runs._action_open()

    def action_bankrec_match_manually(self):
        """Open the manual match: any open item of any partner, several items, partial
        amounts, pre-filled with bankrec's suggestion."""
        self._bankrec_check_user()
        self.ensure_one()
        if self.is_reconciled:
            raise UserError(_("Line %s is reconciled already: undo it first.", self.display_name))
        wizard = self.env["bankrec.manual.match"].create({"statement_line_id": self.id})
        return wizard._action_open(_("Match %s", self.display_name))

    def action_bankrec_book_expense(self):
        """Open 'Book as expense/income' pre-filled from the line, and with the account a
        rule suggested, if any. The wizard is not created here: its account is required, and
        the person may not have picked one yet."""
        self._bankrec_check_user()
        self.ensure_one()
        if self.is_reconciled:
            raise UserError(_("Line %s is reconciled already: undo it first.", self.display_name))
        context = {"default_statement_line_id": self.id, "default_label": self.payment_ref}
        code = self.bankrec_decision_id.account_code
        if code:
            account = self.env["account.account"].search(
                [("code", "=", code), ("company_id", "=", self.company_id.id)], limit=1
            )
            if account:
                context["default_account_id"] = account.id
        return {
            "type": "ir.actions.act_window",
            "name": _("Book %s", self.display_name),
            "res_model": "bankrec.book.expense",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }
