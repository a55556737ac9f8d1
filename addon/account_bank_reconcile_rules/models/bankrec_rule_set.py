# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rule sets: bankrec's rule language kept in Odoo, checked on save, versioned.

The text is compiled by bankrec's own compiler (``dsl``) whenever it is saved: a text the
language refuses raises a ValidationError carrying the compiler's report (file, line,
column, what was expected), so nothing invalid is ever stored. Each change of the text
keeps the previous version, so a run can say which versions it used and a person can see
who changed what.
"""

import base64
from pathlib import Path

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from dsl import RuleError, compile_rules

FORMATS = [("rules", ".rules"), ("yaml", "YAML")]


class BankrecRuleSet(models.Model):
    _name = "bankrec.rule.set"
    _description = "Bank reconciliation rule set"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10, help="Rule sets apply in this order.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    journal_ids = fields.Many2many(
        "account.journal",
        string="Bank journals",
        domain="[('type', '=', 'bank'), ('company_id', '=', company_id)]",
        help="The journals whose lines these rules apply to; none means every bank journal "
        "of the company.",
    )
    rule_format = fields.Selection(FORMATS, string="Format", default="rules", required=True)
    rule_text = fields.Text(
        string="Rules",
        help="One rule per line in bankrec's rule language, e.g. "
        "label contains 'FRAIS' and amount < 0 => ignore",
    )
    rule_count = fields.Integer(compute="_compute_rule_count")
    version = fields.Integer(default=1, readonly=True, copy=False)
    version_ids = fields.One2many("bankrec.rule.set.version", "rule_set_id", readonly=True)
    rule_file = fields.Binary(compute="_compute_rule_file", string="Download")
    rule_file_name = fields.Char(compute="_compute_rule_file")

    # ------------------------------------------------------------------ compiling
    def _source_name(self):
        self.ensure_one()
        suffix = "yaml" if self.rule_format == "yaml" else "rules"
        return f"{self.name or 'rules'}.{suffix}"

    def _compile(self):
        """The compiled rules (a ``dsl.RuleSet``); raise ValidationError with the report."""
        self.ensure_one()
        try:
            return compile_rules(self.rule_text or "", self._source_name(), fmt=self.rule_format)
        except RuleError as exc:
            raise ValidationError(
                _("The rules of %(name)s cannot be saved:\n%(report)s", name=self.name, report=exc)
            ) from None

    @api.constrains("rule_text", "rule_format", "name")
    def _check_rule_text(self):
        for rule_set in self:
            rule_set._compile()

    @api.depends("rule_text", "rule_format")
    def _compute_rule_count(self):
        for rule_set in self:
            try:
                rule_set.rule_count = len(rule_set._compile())
            except ValidationError:
                rule_set.rule_count = 0

    @api.depends("rule_text", "rule_format", "name")
    def _compute_rule_file(self):
        for rule_set in self:
            rule_set.rule_file = base64.b64encode((rule_set.rule_text or "").encode("utf-8"))
            rule_set.rule_file_name = rule_set._source_name()

    # ------------------------------------------------------------------ versions
    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for record in records:
            record._keep_version()
        return records

    def write(self, vals):
        changed = {"rule_text", "rule_format"} & set(vals)
        result = super().write(vals)
        if changed:
            for record in self:
                record.sudo().version = record.version + 1
                record._keep_version()
        return result

    def _keep_version(self):
        self.ensure_one()
        self.env["bankrec.rule.set.version"].sudo().create(
            {
                "rule_set_id": self.id,
                "version": self.version,
                "rule_text": self.rule_text or "",
                "rule_format": self.rule_format,
            }
        )

    # ------------------------------------------------------------------ use
    @api.model
    def rules_for(self, journal):
        """The active rule sets that apply to ``journal``, and their rules joined in order,
        then the company's active learned rules (None when there are none). Learned rules
        come last: where a person's rule set names a party, it wins."""
        sets = self.search(
            [("company_id", "=", journal.company_id.id)], order="sequence, id"
        ).filtered(lambda s: not s.journal_ids or journal in s.journal_ids)
        compiled = None
        for rule_set in sets:
            rules = rule_set._compile()
            compiled = rules if compiled is None else compiled + rules
        learned = self.env["bankrec.learned.rule"]._rules_for(journal.company_id)
        if learned is not None:
            compiled = learned if compiled is None else compiled + learned
        return sets, compiled

    def version_label(self):
        """``name v3, other v1``: what a run records as the rules it used."""
        return ", ".join(f"{s.name} v{s.version}" for s in self)

    @api.model
    def action_load_starter_packs(self):
        """Create one rule set per starter pack shipped with bankrec (skipping those that
        exist by name in this company)."""
        from bankrec.starter_packs import starter_pack_paths

        paths = starter_pack_paths()
        if not paths:
            raise UserError(
                _(
                    "bankrec's starter packs were not found: install bankrec from its source "
                    "folder, or set BANKREC_RULES_DIR to the folder holding them."
                )
            )
        existing = set(self.with_context(active_test=False).search([]).mapped("name"))
        created = self.browse()
        for sequence, path in enumerate(paths, start=1):
            name = Path(path).stem
            if name in existing:
                continue
            fmt = "yaml" if path.suffix in (".yaml", ".yml") else "rules"
            created |= self.create(
                {
                    "name": name,
                    "sequence": sequence * 10,
                    "rule_format": fmt,
                    "rule_text": Path(path).read_text(encoding="utf-8"),
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "tree,form",
            "domain": [("id", "in", created.ids)],
            "name": _("Starter rule sets"),
        }


class BankrecRuleSetVersion(models.Model):
    _name = "bankrec.rule.set.version"
    _description = "Version of a bank reconciliation rule set"
    _order = "rule_set_id, version desc"

    rule_set_id = fields.Many2one("bankrec.rule.set", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="rule_set_id.company_id", store=True)
    version = fields.Integer(required=True)
    rule_format = fields.Selection(FORMATS)
    rule_text = fields.Text()
