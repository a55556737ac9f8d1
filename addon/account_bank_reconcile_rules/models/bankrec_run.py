# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Matching runs and the decision they took for each statement line.

A run records who ran it, when, how long it took, the settings and rule-set versions it
used, and for every line it looked at: status, confidence, band, reasons, the items chosen
and the alternatives, and what was written. Runs can be undone as a whole: every line the
run booked and that is still booked is undone with Odoo's own undo, which restores the
invoices' payment states.

Booking is batches, so no request and no scheduled call holds a worker for minutes: a run
started from a button records its decisions, books at most one batch of sure lines, and is
``booking`` until the rest is booked -- by the scheduled action "bankrec: book pending
runs" (woken at once, batch after batch within a time budget, committing after each), or
by queue jobs, one per journal and batch, when ``account_bank_reconcile_queue`` is
installed (it overrides :meth:`BankrecRun._bankrec_dispatch` and
:meth:`BankrecRun._bankrec_continue`).
"""

import json
import logging
import time
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models, modules
from odoo.exceptions import UserError
from odoo.tools import config

from connectors.odoo.lock import JournalLockError

from ..engine.runner import PENDING, Engine

_logger = logging.getLogger(__name__)

STATUSES = [
    ("reconciled", "Reconciled"),
    ("suggested", "Suggested"),
    ("unmatched", "Unmatched"),
    ("ignored", "Ignored"),
]
BANDS = [("high", "High"), ("probable", "Probable"), ("possible", "Possible"), ("low", "Low")]
OUTCOMES = [
    ("pending", "To book"),
    ("booked", "Booked"),
    ("left", "Left for review"),
    ("skipped", "Already booked"),
    ("refused", "Refused"),
    ("error", "Error"),
    ("undone", "Undone"),
]
BOOKED = ("booked",)
BATCH_SIZE = 200  # sure lines booked per batch when the company sets none
TIME_BUDGET = 120.0  # seconds a scheduled call books for, at most
BUDGET_SHARE = 0.6  # ... and at most this share of the server's time limit for a cron
RETRY_LOCKED = timedelta(minutes=5)  # a journal locked by another writer: try again then
PENDING_CRON = "account_bank_reconcile_rules.ir_cron_bankrec_book_pending"


def cron_budget():
    """Seconds a scheduled call may spend booking: :data:`TIME_BUDGET`, but at most 60 % of
    the time Odoo grants a cron (``limit_time_real_cron``; -1 means ``limit_time_real``),
    so the call ends, commits and wakes itself again long before the server kills it."""
    limit = config.get("limit_time_real_cron") or 0
    if limit < 0:
        limit = config.get("limit_time_real") or 0
    return min(TIME_BUDGET, BUDGET_SHARE * limit) if limit > 0 else TIME_BUDGET


def can_commit():
    """Commit between batches only in a real scheduled call, never inside a test's
    transaction (the pattern of ``account.move._can_commit``)."""
    return not config["test_enable"] and not modules.module.current_test


class BankrecRun(models.Model):
    _name = "bankrec.run"
    _description = "Bank reconciliation run"
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    journal_id = fields.Many2one("account.journal", required=True, index=True)
    journal_ids = fields.Many2many(
        "account.journal", string="Journals", help="All journals the run matched together."
    )
    user_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user)
    started_at = fields.Datetime(required=True, default=fields.Datetime.now)
    duration = fields.Float(
        digits=(16, 2),
        help="Seconds the run took until it returned: matching, recording, and what it booked "
        "at once (a run booked in the background finishes later: see Finished).",
    )
    trigger = fields.Selection(
        [
            ("manual", "Manual"),
            ("import", "After an import"),
            ("cron", "Scheduled"),
            ("rematch", "Rematch"),
        ],
        default="manual",
        required=True,
    )
    state = fields.Selection(
        [("booking", "Booking"), ("done", "Done"), ("undone", "Undone")],
        default="done",
        required=True,
        help="Booking: the decisions are recorded and some sure lines wait to be booked "
        "in the background, batch by batch.",
    )
    finished_at = fields.Datetime(
        string="Finished", readonly=True, help="When the last sure line of the run was booked."
    )
    auto_threshold = fields.Integer()
    tie_margin = fields.Integer()
    rule_versions = fields.Char(string="Rule sets used")
    line_ids = fields.One2many("bankrec.run.line", "run_id")
    line_count = fields.Integer(string="Lines")
    reconciled_count = fields.Integer(string="Reconciled")
    suggested_count = fields.Integer(string="To review")
    unmatched_count = fields.Integer(string="Unmatched")
    ignored_count = fields.Integer(string="Ignored")
    error_count = fields.Integer(string="Errors")
    pending_count = fields.Integer(
        string="To book", help="Sure lines recorded, waiting to be booked in the background."
    )
    skipped_count = fields.Integer(
        string="Already booked", help="Sure lines someone else booked before this run did."
    )
    undone_by_id = fields.Many2one("res.users", readonly=True)
    undone_at = fields.Datetime(readonly=True)

    @api.depends("journal_id", "journal_ids", "started_at")
    def _compute_name(self):
        for run in self:
            codes = ", ".join((run.journal_ids or run.journal_id).mapped("code"))
            run.name = _("%(journal)s, %(when)s", journal=codes, when=run.started_at)

    def action_undo(self):
        """Undo every line this run booked that is still booked, then mark the run undone.

        A run still booking stops: its lines not booked yet are left for a person (no
        batch or job books them afterwards)."""
        for run in self:
            if run.state == "undone":
                raise UserError(_("Run %s was undone already.", run.name))
            booked = run.line_ids.filtered(
                lambda ln: ln.outcome in BOOKED and ln.statement_line_id.is_reconciled
            )
            booked.mapped("statement_line_id")._bankrec_undo_lines()
            booked.write({"outcome": "undone"})
            pending = run.line_ids.filtered(lambda ln: ln.outcome == PENDING)
            pending.write(
                {"outcome": "left", "message": _("The run was undone before this line was booked.")}
            )
            pending.statement_line_id.filtered(lambda ln: ln.bankrec_state == "pending").write(
                {"bankrec_state": "to_review"}
            )
            run.write(
                {
                    "state": "undone",
                    "undone_by_id": self.env.uid,
                    "undone_at": fields.Datetime.now(),
                    "pending_count": 0,
                    "suggested_count": run.suggested_count + len(pending),
                }
            )
        return True

    def action_book_pending(self):
        """'Book now': the next batch of a run still booking, as the run's dispatch does
        (one batch in this request, or queue jobs); the run's form shows what is left."""
        self.env["account.bank.statement.line"]._bankrec_check_group()
        self.filtered(lambda r: r.state == "booking")._bankrec_dispatch()
        return True

    # ------------------------------------------------------------------ booking in batches
    def _bankrec_batches(self):
        """The run's sure decisions still to book: lists of run lines of one journal each,
        at most the company's batch size long, in the order they were recorded."""
        self.ensure_one()
        size = max(1, self.company_id.bankrec_batch_size or BATCH_SIZE)
        pending = self.env["bankrec.run.line"].search(
            [("run_id", "=", self.id), ("outcome", "=", PENDING)], order="id"
        )
        by_journal = defaultdict(list)
        for run_line in pending:
            by_journal[run_line.statement_line_id.journal_id.id].append(run_line.id)
        RunLine = self.env["bankrec.run.line"]
        return [
            RunLine.browse(ids[start : start + size])
            for _journal, ids in sorted(by_journal.items())
            for start in range(0, len(ids), size)
        ]

    def _bankrec_dispatch(self):
        """Book what these runs (just recorded, started in the background) decided: at most
        ONE batch in the caller's transaction, so a request never waits for more; the rest
        is left ``pending`` for the scheduled action "bankrec: book pending runs", woken at
        once. ``account_bank_reconcile_queue`` overrides this to enqueue one job per
        journal and batch instead, booking nothing here."""
        for run in self.filtered(lambda r: r.state == "booking"):
            batches = run._bankrec_batches()
            if batches:
                batches[0]._bankrec_book()
                break
        if self.filtered(lambda r: r.state == "booking"):
            self._bankrec_wake()

    @api.model
    def _bankrec_continue(self, deadline):
        """Book the batches of every run still booking, oldest first, until ``deadline``
        (``time.monotonic()``) has passed; commit after each batch in a scheduled call.
        At least one batch is booked per call, so each call makes progress. Returns True
        when nothing is left pending; else the scheduled action is woken again (at once
        when the budget ran out, in a few minutes when a journal was locked by another
        writer). ``account_bank_reconcile_queue`` overrides this to enqueue jobs."""
        locked = False
        for run in self.search([("state", "=", "booking")], order="id"):
            batches = run._bankrec_batches()
            if not batches:  # its last lines were booked by a person meanwhile
                run._bankrec_refresh()
                continue
            for batch in batches:
                try:
                    booked = batch._bankrec_book()
                except Exception:
                    if not can_commit():
                        raise
                    self.env.cr.rollback()  # back to the last batch committed
                    _logger.exception("bankrec: a batch of run %s failed", run.id)
                    locked = True  # try again later, as for a locked journal
                    break
                self._bankrec_commit()
                if not booked:
                    locked = True  # its journal is busy: the next run, and back later
                    break
                if time.monotonic() >= deadline:
                    if self.search_count([("state", "=", "booking")]):
                        self._bankrec_wake()
                        return False
                    return True
        if locked:
            self._bankrec_wake(RETRY_LOCKED)
            return False
        return True

    @api.model
    def _cron_bankrec_book_pending(self, budget=None):
        """Scheduled ("bankrec: book pending runs"): book pending runs' batches for at most
        ``budget`` seconds (default :func:`cron_budget`); the next call continues."""
        deadline = time.monotonic() + (cron_budget() if budget is None else budget)
        return self._bankrec_continue(deadline)

    def _bankrec_refresh(self):
        """The runs' counts from their lines (one grouped read), and ``done`` once nothing
        is left to book. Called when a run is recorded and after each batch."""
        counts = defaultdict(lambda: defaultdict(int))
        groups = self.env["bankrec.run.line"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "status", "outcome"], ["__count"]
        )
        for run, status, outcome, count in groups:
            key = count_key(status, outcome)
            counts[run.id][key] += count
            if outcome in ("error", "refused"):
                counts[run.id]["error"] += count
        for run in self:
            mine = counts[run.id]
            values = {
                "reconciled_count": mine["reconciled"],
                "suggested_count": mine["suggested"],
                "unmatched_count": mine["unmatched"],
                "ignored_count": mine["ignored"],
                "error_count": mine["error"],
                "pending_count": mine["pending"],
                "skipped_count": mine["skipped"],
            }
            if run.state == "booking" and not mine["pending"]:
                values.update(state="done", finished_at=fields.Datetime.now())
            run.write(values)

    def _bankrec_wake(self, delay=None):
        """Have the scheduled action "bankrec: book pending runs" run soon (Odoo 17's cron
        triggers), or after ``delay``."""
        cron = self.env.ref(PENDING_CRON, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(fields.Datetime.now() + delay if delay else None)

    def _bankrec_commit(self):
        if can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _action_open(self):
        """The window showing these runs (the run itself when there is one)."""
        action = {
            "type": "ir.actions.act_window",
            "name": _("Reconciliation runs"),
            "res_model": "bankrec.run",
        }
        if len(self) == 1:
            return {**action, "view_mode": "form", "res_id": self.id}
        return {**action, "view_mode": "tree,form", "domain": [("id", "in", self.ids)]}

    def action_open_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Decisions of %s", self.name),
            "res_model": "bankrec.run.line",
            "view_mode": "tree,form",
            "domain": [("run_id", "=", self.id)],
        }


