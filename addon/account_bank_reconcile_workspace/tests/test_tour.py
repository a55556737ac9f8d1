# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The workspace in a real browser: Odoo's tours on Chrome/Chromium (Odoo's test browser).

``BANKREC_SCREENSHOTS=<folder>`` makes the tours save PNGs of the workspace, an opened
line, the runs, the learned rules and the dashboard into that folder (see the rules
add-on's ``tests/browser.py``). Without the variable nothing is saved.
"""

from datetime import timedelta

from odoo import fields
from odoo.addons.account_bank_reconcile_rules.tests.browser import screenshots_dir, start_tour
from odoo.tests import HttpCase, tagged

from .common import WorkspaceCommon


@tagged("post_install", "-at_install")
class TestWorkspaceTour(WorkspaceCommon, HttpCase):
    browser_size = "1600x1000"

    @classmethod
    def setUpClass(cls, chart_template_ref=None):
        super().setUpClass(chart_template_ref=chart_template_ref)
        cls.shots = []
        cls.company.name = "Alpenblick Handel AG"
        cls.bank.name = "Alpenbank"
        cls.reviewer.name = "Anna Keller"
        cls.office = cls.env["account.account"].create(
            {
                "code": "612345",
                "name": "Office supplies",
                "account_type": "expense",
                "company_id": cls.company.id,
            }
        )
        Learned = cls.env["bankrec.learned.rule"].sudo()
        for key, party, text, validations in (
            ("name:HAFEN LOGISTIK", "Hafen Logistik GmbH",
             "counterparty contains 'HAFEN LOGISTIK' => party 'Hafen Logistik GmbH', "
             "confidence+15", 4),
            ("name:GLETSCHER BERGBAHNEN", "Gletscher Bergbahnen AG",
             "counterparty contains 'GLETSCHER BERGBAHNEN' => party 'Gletscher Bergbahnen AG', "
             "confidence+10", 3),
        ):  # fmt: skip
            Learned.create(
                {
                    "company_id": cls.company.id,
                    "key": key,
                    "party": party,
                    "state": "learned",
                    "rule_text": text,
                    "validations": validations,
                    "track_record": f"{validations} validations, 0 rejections",
                    "last_used": fields.Datetime.now(),
                    "last_validation": fields.Date.today() - timedelta(days=validations),
                }
            )

    def setUp(self):
        super().setUp()
        today = fields.Date.context_today(self.env.user)
        recent = str(today - timedelta(days=2))
        self.sure_invoice = self.invoice(1000.0, date=recent)
        self.line(
            1000.0, f"Payment {self.sure_invoice.name}", "Gletscher Bergbahnen AG", date=recent
        )
        self.invoice(500.0, self.partner_b, date=recent)
        self.invoice(500.0, self.partner_b, date=recent)
        self.line(500.0, "Transfer", "Hafen Logistik GmbH", date=recent)
        self.line(-12.5, "FRAIS TENUE DE COMPTE", "", date=recent)
        self.init_invoice(
            "out_invoice", partner=self.partner_a, amounts=[777.0], taxes=[], post=True,
            invoice_date=recent, currency=self.currency_data["currency"],
        )  # fmt: skip
        old = str(today - timedelta(days=30))
        self.line(777.0, "Zahlung Auftrag 4711", "Kunde ohne Namen", date=old)
        self.line(-80.0, "Office supplies", "Papeterie Muster", date=recent)
        self.bankrec_run()

    def tour(self, url, name):
        return start_tour(self, url, name, "bankrec_reviewer", self.shots)

    def test_the_workspace_in_a_browser(self):
        url = f"/web#action=bankrec_workspace&journal_id={self.bank.id}"
        self.tour(url, "bankrec_workspace_tour")
        lines = {
            line.payment_ref: line
            for line in self.StLine.search([("journal_id", "=", self.bank.id)])
        }
        self.assertEqual(lines["FRAIS TENUE DE COMPTE"].bankrec_state, "ignored")
        self.assertFalse(lines["Office supplies"].is_reconciled, "booked as expense, then undone")
        self.assertFalse(lines["Transfer"].is_reconciled, "validated, then undone with its run")
        self.assertTrue(lines[f"Payment {self.sure_invoice.name}"].is_reconciled, "rematched")
        runs = self.env["bankrec.run"].search([("journal_id", "=", self.bank.id)], order="id")
        self.assertEqual(runs.mapped("state"), ["undone", "done"])
        if screenshots_dir():
            for name in ("workspace", "line_detail", "runs", "learned_rules"):
                self.assertIn(name, self.shots)

    def test_the_dashboard_leads_to_the_stale_lines(self):
        self.tour(
            "/web#action=account.open_account_journal_dashboard_kanban", "bankrec_dashboard_tour"
        )
        if screenshots_dir():
            self.assertIn("dashboard", self.shots)
