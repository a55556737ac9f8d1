# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import new_test_user, tagged

from .common import WorkspaceCommon


@tagged("post_install", "-at_install")
class TestDashboard(WorkspaceCommon):
    def card(self, user):
        journal = self.bank.with_user(user)
        journal.invalidate_recordset(["kanban_dashboard"])
        return json.loads(journal.kanban_dashboard)

    def test_the_bank_card_counts_lines_to_review_and_stale_ones(self):
        self.seed()
        self.line(50.0, "old", date="2020-03-01")
        card = self.card(self.reviewer)
        self.assertTrue(card["bankrec_enabled"])
        self.assertEqual(card["bankrec_to_review"], 4)
        self.assertGreaterEqual(card["bankrec_stale"], 1)
        self.assertEqual(card["bankrec_stale_days"], 7)

    def test_no_bankrec_figures_for_people_outside_the_group(self):
        self.seed()
        accountant = new_test_user(
            self.env,
            login="plain_accountant",
            groups="account.group_account_user",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        card = self.card(accountant)
        self.assertNotIn("bankrec_to_review", card)

    def test_the_card_opens_the_workspace_filtered_to_stale_lines(self):
        action = self.bank.with_user(self.reviewer).action_bankrec_workspace_stale()
        self.assertEqual(action["tag"], "bankrec_workspace")
        self.assertEqual(
            action["params"], {"journal_id": self.bank.id, "tab": "to_review", "stale": True}
        )
