# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import BankrecCommon


@tagged("post_install", "-at_install")
class TestReviewWizards(BankrecCommon):
    def open_item(self, invoice):
        return invoice.line_ids.filtered(
            lambda ml: ml.account_id.account_type in ("asset_receivable", "liability_payable")
        )

    def manual(self, st_line, pays):
        """The manual match paying ``amount`` of each invoice, spread over its open items
        (instalments) earliest due first, as a person would pick them."""
        lines = []
        for inv, amount in pays:
            for item in self.open_item(inv).sorted(lambda ml: (ml.date_maturity, ml.id)):
                part = min(amount, abs(item.amount_residual_currency))
                if part > 0:
                    lines.append((0, 0, {"move_line_id": item.id, "amount": part}))
                    amount -= part
        Wizard = self.env["bankrec.manual.match"].with_user(self.reviewer)
        return Wizard.create({"statement_line_id": st_line.id, "line_ids": lines})

    def test_one_line_pays_invoices_of_two_partners(self):
        inv_a, inv_b = self.invoice(1000.0), self.invoice(500.0, self.partner_b)
        st_line = self.line(1500.0, "Sammelzahlung")
        wizard = self.manual(st_line, [(inv_a, 1000.0), (inv_b, 500.0)])
        self.assertAlmostEqual(wizard.difference, 0.0)
        wizard.action_book()
        self.assertEqual((inv_a | inv_b).mapped("payment_state"), ["paid", "paid"])
        self.assertEqual(st_line.bankrec_state, "reconciled")

    def test_two_lines_pay_one_invoice_in_parts(self):
        invoice = self.invoice(1000.0)
        first, second = self.line(600.0, "Teil 1"), self.line(400.0, "Teil 2")
        self.manual(first, [(invoice, 600.0)]).action_book()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 400.0)
        self.manual(second, [(invoice, 400.0)]).action_book()
        self.assertEqual(invoice.payment_state, "paid")

    def test_a_small_difference_is_written_off_to_the_configured_account(self):
        invoice = self.invoice(1000.0)
        st_line = self.line(996.0, "less bank fee")
        self.manual(st_line, [(invoice, 1000.0)]).action_book()
        self.assertEqual(invoice.payment_state, "paid")
        writeoff = st_line.move_id.line_ids.filtered(
            lambda ml: ml.account_id == self.company.bankrec_writeoff_account_id
        )
        self.assertAlmostEqual(writeoff.balance, 4.0)

    def test_a_difference_beyond_the_limit_is_refused_and_nothing_changes(self):
        invoice = self.invoice(1000.0)
        st_line = self.line(900.0, "short")
        with self.assertRaises(UserError) as caught:
            self.manual(st_line, [(invoice, 1000.0)]).action_book()
        self.assertIn("write-off limit", str(caught.exception))
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertFalse(st_line.is_reconciled)

    def test_the_manual_match_opens_with_bankrecs_suggestion(self):
        twin_a = self.invoice(500.0, self.partner_b)
        self.invoice(500.0, self.partner_b)
        st_line = self.line(500.0, "Transfer", "Hafen Logistik GmbH")
        self.bankrec_run(lines=st_line)
        suggested = int(st_line.bankrec_decision_id.allocations()[0][0])
        action = st_line.with_user(self.reviewer).action_bankrec_match_manually()
        wizard = self.env["bankrec.manual.match"].browse(action["res_id"])
        self.assertEqual(wizard.line_ids.move_line_id.move_id.ids, [suggested])
        self.assertIn(twin_a.partner_id, wizard.line_ids.partner_id)
        self.assertAlmostEqual(sum(wizard.line_ids.mapped("amount")), 500.0)
        self.assertAlmostEqual(wizard.difference, 0.0)

    def test_a_line_is_booked_as_an_expense_with_its_label(self):
        st_line = self.line(-45.0, "ANNUAL CARD FEE")
        account = self.company_data["default_account_expense"]
        wizard = (
            self.env["bankrec.book.expense"]
            .with_user(self.reviewer)
            .create(
                {
                    "statement_line_id": st_line.id,
                    "account_id": account.id,
                    "label": "Card fee 2026",
                }
            )
        )
        wizard.action_book()
        self.assertTrue(st_line.is_reconciled)
        booked = st_line.move_id.line_ids.filtered(lambda ml: ml.account_id == account)
        self.assertAlmostEqual(booked.balance, 45.0)
        self.assertIn("Card fee 2026", booked.name)

    def test_book_as_expense_opens_prefilled_before_an_account_is_chosen(self):
        st_line = self.line(-45.0, "ANNUAL CARD FEE")
        action = st_line.with_user(self.reviewer).action_bankrec_book_expense()
        self.assertEqual(action["res_model"], "bankrec.book.expense")
        self.assertNotIn("res_id", action)
        account = self.company_data["default_account_expense"]
        wizard = (
            self.env["bankrec.book.expense"]
            .with_context(**action["context"])
            .create({"account_id": account.id})
        )
        self.assertEqual((wizard.statement_line_id, wizard.label), (st_line, "ANNUAL CARD FEE"))

    def test_an_expense_is_booked_with_the_vat_it_includes(self):
        st_line = self.line(-115.0, "Office supplies, VAT included")
        account = self.company_data["default_account_expense"]
        tax = self.company_data["default_tax_purchase"]  # 15 % purchase tax
        wizard = (
            self.env["bankrec.book.expense"]
            .with_user(self.reviewer)
            .create({"statement_line_id": st_line.id, "account_id": account.id, "tax_id": tax.id})
        )
        self.assertEqual(wizard.tax_use, "purchase")
        wizard.action_book()
        self.assertTrue(st_line.is_reconciled)
        items = st_line.move_id.line_ids
        base = items.filtered(lambda ml: ml.account_id == account)
        tax_line = items.filtered(lambda ml: ml.tax_line_id == tax)
        self.assertEqual((base.balance, base.tax_ids), (100.0, tax))
        self.assertAlmostEqual(tax_line.balance, 15.0)
        self.assertEqual(len(items), 3)  # bank, base, tax: no balancing line
        repartition = tax.invoice_repartition_line_ids.filtered(
            lambda r: r.repartition_type == "tax"
        )
        self.assertEqual(tax_line.tax_repartition_line_id, repartition)
        self.assertEqual(tax_line.tax_tag_ids, repartition.tag_ids)

    def test_an_expense_with_an_awkward_vat_amount_still_balances(self):
        st_line = self.line(-10.01, "Parking")
        account = self.company_data["default_account_expense"]
        tax = self.company_data["default_tax_purchase"]
        self.env["bankrec.book.expense"].with_user(self.reviewer).create(
            {"statement_line_id": st_line.id, "account_id": account.id, "tax_id": tax.id}
        ).action_book()
        items = st_line.move_id.line_ids
        self.assertEqual(len(items), 3)
        bank = st_line.journal_id.default_account_id
        counterparts = items.filtered(lambda ml: ml.account_id != bank)
        self.assertAlmostEqual(sum(counterparts.mapped("balance")), 10.01)
        self.assertTrue(counterparts.filtered("tax_line_id"))

    def test_rematch_books_a_line_once_its_invoice_exists(self):
        st_line = self.line(321.0, "Rechnung INV/2099/LATE", "Gletscher Bergbahnen AG")
        self.bankrec_run(lines=st_line)
        self.assertIn(st_line.bankrec_state, ("unmatched", "to_review"))
        invoice = self.invoice(321.0)
        st_line.payment_ref = f"Rechnung {invoice.name}"
        action = st_line.with_user(self.reviewer).action_bankrec_rematch()
        run = self.env["bankrec.run"].browse(action["res_id"])
        self.assertEqual(run.trigger, "rematch")
        self.assertEqual(invoice.payment_state, "paid")

    def test_a_rule_file_is_imported_or_refused_whole(self):
        good = self.env["bankrec.rule.set.import"].create(
            {
                "data_file": base64.b64encode(b"label contains 'ZINS' => ignore\n"),
                "filename": "interest.rules",
            }
        )
        action = good.action_import()
        rule_set = self.RuleSet.browse(action["res_id"])
        self.assertEqual((rule_set.name, rule_set.rule_count), ("interest", 1))
        bad = self.env["bankrec.rule.set.import"].create(
            {
                "data_file": base64.b64encode(b"label contians 'X' => ignore\n"),
                "filename": "bad.rules",
                "rule_set_id": rule_set.id,
            }
        )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            bad.action_import()
        rule_set.invalidate_recordset()
        self.assertEqual(rule_set.rule_count, 1)
