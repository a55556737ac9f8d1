# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""'Reconcile automatically' on a bank journal, on statements, and as a scheduled action.

Every one of them starts its runs in the background (``Engine.run(background=True)``): the
request records the decisions and books at most one batch of sure lines, the rest is booked
by the scheduled action "bankrec: book pending runs" or by queue jobs.
"""

import logging
import time

from odoo import _, api, models
from odoo.exceptions import UserError

from ..engine.runner import Engine
from .bankrec_run import cron_budget

_logger = logging.getLogger(__name__)


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
            journals = self.filtered(lambda j, c=company: j.company_id == c)
            runs |= Engine(self.env, journals).run(background=True)
        return runs._action_open()

    @api.model
    def _cron_bankrec_reconcile(self, budget=None):
        """Scheduled: every bank journal with unreconciled lines, as the cron's user.

        What earlier runs left pending is booked first: new runs only start once nothing is
        pending, so a slow day never piles runs on runs. Within ``budget`` seconds (default
        :func:`cron_budget`) a new run per company is matched, recorded (committed) and
        booked batch by batch; what the budget leaves is booked by "bankrec: book pending
        runs", woken at once.
        """
        Run = self.env["bankrec.run"]
        deadline = time.monotonic() + (cron_budget() if budget is None else budget)
        if not Run._bankrec_continue(deadline):
            return
        journals = self.search([("type", "=", "bank")])
        for company in journals.company_id:
            company_journals = journals.filtered(lambda j, c=company: j.company_id == c)
            env = self.with_company(company).env
            try:
                Engine(env, company_journals.with_env(env)).run(trigger="cron", background=True)
            except UserError as exc:  # a journal locked by a sync: its lines wait an hour
                _logger.warning("bankrec: no scheduled run for %s: %s", company.name, exc)
                continue
            Run._bankrec_commit()
        Run._bankrec_continue(deadline)


class AccountBankStatement(models.Model):
    _inherit = "account.bank.statement"

    def action_bankrec_reconcile(self):
        """Run bankrec on the statements' lines: one run per journal."""
        runs = self.env["bankrec.run"]
        for journal in self.journal_id:
            statements = self.filtered(lambda s, j=journal: s.journal_id == j)
            runs |= Engine(self.env, journal).run(lines=statements.line_ids, background=True)
        return runs._action_open()
