# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Preview a learned rule: which past statement lines would it hit?

The rule text (the record's, or an edited one not saved yet) is compiled with bankrec's own
compiler (``dsl``) and its condition evaluated on the bank journals' statement lines as
runs see them (the connector's mapping of a line to a transaction), read in pages. For
each hit the workspace shows whether the partner the line was booked to agrees with the
party the rule names.
"""

import dataclasses

from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError

from bankrec.learning.keys import same_party
from bankrec.learning.ruletext import rule_party
from connectors.odoo.reader import LINE_FIELDS, Currencies, statement_line_to_transaction
from dsl import RuleError, compile_rules

PREVIEW_PAGE = 5000
PREVIEW_LIMIT = 200


class BankrecLearnedRule(models.Model):
    _inherit = "bankrec.learned.rule"

    @api.model
    def _bankrec_compile_text(self, text, name="preview.rules"):
        """One rule compiled from ``text``; UserError with the compiler's report."""
        text = (text or "").strip()
        if not text or "\n" in text:
            raise UserError(_("Write exactly one rule on one line."))
        try:
            compiled = compile_rules(text + "\n", name)
        except RuleError as exc:
            raise UserError(_("The rule cannot be compiled:\n%s", exc)) from None
        if len(compiled) != 1:
            raise UserError(_("Write exactly one rule on one line."))
        return compiled.rules[0]

    def bankrec_preview(self, rule_text=None, journal_id=None, limit=PREVIEW_LIMIT):
        """The statement lines of the company's bank journals (or of ``journal_id``) the
        rule would hit: ``{scanned, hits, lines: [...first `limit` hits], party}``. The
        rule is the record's, or ``rule_text`` when given (to try an edit first)."""
        self.env["account.bank.statement.line"]._bankrec_check_group()
        self.ensure_one()
        self.check_access_rights("read")
        self.check_access_rule("read")
        text = rule_text if rule_text is not None else self.rule_text
        rule = self._bankrec_compile_text(text)
        party = rule_party(text or "")
        Journal = self.env["account.journal"]
        domain = [("type", "=", "bank"), ("company_id", "=", self.company_id.id)]
        if journal_id:
            domain.append(("id", "=", int(journal_id)))
        journals = Journal.search(domain)
        if not journals:
            raise UserError(_("No bank journal to preview the rule on."))
        from odoo.addons.account_bank_reconcile_rules.engine.orm_transport import (
            OrmTransport,
            marshal,
        )
        from odoo.addons.account_bank_reconcile_rules.engine.runner import bank_journal

        currencies = Currencies(OrmTransport(self.env))
        StLine = self.env["account.bank.statement.line"]
        labels = self.env["account.journal"]._bankrec_status_labels()
        scanned, hits, shown = 0, 0, []
        for journal in journals:
            bank = bank_journal(journal)
            iban = (journal.bank_account_id.acc_number or "").replace(" ", "").upper()
            offset = 0
            while True:
                rows = StLine.search_read(
                    [("journal_id", "=", journal.id)],
                    [*LINE_FIELDS, "bankrec_state"],
                    offset=offset,
                    limit=PREVIEW_PAGE,
                    order="internal_index desc, id desc",
                )
                if not rows:
                    break
                offset += len(rows)
                scanned += len(rows)
                for row in rows:
                    tx = statement_line_to_transaction(marshal(row), bank, currencies)
                    if iban:  # runs see the line on our IBAN (internal transfers pair)
                        tx = dataclasses.replace(tx, account=iban)
                    if not rule.matches(tx.rule_fields()):
                        continue
                    hits += 1
                    if len(shown) < limit:
                        shown.append(self._bankrec_preview_row(row, journal, party, labels))
        return {
            "scanned": scanned,
            "hits": hits,
            "party": party or "",
            "lines": shown,
        }

    @api.model
    def _bankrec_preview_row(self, row, journal, party, labels):
        partner = (row["partner_id"] and row["partner_id"][1]) or ""
        if not party or not partner:
            agrees = "unknown"
        else:
            agrees = "yes" if same_party(partner, party) else "no"
        status = "reconciled" if row["is_reconciled"] else (row["bankrec_state"] or "new")
        return {
            "id": row["id"],
            "journal": journal.code,
            "date": str(row["date"]),
            "label": row["payment_ref"] or "",
            "counterparty": row["partner_name"] or "",
            "amount": row["amount"],
            "partner": partner,
            "status": labels[status],
            "agrees": agrees,
        }

    def action_bankrec_preview(self):
        """Open the preview of this rule (an editable copy of its text, tried on the past
        statement lines)."""
        self.ensure_one()
        if self.state != "learned" or not self.rule_text:
            raise ValidationError(_("Only a learned rule can be previewed."))
        wizard = self.env["bankrec.rule.preview"].create(
            {"rule_id": self.id, "rule_text": self.rule_text}
        )
        wizard.action_preview()
        return wizard._action_open()
