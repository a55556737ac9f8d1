# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

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

    def _st_line(self, amount, label="payment", partner=None):
        return self.StLine.create(
            {
                "journal_id": self.bank.id,
                "amount": amount,
                "payment_ref": label,
                "date": "2026-11-10",
                "partner_id": partner.id if partner else False,
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

    def test_an_expense_with_vat_needs_version_3_and_books_odoos_tax_line(self):
        st_line = self._st_line(-57.5, "supplies")
        tax = self.company_data["default_tax_purchase"]  # 15 %
        expense = self.company_data["default_account_expense"]
        instruction = self._instruction(st_line, writeoff="57.50")
        instruction["partner_id"] = False
        instruction["counterparts"][0].update(account_id=expense.id, taxes=[tax.id])
        [refused] = self.StLine.bankrec_apply([dict(instruction, version=2)])
        self.assertEqual(refused["status"], "error")
        self.assertIn("version 3", refused["message"])
        self.assertFalse(st_line.is_reconciled)
        [result] = self.StLine.bankrec_apply([dict(instruction, version=3)])
        self.assertEqual(result["status"], "done", result)
        items = st_line.move_id.line_ids
        self.assertEqual(items.filtered(lambda ml: ml.account_id == expense).balance, 50.0)
        self.assertEqual(items.filtered(lambda ml: ml.tax_line_id == tax).balance, 7.5)
        self.assertEqual(st_line.move_id.state, "posted")
        self.assertTrue(st_line.is_reconciled)

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

    # ------------------------------------------------------------------ batches
    def _shape(self, st_line, invoice):
        """What a person sees of a booked line and its invoice, ids and names aside: the
        items (labels and analytic distribution included) and the chatter of the invoice
        and the bank entry (each message's subtype and its tracked changes)."""
        self.env.cr.flush()  # Odoo writes the tracking messages when it flushes
        items = st_line.move_id.line_ids.sorted("id")
        open_item = self._open_item(invoice)

        def chatter(move):
            return [
                (
                    msg.message_type,
                    msg.subtype_id,
                    [
                        (tv.field_id.name, tv.old_value_char, tv.new_value_char)
                        for tv in msg.tracking_value_ids.sorted("id")
                    ],
                )
                for msg in move.message_ids.sorted("id")
            ]

        return (
            st_line.is_reconciled,
            st_line.amount_residual,
            st_line.partner_id,
            st_line.move_id.partner_id,
            st_line.move_id.state,
            invoice.payment_state,
            invoice.amount_residual,
            len(open_item.matched_debit_ids | open_item.matched_credit_ids),
            [
                (
                    ml.account_id,
                    ml.partner_id,
                    ml.name.replace("batch", "alone").replace(invoice.name, "<invoice>"),
                    ml.analytic_distribution,
                    ml.balance,
                    ml.amount_currency,
                    ml.reconciled,
                )
                for ml in items
            ],
            chatter(invoice),
            chatter(st_line.move_id),
        )

    def test_a_batch_with_a_distribution_model_ends_as_booking_line_by_line(self):
        """Where an analytic distribution model applies to the partner, the rewritten
        items get its distribution in a batch exactly as line by line."""
        plan = self.env["account.analytic.plan"].create({"name": "bankrec plan"})
        analytic = self.env["account.analytic.account"].create(
            {"name": "bankrec analytic", "plan_id": plan.id}
        )
        self.env["account.analytic.distribution.model"].create(
            {
                "partner_id": self.partner_a.id,
                "analytic_distribution": {str(analytic.id): 100},
                "company_id": self.env.company.id,
            }
        )
        self.test_a_batch_ends_exactly_as_booking_line_by_line()
        booked = self.StLine.search([("payment_ref", "like", "batch")])
        self.assertTrue(booked)
        distributions = booked.move_id.line_ids.mapped("analytic_distribution")
        self.assertIn({str(analytic.id): 100}, distributions)

    def test_lines_imported_with_their_partner_end_in_a_batch_as_line_by_line(self):
        """What a line already has (its partner, set at import) is not written again in a
        batch: no partner change is tracked, in a batch or line by line."""
        self.test_a_batch_ends_exactly_as_booking_line_by_line(partner=self.partner_a)
        booked = self.StLine.search([("payment_ref", "like", "batch")])
        self.env.cr.flush()
        tracked = booked.move_id.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertNotIn("partner_id", tracked)
        self.assertEqual(booked.move_id.partner_id, self.partner_a)

    def test_a_batch_ends_exactly_as_booking_line_by_line(self, partner=None):
        self.maxDiff = None
        amounts = [110.0, 220.0, 330.0, 440.0]
        alone = [(self._invoice(a), self._st_line(a, f"alone {a}", partner)) for a in amounts]
        batched = [(self._invoice(a), self._st_line(a, f"batch {a}", partner)) for a in amounts]
        for invoice, st_line in alone:
            [result] = self.StLine.bankrec_apply(
                [self._instruction(st_line, [(self._open_item(invoice), invoice.amount_total)])]
            )
            self.assertEqual(result["status"], "done", result)
        Item = type(self.env["account.move.line"])
        with patch.object(
            Item, "_reconcile_plan", autospec=True, side_effect=Item._reconcile_plan
        ) as reconcile_plan:
            results = self.StLine.bankrec_apply(
                [
                    self._instruction(
                        st_line, [(self._open_item(inv), inv.amount_total)], key=str(k)
                    )
                    for k, (inv, st_line) in enumerate(batched)
                ]
            )
        self.assertEqual(reconcile_plan.call_count, 1)  # the batch path, one reconcile for all
        self.assertEqual([r["status"] for r in results], ["done"] * 4)
        self.assertEqual(
            [r["payment_states"] for r in results],
            [{str(inv.id): "paid"} for inv, _st in batched],
        )
        for (inv_a, line_a), (inv_b, line_b) in zip(alone, batched, strict=True):
            self.assertEqual(self._shape(line_a, inv_a), self._shape(line_b, inv_b))

    def test_one_bad_line_does_not_cost_the_good_ones_of_its_batch(self):
        invoices = [self._invoice(a) for a in (50.0, 60.0, 70.0)]
        lines = [self._st_line(inv.amount_total, f"l{k}") for k, inv in enumerate(invoices)]
        instructions = [
            self._instruction(st, [(self._open_item(inv), inv.amount_total)], key=f"k{k}")
            for k, (inv, st) in enumerate(zip(invoices, lines, strict=True))
        ]
        instructions[1]["counterparts"][0]["reconcile_with"] = 10**9  # no such item
        results = self.StLine.bankrec_apply(instructions)
        self.assertEqual([r["status"] for r in results], ["done", "error", "done"])
        self.assertEqual([r["key"] for r in results], ["k0", "k1", "k2"])
        self.assertEqual([inv.payment_state for inv in invoices], ["paid", "not_paid", "paid"])

    def test_two_lines_paying_one_invoice_in_one_batch_pay_it_in_parts(self):
        invoice = self._invoice(900.0)
        first, second = self._st_line(400.0, "part 1"), self._st_line(500.0, "part 2")
        item = self._open_item(invoice)
        results = self.StLine.bankrec_apply(
            [self._instruction(first, [(item, 400)], key="a"),
             self._instruction(second, [(item, 500)], key="b")]
        )  # fmt: skip
        self.assertEqual([r["status"] for r in results], ["done", "done"], results)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(len(item.matched_credit_ids | item.matched_debit_ids), 2)

    def test_malformed_instructions_are_errors_of_their_own_line(self):
        invoice = self._invoice(80.0)
        good = self._st_line(80.0, "good")
        huge = self._instruction(self._st_line(10.0, "huge"), [], key="huge")
        huge["suspense_amount"] = "1e309"
        keyless = self._instruction(self._st_line(20.0, "no key"), [])
        del keyless["key"]
        results = self.StLine.bankrec_apply(
            [huge, keyless, "not a mapping",
             self._instruction(good, [(self._open_item(invoice), 80)], key="good")]
        )  # fmt: skip
        self.assertEqual([r["status"] for r in results], ["error", "error", "error", "done"])
        self.assertIn("not an amount", results[0]["message"])
        self.assertIs(results[1]["key"], False)  # never None: XML-RPC cannot marshal it
        self.assertEqual(invoice.payment_state, "paid")
