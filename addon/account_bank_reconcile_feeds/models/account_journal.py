# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A bank journal's feed: "Connect a bank", "Synchronise now", and on its dashboard card the
last sync and the consent's end.

The card's figures come with the dashboard's own batched data
(``_fill_bank_cash_dashboard_data``): one read of the feed accounts of all the journals
shown, never one query per card.
"""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools.misc import format_date, format_datetime

from .bankrec_feed_connection import NOTICE_DAYS, SYNCED


class AccountJournal(models.Model):
    _inherit = "account.journal"

    bankrec_feed_account_ids = fields.One2many(
        "bankrec.feed.account", "journal_id", string="Bank feed accounts"
    )
    bankrec_feed_state = fields.Char(compute="_compute_bankrec_feed", string="Bank feed")
    bankrec_feed_last_sync = fields.Datetime(compute="_compute_bankrec_feed", string="Last sync")
    bankrec_feed_valid_until = fields.Datetime(
        compute="_compute_bankrec_feed", string="Consent valid until"
    )

    @api.depends("bankrec_feed_account_ids.last_sync", "bankrec_feed_account_ids.valid_until")
    def _compute_bankrec_feed(self):
        for journal in self:
            feed = journal._bankrec_feed_summary()
            journal.bankrec_feed_state = feed.get("state_label", False)
            journal.bankrec_feed_last_sync = feed.get("last_sync", False)
            journal.bankrec_feed_valid_until = feed.get("valid_until", False)

    def _bankrec_feed_summary(self, accounts=None):
        """What a person needs to know of this journal's feed: its connection's state, the
        last sync, the consent's end (the latest connection when there were several)."""
        self.ensure_one()
        accounts = self.sudo().bankrec_feed_account_ids if accounts is None else accounts
        if not accounts:
            return {}
        account = accounts.sorted(lambda a: a.connection_id.id)[-1]
        conn = account.connection_id
        labels = dict(conn._fields["state"]._description_selection(self.env))
        return {
            "state": conn.state,
            "state_label": labels[conn.state],
            "last_sync": account.last_sync or False,
            "valid_until": conn.valid_until or False,
            "result": conn.last_sync_result or "",
            "connection": conn,
        }

    def action_bankrec_feed_connect(self):
        """'Connect a bank': the wizard choosing the provider, the country and the bank."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Connect a bank"),
            "res_model": "bankrec.feed.connect",
            "view_mode": "form",
            "target": "new",
            "context": {"default_journal_id": self.id},
        }

    def action_bankrec_feed_sync(self):
        """'Synchronise now': the connections feeding these journals, their accounts of
        these journals only; a notification says what came in."""
        self.env["account.bank.statement.line"]._bankrec_check_group()
        self.check_access_rule("read")  # the connections are read as superuser
        connections = self.sudo().bankrec_feed_account_ids.connection_id.filtered(
            lambda c: c.state in SYNCED
        )
        if not connections:
            names = ", ".join(self.mapped("name"))
            return self.env["bankrec.feed.connection"]._bankrec_notification(
                [_("No active bank feed on %s: use 'Connect a bank'.", names)]
            )
        mine = connections.with_env(self.env)
        summary = [conn._bankrec_sync(journals=self) for conn in mine]
        return mine._bankrec_notification(summary)

    def action_bankrec_feed_connections(self):
        """The connections feeding this journal (for their accounts and mapping)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Bank feeds"),
            "res_model": "bankrec.feed.connection",
            "view_mode": "tree,form",
            "domain": [
                "|",
                ("journal_id", "=", self.id),
                ("account_ids.journal_id", "=", self.id),
            ],
            "context": {"active_test": False},
        }

    def _fill_bank_cash_dashboard_data(self, dashboard_data):
        """The card's feed line: last sync and consent end, from one read of the accounts."""
        super()._fill_bank_cash_dashboard_data(dashboard_data)
        banks = self.filtered(lambda j: j.type == "bank")
        if not banks:
            return
        accounts = self.env["bankrec.feed.account"].sudo().search([("journal_id", "in", banks.ids)])
        soon = fields.Datetime.now() + timedelta(days=NOTICE_DAYS)
        for journal in banks:
            mine = accounts.filtered(lambda a, j=journal: a.journal_id == j)
            feed = journal._bankrec_feed_summary(mine)
            data = dashboard_data[journal.id]
            data["bankrec_feed"] = bool(feed)
            if not feed:
                continue
            until, last = feed["valid_until"], feed["last_sync"]
            data.update(
                bankrec_feed_state=feed["state"],
                bankrec_feed_state_label=feed["state_label"],
                bankrec_feed_last_sync=(
                    format_datetime(self.env, last, dt_format="short") if last else _("never")
                ),
                bankrec_feed_valid_until=format_date(self.env, until) if until else "",
                bankrec_feed_expiring=bool(until and until <= soon),
                bankrec_feed_result=feed["result"],
            )
