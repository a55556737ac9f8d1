# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import WorkspaceCommon


@tagged("post_install", "-at_install")
class TestRulePreview(WorkspaceCommon):
    def setUp(self):
        super().setUp()
        self.rule = (
            self.env["bankrec.learned.rule"]
            .sudo()
            .create(
                {
                    "company_id": self.company.id,
                    "key": "name:HAFEN LOGISTIK",
                    "party": "Hafen Logistik GmbH",
                    "state": "learned",
                    "rule_text": "counterparty contains 'HAFEN LOGISTIK' "
                    "=> party 'Hafen Logistik GmbH', confidence+10",
                }
            )
        )
        self.hit_booked = self.line(200.0, "Zahlung", "HAFEN LOGISTIK GMBH", date="2026-10-01")
        self.hit_booked.partner_id = self.partner_b
        self.hit_other = self.line(300.0, "Zahlung", "Hafen Logistik", date="2026-10-02")
        self.hit_other.partner_id = self.partner_a
        self.miss = self.line(400.0, "Zahlung", "Gletscher Bergbahnen AG", date="2026-10-03")

    def test_the_preview_lists_the_past_lines_the_rule_hits(self):
        result = self.rule.with_user(self.reviewer).bankrec_preview()
        self.assertEqual(result["hits"], 2)
        self.assertGreaterEqual(result["scanned"], 3)
        self.assertEqual(result["party"], "Hafen Logistik GmbH")
        by_id = {row["id"]: row for row in result["lines"]}
        self.assertEqual(set(by_id), {self.hit_booked.id, self.hit_other.id})
        self.assertEqual(by_id[self.hit_booked.id]["agrees"], "yes")
        self.assertEqual(by_id[self.hit_other.id]["agrees"], "no")

    def test_an_edited_text_is_previewed_before_it_is_saved(self):
        result = self.rule.with_user(self.reviewer).bankrec_preview(
            rule_text="counterparty contains 'GLETSCHER' => confidence+5"
        )
        self.assertEqual([row["id"] for row in result["lines"]], [self.miss.id])
        self.assertIn("HAFEN", self.rule.rule_text, "nothing was saved")

    def test_a_broken_rule_is_refused_with_the_compilers_report(self):
        with self.assertRaises(UserError) as caught:
            self.rule.with_user(self.reviewer).bankrec_preview(
                rule_text="lable contains 'x' => ignore"
            )
        self.assertIn("unknown field 'lable'", str(caught.exception))

    def test_the_preview_is_limited_to_one_journal_when_asked(self):
        other = self.bank.copy({"name": "Other bank", "code": "OBK"})
        self.line(500.0, "Zahlung", "HAFEN LOGISTIK", journal=other)
        everywhere = self.rule.with_user(self.reviewer).bankrec_preview()
        here = self.rule.with_user(self.reviewer).bankrec_preview(journal_id=self.bank.id)
        self.assertEqual((everywhere["hits"], here["hits"]), (3, 2))

    def test_the_preview_wizard_tries_and_saves_the_rule(self):
        action = self.rule.with_user(self.reviewer).action_bankrec_preview()
        wizard = self.env["bankrec.rule.preview"].with_user(self.reviewer).browse(action["res_id"])
        self.assertEqual(wizard.hits, 2)
        self.assertEqual(len(wizard.line_ids), 2)
        self.assertIn("2 of", wizard.summary)
        wizard.rule_text = (
            "counterparty contains 'HAFEN LOGISTIK GMBH' => party 'Hafen Logistik GmbH'"
        )
        wizard.action_preview()
        self.assertEqual(wizard.line_ids.statement_line_id, self.hit_booked)
        with self.assertRaises(AccessError):  # reviewers read learned rules; managers edit
            wizard.action_save()
        manager = self.env.user  # the test's admin is an accounting manager
        wizard.with_user(manager).action_save()
        self.assertEqual(
            self.rule.rule_text,
            "counterparty contains 'HAFEN LOGISTIK GMBH' => party 'Hafen Logistik GmbH'",
        )

    def test_only_bankrec_users_preview(self):
        with self.assertRaises(UserError):
            self.rule.with_user(self.outsider).bankrec_preview()