def count_key(status, outcome):
    """Which count of its run a run line adds to (as its statement line's state does)."""
    if outcome in ("booked", "pending", "skipped"):
        return {"booked": "reconciled"}.get(outcome, outcome)
    if status in ("ignored", "unmatched"):
        return status
    return "suggested"


class BankrecRunLine(models.Model):
    _name = "bankrec.run.line"
    _description = "Decision of a bank reconciliation run for one statement line"
    _order = "run_id desc, id"

    run_id = fields.Many2one("bankrec.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    statement_line_id = fields.Many2one(
        "account.bank.statement.line", required=True, ondelete="cascade", index=True
    )
    transaction_id = fields.Char(required=True, help="bankrec's id of the transaction.")
    status = fields.Selection(STATUSES, required=True)
    confidence = fields.Integer()
    band = fields.Selection(BANDS)
    reasons = fields.Text()
    booking = fields.Char()
    account_code = fields.Char()
    party = fields.Char()
    writeoff = fields.Char(help="Difference written off, as an exact decimal.")
    transfer_with = fields.Char()
    allocations_json = fields.Text(help="The items this decision settles and how much.")
    alternatives_json = fields.Text(help="Other ways to settle the line, with their scores.")
    move_ids = fields.Many2many("account.move", string="Documents")
    outcome = fields.Selection(OUTCOMES)
    message = fields.Char()

    def _bankrec_book(self):
        """Book those of these decisions that are still pending, per run and journal, each
        under its journal's lock, as the run's user would; then update the runs' counts.

        Idempotent: a batch booked twice books nothing twice (booked lines are no longer
        pending, and the planner skips a line booked meanwhile). Returns False when a
        journal was locked by another writer: its lines stay pending for a later try.
        """
        pending = self.filtered(lambda ln: ln.outcome == PENDING and ln.run_id.state == "booking")
        groups = defaultdict(list)
        for run_line in pending:
            groups[(run_line.run_id, run_line.statement_line_id.journal_id)].append(run_line.id)
        free = True
        for (run, journal), ids in groups.items():
            env = self.with_company(run.company_id).env
            try:
                Engine(env, journal.with_env(env)).book_batch(self.browse(ids).with_env(env))
            except JournalLockError as exc:
                _logger.info("bankrec: run %s waits for journal %s: %s", run.id, journal.code, exc)
                free = False
        pending.run_id._bankrec_refresh()
        return free

    def allocations(self):
        """[(item id, amount text)] of the chosen settlement."""
        self.ensure_one()
        return [(a["item_id"], a["amount"]) for a in json.loads(self.allocations_json or "[]")]

    def alternatives(self):
        """The alternatives as stored: [{confidence, reasons, allocations}]."""
        self.ensure_one()
        return json.loads(self.alternatives_json or "[]")
