# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import AccessError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestBankrecApply(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls, chart_template_ref=None):
        super().setUpClass(chart_template_ref=chart_template_ref)
        cls.bank = cls.company_data["default_journal_bank"]
        cls.StLine = cls.env["account.bank.statement.line"]
        cls.writeoff_account = cls.company_data["default_account_expense"]

    # ------------------------------------------------------------------ helpers
    def _invoice(self, amount, partner=None, move_type="out_invoice"):
        return self.init_invoice(
            move_type, partner=partner or self.partner_a, amounts=[amount], taxes=[], post=True
        )

    def _open_item(self, invoice):
        return invoice.line_ids.filtered(
            lambda ml: ml.account_id.account_type in ("asset_receivable", "liability_payable")
        )

    def _st_line(self, amount, label="payment"):
        return self.StLine.create(
            {
                "journal_id": self.bank.id,
                "amount": amount,
                "payment_ref": label,
                "date": "2026-11-10",
            }
        )

    def _instruction(self, st_line, pays=(), writeoff=None, key="k1", partner=None):
        _liquidity, suspense, _others = st_line._seek_for_lines()
        counterparts = [
            {
                "account_id": item.account_id.id,
                "amount": str(-amount if item.balance > 0 else amount),
                "name": f"bankrec: {item.move_id.name}",
                "partner_id": item.partner_id.id,
                "reconcile_with": item.id,
            }
            for item, amount in pays
        ]
        if writeoff is not None:
            counterparts.append(
                {
                    "account_id": self.writeoff_account.id,
                    "amount": str(writeoff),
                    "name": "bankrec: write-off",
                    "partner_id": False,
                    "reconcile_with": False,
                }
            )
        return {
            "key": key,
            "line_id": st_line.id,
            "suspense_id": suspense.id,
            "suspense_amount": f"{suspense.amount_currency:.2f}",
            "partner_id": (partner or self.partner_a).id,
            "transfer": False,
            "counterparts": counterparts,
        }

    # ------------------------------------------------------------------ tests
    def test_full_payment_marks_the_invoice_paid_and_a_second_call_skips(self):
        invoice = self._invoice(100.0)
        st_line = self._st_line(100.0)
        instruction = self._instruction(st_line, [(self._open_item(invoice), 100)])
        [result] = self.StLine.bankrec_apply([instruction])
        self.assertEqual(result["status"], "done", result)
        self.assertEqual(result["key"], "k1")
        self.assertEqual(result["payment_states"], {str(invoice.id): "paid"})
        self.assertEqual(invoice.payment_state, "paid")
        self.assertTrue(st_line.is_reconciled)
        self.assertEqual(st_line.partner_id, self.partner_a)
        [again] = self.StLine.bankrec_apply([instruction])
        self.assertEqual(again["status"], "skipped")
        self.assertEqual(len(st_line.move_id.line_ids), 2)

    def test_partial_payment_leaves_the_invoice_partial(self):
        invoice = self._invoice(300.0)
        st_line = self._st_line(120.0)
        [result] = self.StLine.bankrec_apply(
            [self._instruction(st_line, [(self._open_item(invoice), 120)])]
        )
        self.assertEqual(result["status"], "done", result)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 180.0)

    def test_one_line_pays_two_invoices_less_a_bank_fee_written_off(self):
        first, second = self._invoice(200.0), self._invoice(50.0)
        st_line = self._st_line(245.0)
        instruction = self._instruction(
            st_line,
            [(self._open_item(first), 200), (self._open_item(second), 50)],
            writeoff="5.00",
        )
        [result] = self.StLine.bankrec_apply([instruction])
        self.assertEqual(result["status"], "done", result)
        self.assertEqual((first | second).mapped("payment_state"), ["paid", "paid"])
        fee = st_line.move_id.line_ids.filtered(lambda ml: ml.account_id == self.writeoff_account)
        self.assertAlmostEqual(fee.balance, 5.0)

    def test_a_supplier_bill_is_paid_by_an_outgoing_line(self):
        bill = self._invoice(80.0, move_type="in_invoice")
        st_line = self._st_line(-80.0)
        [result] = self.StLine.bankrec_apply(
            [self._instruction(st_line, [(self._open_item(bill), 80)])]
        )
        self.assertEqual(result["status"], "done", result)
        self.assertEqual(bill.payment_state, "paid")

    def test_a_failing_line_is_rolled_back_alone(self):
        good_invoice, bad_invoice = self._invoice(10.0), self._invoice(20.0)
        good, bad = self._st_line(10.0, "good"), self._st_line(20.0, "bad")
        bad_instruction = self._instruction(bad, [(self._open_item(bad_invoice), 20)], key="bad")
        bad_instruction["counterparts"][0]["amount"] = "-19.00"  # does not balance the line
        results = self.StLine.bankrec_apply(
            [bad_instruction, self._instruction(good, [(self._open_item(good_invoice), 10)])]
        )
        self.assertEqual([r["status"] for r in results], ["error", "done"])
        self.assertIn("sum to", results[0]["message"])
        self.assertEqual(bad_invoice.payment_state, "not_paid")
        self.assertFalse(bad.is_reconciled)
        self.assertEqual(good_invoice.payment_state, "paid")

    def test_an_unknown_instruction_version_is_refused_for_that_line_only(self):
        old_invoice, new_invoice = self._invoice(15.0), self._invoice(25.0)
        old, new = self._st_line(15.0, "old"), self._st_line(25.0, "new")
        future = self._instruction(new, [(self._open_item(new_invoice), 25)], key="future")
        future["version"] = 99
        results = self.StLine.bankrec_apply(
            [future, self._instruction(old, [(self._open_item(old_invoice), 15)], key="v1")]
        )
        self.assertEqual([r["status"] for r in results], ["error", "done"])
        self.assertIn("version 99", results[0]["message"])
        self.assertEqual(new_invoice.payment_state, "not_paid")
        self.assertFalse(new.is_reconciled)
        self.assertEqual(old_invoice.payment_state, "paid")

    def test_an_error_after_the_rewrite_restores_the_line(self):
        invoice = self._invoice(40.0)
        other_invoice = self._invoice(40.0)
        st_line = self._st_line(40.0)
        instruction = self._instruction(st_line, [(self._open_item(invoice), 40)])
        # reconcile with an item that is already paid: refused after the entry was rewritten
        paid_line = self._st_line(40.0)
        self.StLine.bankrec_apply(
            [self._instruction(paid_line, [(self._open_item(other_invoice), 40)])]
        )
        instruction["counterparts"][0]["reconcile_with"] = self._open_item(other_invoice).id
        [result] = self.StLine.bankrec_apply([instruction])
        self.assertEqual(result["status"], "error")
        self.assertIn("not open", result["message"])
        _liquidity, suspense, others = st_line._seek_for_lines()
        self.assertTrue(suspense)
        self.assertFalse(others)
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_expense_booking_needs_no_invoice(self):
        st_line = self._st_line(-12.5, "bank fee")
        [result] = self.StLine.bankrec_apply(
            [self._instruction(st_line, writeoff="12.50", partner=self.env["res.partner"])]
        )
        self.assertEqual(result["status"], "done", result)
        self.assertTrue(st_line.is_reconciled)

    def test_undo_restores_the_invoices_and_returns_their_states(self):
        invoice = self._invoice(70.0)
        st_line = self._st_line(70.0)
        self.StLine.bankrec_apply([self._instruction(st_line, [(self._open_item(invoice), 70)])])
        self.assertEqual(invoice.payment_state, "paid")
        answer = self.StLine.bankrec_undo(st_line.ids)
        self.assertEqual(answer["payment_states"], {str(invoice.id): "not_paid"})
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertFalse(st_line.is_reconciled)

    def test_a_user_without_accounting_rights_is_refused(self):
        invoice = self._invoice(30.0)
        st_line = self._st_line(30.0)
        user = self.env["res.users"].create(
            {
                "name": "No accounting",
                "login": "bankrec_no_accounting",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.StLine.with_user(user).bankrec_apply(
                [self._instruction(st_line, [(self._open_item(invoice), 30)])]
            )
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_internal_transfer_sides_are_paired_on_the_transfer_account(self):
        transfer = self.env.company.transfer_account_id
        self.assertTrue(transfer.reconcile)
        out_line, in_line = (
            self._st_line(-500.0, "to savings"),
            self._st_line(500.0, "from current"),
        )

        def transfer_instruction(st_line, me, other, amount):
            instruction = self._instruction(st_line, key=me, partner=self.env["res.partner"])
            instruction["counterparts"] = [
                {
                    "account_id": transfer.id,
                    "amount": amount,
                    "name": f"bankrec-transfer: {other}",
                    "partner_id": False,
                    "reconcile_with": False,
                }
            ]
            instruction["transfer"] = f"bankrec-transfer: {me}"
            return instruction

        [first] = self.StLine.bankrec_apply([transfer_instruction(out_line, "A", "B", "500.00")])
        self.assertEqual(first["status"], "done", first)
        out_item = out_line.move_id.line_ids.filtered(lambda ml: ml.account_id == transfer)
        self.assertFalse(out_item.reconciled)  # the other side is not booked yet
        [second] = self.StLine.bankrec_apply([transfer_instruction(in_line, "B", "A", "-500.00")])
        self.assertEqual(second["status"], "done", second)
        in_item = in_line.move_id.line_ids.filtered(lambda ml: ml.account_id == transfer)
        self.assertTrue(out_item.reconciled and in_item.reconciled)
        self.assertEqual(out_item.full_reconcile_id, in_item.full_reconcile_id)
