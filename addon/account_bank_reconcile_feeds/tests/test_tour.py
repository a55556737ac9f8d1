# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A bank connected and synchronised in a real browser (Odoo's tour on Chrome/Chromium).

The ORM and HTTP tests drive each piece on its own; only a browser shows that the pieces
are wired to one another as a person meets them: the card's "Connect a bank" opens the
wizard, its buttons find the banks and leave for the bank's consent page, the fake bank's
302 lands on ``/bankrec/feeds/return`` with the session cookie of the origin the tour
started on (``web.base.url`` is that origin in an ``HttpCase``), the controller's 303 opens
the journal, and the card's "Synchronise now" brings the transactions in. The tour checks
what a person reads on the way; this test then checks the database behind it.

``BANKREC_SCREENSHOTS=<folder>`` saves PNGs of the wizard, the journal's bank feed tab and
the dashboard card (see the rules add-on's ``tests/browser.py``).
"""

from datetime import timedelta

from odoo import fields
from odoo.addons.account_bank_reconcile_rules.tests.browser import screenshots_dir, start_tour
from odoo.tests import HttpCase, tagged

from bankrec.feeds.fakes.enablebanking import CONSENT_PATH, DEFAULT_IBAN

from .common import FeedsCommon

# what the tour (static/tests/tours/bankrec_feeds_tour.js) looks for on the pages
JOURNAL = "BNP Paribas Pro"
IBAN = "FR9358940737250724257103964"  # iban_for("bankrec feeds test account", "FR")
DASHBOARD = "/web#action=account.open_account_journal_dashboard_kanban"


@tagged("post_install", "-at_install")
class TestFeedsTour(FeedsCommon, HttpCase):
    browser_size = "1600x1000"

    @classmethod
    def setUpClass(cls, chart_template_ref=None):
        super().setUpClass(chart_template_ref=chart_template_ref)
        cls.shots = []
        cls.bank.name = JOURNAL

    def setUp(self):
        super().setUp()
        # three booked transactions at the fake bank: more than a page (PAGE_SIZE 2), one
        # paying an open invoice so the reconciliation run has something sure to book
        self.inv = self.invoice(750.0, date=self.day(6))
        self.add_tx("T1", 3, 750.0, "Gletscher Bergbahnen AG", f"Rechnung {self.inv.name}")
        self.add_tx("T2", 2, -12.5, "BNP Paribas", "FRAIS TENUE DE COMPTE")
        self.add_tx("T3", 1, 99.9, "Hafen Logistik GmbH", "Gutschrift 4711")

    def test_connect_a_bank_and_synchronise_it_in_a_browser(self):
        self.assertEqual(self.iban, IBAN, "the tour looks for the journal's IBAN on the page")
        self.assertFalse(self.Connection.search([("journal_id", "=", self.bank.id)]))

        start_tour(self, DASHBOARD, "bankrec_feeds_tour", "feeds_manager", self.shots)
        self.env.invalidate_all()  # the browser's requests wrote through other caches

        # the browser itself went through the fake bank's consent page, once
        consents = [r for r in self.fake.log if r.path.startswith(CONSENT_PATH)]
        self.assertEqual(len(consents), 1)
        self.assertIn("Chrome", consents[0].headers.get("user-agent", ""))
        connection = self.Connection.search([("journal_id", "=", self.bank.id)])
        self.assertEqual(len(connection), 1)
        self.assertEqual(connection.state, "active")
        self.assertEqual(connection.user_id, self.manager)
        self.assertEqual(connection.provider, "enablebanking")
        self.assertEqual((connection.bank_name, connection.country_code), ("BNP Paribas", "FR"))
        self.assertEqual(connection.consent_days, 90)
        # the card's "Consent until": the 90 days the wizard proposed, from now
        left = connection.valid_until - fields.Datetime.now()
        self.assertTrue(timedelta(days=89, hours=23) < left <= timedelta(days=90), left)
        self.assertIn(connection.session_id, self.fake.sessions)
        self.assertFalse(connection.sudo().consent_token)  # used once
        by_iban = {a.iban: a for a in connection.account_ids}
        self.assertEqual(set(by_iban), {IBAN, DEFAULT_IBAN})
        self.assertEqual(by_iban[IBAN].journal_id, self.bank)
        self.assertFalse(by_iban[DEFAULT_IBAN].journal_id)

        # "Synchronise now": each transaction became one statement line
        lines = self.feed_lines()
        self.assertEqual(
            [(ln.amount, ln.partner_name) for ln in lines],
            [
                (750.0, "Gletscher Bergbahnen AG"),
                (-12.5, "BNP Paribas"),
                (99.9, "Hafen Logistik GmbH"),
            ],
        )
        self.assertEqual(len(set(lines.mapped("ref"))), 3)
        self.assertIn("3 new lines, 0 imported before", connection.last_sync_result)
        self.assertTrue(connection.last_sync)
        self.assertEqual(by_iban[IBAN].last_booked.isoformat(), self.day(1))

        # ... and went into one reconciliation run, started by the person who clicked
        run = self.env["bankrec.run"].search([("trigger", "=", "feed")])
        self.assertEqual(len(run), 1)
        self.assertEqual(run.journal_id, self.bank)
        self.assertEqual(run.user_id, self.manager)
        self.assertEqual(run.line_ids.statement_line_id, lines)
        self.assertTrue(all(ln.bankrec_state for ln in lines))  # every line was decided
        queued = self.env["ir.module.module"]._get("account_bank_reconcile_queue")
        if queued.state != "installed":  # else a queue job books it, after this request
            self.assertTrue(lines[0].is_reconciled, lines[0].bankrec_reasons)
            self.assertEqual(self.inv.payment_state, "paid")

        if screenshots_dir():
            for name in ("feeds_connect_wizard", "feeds_journal", "feeds_dashboard_card"):
                self.assertIn(name, self.shots)
