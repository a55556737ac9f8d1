# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A bank journal with a line of each kind the workspace shows, after one bankrec run."""

from odoo.addons.account_bank_reconcile_rules.tests.common import BankrecCommon


class WorkspaceCommon(BankrecCommon):
    @classmethod
    def setUpClass(cls, chart_template_ref=None):
        super().setUpClass(chart_template_ref=chart_template_ref)
        cls.Journal = cls.env["account.journal"]
        cls.eur = cls.env.ref("base.EUR")
        cls.usd = cls.env.ref("base.USD")

    def seed(self):
        """A sure payment (booked by the run), a tie (to review), a fee (no match), a line
        never run; returns them."""
        self.sure_invoice = self.invoice(1000.0)
        self.sure = self.line(
            1000.0, f"Payment {self.sure_invoice.name}", "Gletscher Bergbahnen AG"
        )
        self.twin_a = self.invoice(500.0, self.partner_b)
        self.twin_b = self.invoice(500.0, self.partner_b)
        self.doubtful = self.line(500.0, "Transfer", "Hafen Logistik GmbH")
        self.fee = self.line(-12.5, "FRAIS TENUE DE COMPTE", "", date="2026-11-12")
        self.bankrec_run()
        self.fresh = self.line(42.0, "Not run yet", "Somebody")
        return self.sure, self.doubtful, self.fee, self.fresh

    def data(self, user=None, **kwargs):
        journal = self.bank.with_user(user or self.reviewer)
        return journal.bankrec_workspace_data(**kwargs)

    def detail(self, line, user=None):
        return line.with_user(user or self.reviewer).bankrec_workspace_line()
