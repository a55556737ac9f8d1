# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import FeedsCommon


@tagged("post_install", "-at_install")
class TestExpiryNotice(FeedsCommon):
    def notices(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "account.journal"),
                ("res_id", "=", self.bank.id),
                ("summary", "=", "Renew bank consent"),
            ]
        )

    def test_seven_days_before_the_end_one_notice_is_posted_once(self):
        connection = self.connect()
        now = fields.Datetime.now()
        connection.sudo().valid_until = now + timedelta(days=10)
        Connection = self.env["bankrec.feed.connection"]
        self.assertFalse(Connection._bankrec_notify_expiring(now))  # not yet: 10 days left
        self.assertFalse(self.notices())

        later = now + timedelta(days=4)  # 6 days left
        self.assertEqual(Connection._bankrec_notify_expiring(later), connection)
        notice = self.notices()
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.user_id, self.manager)  # who connected the bank
        self.assertEqual(notice.date_deadline, (now + timedelta(days=9)).date())
        posted = self.bank.message_ids.filtered(lambda m: "ends on" in (m.body or ""))
        self.assertEqual(len(posted), 1)

        # the hourly scheduled action checks again: nothing more for the same end date
        self.assertFalse(Connection._bankrec_notify_expiring(later + timedelta(hours=1)))
        Connection._cron_bankrec_feeds()
        self.assertEqual(len(self.notices()), 1)

        # renewed consent, new end date: a new notice when that one comes near
        connection.sudo().valid_until = now + timedelta(days=90)
        self.assertEqual(Connection._bankrec_notify_expiring(now + timedelta(days=85)), connection)
        self.assertEqual(len(self.notices()), 2)

    def test_a_consent_already_over_gets_no_renewal_notice_but_expires(self):
        connection = self.connect()
        now = fields.Datetime.now()
        connection.sudo().valid_until = now - timedelta(hours=1)
        self.assertFalse(self.env["bankrec.feed.connection"]._bankrec_notify_expiring(now))
