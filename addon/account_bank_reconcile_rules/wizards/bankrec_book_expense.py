# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Book a bank line straight to an account (expense, income, fee) with a label."""

from odoo import _, api, fields, models

from bankrec.model import Booking, Decision, Status

from ..engine.runner import transaction_id


class BankrecBookExpense(models.TransientModel):
    _name = "bankrec.book.expense"
    _inherit = "bankrec.wizard.mixin"
    _description = "Book a bank line as an expense or income"

    statement_line_id = fields.Many2one("account.bank.statement.line", required=True)
    company_id = fields.Many2one(related="statement_line_id.company_id")
    currency_id = fields.Many2one(related="statement_line_id.currency_id")
    amount = fields.Monetary(related="statement_line_id.amount")
    account_id = fields.Many2one(
        "account.account",
        required=True,
        domain="[('deprecated', '=', False), ('company_id', '=', company_id), "
        "('account_type', 'not in', ('asset_receivable', 'liability_payable', 'asset_cash', "
        "'liability_credit_card', 'off_balance'))]",
    )
    label = fields.Char(help="The text of the journal item (the line's label by default).")
    tax_use = fields.Selection(
        [("sale", "Sale"), ("purchase", "Purchase")], compute="_compute_tax_use"
    )
    tax_id = fields.Many2one(
        "account.tax",
        string="Tax",
        domain="[('company_id', '=', company_id), ('type_tax_use', '=', tax_use)]",
        help="A tax included in the line's amount (the VAT of an expense paid by bank): the "
        "account gets the amount without it and Odoo writes the tax line.",
    )

    @api.depends("amount")
    def _compute_tax_use(self):
        for wizard in self:
            wizard.tax_use = "sale" if wizard.amount > 0 else "purchase"

    def action_book(self):
        self.ensure_one()
        st_line = self.statement_line_id
        st_line._bankrec_check_user()
        decision = Decision(
            transaction_id(st_line),
            Status.RECONCILED,
            100,
            booking=Booking.EXPENSE,  # income too: the sign comes from the line
            account=self.account_id.code,
            category=(self.label or st_line.payment_ref or "").strip()[:200],
            tax=str(self.tax_id.id) if self.tax_id else "",
            reasons=(_("booked by hand by %s", self.env.user.name),),
        )
        st_line._bankrec_book_decision(decision)
        return {"type": "ir.actions.act_window_close"}
