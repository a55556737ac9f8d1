# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import BankrecCommon

FEES = "label contains 'FRAIS' and amount < 0 => ignore\n"


@tagged("post_install", "-at_install")
class TestRuleSets(BankrecCommon):
    def test_valid_rules_are_saved_with_a_first_version(self):
        rule_set = self.RuleSet.create({"name": "fees", "rule_text": FEES})
        self.assertEqual(rule_set.rule_count, 1)
        self.assertEqual(rule_set.version, 1)
        self.assertEqual(rule_set.version_ids.mapped("rule_text"), [FEES])

    def test_each_change_keeps_a_version(self):
        rule_set = self.RuleSet.create({"name": "fees", "rule_text": FEES})
        rule_set.rule_text = FEES + "label contains 'ZINS' => category interest\n"
        self.assertEqual(rule_set.version, 2)
        self.assertEqual(rule_set.rule_count, 2)
        self.assertEqual(sorted(rule_set.version_ids.mapped("version")), [1, 2])
        self.assertEqual(rule_set.version_ids.sorted("version")[0].rule_text, FEES)

    def test_invalid_rules_are_refused_with_line_column_and_what_was_expected(self):
        with self.assertRaises(ValidationError) as caught:
            self.RuleSet.create(
                {"name": "broken", "rule_text": FEES + "lable contains 'x' => ignor\n"}
            )
        message = str(caught.exception)
        self.assertIn("broken.rules:2:1", message)
        self.assertIn("unknown field 'lable'", message)
        self.assertIn("expected", message)
        self.assertFalse(self.RuleSet.search([("name", "=", "broken")]))

    def test_an_invalid_change_keeps_the_previous_text(self):
        rule_set = self.RuleSet.create({"name": "fees", "rule_text": FEES})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            rule_set.rule_text = "amount between 10 and 5 => ignore\n"
        rule_set.invalidate_recordset()
        self.assertEqual(rule_set.rule_text, FEES)
        self.assertEqual(rule_set.version, 1)

    def test_yaml_rule_sets_compile_too(self):
        text = "rules:\n  - name: bank-fee\n    rule: label contains 'FEE' => kind fee\n"
        rule_set = self.RuleSet.create({"name": "yaml", "rule_format": "yaml", "rule_text": text})
        self.assertEqual(rule_set.rule_count, 1)
        self.assertEqual(rule_set.rule_file_name, "yaml.yaml")

    def test_rules_for_a_journal_join_its_sets_in_order(self):
        other = self.bank.copy({"name": "Other bank", "code": "OBK"})
        first = self.RuleSet.create({"name": "a", "sequence": 1, "rule_text": FEES})
        self.RuleSet.create(
            {
                "name": "b",
                "sequence": 2,
                "rule_text": "label contains 'X' => ignore\n",
                "journal_ids": [(6, 0, other.ids)],
            }
        )
        sets, rules = self.RuleSet.rules_for(self.bank)
        self.assertEqual(sets, first)
        self.assertEqual(len(rules), 1)
        sets, rules = self.RuleSet.rules_for(other)
        self.assertEqual(len(sets), 2)
        self.assertEqual(sets.version_label(), "a v1, b v1")

    def test_starter_packs_load_as_valid_rule_sets(self):
        self.RuleSet.action_load_starter_packs()
        packs = self.RuleSet.search([("name", "like", "-fees")])
        self.assertTrue(packs, "the starter packs of bankrec's rules/ folder were not loaded")
        self.assertTrue(all(p.rule_count > 0 for p in packs))

    def test_only_managers_edit_rule_sets(self):
        rule_set = self.RuleSet.create({"name": "fees", "rule_text": FEES})
        rule_set.with_user(self.reviewer).read(["rule_text"])  # users read them
        with self.assertRaises(AccessError):
            rule_set.with_user(self.reviewer).write({"rule_text": ""})
        with self.assertRaises(AccessError):
            rule_set.with_user(self.outsider).read(["rule_text"])
