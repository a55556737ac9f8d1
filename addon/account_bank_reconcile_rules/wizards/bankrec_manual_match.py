# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Match a bank line by hand: any open item of any partner, several of them, partial amounts.

The person picks open receivable/payable journal items (searchable by document number,
partner or amount) and how much of each the line pays; the difference, if any, is written
off within the company's limits. Booking goes through the same planner and server-side
``bankrec_apply`` as automatic runs, so a manual match is as atomic and as safe.

Each amount is in its item's currency (what of the item the line settles): an EUR line
may pay a CHF invoice, in full or the CHF part the person chose. The line's whole amount
then goes to the items and Odoo books what it is worth more or less than their booked
value as an exchange difference; bankrec's matching never pairs currencies by itself.
"""

from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from bankrec.model import Allocation, Booking, Decision, Status

from ..engine.runner import transaction_id

OPEN_ITEM_DOMAIN = [
    ("reconciled", "=", False),
    ("parent_state", "=", "posted"),
    ("account_id.account_type", "in", ("asset_receivable", "liability_payable")),
]


class BankrecWizardMixin(models.AbstractModel):
    _name = "bankrec.wizard.mixin"
    _description = "Shared behaviour of bankrec's review wizards"

    def _action_open(self, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }


class BankrecManualMatch(models.TransientModel):
    _name = "bankrec.manual.match"
    _inherit = "bankrec.wizard.mixin"
    _description = "Match a bank line by hand"

    statement_line_id = fields.Many2one("account.bank.statement.line", required=True)
    company_id = fields.Many2one(related="statement_line_id.company_id")
    currency_id = fields.Many2one(related="statement_line_id.currency_id")
    amount = fields.Monetary(related="statement_line_id.amount")
    line_ids = fields.One2many("bankrec.manual.match.line", "wizard_id", string="Items")
    allocated = fields.Monetary(compute="_compute_difference")
    difference = fields.Monetary(
        compute="_compute_difference",
        help="What the line pays beyond the items: written off within the company's limits.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards.filtered(lambda w: not w.line_ids):
            wizard._prefill()
        return wizards

    def _prefill(self):
        """bankrec's suggestion, when there is one: its items and amounts."""
        decision = self.statement_line_id.bankrec_decision_id
        if not decision:
            return
        Item = self.env["account.move.line"]
        values = []
        for item_id, amount in decision.allocations():
            items = Item.search(
                [*OPEN_ITEM_DOMAIN, ("move_id", "=", int(item_id))], order="date_maturity, id"
            )
            left = abs(Decimal(amount))
            for item in items:
                part = min(left, Decimal(str(abs(item.amount_residual_currency))))
                if part > 0:
                    values.append({"wizard_id": self.id, "move_line_id": item.id,
                                   "amount": float(part)})  # fmt: skip
                    left -= part
        self.env["bankrec.manual.match.line"].create(values)

    @api.depends("line_ids.amount", "line_ids.currency_id", "amount", "currency_id")
    def _compute_difference(self):
        """What the chosen items take of the line, and what is left to write off.

        With an item in another currency than the line's there is nothing to write off:
        the line's whole amount goes to the items, and the difference to their booked
        value is the exchange difference Odoo books when it reconciles them.
        """
        for wizard in self:  # signed as money on the bank line: receivables in, payables out
            if any(line.currency_id != wizard.currency_id for line in wizard.line_ids):
                wizard.allocated, wizard.difference = wizard.amount, 0.0
                continue
            wizard.allocated = sum(line.amount * line.sign for line in wizard.line_ids)
            wizard.difference = wizard.amount - wizard.allocated

    def action_book(self):
        self.ensure_one()
        st_line = self.statement_line_id
        st_line._bankrec_check_user()
        if not self.line_ids:
            raise UserError(_("Choose at least one open item."))
        by_move = {}
        for line in self.line_ids:
            if line.amount <= 0:
                raise UserError(
                    _("The amount for %s must be positive.", line.move_line_id.display_name)
                )
            move = line.move_line_id.move_id  # amounts in the item's currency
            by_move[move.id] = by_move.get(move.id, Decimal(0)) + Decimal(str(line.amount))
        decision = Decision(
            transaction_id(st_line),
            Status.RECONCILED,
            100,
            allocations=tuple(Allocation(str(m), a) for m, a in by_move.items()),
            booking=Booking.PAYMENT,
            reasons=(_("matched by hand by %s", self.env.user.name),),
        )
        st_line._bankrec_book_decision(decision)
        if st_line.bankrec_decision_id:  # a person's choice teaches, as a validation does
            self.env["bankrec.learned.rule"]._learn_from_booking(
                st_line.bankrec_decision_id, [(m, str(a)) for m, a in by_move.items()]
            )
            st_line.bankrec_decision_id.outcome = "booked"
        return {"type": "ir.actions.act_window_close"}


class BankrecManualMatchLine(models.TransientModel):
    _name = "bankrec.manual.match.line"
    _description = "An open item chosen to match a bank line"

    wizard_id = fields.Many2one("bankrec.manual.match", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="wizard_id.company_id")
    # the item's currency: its open amount, and what the line pays of it, are in it
    currency_id = fields.Many2one(related="move_line_id.currency_id")
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Open item",
        required=True,
        domain="[('reconciled', '=', False), ('parent_state', '=', 'posted'), "
        "('account_id.account_type', 'in', ('asset_receivable', 'liability_payable')), "
        "('company_id', '=', company_id)]",
    )
    partner_id = fields.Many2one(related="move_line_id.partner_id")
    residual = fields.Monetary(
        related="move_line_id.amount_residual_currency", string="Open amount"
    )
    amount = fields.Monetary(help="How much of the item this line pays.")
    sign = fields.Integer(compute="_compute_sign")

    @api.depends("move_line_id")
    def _compute_sign(self):
        for line in self:
            line.sign = 1 if line.move_line_id.amount_residual_currency >= 0 else -1

    @api.onchange("move_line_id")
    def _onchange_move_line_id(self):
        if self.move_line_id and not self.amount:
            self.amount = abs(self.move_line_id.amount_residual_currency)
