# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Any other open item for a line: search by number, partner or amount, the manual match
pre-filled with the items a person picked, and "Book as expense" opened pre-filled."""

from odoo import _, models
from odoo.exceptions import UserError

from .account_bank_statement_line import ITEM_KINDS, OPEN_ITEM_LINE_DOMAIN, SEARCH_LIMIT
from .account_journal import parse_amount


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    # ------------------------------------------------------------------ other items
    def bankrec_workspace_search_items(self, query="", limit=SEARCH_LIMIT):
        """Open items of the line's company matching ``query``: a document number, a
        partner name, or an amount (open or total, either sign). Empty query: the items
        of the line's partner, else the latest ones."""
        self._bankrec_check_group()
        self.ensure_one()
        text = (query or "").strip()
        domain = [
            ("move_type", "in", ITEM_KINDS),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("company_id", "=", self.company_id.id),
        ]
        if text:
            search = [
                "|",
                "|",
                ("name", "ilike", text),
                ("partner_id.name", "ilike", text),
                ("payment_reference", "ilike", text),
            ]
            amount = parse_amount(text)
            if amount is not None:
                value = abs(float(amount))
                search = [
                    "|",
                    "|",
                    ("amount_residual", "=", value),
                    ("amount_total", "=", value),
                    *search,
                ]
            domain += search
        elif self.partner_id:
            domain.append(("commercial_partner_id", "=", self.partner_id.commercial_partner_id.id))
        moves = self.env["account.move"].search(
            domain, order="invoice_date_due, id", limit=min(int(limit or SEARCH_LIMIT), 100)
        )
        items = self._bankrec_items(moves.ids)
        return [items[m.id] for m in moves if m.id in items]

    def action_bankrec_workspace_match(self, move_ids):
        """The manual match of this line, pre-filled with the open items of ``move_ids``
        (several items; amounts to adjust for a partial payment)."""
        self._bankrec_check_user()
        self.ensure_one()
        if self.is_reconciled:
            raise UserError(_("Line %s is reconciled already: undo it first.", self.display_name))
        items = self.env["account.move.line"].search(
            [
                *OPEN_ITEM_LINE_DOMAIN,
                ("move_id", "in", [int(i) for i in move_ids]),
                ("company_id", "=", self.company_id.id),
            ],
            order="date_maturity, id",
        )
        if not items:
            raise UserError(_("These items are not open any more."))
        left = abs(self.amount) if len(items.move_id) == 1 else None
        values = []
        for item in items:
            open_amount = abs(item.amount_residual_currency)
            same = item.currency_id == self._bankrec_line_currency()
            amount = min(open_amount, left) if left is not None and same else open_amount
            if left is not None and same:
                left -= amount
            if amount > 0:
                values.append((0, 0, {"move_line_id": item.id, "amount": amount}))
        wizard = self.env["bankrec.manual.match"].create(
            {"statement_line_id": self.id, "line_ids": values}
        )
        return wizard._action_open(_("Match %s", self.display_name))
