# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import BankrecCommon


@tagged("post_install", "-at_install")
class TestRuns(BankrecCommon):
    def setUp(self):
        super().setUp()
        self.sure_invoice = self.invoice(1000.0)
        self.sure = self.line(
            1000.0, f"Payment {self.sure_invoice.name}", "Gletscher Bergbahnen AG"
        )
        # two open invoices of one partner for the same amount: a tie, never automatic
        self.twin_a = self.invoice(500.0, self.partner_b)
        self.twin_b = self.invoice(500.0, self.partner_b)
        self.doubtful = self.line(500.0, "Transfer", "Hafen Logistik GmbH")

    def test_a_run_books_the_sure_line_and_leaves_the_doubtful_one_for_review(self):
        run = self.bankrec_run()
        self.assertEqual(self.sure_invoice.payment_state, "paid")
        self.assertTrue(self.sure.is_reconciled)
        self.assertEqual(self.sure.bankrec_state, "reconciled")
        self.assertFalse(self.doubtful.is_reconciled)
        self.assertEqual(self.doubtful.bankrec_state, "to_review")
        self.assertEqual((self.twin_a | self.twin_b).mapped("payment_state"), ["not_paid"] * 2)
        decision = self.doubtful.bankrec_decision_id
        self.assertEqual(decision.run_id, run)
        self.assertEqual(decision.status, "suggested")
        self.assertIn("not automatic", decision.reasons)
        self.assertEqual(len(decision.alternatives()), 1)
        self.assertEqual(run.line_count, 2)
        self.assertEqual((run.reconciled_count, run.suggested_count), (1, 1))
        self.assertEqual(run.user_id, self.reviewer)
        self.assertGreater(run.duration, 0)
        self.assertEqual(run.auto_threshold, 90)

    def test_a_second_run_changes_nothing_already_booked(self):
        self.bankrec_run()
        partials = self.env["account.partial.reconcile"].search_count([])
        second = self.bankrec_run()
        self.assertEqual(self.env["account.partial.reconcile"].search_count([]), partials)
        self.assertEqual(second.reconciled_count, 0)
        self.assertEqual(second.line_count, 1)  # only the line still awaiting review

    def test_validating_a_suggestion_books_it(self):
        self.bankrec_run()
        self.doubtful.with_user(self.reviewer).action_bankrec_validate()
        self.assertTrue(self.doubtful.is_reconciled)
        self.assertEqual(self.doubtful.bankrec_state, "reconciled")
        paid = (self.twin_a | self.twin_b).filtered(lambda m: m.payment_state == "paid")
        self.assertEqual(len(paid), 1)
        self.assertEqual(self.doubtful.bankrec_decision_id.outcome, "booked")

    def test_choosing_the_alternative_books_the_other_invoice(self):
        self.bankrec_run()
        decision = self.doubtful.bankrec_decision_id
        suggested = self.env["account.move"].browse(int(decision.allocations()[0][0]))
        self.doubtful.with_user(self.reviewer).action_bankrec_choose(0)
        self.assertEqual(suggested.payment_state, "not_paid")
        self.assertEqual(((self.twin_a | self.twin_b) - suggested).payment_state, "paid")

    def test_a_partial_payment_is_validated_as_such(self):
        invoice = self.invoice(1200.0, self.partner_b)
        line = self.line(400.0, f"Acompte {invoice.name}", "Hafen Logistik GmbH")
        self.bankrec_run(lines=line)
        self.assertEqual(line.bankrec_state, "to_review")
        line.with_user(self.reviewer).action_bankrec_validate()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 800.0)

    def test_ignored_lines_stay_out_of_runs_until_unignored(self):
        self.doubtful.with_user(self.reviewer).action_bankrec_ignore()
        run = self.bankrec_run()
        self.assertNotIn(self.doubtful, run.line_ids.mapped("statement_line_id"))
        self.assertEqual(self.doubtful.bankrec_state, "ignored")
        self.doubtful.with_user(self.reviewer).action_bankrec_unignore()
        again = self.bankrec_run()
        self.assertIn(self.doubtful, again.line_ids.mapped("statement_line_id"))

    def test_a_rule_set_ignores_a_bank_fee(self):
        self.RuleSet.create(
            {"name": "fees", "rule_text": "label contains 'FRAIS' and amount < 0 => ignore\n"}
        )
        fee = self.line(-12.5, "FRAIS TENUE DE COMPTE")
        run = self.bankrec_run()
        self.assertEqual(fee.bankrec_state, "ignored")
        self.assertFalse(fee.is_reconciled)
        self.assertIn("fees.rules:1", fee.bankrec_decision_id.reasons)
        self.assertEqual(run.rule_versions, "fees v1")

    def test_undo_of_a_line_restores_the_invoice(self):
        self.bankrec_run()
        self.sure.with_user(self.reviewer).action_bankrec_undo()
        self.assertEqual(self.sure_invoice.payment_state, "not_paid")
        self.assertFalse(self.sure.is_reconciled)
        self.assertEqual(self.sure.bankrec_state, "to_review")

    def test_undo_of_a_run_restores_every_payment_state_and_is_recorded(self):
        more = self.invoice(250.0)
        self.line(250.0, f"Zahlung {more.name}", "Gletscher Bergbahnen AG")
        before = {m: m.payment_state for m in (self.sure_invoice | more)}
        run = self.bankrec_run()
        self.assertEqual((self.sure_invoice | more).mapped("payment_state"), ["paid", "paid"])
        run.with_user(self.reviewer).action_undo()
        self.assertEqual({m: m.payment_state for m in (self.sure_invoice | more)}, before)
        self.assertEqual(run.state, "undone")
        self.assertEqual(run.undone_by_id, self.reviewer)
        self.assertEqual(
            set(run.line_ids.filtered(lambda ln: ln.status == "reconciled").mapped("outcome")),
            {"undone"},
        )
        with self.assertRaises(UserError):
            run.action_undo()

    def test_a_user_without_rights_is_refused_before_anything_changes(self):
        with self.assertRaises(UserError):  # AccessError is a UserError too
            self.bank.with_user(self.outsider).action_bankrec_reconcile()
        with self.assertRaises(AccessError):
            self.bankrec_run(user=self.outsider)  # even past the action: the reads refuse
        self.assertFalse(self.sure.is_reconciled)
        self.bankrec_run()
        with self.assertRaises(UserError):
            self.sure.with_user(self.outsider).action_bankrec_undo()
        with self.assertRaises(AccessError):
            self.env["account.bank.statement.line"].with_user(self.outsider).bankrec_undo(
                self.sure.ids
            )
        self.assertTrue(self.sure.is_reconciled)
        self.assertEqual(self.sure_invoice.payment_state, "paid")

    def test_runs_of_another_company_are_invisible(self):
        self.bankrec_run()
        other = self.setup_company_data("Other company")
        other_user = self.env["res.users"].create(
            {
                "name": "Other reviewer",
                "login": "bankrec_other",
                "company_id": other["company"].id,
                "company_ids": [(6, 0, other["company"].ids)],
                "groups_id": [
                    (6, 0, [self.env.ref("account_bank_reconcile_rules.group_bankrec_user").id])
                ],
            }
        )
        Run = self.env["bankrec.run"].with_user(other_user)
        self.assertFalse(Run.search([]))
        self.assertFalse(self.env["bankrec.run.line"].with_user(other_user).search([]))


