# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""'Reconcile automatically' on a bank journal, on statements, and as a scheduled action."""

from odoo import _, api, models
from odoo.exceptions import UserError

from ..engine.runner import Engine


class AccountJournal(models.Model):
    _inherit = "account.journal"

    def action_bankrec_reconcile(self):
        """Run bankrec on each bank journal's open lines; open the run."""
        self.env["account.bank.statement.line"]._bankrec_check_group()
        not_bank = self.filtered(lambda j: j.type != "bank")
        if not_bank:
            raise UserError(_("%s is not a bank journal.", not_bank[0].display_name))
        runs = self.env["bankrec.run"]
        for company in self.company_id:  # journals of one company together: transfers pair
            runs |= Engine(self.env, self.filtered(lambda j, c=company: j.company_id == c)).run()
        return runs._action_open()

    @api.model
    def _cron_bankrec_reconcile(self):
        """Scheduled: every bank journal with unreconciled lines, as the cron's user."""
        journals = self.search([("type", "=", "bank")])
        for company in journals.company_id:
            company_journals = journals.filtered(lambda j, c=company: j.company_id == c)
            Engine(self.env, company_journals).run(trigger="cron")


class AccountBankStatement(models.Model):
    _inherit = "account.bank.statement"

    def action_bankrec_reconcile(self):
        runs = self.env["bankrec.run"]
        for statement in self:
            runs |= Engine(self.env, statement.journal_id).run(lines=statement.line_ids)
        return runs._action_open()
