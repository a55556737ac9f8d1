# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import AccessError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestBankrecLock(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls, chart_template_ref=None):
        super().setUpClass(chart_template_ref=chart_template_ref)
        cls.bank = cls.company_data["default_journal_bank"]
        cls.other_bank = cls.company_data_2["default_journal_bank"]
        cls.StLine = cls.env["account.bank.statement.line"]

    def _age(self, journal, seconds):
        """Move the journal's lock expiry ``seconds`` into the past (a run that died)."""
        past = fields.Datetime.now() - timedelta(seconds=seconds)
        self.env.cr.execute(
            "UPDATE bankrec_journal_lock SET expires = %s WHERE journal_id = %s",
            (past, journal.id),
        )
        self.env["bankrec.journal.lock"].invalidate_model()

    def test_one_owner_at_a_time_per_journal(self):
        first = self.StLine.bankrec_lock(self.bank.id, "run A", 3600)
        self.assertTrue(first["locked"], first)
        self.assertFalse(first["taken_over"])
        second = self.StLine.bankrec_lock(self.bank.id, "run B", 3600)
        self.assertFalse(second["locked"])
        self.assertEqual(second["holder"], "run A")
        self.assertEqual(second["since"], first["since"])
        # another journal is independent
        self.assertTrue(self.StLine.bankrec_lock(self.other_bank.id, "run B", 3600)["locked"])
        locks = self.env["bankrec.journal.lock"].search([("journal_id", "=", self.bank.id)])
        self.assertEqual(locks.mapped("owner"), ["run A"])

    def test_the_holder_refreshes_its_lock_and_keeps_its_start(self):
        first = self.StLine.bankrec_lock(self.bank.id, "run A", 60)
        self._age(self.bank, 0)
        again = self.StLine.bankrec_lock(self.bank.id, "run A", 7200)
        self.assertTrue(again["locked"])
        self.assertEqual(again["since"], first["since"])
        lock = self.env["bankrec.journal.lock"].search([("journal_id", "=", self.bank.id)])
        self.assertGreater(lock.expires, fields.Datetime.now() + timedelta(seconds=7000))

    def test_only_the_holder_releases(self):
        self.StLine.bankrec_lock(self.bank.id, "run A", 3600)
        self.assertEqual(self.StLine.bankrec_unlock(self.bank.id, "run B"), {"released": False})
        self.assertFalse(self.StLine.bankrec_lock(self.bank.id, "run B", 3600)["locked"])
        self.assertEqual(self.StLine.bankrec_unlock(self.bank.id, "run A"), {"released": True})
        self.assertTrue(self.StLine.bankrec_lock(self.bank.id, "run B", 3600)["locked"])

    def test_a_stale_lock_is_taken_over_and_the_previous_holder_named(self):
        first = self.StLine.bankrec_lock(self.bank.id, "run A", 3600)
        self._age(self.bank, 5)
        taken = self.StLine.bankrec_lock(self.bank.id, "run B", 3600)
        self.assertTrue(taken["locked"], taken)
        self.assertEqual(taken["taken_over"]["holder"], "run A")
        self.assertEqual(taken["taken_over"]["since"], first["since"])
        # the late release of the dead run does not free the new holder's lock
        self.assertEqual(self.StLine.bankrec_unlock(self.bank.id, "run A"), {"released": False})
        self.assertFalse(self.StLine.bankrec_lock(self.bank.id, "run C", 3600)["locked"])

    def test_a_user_without_accounting_rights_is_refused(self):
        user = self.env["res.users"].create(
            {
                "name": "No accounting (lock)",
                "login": "bankrec_lock_no_accounting",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.StLine.with_user(user).bankrec_lock(self.bank.id, "intruder", 3600)
        with self.assertRaises(AccessError):
            self.StLine.with_user(user).bankrec_unlock(self.bank.id, "intruder")
        self.assertFalse(self.env["bankrec.journal.lock"].search([]))

    def test_an_accountant_of_another_company_is_refused(self):
        user = self.env["res.users"].create(
            {
                "name": "Accountant of company 2 only",
                "login": "bankrec_lock_company_2",
                "company_id": self.company_data_2["company"].id,
                "company_ids": [(6, 0, self.company_data_2["company"].ids)],
                "groups_id": [
                    (6, 0, [self.env.ref("account.group_account_user").id]),
                ],
            }
        )
        with self.assertRaises(AccessError):
            self.StLine.with_user(user).bankrec_lock(self.bank.id, "other company", 3600)
        self.assertTrue(
            self.StLine.with_user(user).bankrec_lock(self.other_bank.id, "own", 3600)["locked"]
        )