@tagged("post_install", "-at_install")
class TestTransfers(BankrecCommon):
    def test_an_internal_transfer_between_two_bank_journals_is_paired(self):
        savings = self.bank.copy({"name": "Savings", "code": "SAV"})
        ibans = {self.bank: "CH9300762011623852957", savings: "CH5604835012345678009"}
        for journal, iban in ibans.items():
            journal.bank_account_id = self.env["res.partner.bank"].create(
                {"acc_number": iban, "partner_id": self.company.partner_id.id}
            )
        out = self.line(-750.0, "VIREMENT INTERNE vers epargne")
        into = self.line(750.0, "VIREMENT INTERNE depuis compte courant", journal=savings)
        # each side names the other account, as banks print it
        out.account_number, into.account_number = ibans[savings], ibans[self.bank]
        run = self.bankrec_run(journal=self.bank | savings)
        self.assertEqual(run.journal_ids, self.bank | savings)
        why = [(d.status, d.confidence, d.outcome, d.message, d.reasons) for d in run.line_ids]
        why += [(j.code, j.bank_account_id.acc_number) for j in self.bank | savings]
        why += [(ln.account_number, ln.journal_id.code, ln.date) for ln in out | into]
        self.assertTrue(out.is_reconciled and into.is_reconciled, why)
        transfer = self.company.transfer_account_id
        items = (out.move_id | into.move_id).line_ids.filtered(lambda ml: ml.account_id == transfer)
        self.assertEqual(len(items), 2)
        self.assertTrue(all(items.mapped("reconciled")), "the two sides were not paired")
        self.assertEqual(items.full_reconcile_id, items[0].full_reconcile_id)


@tagged("post_install", "-at_install")
class TestRunSettings(BankrecCommon):
    def test_a_small_fee_deducted_is_written_off_automatically_within_the_limits(self):
        invoice = self.invoice(1000.0)
        st_line = self.line(996.0, f"Payment {invoice.name}", "Gletscher Bergbahnen AG")
        self.bankrec_run(lines=st_line)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(st_line.bankrec_state, "reconciled")
        writeoff = st_line.move_id.line_ids.filtered(
            lambda ml: ml.account_id == self.company.bankrec_writeoff_account_id
        )
        self.assertAlmostEqual(writeoff.balance, 4.0)
        self.assertIn("written off automatically", st_line.bankrec_decision_id.reasons)

    def test_without_a_write_off_account_the_fee_is_left_for_review(self):
        self.company.bankrec_writeoff_account_id = False
        invoice = self.invoice(1000.0)
        st_line = self.line(996.0, f"Payment {invoice.name}", "Gletscher Bergbahnen AG")
        self.bankrec_run(lines=st_line)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(st_line.bankrec_state, "to_review")

    def test_a_run_is_refused_while_another_holds_the_journals_lock(self):
        StLine = self.env["account.bank.statement.line"]
        taken = StLine.bankrec_lock(self.bank.id, "connector run on another machine")
        self.assertTrue(taken["locked"])
        invoice = self.invoice(1000.0)
        self.line(1000.0, f"Payment {invoice.name}", "Gletscher Bergbahnen AG")
        with self.assertRaises(UserError) as caught:
            self.bankrec_run()
        self.assertIn("connector run on another machine", str(caught.exception))
        self.assertEqual(invoice.payment_state, "not_paid")
        StLine.bankrec_unlock(self.bank.id, "connector run on another machine")
        self.bankrec_run()
        self.assertEqual(invoice.payment_state, "paid")
