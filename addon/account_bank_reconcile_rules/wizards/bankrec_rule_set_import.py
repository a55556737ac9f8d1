# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Import a ``.rules`` or YAML rule file into a rule set (new, or replacing one's text).

The text is checked by the rule set itself on save: a file the rule language refuses is
refused with the compiler's report and nothing changes.
"""

import base64
from pathlib import PurePath

from odoo import _, fields, models
from odoo.exceptions import UserError


class BankrecRuleSetImport(models.TransientModel):
    _name = "bankrec.rule.set.import"
    _description = "Import a bankrec rule file"

    data_file = fields.Binary(string="Rule file", required=True, attachment=False)
    filename = fields.Char()
    rule_set_id = fields.Many2one(
        "bankrec.rule.set", string="Replace the rules of", help="Empty: create a new rule set."
    )

    def action_import(self):
        self.ensure_one()
        try:
            text = base64.b64decode(self.data_file).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(_("%s is not UTF-8 text.", self.filename or "The file")) from None
        name = PurePath(self.filename or "rules").stem
        suffix = PurePath(self.filename or "").suffix.lower()
        fmt = "yaml" if suffix in (".yaml", ".yml") else "rules"
        if self.rule_set_id:
            self.rule_set_id.write({"rule_text": text, "rule_format": fmt})
            rule_set = self.rule_set_id
        else:
            rule_set = self.env["bankrec.rule.set"].create(
                {"name": name, "rule_text": text, "rule_format": fmt}
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "bankrec.rule.set",
            "res_id": rule_set.id,
            "view_mode": "form",
        }
