# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared builders for the add-on's tests: a bank journal, invoices, statement lines, users."""

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user


class BankrecCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls, chart_template_ref=None):
        super().setUpClass(chart_template_ref=chart_template_ref)
        cls.bank = cls.company_data["default_journal_bank"]
        cls.currency = cls.company_data["currency"]
        cls.StLine = cls.env["account.bank.statement.line"]
        cls.RuleSet = cls.env["bankrec.rule.set"]
        cls.partner_a.name = "Gletscher Bergbahnen AG"
        cls.partner_b.name = "Hafen Logistik GmbH"
        cls.company = cls.company_data["company"]
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
