# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.account_bank_statement_line import reason_rows
from .common import WorkspaceCommon


@tagged("post_install", "-at_install")
class TestWorkspaceLine(WorkspaceCommon):
    def foreign_invoice(self, amount, partner=None, move_type="out_invoice"):
        return self.init_invoice(
            move_type,
            partner=partner or self.partner_a,
            amounts=[amount],
            taxes=[],
            post=True,
            invoice_date="2026-11-01",
            currency=self.currency_data["currency"],
        )

    def test_a_suggestion_comes_with_its_reasons_points_and_alternatives(self):
        _sure, doubtful, _fee, _fresh = self.seed()
        detail = self.detail(doubtful)
        self.assertEqual(detail["status"], "to_review")
        suggestion = detail["suggestion"]
        self.assertTrue(suggestion["reasons"])
        self.assertTrue(any(r["points"] for r in suggestion["reasons"]), suggestion["reasons"])
        self.assertEqual(len(suggestion["allocations"]), 1)
        item = suggestion["allocations"][0]
        self.assertIn(item["number"], (self.twin_a.name, self.twin_b.name))
        self.assertEqual(item["partner"], "Hafen Logistik GmbH")
        self.assertAlmostEqual(item["amount"], 500.0)
        self.assertAlmostEqual(item["residual"], 500.0)
        self.assertEqual(suggestion["run"]["id"], doubtful.bankrec_decision_id.run_id.id)
        self.assertEqual(len(detail["alternatives"]), 1)
        alternative = detail["alternatives"][0]
        self.assertEqual(alternative["index"], 0)
        self.assertNotEqual(alternative["allocations"][0]["number"], item["number"])
        self.assertTrue(alternative["reasons"])
        self.assertTrue(detail["can"]["validate"])
        self.assertTrue(detail["can"]["choose"])
        self.assertTrue(detail["can"]["ignore"])
        self.assertFalse(detail["can"]["undo"])
        self.assertEqual(detail["why_no_match"], [])

    def test_reason_rows_read_the_points(self):
        rows = reason_rows(
            "partner 'X' recognised from counterparty (similarity 93, +50)\n"
            "amount 500.00 USD settles the open 500.00 exactly (+30)\n"
            "the line names another document, FA-1 (-20)\n"
            "two candidates are too close: not automatic\n"
            "rule learned-7.rules:1: confidence +15\n"
        )
        self.assertEqual([r["points"] for r in rows], [50, 30, -20, None, 15])
        named = reason_rows(
            "rule learned-7.rules:1: confidence -5\n"
            "not automatic: runner-up 12 scores 90 (within 5)",
            {7: "'name:X' (learned)"},
            {12: "INV/2026/00012"},
        )
        self.assertEqual(
            named,
            [
                {"text": "rule 'name:X' (learned): confidence -5", "points": -5},
                {
                    "text": "not automatic: runner-up INV/2026/00012 scores 90 (within 5)",
                    "points": None,
                },
            ],
        )

    def test_a_reconciled_line_says_what_it_paid_and_can_be_undone(self):
        sure, *_rest = self.seed()
        detail = self.detail(sure)
        self.assertEqual(detail["status"], "reconciled")
        self.assertEqual(detail["band"], "high")
        self.assertEqual([r["number"] for r in detail["reconciled_with"]], [self.sure_invoice.name])
        self.assertTrue(detail["can"]["undo"])
        self.assertFalse(detail["can"]["validate"])
        self.assertFalse(detail["can"]["ignore"])

    # ------------------------------------------------------------------ why no match
    def test_no_match_because_the_only_item_at_this_amount_is_in_another_currency(self):
        invoice = self.foreign_invoice(777.0)
        line = self.line(777.0, "Zahlung", "Unbekannt")
        self.bankrec_run(lines=line)
        detail = self.detail(line)
        self.assertEqual(detail["status"], "unmatched")
        (why,) = detail["why_no_match"]
        currency = self.currency_data["currency"].name
        self.assertIn(f"The only open item at this amount is {invoice.name}", why)
        self.assertIn(f"in {currency}, the line is in {self.currency.name}", why)

    def test_no_match_because_the_item_goes_the_other_way(self):
        bill = self.invoice(640.0, move_type="in_invoice")
        line = self.line(640.0, "Gutschrift", "Unbekannt")
        self.bankrec_run(lines=line)
        (why,) = self.detail(line)["why_no_match"]
        self.assertIn(bill.name, why)
        self.assertIn("vendor bill", why)
        self.assertIn("money received", why)

    def test_no_match_because_nothing_tells_the_items_apart(self):
        first = self.invoice(333.0)
        self.invoice(333.0, self.partner_b)
        line = self.line(-333.0, "Rückzahlung", "")
        line2 = self.line(333.0, "Zahlung", "")
        self.bankrec_run(lines=line | line2)
        detail = self.detail(line2)
        if detail["suggestion"] and detail["suggestion"]["allocations"]:
            self.skipTest("the matcher suggested an item: nothing to explain")
        (why,) = detail["why_no_match"]
        self.assertIn("2 open items are at this amount", why)
        self.assertIn(first.name, why)

    def test_no_match_because_no_item_has_the_amount(self):
        line = self.line(-12.34, "FRAIS", "")
        self.bankrec_run(lines=line)
        (why,) = self.detail(line)["why_no_match"]
        self.assertIn("No open item is at 12.34", why)

    def test_a_line_never_run_explains_too(self):
        invoice = self.foreign_invoice(888.0)
        line = self.line(888.0, "Zahlung", "")
        detail = self.detail(line)
        self.assertEqual(detail["status"], "new")
        self.assertIn(invoice.name, detail["why_no_match"][0])

    # ------------------------------------------------------------------ other items
    def test_search_open_items_by_number_partner_and_amount(self):
        _sure, doubtful, fee, _fresh = self.seed()
        other = self.invoice(1234.5, self.partner_b)
        found = fee.with_user(self.reviewer).bankrec_workspace_search_items(other.name)
        self.assertEqual([i["number"] for i in found], [other.name])
        found = fee.with_user(self.reviewer).bankrec_workspace_search_items("1,234.50")
        self.assertEqual([i["number"] for i in found], [other.name])
        found = fee.with_user(self.reviewer).bankrec_workspace_search_items("Hafen")
        self.assertEqual(
            {i["number"] for i in found}, {self.twin_a.name, self.twin_b.name, other.name}
        )
        self.assertNotIn(
            self.sure_invoice.name,
            [i["number"] for i in doubtful.bankrec_workspace_search_items("Gletscher")],
            "a paid invoice is not open",
        )

    def test_matching_picked_items_opens_the_manual_match_prefilled(self):
        _sure, doubtful, _fee, _fresh = self.seed()
        action = doubtful.with_user(self.reviewer).action_bankrec_workspace_match(
            [self.twin_a.id, self.twin_b.id]
        )
        wizard = self.env["bankrec.manual.match"].browse(action["res_id"])
        self.assertEqual(
            set(wizard.line_ids.move_line_id.move_id.ids), {self.twin_a.id, self.twin_b.id}
        )
        self.assertAlmostEqual(wizard.difference, -500.0)
        wizard.line_ids.filtered(lambda ln: ln.move_line_id.move_id == self.twin_b).unlink()
        wizard.with_user(self.reviewer).action_book()
        self.assertTrue(doubtful.is_reconciled)

    def test_one_picked_item_is_paid_by_what_the_line_holds(self):
        invoice = self.invoice(900.0)
        line = self.line(400.0, "Anzahlung", "")
        action = line.with_user(self.reviewer).action_bankrec_workspace_match([invoice.id])
        wizard = self.env["bankrec.manual.match"].browse(action["res_id"])
        self.assertAlmostEqual(sum(wizard.line_ids.mapped("amount")), 400.0)
        self.assertAlmostEqual(wizard.difference, 0.0)
        wizard.with_user(self.reviewer).action_book()
        self.assertEqual(invoice.payment_state, "partial")

    def test_matching_a_reconciled_line_is_refused(self):
        sure, *_rest = self.seed()
        with self.assertRaises(UserError):
            sure.with_user(self.reviewer).action_bankrec_workspace_match([self.twin_a.id])

    def test_book_as_expense_opens_a_new_wizard_prefilled_from_the_line(self):
        line = self.line(-80.0, "Office supplies", "Papeterie")
        action = line.with_user(self.reviewer).action_bankrec_book_expense()
        self.assertFalse(action.get("res_id"))
        Wizard = self.env["bankrec.book.expense"].with_user(self.reviewer)
        wizard = Wizard.with_context(**action["context"]).create(
            {"account_id": self.company_data["default_account_expense"].id}
        )
        self.assertEqual(wizard.statement_line_id, line)
        self.assertEqual(wizard.label, "Office supplies")
        wizard.action_book()
        self.assertTrue(line.is_reconciled)
        detail = self.detail(line)
        self.assertIn(
            self.company_data["default_account_expense"].code,
            detail["reconciled_with"][0]["number"],
        )
