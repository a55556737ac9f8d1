# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared builders for the add-on's tests: a bank journal, invoices, statement lines, users."""

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user


class BankrecCommon(AccountTestInvoicingCommon):
    # The add-on's own booking (one batch now, the rest by the scheduled action), also in a
    # database where account_bank_reconcile_queue is installed; its tests set False.
    book_without_queue = True

    @classmethod
    def setUpClass(cls, chart_template_ref=None):
        super().setUpClass(chart_template_ref=chart_template_ref)
        cls.env = cls.env(context=dict(cls.env.context, bankrec_no_queue=cls.book_without_queue))
        cls.bank = cls.company_data["default_journal_bank"].with_env(cls.env)
        cls.currency = cls.company_data["currency"]
        cls.StLine = cls.env["account.bank.statement.line"]
        cls.RuleSet = cls.env["bankrec.rule.set"]
        cls.partner_a.name = "Gletscher Bergbahnen AG"
        cls.partner_b.name = "Hafen Logistik GmbH"
        cls.company = cls.company_data["company"].with_env(cls.env)
        cls.company.bankrec_writeoff_account_id = cls.company_data["default_account_expense"]
        cls.reviewer = new_test_user(
            cls.env,
            login="bankrec_reviewer",
            groups="account_bank_reconcile_rules.group_bankrec_user,account.group_account_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.outsider = new_test_user(
            cls.env,
            login="bankrec_outsider",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    def invoice(self, amount, partner=None, move_type="out_invoice", date="2026-11-01"):
        return self.init_invoice(
            move_type,
            partner=partner or self.partner_a,
            amounts=[amount],
            taxes=[],
            post=True,
            invoice_date=date,
        )

    def line(self, amount, label, counterparty="", journal=None, date="2026-11-10"):
        return self.StLine.create(
            {
                "journal_id": (journal or self.bank).id,
                "amount": amount,
                "payment_ref": label,
                "partner_name": counterparty or False,
                "date": date,
            }
        )

    def bankrec_run(self, journal=None, lines=None, user=None):
        journal = (journal or self.bank).with_user(user or self.reviewer)
        if lines is not None:
            lines = lines.with_user(user or self.reviewer)
        from ..engine.runner import Engine

        return Engine(journal.env, journal).run(lines=lines)

    def sure_payments(self, count, amount=100.0, journal=None):
        """``count`` customer invoices and, for each, a bank line (on ``journal``) paying it
        exactly and naming it: decisions bankrec is sure of. Returns (invoices, lines)."""
        invoices = self.env["account.move"]
        lines = self.StLine
        for k in range(count):
            invoice = self.invoice(amount + k)
            invoices |= invoice
            label = f"Payment {invoice.name}"
            lines |= self.line(amount + k, label, "Gletscher Bergbahnen AG", journal=journal)
        return invoices, lines

    def end_state(self, invoices, lines):
        """What booking left: each line's reconciled flag and the invoices it settled, each
        invoice's payment state and residual -- to compare two ways of booking."""
        return (
            {ln.id: (ln.is_reconciled, ln._bankrec_reconciled_invoices().ids) for ln in lines},
            {m.id: (m.payment_state, m.amount_residual) for m in invoices},
            self.env["account.partial.reconcile"].search_count([]),
        )
