# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import BankrecCommon

IBAN = "DE89 3704 0044 0532 0130 00"
IBAN_KEY = "iban:DE89370400440532013000"
HAFEN_RULE = "iban = 'DE89370400440532013000' => party 'Hafen Logistik GmbH', confidence+{}"


@tagged("post_install", "-at_install")
class TestLearning(BankrecCommon):
    @classmethod
    def setUpClass(cls, chart_template_ref=None):
        super().setUpClass(chart_template_ref=chart_template_ref)
        cls.Learned = cls.env["bankrec.learned.rule"]
        cls.manager = new_test_user(
            cls.env,
            login="bankrec_learning_manager",
            groups="account_bank_reconcile_rules.group_bankrec_manager,account.group_account_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    # ------------------------------------------------------------------ builders
    def payer_line(self, amount, label="Transfer", counterparty="Hafen Logistik GmbH", iban=IBAN):
        return self.StLine.create(
            {
                "journal_id": self.bank.id,
                "amount": amount,
                "payment_ref": label,
                "partner_name": counterparty,
                "account_number": iban or False,
                "date": "2026-11-10",
            }
        )

    def suggested_line(self, amount, partner=None, **payer):
        """A line bankrec can only suggest for: two open invoices of the payer for its
        amount (a tie is never booked automatically)."""
        partner = partner or self.partner_b
        self.invoice(amount, partner)
        self.invoice(amount, partner)
        line = self.payer_line(amount, **payer)
        self.bankrec_run(lines=line)
        self.assertEqual(line.bankrec_state, "to_review")
        return line

    def validated_rule(self, amount=500.0):
        self.suggested_line(amount).with_user(self.reviewer).action_bankrec_validate()
        return self.learned()

    def learned(self, key=IBAN_KEY):
        return self.Learned.with_context(active_test=False).search([("key", "=", key)])

    def fires_on(self, rule, counterparty):
        return bool(rule._compile().evaluate({"counterparty": counterparty}).matched)

    # ------------------------------------------------------------------ learning
    def test_validating_a_suggestion_learns_a_readable_rule(self):
        rule = self.validated_rule()
        self.assertEqual(len(rule), 1)
        self.assertEqual(rule.rule_text, HAFEN_RULE.format(5))
        self.assertEqual((rule.validations, rule.rejections, rule.confidence), (1, 0, 5))
        self.assertEqual((rule.state, rule.party), ("learned", "Hafen Logistik GmbH"))
        self.assertEqual(rule.last_validation, fields.Date.context_today(rule))
        self.assertTrue(rule.track_record.startswith("1 validation, last "))

    def test_the_next_line_of_that_payer_scores_higher_and_the_reason_names_the_rule(self):
        invoice = self.invoice(300.0, self.partner_b)
        later = self.payer_line(300.0, "Zahlung", "HL HAMBURG")  # no invoice number
        first = self.bankrec_run(lines=later)
        before = later.bankrec_decision_id
        self.assertNotIn("learned", before.reasons)
        self.assertFalse(first.rule_versions)
        rule = self.validated_rule()
        self.assertFalse(rule.last_used)
        run = self.bankrec_run(lines=later)
        after = later.bankrec_decision_id
        self.assertEqual(after.run_id, run)
        self.assertGreater(after.confidence, before.confidence)
        self.assertIn(f"learned-{rule.id}.rules:1", after.reasons)
        self.assertEqual(run.rule_versions, "learned 1")
        self.assertTrue(rule.last_used)
        self.assertEqual(invoice.payment_state, "paid")

    def test_a_name_key_learns_from_a_line_without_iban(self):
        line = self.suggested_line(500.0, counterparty="HAFEN LOGISTIK", iban="")
        line.with_user(self.reviewer).action_bankrec_validate()
        rule = self.learned("name:HAFEN LOGISTIK")
        self.assertEqual(
            rule.rule_text,
            "counterparty contains 'HAFEN LOGISTIK' => party 'Hafen Logistik GmbH', confidence+5",
        )

    def test_rejecting_a_suggestion_counts_against_the_rule(self):
        self.validated_rule()
        line = self.suggested_line(800.0)
        line.with_user(self.reviewer).action_bankrec_reject()
        self.assertEqual(line.bankrec_state, "unmatched")
        self.assertFalse(line.is_reconciled)
        rule = self.learned()
        self.assertEqual((rule.validations, rule.rejections, rule.confidence), (1, 1, 0))
        self.assertEqual(rule.rule_text, HAFEN_RULE.format(0))
        self.assertIn("1 rejection", rule.track_record)
        with self.assertRaises(UserError):
            line.with_user(self.reviewer).action_bankrec_reject()  # nothing suggested now

    def test_choosing_an_alternative_validates_it_and_rejects_the_suggestion(self):
        self.validated_rule()
        self.validated_rule(600.0)
        self.suggested_line(800.0).with_user(self.reviewer).action_bankrec_choose(0)
        rule = self.learned()
        self.assertEqual((rule.validations, rule.rejections, rule.confidence), (3, 1, 10))

    # ------------------------------------------------------------------ people's control
    def test_a_deleted_learned_rule_is_not_recreated_for_its_key(self):
        rule = self.validated_rule()
        rule.with_user(self.manager).unlink()
        self.assertFalse(self.Learned.search([("key", "=", IBAN_KEY)]))
        self.assertEqual((rule.state, rule.active), ("deleted", False))
        self.suggested_line(800.0).with_user(self.reviewer).action_bankrec_validate()
        self.assertFalse(self.Learned.search([("key", "=", IBAN_KEY)]))
        self.assertEqual(self.learned(), rule)
        self.assertEqual(rule.state, "deleted")
        self.assertIsNone(self.RuleSet.rules_for(self.bank)[1])
        # deleting the tombstone forgets the key: bankrec may learn it again
        rule.with_user(self.manager).unlink()
        self.assertFalse(self.learned())
        self.assertEqual(self.validated_rule(900.0).state, "learned")

    def test_an_invalid_edit_is_refused_with_the_compilers_report(self):
        rule = self.validated_rule()
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            rule.with_user(self.manager).rule_text = "iban = 'X' => partee 'Someone'"
        message = str(caught.exception)
        self.assertIn(f"learned-{rule.id}.rules:1:", message)
        self.assertIn("unknown action 'partee'", message)
        rule.invalidate_recordset()
        self.assertEqual(rule.rule_text, HAFEN_RULE.format(5))
        # a valid edit is kept; learning only moves its confidence
        edited = (
            "iban = 'DE89370400440532013000' => party 'Hafen Logistik GmbH', tag vip, confidence+5"
        )
        rule.with_user(self.manager).rule_text = edited
        self.suggested_line(800.0).with_user(self.reviewer).action_bankrec_validate()
        self.assertEqual(rule.rule_text, edited.replace("confidence+5", "confidence+10"))

    def test_a_disabled_learned_rule_does_not_apply(self):
        rule = self.validated_rule()
        rule.with_user(self.manager).action_archive()
        self.invoice(300.0, self.partner_b)
        later = self.payer_line(300.0, "Zahlung", "HL HAMBURG")
        run = self.bankrec_run(lines=later)
        self.assertNotIn("learned", later.bankrec_reasons)
        self.assertFalse(run.rule_versions)
        self.assertFalse(rule.last_used)
        rule.with_user(self.manager).action_unarchive()
        run = self.bankrec_run(lines=later)
        self.assertIn(f"learned-{rule.id}.rules:1", later.bankrec_reasons)
        self.assertEqual(run.rule_versions, "learned 1")

    # ------------------------------------------------------------------ legal forms
    def test_partners_differing_by_legal_form_each_get_their_own_rule(self):
        sarl = self.env["res.partner"].create({"name": "Dupont SARL"})
        sas = self.env["res.partner"].create({"name": "Dupont SAS"})
        for amount, partner in ((400.0, sarl), (700.0, sas)):
            line = self.suggested_line(
                amount, partner, counterparty=partner.name.upper(), iban=""
            )  # fmt: skip
            line.with_user(self.reviewer).action_bankrec_validate()
        rules = self.Learned.search([("key", "=like", "name:DUPONT%")])
        self.assertEqual(sorted(rules.mapped("key")), ["name:DUPONT SARL", "name:DUPONT SAS"])
        self.assertEqual(rules.mapped("validations"), [1, 1])
        for counterparty, party in (
            ("DUPONT SARL", "Dupont SARL"),
            ("DUPONT SAS", "Dupont SAS"),
            ("VIR SEPA DUPONT SAS 123456", "Dupont SAS"),
            ("DUPONT SASU", None),  # a third legal form: neither rule
        ):
            named = {r.party for r in rules if self.fires_on(r, counterparty)}
            self.assertEqual(named, {party} - {None}, counterparty)

    def test_a_partner_differing_by_legal_form_counts_against_a_rule_not_for_it(self):
        sarl = self.env["res.partner"].create({"name": "Dupont SARL"})
        sas = self.env["res.partner"].create({"name": "Dupont SAS"})
        for amount, partner in ((400.0, sarl), (700.0, sas)):  # the bank sends no legal form
            line = self.suggested_line(amount, partner, counterparty="DUPONT", iban="")
            line.with_user(self.reviewer).action_bankrec_validate()
        rule = self.learned("name:DUPONT")
        self.assertEqual(rule.party, "Dupont SARL")
        self.assertEqual((rule.validations, rule.rejections, rule.confidence), (1, 1, 0))
        self.assertEqual(len(self.Learned.search([("key", "=like", "name:DUPONT%")])), 1)

    # ------------------------------------------------------------------ security
    def test_learned_rules_of_another_company_are_invisible_and_do_not_apply(self):
        rule = self.validated_rule()
        other = self.setup_company_data("Learning elsewhere")
        other_user = new_test_user(
            self.env,
            login="bankrec_learning_other",
            groups="account_bank_reconcile_rules.group_bankrec_manager,account.group_account_user",
            company_id=other["company"].id,
            company_ids=[(6, 0, other["company"].ids)],
        )
        self.assertFalse(self.Learned.with_user(other_user).search([]))
        with self.assertRaises(AccessError):
            rule.with_user(other_user).read(["rule_text"])
        self.assertIsNone(self.RuleSet.rules_for(other["default_journal_bank"])[1])
        self.assertEqual(len(self.RuleSet.rules_for(self.bank)[1]), 1)

    def test_only_managers_edit_and_nobody_rewrites_the_track_record(self):
        rule = self.validated_rule()
        self.assertEqual(rule.with_user(self.reviewer).rule_text, HAFEN_RULE.format(5))
        with self.assertRaises(AccessError):
            rule.with_user(self.reviewer).write({"rule_text": HAFEN_RULE.format(50)})
        with self.assertRaises(AccessError):
            rule.with_user(self.reviewer).unlink()
        with self.assertRaises(AccessError):
            rule.with_user(self.outsider).read(["rule_text"])
        with self.assertRaises(UserError):
            rule.with_user(self.manager).write({"validations": 99})
        self.assertEqual(
            (rule.rule_text, rule.validations, rule.state), (HAFEN_RULE.format(5), 1, "learned")
        )
