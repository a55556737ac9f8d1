# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import PAGE_SIZE, FeedsCommon


@tagged("post_install", "-at_install")
class TestSync(FeedsCommon):
    def setUp(self):
        super().setUp()
        self.inv = self.invoice(750.0)
        self.add_tx("E1", 10, 750.0, "Gletscher Bergbahnen AG", f"Rechnung {self.inv.name}")
        self.add_tx("E2", 9, -12.5, "Bank", "FRAIS TENUE DE COMPTE")
        self.add_tx("E3", 8, 99.9, "Hafen Logistik GmbH", "Gutschrift 4711")
        self.add_tx("E4", 3, -40.0, "Stadtwerke", "Lastschrift Strom")
        self.add_tx("E5", 2, 1.0, "Kunde", "Test")
        self.assertGreater(5, PAGE_SIZE * 2)  # three pages: paging is exercised

    def sync(self, connection, user=None):
        return connection.with_user(user or self.reviewer)._bankrec_sync()

    def test_a_sync_creates_the_lines_and_starts_a_reconciliation_run(self):
        connection = self.connect()
        result = self.sync(connection)
        lines = self.feed_lines()
        self.assertEqual(
            [(ln.amount, ln.partner_name) for ln in lines],
            [
                (750.0, "Gletscher Bergbahnen AG"),
                (-12.5, "Bank"),
                (99.9, "Hafen Logistik GmbH"),
                (-40.0, "Stadtwerke"),
                (1.0, "Kunde"),
            ],
        )
        self.assertEqual(lines[0].payment_ref, f"Rechnung {self.inv.name}")
        self.assertFalse(lines.statement_id)  # the feed gives no balances: no statement
        self.assertIn("5 new lines, 0 imported before; reconciliation started", result)
        self.assertEqual(connection.state, "active")
        self.assertEqual(connection.last_sync_result, result)
        account = connection.account_ids.filtered(lambda a: a.journal_id == self.bank)
        self.assertEqual(account.last_booked.isoformat(), self.day(2))
        run = self.env["bankrec.run"].search([("trigger", "=", "feed")])
        self.assertEqual(len(run), 1)
        self.assertEqual(run.line_ids.statement_line_id, lines)
        paid = lines[0]
        self.assertTrue(paid.is_reconciled, paid.bankrec_reasons)  # booked by the run
        self.assertEqual(self.inv.payment_state, "paid")
        self.assertTrue(all(ln.bankrec_state for ln in lines))  # every line was decided

    def test_a_second_sync_creates_nothing(self):
        connection = self.connect()
        self.sync(connection)
        before = self.feed_lines()
        logged = len(self.fake.log)
        result = self.sync(connection)
        self.assertEqual(self.feed_lines(), before)
        # E2..E5: the overlap from 7 days before the last booking date (E1 is older)
        self.assertIn("0 new lines, 4 imported before", result)
        self.assertEqual(self.env["bankrec.run"].search_count([("trigger", "=", "feed")]), 1)
        # the second sync started a few days before the last booking date, not 90 days back
        listing = next(r for r in self.fake.log[logged:] if r.path.endswith("/transactions"))
        self.assertEqual(listing.query["date_from"], self.day(2 + 7))

    def test_a_sync_interrupted_mid_paging_creates_nothing_and_the_rerun_each_line_once(self):
        connection = self.connect()
        self.fake.fail_continuations = 5  # every retry of the second page fails: 503
        result = self.sync(connection)
        self.assertFalse(self.feed_lines())
        self.assertEqual(connection.state, "error")
        self.assertIn("HTTP 503 after 5 attempts", result)
        self.assertNotIn("\n", connection.last_sync_result)
        self.assertFalse(self.env["bankrec.run"].search([("trigger", "=", "feed")]))

        self.fake.fail_with, self.fake.fail_continuations = None, 5  # dropped connections
        self.sync(connection)
        self.assertFalse(self.feed_lines())
        self.assertIn("ConnectionError", connection.last_sync_result)

        self.sync(connection)  # the bank answers again
        lines = self.feed_lines()
        self.assertEqual(len(lines), 5)
        self.assertEqual(len(set(lines.mapped("ref"))), 5)
        self.assertEqual(connection.state, "active")

    def test_a_later_sync_creates_only_the_new_lines(self):
        connection = self.connect()
        self.sync(connection)
        self.add_tx("E6", 1, 33.0, "Neu", "Neue Zahlung")
        result = self.sync(connection)
        self.assertIn("1 new lines, 4 imported before", result)
        self.assertEqual(len(self.feed_lines()), 6)

    def test_an_expired_consent_sets_the_connection_expired_with_one_line(self):
        connection = self.connect()
        self.fake.expire(connection.session_id)
        result = self.sync(connection)
        self.assertEqual(connection.state, "expired")
        self.assertFalse(self.feed_lines())
        self.assertNotIn("\n", result)
        self.assertNotIn("Traceback", result)
        self.assertIn("connect the bank again", result)
        messages = self.bank.message_ids.filtered(lambda m: "stopped" in (m.body or ""))
        self.assertEqual(len(messages), 1)
        self.assertNotIn("Traceback", messages.body)
        # later syncs leave it alone and say nothing more on the journal
        self.assertIn("not synchronised", self.sync(connection))
        self.env["bankrec.feed.connection"]._cron_bankrec_feeds()
        stopped = self.bank.message_ids.filtered(lambda m: "stopped" in (m.body or ""))
        self.assertEqual(stopped, messages)

    def test_a_consent_revoked_while_listing_is_expired_too(self):
        connection = self.connect()
        calls = {"n": 0}
        original = self.fake._account_data

        def revoke_on_first_listing(uid, what, query):
            if what == "transactions" and not calls["n"]:
                calls["n"] += 1
                self.fake.sessions[connection.session_id].status = "EXPIRED"
            return original(uid, what, query)

        self.fake._account_data = revoke_on_first_listing
        self.sync(connection)
        self.assertEqual(connection.state, "expired")
        self.assertFalse(self.feed_lines())

    def test_the_scheduled_action_syncs_every_active_connection(self):
        connection = self.connect()
        self.env["bankrec.feed.connection"]._cron_bankrec_feeds()
        self.assertEqual(len(self.feed_lines()), 5)
        self.assertTrue(connection.last_sync)

    def test_the_scheduled_action_stops_at_its_time_budget_and_wakes_itself(self):
        first = self.connect()
        second = first.sudo().copy({"state": "active", "bank_name": "Second bank"})
        cron = self.env.ref("account_bank_reconcile_feeds.ir_cron_bankrec_feeds_sync")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.env["bankrec.feed.connection"]._cron_bankrec_feeds(budget=0)
        self.assertEqual(len(self.feed_lines()), 5)  # one connection per call at least
        self.assertTrue(first.last_sync)
        self.assertFalse(second.last_sync)  # left for the next call, woken at once
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1
        )

    def test_synchronise_now_on_the_journal_and_its_card(self):
        self.connect()
        action = self.bank.with_user(self.reviewer).action_bankrec_feed_sync()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("5 new lines", action["params"]["message"])
        card = self.bank.with_user(self.reviewer)._get_journal_dashboard_data_batched()
        data = card[self.bank.id]
        self.assertTrue(data["bankrec_feed"])
        self.assertEqual(data["bankrec_feed_state"], "active")
        self.assertNotEqual(data["bankrec_feed_last_sync"], "never")
        self.assertTrue(data["bankrec_feed_valid_until"])

    def test_a_journal_without_feed_offers_to_connect_on_its_card(self):
        data = self.bank._get_journal_dashboard_data_batched()[self.bank.id]
        self.assertFalse(data["bankrec_feed"])
