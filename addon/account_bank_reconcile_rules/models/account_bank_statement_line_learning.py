# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rejecting a suggestion: the other half of what people teach bankrec.

Validating a suggestion teaches bankrec that the payer is who it proposed (see
``_bankrec_book``); rejecting it teaches the opposite. Without a way to say "no", a rule
learned from one wrong validation could only ever grow.
"""

from odoo import _, models
from odoo.exceptions import UserError


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    def action_bankrec_reject(self):
        """'Reject suggestion': the suggested items are wrong for this line.

        The rejection is learned (the payer's learned rule counts it and its confidence
        falls), and the line waits as unmatched for a person to match it by hand.
        """
        self._bankrec_check_user()
        learned = self.env["bankrec.learned.rule"]
        for line in self:
            if line.is_reconciled:
                raise UserError(
                    _("Line %s is reconciled already: undo it first.", line.display_name)
                )
            decision = line.bankrec_decision_id
            items = [item for item, _amount in decision.allocations()] if decision else []
            if not items or line.bankrec_state != "to_review":
                raise UserError(_("Line %s has no suggestion to reject.", line.display_name))
            learned._learn_from(decision, rejected_items=items)
        self.write({"bankrec_state": "unmatched"})
        return True
