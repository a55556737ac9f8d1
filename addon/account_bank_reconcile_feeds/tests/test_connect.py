# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from bankrec.feeds.errors import FeedConfigError

from ..engine.providers import param_key, provider_for
from .common import FeedsCommon


@tagged("post_install", "-at_install")
class TestConnect(FeedsCommon):
    def test_connect_returns_the_fakes_consent_url_and_stores_a_pending_connection(self):
        action = self.start_consent()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(action["url"].startswith(self.server.url + "/fake-consent/"), action)
        connection = self.Connection.search([("journal_id", "=", self.bank.id)])
        self.assertEqual(len(connection), 1)
        self.assertEqual(connection.state, "pending")
        self.assertEqual(connection.bank_name, "BNP Paribas")
        self.assertEqual(connection.user_id, self.manager)
        # the provider was asked to send the user back to Odoo, with our random state
        auth = next(iter(self.fake.authorizations.values()))
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        self.assertEqual(auth.redirect_url, base.rstrip("/") + "/bankrec/feeds/return")
        self.assertEqual(auth.state, connection.sudo().consent_token)
        self.assertGreaterEqual(len(auth.state), 32)

    def test_the_bank_list_is_the_providers_for_the_country(self):
        wizard = (
            self.env["bankrec.feed.connect"]
            .with_user(self.manager)
            .create({"journal_id": self.bank.id, "country_id": self.env.ref("base.de").id})
        )
        wizard.action_find_banks()
        self.assertEqual(
            sorted(wizard.bank_line_ids.mapped("name")), ["Commerzbank", "Deutsche Bank"]
        )
        self.assertEqual(
            wizard.bank_line_ids.filtered(lambda b: b.name == "Deutsche Bank").max_consent_days, 90
        )

    def test_consent_days_are_capped_by_what_the_bank_grants(self):
        wizard = (
            self.env["bankrec.feed.connect"]
            .with_user(self.manager)
            .create(
                {
                    "journal_id": self.bank.id,
                    "country_id": self.env.ref("base.fr").id,
                    "consent_days": 180,
                }
            )
        )
        wizard.action_find_banks()
        wizard.bank_line_id = wizard.bank_line_ids.filtered(lambda b: b.name == "Crédit Agricole")
        wizard.action_connect()  # the fake refuses a consent beyond the bank's 90 days
        connection = self.Connection.search([("journal_id", "=", self.bank.id)])
        self.assertEqual(connection.consent_days, 90)

    def test_a_reconciliation_user_may_not_connect_a_bank(self):
        with self.assertRaises(AccessError):
            self.start_consent(user=self.reviewer)

    def test_missing_settings_are_one_clear_line_without_secrets(self):
        self.env["ir.config_parameter"].sudo().set_param(
            param_key("enablebanking", "application_id"), False
        )
        with self.assertRaises(UserError) as caught:
            self.start_consent()
        message = str(caught.exception)
        self.assertIn("Enable Banking is not configured: fill in application id", message)
        self.assertNotIn("\n", message)
        self.assertNotIn("PRIVATE KEY", message)

    def test_a_wrong_key_is_refused_by_the_provider_in_one_line_without_the_key(self):
        from bankrec.feeds.fakes.enablebanking import generate_private_key_pem

        other = generate_private_key_pem()
        self.env["ir.config_parameter"].sudo().set_param(
            param_key("enablebanking", "private_key"), other
        )
        with self.assertRaises(UserError) as caught:
            self.start_consent()
        message = str(caught.exception)
        self.assertIn("refused", message)
        self.assertNotIn("\n", message)
        for line in other.splitlines()[1:-1]:
            self.assertNotIn(line, message)

    def test_bridge_needs_its_client_id_and_secret_only(self):
        with self.assertRaises(FeedConfigError) as caught:
            provider_for(self.env, "bridge")
        self.assertEqual(
            str(caught.exception),
            "Bridge is not configured: fill in client id, client secret in Settings > "
            "Invoicing > Bank feeds (system administrators)",
        )
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(param_key("bridge", "client_id"), "bridge-client")
        params.set_param(param_key("bridge", "client_secret"), "bridge-secret-value")
        self.assertEqual(provider_for(self.env, "bridge").name, "bridge")

    def test_consents_never_completed_are_forgotten_after_a_day(self):
        from datetime import timedelta

        from odoo import fields

        self.start_consent()
        Connection = self.env["bankrec.feed.connection"]
        now = fields.Datetime.now()
        self.assertEqual(Connection._bankrec_forget_abandoned(now), 0)
        self.assertEqual(Connection._bankrec_forget_abandoned(now + timedelta(days=2)), 1)
        self.assertFalse(Connection.search([("journal_id", "=", self.bank.id)]))
