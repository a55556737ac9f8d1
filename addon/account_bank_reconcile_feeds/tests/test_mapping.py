# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import BaseCase, tagged

from bankrec.feeds.provider import FeedAccount

from ..engine.mapping import map_accounts, normalise_iban

IBAN_A = "FR7630006000011234567890189"
IBAN_B = "DE89370400440532013000"


@tagged("post_install", "-at_install")
class TestMapping(BaseCase):
    def test_accounts_go_to_the_journals_with_their_iban(self):
        accounts = [FeedAccount("u1", IBAN_A), FeedAccount("u2", IBAN_B)]
        mapping, mapped = map_accounts(accounts, {IBAN_B: 7, IBAN_A: 5}, 5)
        self.assertEqual(mapping, {"u1": 5, "u2": 7})
        self.assertTrue(mapped)

    def test_iban_written_with_spaces_or_lower_case_is_the_same(self):
        self.assertEqual(normalise_iban("fr76 3000 6000 0112 3456 7890 189"), IBAN_A)

    def test_a_single_account_matching_no_journal_goes_to_the_connected_journal(self):
        mapping, mapped = map_accounts([FeedAccount("u1", IBAN_A)], {}, 5)
        self.assertEqual(mapping, {"u1": 5})
        self.assertTrue(mapped)

    def test_several_accounts_matching_nothing_are_left_for_a_person(self):
        accounts = [FeedAccount("u1", IBAN_A), FeedAccount("u2", IBAN_B)]
        mapping, mapped = map_accounts(accounts, {}, 5)
        self.assertEqual(mapping, {})
        self.assertFalse(mapped)

    def test_a_single_account_of_another_journal_is_not_taken_away_from_it(self):
        mapping, mapped = map_accounts([FeedAccount("u1", IBAN_A)], {IBAN_A: 9}, 5)
        self.assertEqual(mapping, {"u1": 9})
        self.assertFalse(mapped)
