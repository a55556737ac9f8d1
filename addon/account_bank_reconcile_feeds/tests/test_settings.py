# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from bankrec.feeds.fakes.enablebanking import generate_private_key_pem

from ..engine.providers import param_key
from .common import FeedsCommon

KEY = param_key("enablebanking", "private_key")


@tagged("post_install", "-at_install")
class TestSettings(FeedsCommon):
    def test_only_system_administrators_can_read_the_private_key(self):
        for user in (self.manager, self.reviewer):
            with self.assertRaises(AccessError):
                self.env["ir.config_parameter"].with_user(user).get_param(KEY)
            with self.assertRaises(AccessError):
                self.env["res.config.settings"].with_user(user).create({})
        connection = self.connect()
        with self.assertRaises(AccessError):
            connection.with_user(self.manager).read(["provider_secrets"])
        with self.assertRaises(AccessError):
            connection.with_user(self.reviewer).read(["consent_token"])

    def test_the_key_is_write_only_and_checked(self):
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.bankrec_feeds_eb_private_key)  # never shown again
        self.assertTrue(settings.bankrec_feeds_eb_key_set)
        new_key = generate_private_key_pem()
        self.env["res.config.settings"].create({"bankrec_feeds_eb_private_key": new_key}).execute()
        stored = self.env["ir.config_parameter"].sudo().get_param(KEY)
        self.assertEqual(stored.strip(), new_key.strip())
        # empty: the stored key is kept
        self.env["res.config.settings"].create({}).execute()
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param(KEY), stored)

        broken = (
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ1dC1ub3QtYS1rZXk=\n-----END PRIVATE KEY-----"
        )
        with self.assertRaises(UserError) as caught:
            self.env["res.config.settings"].create(
                {"bankrec_feeds_eb_private_key": broken}
            ).execute()
        self.assertNotIn("c2VjcmV0", str(caught.exception))
        self.assertNotIn("\n", str(caught.exception))

    def test_the_interval_sets_the_scheduled_action(self):
        cron = self.env.ref("account_bank_reconcile_feeds.ir_cron_bankrec_feeds_sync")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (60, "minutes"))
        self.assertEqual(self.env["res.config.settings"].create({}).bankrec_feeds_sync_interval, 60)
        self.env["res.config.settings"].create({"bankrec_feeds_sync_interval": 15}).execute()
        self.assertEqual((cron.interval_number, cron.interval_type), (15, "minutes"))
        with self.assertRaises(UserError):
            self.env["res.config.settings"].create({"bankrec_feeds_sync_interval": 2}).execute()

    def test_connections_of_another_company_are_not_seen(self):
        connection = self.connect()
        other = self.setup_company_data("Other company")["company"]
        outsider = self.manager.copy(
            {"login": "feeds_other", "company_id": other.id, "company_ids": [(6, 0, other.ids)]}
        )
        self.assertFalse(self.env["bankrec.feed.connection"].with_user(outsider).search([]))
        with self.assertRaises(AccessError):
            connection.with_user(outsider).read(["name"])
        with self.assertRaises(AccessError):
            connection.with_user(outsider).action_bankrec_sync()
        self.assertFalse(self.fake.calls(prefix="/accounts"))
