# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The bank sends the user back to /bankrec/feeds/return: through Odoo's HTTP stack."""

from urllib.parse import urlencode

from odoo.tests import HttpCase, tagged

from bankrec.feeds.fakes.enablebanking import DEFAULT_IBAN

from .common import FeedsCommon


@tagged("post_install", "-at_install")
class TestReturn(FeedsCommon, HttpCase):
    def back_from_the_bank(self, params):
        return self.url_open(
            "/bankrec/feeds/return?" + urlencode(params), allow_redirects=False, timeout=60
        )

    def test_the_return_activates_the_connection_and_maps_the_account_by_iban(self):
        action = self.start_consent()
        self.authenticate("feeds_manager", "feeds_manager")
        response = self.back_from_the_bank(self.fake.redirect_params(action["url"]))
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.assertIn(f"id={self.bank.id}&model=account.journal", response.headers["Location"])
        connection = self.Connection.search([("journal_id", "=", self.bank.id)])
        self.assertEqual(connection.state, "active")
        self.assertTrue(connection.session_id)
        self.assertIn(connection.session_id, self.fake.sessions)
        self.assertTrue(connection.valid_until)
        self.assertFalse(connection.sudo().consent_token)  # used once
        # the fake's session has two accounts: ours (the journal's IBAN) and another one
        by_iban = {a.iban: a for a in connection.account_ids}
        self.assertEqual(set(by_iban), {self.iban, DEFAULT_IBAN})
        self.assertEqual(by_iban[self.iban].journal_id, self.bank)
        self.assertFalse(by_iban[DEFAULT_IBAN].journal_id)

    def test_a_wrong_state_is_refused_and_completes_nothing(self):
        action = self.start_consent()
        self.authenticate("feeds_manager", "feeds_manager")
        params = {**self.fake.redirect_params(action["url"]), "state": "forged-state"}
        response = self.back_from_the_bank(params)
        self.assertEqual(response.status_code, 200)
        self.assertIn("unknown, was completed already", response.text)
        connection = self.Connection.search([("journal_id", "=", self.bank.id)])
        self.assertEqual(connection.state, "pending")
        self.assertFalse(self.fake.sessions)  # the code was never exchanged

    def test_another_user_cannot_complete_someone_elses_consent(self):
        action = self.start_consent()
        self.authenticate("bankrec_reviewer", "bankrec_reviewer")
        response = self.back_from_the_bank(self.fake.redirect_params(action["url"]))
        self.assertIn("started by another user", response.text)
        self.assertFalse(self.fake.sessions)

    def test_a_refusal_at_the_bank_is_said_in_one_line(self):
        action = self.start_consent()
        self.authenticate("feeds_manager", "feeds_manager")
        response = self.back_from_the_bank(self.fake.refusal_params(action["url"]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("did not grant access (access_denied", response.text)
        connection = self.Connection.search([("journal_id", "=", self.bank.id)])
        self.assertEqual(connection.state, "error")
        self.assertNotIn("\n", connection.last_sync_result)

    def test_no_matching_iban_among_several_accounts_says_what_to_do(self):
        self.bank.bank_account_id = False
        action = self.start_consent()
        self.authenticate("feeds_manager", "feeds_manager")
        response = self.back_from_the_bank(self.fake.redirect_params(action["url"]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("None of the 2 accounts of this consent", response.text)
        connection = self.Connection.search([("journal_id", "=", self.bank.id)])
        self.assertEqual(connection.state, "active")
        self.assertFalse(connection.account_ids.journal_id)
        self.assertIn("no account of this connection feeds a journal", connection._bankrec_sync())
        self.assertFalse(self.fake.calls(prefix="/accounts"))

    def test_the_return_needs_a_logged_in_user(self):
        action = self.start_consent()
        response = self.back_from_the_bank(self.fake.redirect_params(action["url"]))
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        self.assertFalse(self.fake.sessions)
