# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A bank connected through an aggregator: its consent, accounts and the journals they feed.

Only what the aggregator hands back is stored -- its session or user id, its tokens (in a
field only system administrators may read), the consent's end -- never bank credentials:
people give consent on the bank's own pages. The random ``state`` of a pending consent is
stored too (system group only) and checked when the bank sends the user back.

Syncing an account is ``bankrec.feeds.sync.sync_account`` (the CLI's sync) with a sink on
the journal (``engine/sink.py``): every page is fetched before anything is created, the
lines of one account are created in one savepoint, and each transaction once. New lines
then go into an automatic reconciliation run of the rules add-on.
"""

import datetime as dt
import json
import logging
import time
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup, escape
from odoo import _, api, fields, models
from odoo.addons.account_bank_reconcile_rules.engine.runner import Engine
from odoo.addons.account_bank_reconcile_rules.models.bankrec_run import can_commit, cron_budget
from odoo.exceptions import UserError

from bankrec.feeds.errors import FeedError
from bankrec.feeds.provider import Connection, ConsentLink
from bankrec.feeds.sync import account_label, default_since, sync_account
from connectors.odoo.errors import ConnectorError

from ..engine.mapping import aware_utc, map_accounts, naive_utc, normalise_iban
from ..engine.providers import provider_for
from ..engine.sink import JournalSink

_logger = logging.getLogger(__name__)

PROVIDERS = [("enablebanking", "Enable Banking"), ("bridge", "Bridge")]
STATES = [
    ("pending", "Waiting for consent"),
    ("active", "Active"),
    ("expired", "Expired"),
    ("revoked", "Revoked"),
    ("error", "Error"),
]
SYNCED = ("active", "error")  # states a sync is attempted in ("error": the last one failed)
NOTICE_DAYS = 7  # people are told this long before a consent ends
SYNC_CRON = "account_bank_reconcile_feeds.ir_cron_bankrec_feeds_sync"
ABANDONED_AFTER = timedelta(days=1)  # a consent not completed by then was given up


def one_line(text, limit=300):
    """An error as people see it: its first line, shortened."""
    first = (str(text).strip().splitlines() or [""])[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


class BankrecFeedConnection(models.Model):
    _name = "bankrec.feed.connection"
    _description = "Bank feed connection"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    provider = fields.Selection(PROVIDERS, required=True)
    bank_name = fields.Char(string="Bank")
    bank_ref = fields.Char(string="Bank id at the provider")
    country_code = fields.Char(string="Country")
    journal_id = fields.Many2one(
        "account.journal",
        string="Connected from",
        check_company=True,
        domain="[('type', '=', 'bank')]",
        help="The bank journal 'Connect a bank' was started from; you go back to it after "
        "giving consent.",
    )
    account_ids = fields.One2many("bankrec.feed.account", "connection_id", string="Accounts")
    journal_ids = fields.Many2many(
        "account.journal", compute="_compute_journal_ids", string="Journals fed"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Connected by",
        default=lambda self: self.env.user,
        help="Who gave consent; told when the consent is about to end.",
    )
    state = fields.Selection(STATES, default="pending", required=True, readonly=True, index=True)
    session_id = fields.Char(
        string="Provider connection id", readonly=True, copy=False,
        help="The aggregator's id of this consent (Enable Banking: the session id).",
    )  # fmt: skip
    consent_days = fields.Integer(default=90, readonly=True)
    valid_until = fields.Datetime(string="Consent valid until", readonly=True)
    consent_status = fields.Char(readonly=True, help="What the aggregator last said of it.")
    last_sync = fields.Datetime(readonly=True)
    last_sync_result = fields.Char(readonly=True)
    expiry_notice_for = fields.Date(
        readonly=True, copy=False, help="The end of consent people were told about already."
    )
    consent_url = fields.Char(string="Consent link", readonly=True, copy=False)
    # the aggregator's state: readable by system administrators only
    consent_token = fields.Char(readonly=True, copy=False, groups="base.group_system")
    consent_reference = fields.Char(readonly=True, copy=False, groups="base.group_system")
    provider_data = fields.Text(readonly=True, copy=False, groups="base.group_system")
    provider_secrets = fields.Text(readonly=True, copy=False, groups="base.group_system")

    _sql_constraints = [
        ("consent_token_unique", "unique(consent_token)", "A consent state is used once."),
    ]

    @api.depends("provider", "bank_name")
    def _compute_name(self):
        labels = dict(PROVIDERS)
        for conn in self:
            conn.name = f"{conn.bank_name or _('Bank')} ({labels.get(conn.provider, '')})"

    @api.depends("account_ids.journal_id")
    def _compute_journal_ids(self):
        for conn in self:
            conn.journal_ids = conn.account_ids.journal_id

    # ------------------------------------------------------------------ provider's view
    @api.model
    def _bankrec_http_options(self):
        """Options for the providers' HTTP client (``sleep``, ``session``...): none in
        production; tests replace this to wait for nothing."""
        return {}

    def _bankrec_provider(self):
        return provider_for(self.env, self.provider, **self._bankrec_http_options())

    def _bankrec_connection(self):
        """The stored consent as the provider's plain ``Connection``."""
        self.ensure_one()
        conn = self.sudo()
        return Connection(
            provider=conn.provider,
            id=conn.session_id or "",
            bank=conn.bank_name or "",
            valid_until=aware_utc(conn.valid_until),
            accounts=tuple(a._bankrec_feed_account() for a in conn.account_ids),
            data=json.loads(conn.provider_data or "{}"),
            secrets=json.loads(conn.provider_secrets or "{}"),
        )

    def _bankrec_link(self):
        conn = self.sudo()
        return ConsentLink(
            url=conn.consent_url or "",
            state=conn.consent_token or "",
            provider=conn.provider,
            reference=conn.consent_reference or "",
        )

    # ------------------------------------------------------------------ consent's return
    @api.model
    def _bankrec_return(self, params):
        """The bank sent the user back with ``params`` (``state``, ``code``...): complete
        the pending consent whose ``state`` it carries -- started by this same user --,
        store the connection and map its accounts to journals.

        Returns ``(connection or None, message)``; a message is for the user (one line):
        the refusal, or why an account could not be mapped.
        """
        token = (params.get("state") or "").strip()
        conn = self.browse()
        if token:
            conn = self.sudo().search(
                [("consent_token", "=", token), ("state", "=", "pending")], limit=1
            )
        user = self.env.user
        if not conn or conn.user_id != user or conn.company_id not in user.company_ids:
            return None, _(
                "This bank consent is unknown, was completed already or was started by "
                "another user: start again with 'Connect a bank' on the bank journal."
            )
        try:
            provider = conn._bankrec_provider()
            connection = provider.complete(conn._bankrec_link(), dict(params))
            accounts = list(connection.accounts) or provider.accounts(connection)
        except FeedError as exc:
            message = one_line(exc)
            conn.write({"state": "error", "last_sync_result": message, "consent_token": False})
            return conn.sudo(False), message
        conn.write(
            {
                "state": "active",
                "session_id": connection.id,
                "bank_name": connection.bank or conn.bank_name,
                "valid_until": naive_utc(connection.valid_until),
                "provider_data": json.dumps(connection.data),
                "provider_secrets": json.dumps(connection.secrets),
                "consent_token": False,
                "consent_status": _("authorized"),
                "expiry_notice_for": False,
            }
        )
        message = conn._bankrec_map(accounts)
        return conn.sudo(False), message

    def _bankrec_map(self, accounts):
        """Store ``accounts`` (``FeedAccount``) on this connection and point each at its
        journal (see ``engine/mapping.py``); accounts of older connections feeding the same
        journals stop feeding them, and their sync position is carried over. Returns a
        message when the journal it was connected from got no account, else ''."""
        self.ensure_one()
        conn = self.sudo()
        journals = (
            self.env["account.journal"]
            .sudo()
            .search([("type", "=", "bank"), ("company_id", "=", conn.company_id.id)])
        )
        by_iban = {}
        for journal in conn.journal_id | journals:  # the connected journal wins a tie
            number = normalise_iban(journal.bank_account_id.acc_number)
            if number:
                by_iban.setdefault(number, journal.id)
        mapping, mapped = map_accounts(accounts, by_iban, conn.journal_id.id)
        Account = self.env["bankrec.feed.account"].sudo()
        older = Account.search(
            [
                ("journal_id", "in", list(set(mapping.values()))),
                ("connection_id", "!=", conn.id),
            ]
        )
        carried = {}  # journal id -> the latest booking date an older account synced
        for old in older.filtered("last_booked"):
            day = carried.get(old.journal_id.id)
            carried[old.journal_id.id] = max(day, old.last_booked) if day else old.last_booked
        older.write({"journal_id": False})
        older.connection_id.filtered(lambda c: not c.account_ids.journal_id).write(
            {"active": False}
        )
        conn.account_ids.unlink()
        Account.create(
            [
                {
                    "connection_id": conn.id,
                    "account_ref": account.id,
                    "iban": account.iban,
                    "currency": account.currency,
                    "name": account.name,
                    "journal_id": mapping.get(account.id, False),
                    "last_booked": carried.get(mapping.get(account.id), False),
                }
                for account in accounts
            ]
        )
        journal = conn.journal_id
        if mapped or not journal:
            return ""
        numbers = ", ".join(a.iban or a.name or a.id for a in accounts) or _("none")
        return _(
            "None of the %(count)s accounts of this consent (%(numbers)s) has the account "
            "number of journal %(journal)s (%(own)s): set the journal's account number, or "
            "choose the journal of each account on the connection %(name)s.",
            count=len(accounts),
            numbers=numbers,
            journal=journal.name,
            own=journal.bank_acc_number or _("none set"),
            name=conn.name,
        )

    # ------------------------------------------------------------------ sync
    def action_bankrec_sync(self):
        """'Synchronise now' on a connection: its accounts, then a notification."""
        self.env["account.bank.statement.line"]._bankrec_check_group()
        self.check_access_rule("read")  # the sync reads the rest as superuser
        summary = [conn._bankrec_sync() for conn in self]
        return self._bankrec_notification(summary)

    @api.model
    def _bankrec_notification(self, lines):
        failed = any(conn.state != "active" for conn in self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Bank feeds"),
                "message": "\n".join(ln for ln in lines if ln) or _("Nothing to synchronise."),
                "type": "warning" if failed else "success",
                "sticky": failed,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _bankrec_sync(self, journals=None, today=None):
        """Fetch the new booked transactions of this connection's accounts (those feeding
        ``journals`` when given), create their statement lines as the current user, and
        start a reconciliation run on them. Returns the one-line result, also stored in
        ``last_sync_result``. Never raises for what the aggregator or the bank says."""
        self.ensure_one()
        conn = self.sudo()
        accounts = conn.account_ids.filtered(
            lambda a: a.journal_id and (journals is None or a.journal_id in journals)
        )
        now = fields.Datetime.now()
        today = today or fields.Date.context_today(self)
        if conn.state not in SYNCED:
            return _("%(name)s: not synchronised: the connection is %(state)s.",
                     name=conn.name, state=dict(STATES)[conn.state])  # fmt: skip
        try:
            provider = self._bankrec_provider()
            connection = self._bankrec_connection()
            status = provider.consent_status(connection)
        except FeedError as exc:
            return self._bankrec_failed(one_line(exc), now)
        if not status.valid:
            ended = "revoked" if "revoked" in status.detail.lower() else "expired"
            return self._bankrec_consent_ended(status.detail, now, ended)
        conn.write(
            {
                "valid_until": naive_utc(status.valid_until) or conn.valid_until,
                "consent_status": one_line(status.detail),
            }
        )
        if not accounts:
            result = _("%s: no account of this connection feeds a journal: choose the journal "
                       "of its accounts on the connection.", conn.name)  # fmt: skip
            conn.write({"last_sync": now, "last_sync_result": result})
            return result
        created, known, errors, lines_by_journal = 0, 0, [], defaultdict(list)
        for account in accounts:
            journal = account.journal_id.with_env(self.env)
            since = default_since(account.last_booked or None, today)
            sink = JournalSink(self.with_company(journal.company_id).env, journal)
            try:
                report = sync_account(provider, connection, account._bankrec_feed_account(),
                                      since, sink)  # fmt: skip
            except (FeedError, ConnectorError) as exc:  # credentials, currency, rights
                errors.append(f"{account_label(account._bankrec_feed_account())}: {one_line(exc)}")
                continue
            if report.consent_expired:
                return self._bankrec_consent_ended(report.error, now, "expired")
            if not report.ok:
                errors.append(one_line(report.line()))
                continue
            created += report.new
            known += report.known
            lines_by_journal[journal].extend(sink.created_ids)
            booked = [d for d in (report.last_booked, account.last_booked) if d]
            account.write({"last_sync": now, "last_booked": max(booked) if booked else False})
        runs = self._bankrec_reconcile(lines_by_journal)
        result = _(
            "%(name)s: %(created)s new lines, %(known)s imported before",
            name=conn.name, created=created, known=known,
        )  # fmt: skip
        if runs:
            result += _("; reconciliation started")
        if errors:
            return self._bankrec_failed(f"{result}; {errors[0]}", now)
        conn.write({"state": "active", "last_sync": now, "last_sync_result": one_line(result)})
        return one_line(result)

    def _bankrec_reconcile(self, lines_by_journal):
        """A reconciliation run of the rules add-on on each journal's new lines (one batch
        booked now, the rest in the background); a journal locked by another run keeps its
        lines for the next run. Returns the runs started."""
        runs = self.env["bankrec.run"]
        for journal, ids in lines_by_journal.items():
            if not ids:
                continue
            env = self.with_company(journal.company_id).env
            lines = env["account.bank.statement.line"].browse(ids)
            try:
                with self.env.cr.savepoint():
                    runs |= Engine(env, journal.with_env(env)).run(
                        lines=lines, trigger="feed", background=True
                    )
            except UserError as exc:
                _logger.warning("bankrec feeds: no run on %s now: %s", journal.code, exc)
        return runs

    def _bankrec_failed(self, message, now):
        message = one_line(message)
        self.sudo().write({"state": "error", "last_sync": now, "last_sync_result": message})
        return message

    def _bankrec_consent_ended(self, detail, now, state="expired"):
        """The consent can no longer fetch: say it once on the journals it fed, with what to
        do; the connection is ``expired`` (or ``revoked``) and no longer synced."""
        conn = self.sudo()
        message = one_line(detail) or _("the bank consent has ended")
        if "connect" not in message.lower():
            message = _("%s: connect the bank again", message)
        first_time = conn.state not in ("expired", "revoked")
        conn.write({"state": state, "last_sync": now, "last_sync_result": message,
                    "consent_status": message})  # fmt: skip
        if first_time:
            body = Markup("<p>%s</p><p>%s</p>") % (
                _("Bank feed %(name)s stopped: %(message)s", name=conn.name, message=message),
                _("Use 'Connect a bank' on this journal to give consent again."),
            )
            for journal in conn.journal_ids | conn.journal_id:
                journal.message_post(body=body, subject=_("Bank consent ended"))
        return message

    # ------------------------------------------------------------------ scheduled
    @api.model
    def _cron_bankrec_feeds(self, budget=None):
        """Scheduled ("bankrec: synchronise bank feeds"): sync the connections, least
        recently synced first, each committed on its own, within ``budget`` seconds (default
        the rules add-on's ``cron_budget``; one connection at least, so each call makes
        progress); what the budget leaves is done by the next call, triggered at once.
        Then the consents about to end are notified."""
        deadline = time.monotonic() + (cron_budget() if budget is None else budget)
        connections = self.search([("state", "in", SYNCED)], order="last_sync asc nulls first, id")
        for index, conn in enumerate(connections):
            if index and time.monotonic() >= deadline:  # each call syncs one at least
                cron = self.env.ref(SYNC_CRON, raise_if_not_found=False)
                if cron:
                    cron.sudo()._trigger()
                break
            conn = conn.with_company(conn.company_id)
            try:
                with self.env.cr.savepoint():
                    conn._bankrec_sync()
            except Exception:  # one connection's surprise must not stop the others
                _logger.exception("bankrec feeds: the sync of connection %s failed", conn.id)
                conn._bankrec_failed(
                    _("the sync failed unexpectedly; the server log has the details"),
                    fields.Datetime.now(),
                )
            self._bankrec_commit()
        self._bankrec_notify_expiring()
        self._bankrec_forget_abandoned()
        self._bankrec_commit()

    @api.model
    def _bankrec_forget_abandoned(self, now=None):
        """Consents started but never completed (the user closed the bank's page) are
        deleted after :data:`ABANDONED_AFTER`: their state is useless by then."""
        now = now or fields.Datetime.now()
        abandoned = (
            self.sudo()
            .with_context(active_test=False)
            .search([("state", "=", "pending"), ("create_date", "<", now - ABANDONED_AFTER)])
        )
        abandoned.unlink()
        return len(abandoned)

    def _bankrec_commit(self):
        if can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _bankrec_notify_expiring(self, now=None):
        """Once per end date: a "Renew bank consent" activity for who connected the bank,
        and a message on each journal it feeds, :data:`NOTICE_DAYS` before the consent
        ends. Returns the connections notified."""
        now = now or fields.Datetime.now()
        soon = self.sudo().search(
            [
                ("state", "=", "active"),
                ("valid_until", ">", now),
                ("valid_until", "<=", now + timedelta(days=NOTICE_DAYS)),
            ]
        )
        notified = self.browse()
        for conn in soon:
            end = conn.valid_until.date()
            if conn.expiry_notice_for == end:
                continue
            text = _(
                "The bank consent of %(name)s ends on %(date)s: use 'Connect a bank' on the "
                "journal before then, or its transactions stop arriving.",
                name=conn.name,
                date=end.isoformat(),
            )
            for journal in conn.journal_ids | conn.journal_id:
                journal.message_post(body=text, subject=_("Renew bank consent"))
                user = conn.user_id if conn.user_id.active else self.env.user
                journal.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=end - dt.timedelta(days=1),
                    summary=_("Renew bank consent"),
                    note=escape(text),
                    user_id=user.id,
                )
            conn.expiry_notice_for = end
            notified |= conn
        return notified


class BankrecFeedAccount(models.Model):
    _name = "bankrec.feed.account"
    _description = "Bank account of a bank feed connection"
    _order = "connection_id desc, id"
    _check_company_auto = True

    connection_id = fields.Many2one(
        "bankrec.feed.connection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    account_ref = fields.Char(string="Account id at the provider", required=True, readonly=True)
    iban = fields.Char(string="IBAN", readonly=True)
    currency = fields.Char(readonly=True)
    name = fields.Char(readonly=True)
    journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', '=', 'bank'), ('company_id', '=', company_id)]",
        index=True,
        help="The bank journal this account's transactions go to; empty: not synced.",
    )
    last_booked = fields.Date(
        readonly=True,
        help="The latest booking date synced; the next sync starts a few days before it.",
    )
    last_sync = fields.Datetime(string="Last synchronised", readonly=True)
    state = fields.Selection(related="connection_id.state")
    valid_until = fields.Datetime(related="connection_id.valid_until")

    def _bankrec_feed_account(self):
        from bankrec.feeds.provider import FeedAccount

        self.ensure_one()
        return FeedAccount(
            id=self.account_ref, iban=self.iban or "", currency=self.currency or "",
            name=self.name or "",
        )  # fmt: skip
