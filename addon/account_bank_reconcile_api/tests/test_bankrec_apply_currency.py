# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``bankrec_apply`` across currencies: counterparts carry the invoice's currency and the
company-currency value of the bank line's money, and Odoo's own ``reconcile`` books the
exchange difference (in the company's exchange journal) -- no exchange entry is written
by bankrec.

An EUR company; CHF and GBP invoices dated 2026-10-01 at one rate, bank lines dated
2026-11-10 at another: 1 EUR = 1.25 CHF then 1.08 CHF, 1 EUR = 0.80 GBP then 0.50 GBP.
"""

from unittest.mock import patch

from odoo import fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import tagged

INVOICE_DATE = "2026-10-01"
LINE_DATE = "2026-11-10"


@tagged("post_install", "-at_install")
class TestBankrecApplyCurrency(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls, chart_template_ref=None):
        super().setUpClass(chart_template_ref=chart_template_ref)
        cls.eur, cls.chf, cls.gbp = (
            cls.env.ref("base.EUR"),
            cls.env.ref("base.CHF"),
            cls.env.ref("base.GBP"),
        )
        (cls.eur | cls.chf | cls.gbp).active = True
        # the generic chart's test companies are in USD: this one is in EUR, explicitly
        cls.fx = cls.setup_company_data("bankrec FX company", currency_id=cls.eur.id)
        cls.company = cls.fx["company"]
        cls.env.user.company_id = cls.company
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        assert cls.company.currency_id == cls.eur
        for currency, rates in (
            (cls.eur, (1.0, 1.0)),
            (cls.chf, (1.25, 1.08)),
            (cls.gbp, (0.8, 0.5)),
        ):
            for day, rate in zip((INVOICE_DATE, LINE_DATE), rates, strict=True):
                cls.env["res.currency.rate"].create(
                    {
                        "name": day,
                        "rate": rate,
                        "currency_id": currency.id,
                        "company_id": cls.company.id,
                    }
                )
        cls.bank = cls.fx["default_journal_bank"]
        cls.chf_bank = cls.env["account.journal"].create(
            {
                "name": "Bank CHF",
                "code": "BCHF",
                "type": "bank",
                "currency_id": cls.chf.id,
                "company_id": cls.company.id,
            }
        )
        cls.exchange_journal = cls.company.currency_exchange_journal_id
        assert cls.exchange_journal, "the chart gives the company an exchange journal"
        cls.partner = cls.env["res.partner"].create({"name": "Zollikon Uhren AG"})
        cls.StLine = cls.env["account.bank.statement.line"]

    # ------------------------------------------------------------------ helpers
    def _invoice(self, amount, currency, move_type="out_invoice"):
        return self.init_invoice(
            move_type,
            partner=self.partner,
            invoice_date=fields.Date.from_string(INVOICE_DATE),
            amounts=[amount],
            taxes=[],
            currency=currency,
            post=True,
        )

    def _open_item(self, invoice):
        return invoice.line_ids.filtered(
            lambda ml: ml.account_id.account_type in ("asset_receivable", "liability_payable")
        )

    def _st_line(self, amount, journal=None, label="payment"):
        return self.StLine.create(
            {
                "journal_id": (journal or self.bank).id,
                "amount": amount,
                "payment_ref": label,
                "date": LINE_DATE,
                "partner_id": self.partner.id,
            }
        )

    def _instruction(self, st_line, pays, key="fx", version=2):
        """``pays``: (open item, amount in its currency, balance in EUR), signed on the
        bank entry as strings."""
        _liquidity, suspense, _others = st_line._seek_for_lines()
        return {
            "version": version,
            "key": key,
            "line_id": st_line.id,
            "suspense_id": suspense.id,
            "suspense_amount": f"{suspense.amount_currency:.2f}",
            "suspense_balance": f"{suspense.balance:.2f}",
            "partner_id": self.partner.id,
            "transfer": False,
            "counterparts": [
                {
                    "account_id": item.account_id.id,
                    "currency": item.currency_id.name,
                    "amount": amount,
                    "balance": balance,
                    "name": f"bankrec: {item.move_id.name}",
                    "partner_id": item.partner_id.id,
                    "reconcile_with": item.id,
                }
                for item, amount, balance in pays
            ],
        }

    def _exchange_moves(self, invoice):
        item = self._open_item(invoice)
        partials = item.matched_debit_ids | item.matched_credit_ids
        return partials.exchange_move_id | item.full_reconcile_id.exchange_move_id

    def _assert_balanced(self, moves):
        for move in moves:
            self.assertAlmostEqual(sum(move.line_ids.mapped("balance")), 0.0, places=2)

    def _assert_paid_with_exchange_difference(self, invoice, st_line, difference):
        """Paid, the line booked, one exchange entry of Odoo's moving ``difference`` EUR on
        the receivable/payable account (a debit: the money was worth more than booked), and
        the invoice's open item settled in EUR too."""
        self.assertEqual(invoice.payment_state, "paid")
        self.assertTrue(st_line.is_reconciled)
        item = self._open_item(invoice)
        self.assertTrue(item.full_reconcile_id)
        self.assertAlmostEqual(item.amount_residual, 0.0)
        exchange = self._exchange_moves(invoice)
        self.assertEqual(len(exchange), 1)
        self.assertEqual(exchange.journal_id, self.exchange_journal)
        self.assertEqual(exchange.state, "posted")
        on_item_account = exchange.line_ids.filtered(lambda ml: ml.account_id == item.account_id)
        self.assertAlmostEqual(sum(on_item_account.mapped("balance")), difference, places=2)
        self._assert_balanced(st_line.move_id | exchange | invoice)

    # ------------------------------------------------------------------ tests
    def test_a_line_in_the_company_currency_pays_a_chf_invoice_in_full(self):
        invoice = self._invoice(1000.0, self.chf)  # 800.00 EUR in the books
        self.assertAlmostEqual(self._open_item(invoice).balance, 800.0)
        st_line = self._st_line(950.0)
        instruction = self._instruction(
            st_line, [(self._open_item(invoice), "-1000.00", "-950.00")]
        )
        [result] = self.StLine.bankrec_apply([instruction])
        self.assertEqual(result["status"], "done", result)
        self.assertEqual(result["payment_states"], {str(invoice.id): "paid"})
        counterpart = st_line.move_id.line_ids.filtered(lambda ml: ml.reconciled)
        self.assertEqual(counterpart.currency_id, self.chf)
        self.assertAlmostEqual(counterpart.amount_currency, -1000.0)
        self.assertAlmostEqual(counterpart.balance, -950.0)
        # the invoice's 800.00 EUR were settled by 950.00 EUR: 150.00 EUR exchange gain
        self._assert_paid_with_exchange_difference(invoice, st_line, 150.0)
        [again] = self.StLine.bankrec_apply([instruction])
        self.assertEqual(again["status"], "skipped")

    def test_a_line_in_the_company_currency_pays_a_gbp_bill_in_full(self):
        bill = self._invoice(800.0, self.gbp, move_type="in_invoice")  # 1,000.00 EUR
        st_line = self._st_line(-1590.0)
        [result] = self.StLine.bankrec_apply(
            [self._instruction(st_line, [(self._open_item(bill), "800.00", "1590.00")])]
        )
        self.assertEqual(result["status"], "done", result)
        # 1,590.00 EUR paid for what was booked at 1,000.00 EUR: 590.00 EUR exchange loss
        self._assert_paid_with_exchange_difference(bill, st_line, -590.0)

    def test_a_line_in_a_chf_journal_pays_chf_invoices_at_its_own_rate(self):
        first, second = self._invoice(600.0, self.chf), self._invoice(400.0, self.chf)
        st_line = self._st_line(1000.0, journal=self.chf_bank)
        _liquidity, suspense, _others = st_line._seek_for_lines()
        self.assertEqual(suspense.currency_id, self.chf)
        self.assertAlmostEqual(suspense.balance, -925.93)  # 1,000 CHF at 1.08
        # the line's EUR value pro rata (the connector's planner computes these)
        instruction = self._instruction(
            st_line,
            [
                (self._open_item(first), "-600.00", "-555.56"),
                (self._open_item(second), "-400.00", "-370.37"),
            ],
        )
        [result] = self.StLine.bankrec_apply([instruction])
        self.assertEqual(result["status"], "done", result)
        self.assertEqual((first | second).mapped("payment_state"), ["paid", "paid"])
        # 600 CHF booked at 480.00 EUR, paid with 555.56 EUR: 75.56 EUR gain; 400 CHF:
        # 320.00 EUR booked, 370.37 EUR paid, 50.37 EUR gain
        self._assert_paid_with_exchange_difference(first, st_line, 75.56)
        self._assert_paid_with_exchange_difference(second, st_line, 50.37)

    def test_a_counterpart_without_a_currency_is_in_its_own_lines_journal_currency(self):
        # one batch, lines of an EUR and a CHF journal, counterparts naming no currency:
        # each takes its own journal's (the batch looks currencies up once per journal)
        eur_invoice, chf_invoice = (
            self._invoice(100.0, self.company.currency_id),
            self._invoice(600.0, self.chf),
        )
        eur_line = self._st_line(100.0, label="eur")
        chf_line = self._st_line(600.0, journal=self.chf_bank, label="chf")
        chf_balance = f"{chf_line._seek_for_lines()[1].balance:.2f}"
        instructions = [
            self._instruction(eur_line, [(self._open_item(eur_invoice), "-100.00", "-100.00")]),
            self._instruction(
                chf_line, [(self._open_item(chf_invoice), "-600.00", chf_balance)], key="chf"
            ),
        ]
        for instruction in instructions:
            del instruction["counterparts"][0]["currency"]
        alone = patch.object(
            type(self.StLine), "_bankrec_apply_alone", side_effect=AssertionError("fell back")
        )
        with alone:  # booked as one batch, not line by line after the batch failed
            results = self.StLine.bankrec_apply(instructions)
        self.assertEqual([r["status"] for r in results], ["done", "done"], results)
        self.assertEqual((eur_invoice | chf_invoice).mapped("payment_state"), ["paid", "paid"])

    def test_a_partial_payment_in_the_invoice_currency(self):
        invoice = self._invoice(1000.0, self.chf)
        st_line = self._st_line(400.0)
        [result] = self.StLine.bankrec_apply(
            [self._instruction(st_line, [(self._open_item(invoice), "-420.00", "-400.00")])]
        )
        self.assertEqual(result["status"], "done", result)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 580.0)  # in CHF
        self.assertTrue(st_line.is_reconciled)

    def test_undo_restores_the_invoice_and_reverses_odoos_exchange_difference(self):
        invoice = self._invoice(1000.0, self.chf)
        st_line = self._st_line(1000.0, journal=self.chf_bank)
        self.StLine.bankrec_apply(
            [self._instruction(st_line, [(self._open_item(invoice), "-1000.00", "-925.93")])]
        )
        exchange = self._exchange_moves(invoice)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(len(exchange), 1)
        answer = self.StLine.bankrec_undo(st_line.ids)
        self.assertEqual(answer["payment_states"], {str(invoice.id): "not_paid"})
        self.assertEqual(invoice.payment_state, "not_paid")
        item = self._open_item(invoice)
        self.assertAlmostEqual(item.amount_residual_currency, 1000.0)
        self.assertAlmostEqual(item.amount_residual, 800.0)
        self.assertFalse(item.matched_debit_ids | item.matched_credit_ids)
        # Odoo's undo reverses its own exchange entry: together they are nothing
        self.assertTrue(exchange.reversal_move_id)
        for ml in exchange.line_ids:
            self.assertTrue(ml.reconciled or not ml.account_id.reconcile)
        self.assertFalse(st_line.is_reconciled)
        _liquidity, suspense, others = st_line._seek_for_lines()
        self.assertTrue(suspense)
        self.assertFalse(others)

    def test_version_1_instructions_are_refused_per_line_for_foreign_currencies(self):
        chf_invoice, chf_bank_invoice = (
            self._invoice(100.0, self.chf),
            self._invoice(50.0, self.chf),
        )
        eur_invoice = self._invoice(30.0, self.eur)
        across, in_chf_journal, plain = (
            self._st_line(95.0, label="across"),
            self._st_line(50.0, journal=self.chf_bank, label="chf journal"),
            self._st_line(30.0, label="plain"),
        )
        old_across = self._instruction(
            across, [(self._open_item(chf_invoice), "-100.00", "-95.00")], key="a", version=1
        )
        old_chf_journal = self._instruction(
            in_chf_journal,
            [(self._open_item(chf_bank_invoice), "-50.00", "-46.30")],
            key="b",
            version=1,
        )
        # version 1 as the connector used to send it: no currency, no balance
        old_plain = self._instruction(
            plain, [(self._open_item(eur_invoice), "-30.00", "-30.00")], key="c", version=1
        )
        for cp in old_plain["counterparts"]:
            del cp["currency"], cp["balance"]
        del old_plain["suspense_balance"]
        results = self.StLine.bankrec_apply([old_across, old_chf_journal, old_plain])
        self.assertEqual([r["status"] for r in results], ["error", "error", "done"], results)
        self.assertIn("version 1", results[0]["message"])
        self.assertIn("version 1", results[1]["message"])
        self.assertEqual((chf_invoice | chf_bank_invoice).mapped("payment_state"), ["not_paid"] * 2)
        self.assertFalse((across | in_chf_journal).filtered("is_reconciled"))
        self.assertEqual(eur_invoice.payment_state, "paid")

    def test_a_version_1_line_paying_a_foreign_invoice_in_company_currency_is_refused(self):
        invoice = self._invoice(100.0, self.chf)
        st_line = self._st_line(95.0)
        instruction = self._instruction(
            st_line, [(self._open_item(invoice), "-95.00", "-95.00")], version=1
        )
        del instruction["counterparts"][0]["currency"]
        [result] = self.StLine.bankrec_apply([instruction])
        self.assertEqual(result["status"], "error")
        self.assertIn("item's currency", result["message"])
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_balances_that_do_not_add_up_to_the_suspense_item_are_refused(self):
        invoice = self._invoice(1000.0, self.chf)
        st_line = self._st_line(950.0)
        [result] = self.StLine.bankrec_apply(
            [self._instruction(st_line, [(self._open_item(invoice), "-1000.00", "-949.00")])]
        )
        self.assertEqual(result["status"], "error")
        self.assertIn("balances sum to", result["message"])
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertFalse(st_line.is_reconciled)

    def test_a_counterpart_worth_the_opposite_sign_is_refused(self):
        invoice = self._invoice(1000.0, self.chf)
        st_line = self._st_line(950.0)
        instruction = self._instruction(st_line, [(self._open_item(invoice), "1000.00", "-950.00")])
        [result] = self.StLine.bankrec_apply([instruction])
        self.assertEqual(result["status"], "error")
        self.assertIn("cannot be worth", result["message"])
        self.assertEqual(invoice.payment_state, "not_paid")
