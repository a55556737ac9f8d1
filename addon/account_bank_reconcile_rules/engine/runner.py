# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One matching run inside Odoo: ORM records in, bankrec's plain data, decisions out.

Reads go through the connector's batched readers (one ``search_read`` per page, never a
query per line) on an :class:`OrmTransport`; matching is bankrec's ``match()``; booking
goes through the connector's planner and the API add-on's ``bankrec_apply`` -- the same
server-side implementation ``bankrec odoo sync`` uses over RPC, each line in its own
savepoint.

A run is two steps. Matching is one step (pure Python, 10,000 lines in seconds): every
decision is recorded as a ``bankrec.run.line``, the sure ones with the outcome
``pending``. Booking is batches of those pending lines, one journal at a time, each under
the journal's lock (:meth:`Engine.book_batch`): all of them before :meth:`Engine.run`
returns, or -- ``background=True``, what the buttons and the scheduled action use -- as
the run's ``_bankrec_dispatch`` decides (one batch now and the rest by the scheduled
action, or queue jobs when ``account_bank_reconcile_queue`` is installed). Booking a batch
twice books nothing twice: only lines still pending are planned, and the planner re-reads
each line and skips one booked meanwhile.
"""

import dataclasses
import json
import time
import uuid
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from decimal import Decimal

from odoo import _
from odoo.exceptions import UserError, ValidationError

from bankrec.matching import MatchConfig, match
from bankrec.model import Allocation, Booking, Decision, ItemKind, Status
from bankrec.results.match_json import band
from connectors.odoo.errors import ConnectorError
from connectors.odoo.lock import JournalLock, JournalLockError
from connectors.odoo.plan import WriteConfig, is_writable
from connectors.odoo.reader import (
    IMPORT_PREFIX,
    BankJournal,
    Currencies,
    StatementLineRef,
    read_open_items,
    read_statement_lines,
)
from connectors.odoo.writer import OdooWriter

from .orm_transport import OrmTransport

BOOKED_ACTIONS = ("reconciled", "booked")
PENDING = "pending"  # run line outcome: a sure decision recorded, not booked yet


def bank_journal(journal):
    """The connector's view of an ``account.journal`` record."""
    base = journal.company_id.currency_id
    currency = journal.currency_id or base
    return BankJournal(
        id=journal.id,
        code=journal.code,
        name=journal.name,
        currency=currency.name,
        default_account_id=journal.default_account_id.id,
        suspense_account_id=journal.suspense_account_id.id or None,
        company_id=journal.company_id.id,
        foreign=currency != base,
    )


def _iban(journal):
    number = journal.bank_account_id.acc_number or ""
    return number.replace(" ", "").upper()


def own_accounts(journals):
    """Our own accounts as bank lines name them: each journal's code and bank account
    number (IBAN), so a line paying one of them is recognised as an internal transfer."""
    accounts = []
    for journal in journals:
        accounts.append(journal.code)
        if _iban(journal):
            accounts.append(_iban(journal))
    return tuple(accounts)


def settings(company, journals=None):
    """Matching and write-back settings of ``company`` (Settings > Invoicing > bankrec).

    A small difference is written off automatically (at or above the threshold, never on a
    tie) only when a write-off account is configured; its limits are the company's.
    """
    limit = Decimal(str(company.bankrec_writeoff_max or 0))
    ratio = Decimal(str(company.bankrec_writeoff_percent or 0)) / 100
    match_config = MatchConfig(
        auto_threshold=company.bankrec_auto_threshold,
        writeoff_max=limit,
        writeoff_ratio=ratio,
        auto_writeoff_max=limit if company.bankrec_writeoff_account_id else Decimal(0),
        own_accounts=own_accounts(
            journals
            or company.env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", company.id)]
            )
        ),
    )
    write_config = WriteConfig(
        writeoff_account=company.bankrec_writeoff_account_id.code or "",
        max_writeoff=limit,
    )
    return match_config, write_config


class Engine:
    """bankrec on one or more bank journals of one company, as the current user.

    Several journals are matched together, so the two sides of an internal transfer (money
    out of one of our accounts, into another) are recognised as one transfer and both booked
    to the company's transfer account, then reconciled with each other.
    """

    def __init__(self, env, journals):
        if len(journals.company_id) > 1:
            raise UserError(_("One bankrec run covers the journals of one company."))
        self.env = env
        self.owner = f"odoo:{env.cr.dbname}:uid {env.uid}:{uuid.uuid4().hex[:8]}"
        self.journals = journals
        self.journal = journals[:1]
        self.company = journals.company_id
        self.transport = OrmTransport(env)
        self.currencies = Currencies(self.transport)
        self.banks = {j.id: bank_journal(j) for j in journals}
        self.bank = self.banks[self.journal.id]
        self.match_config, self.write_config = settings(self.company, journals)

    def writer(self, journal_id=None):
        bank = self.banks[journal_id or self.journal.id]
        return OdooWriter(self.transport, bank, self.currencies, self.write_config, addon=True)

    @contextmanager
    def locked(self, journal_ids):
        """Hold the locks of these journals (one writer per journal at a time: runs, their
        batches, RPC syncs); raise :class:`JournalLockError` naming who holds one."""
        with ExitStack() as locks:
            for journal_id in journal_ids:
                lock = JournalLock(
                    self.transport, self.banks[journal_id], addon=True, owner=self.owner
                )
                locks.enter_context(lock)
            yield

    # ------------------------------------------------------------------ a run
    def run(self, lines=None, trigger="manual", background=False):
        """Match the journals' open lines (or only ``lines``), record every decision on a
        new ``bankrec.run`` and book the sure ones; return the run.

        ``background=False`` books them all before returning (scripts, benchmarks, tests).
        ``background=True`` leaves them to the run's ``_bankrec_dispatch``: at most one
        batch in this transaction, so a request never waits for more than one batch.
        """
        started = time.monotonic()
        try:
            with self.locked(self.banks):  # one run per journal at a time, RPC syncs too
                run = self._run(lines, trigger)
                if not background:  # under the locks already held
                    for batch in run._bankrec_batches():
                        self._book(batch)
                    run._bankrec_refresh()
        except JournalLockError as exc:
            raise UserError(str(exc)) from None
        if background:
            run._bankrec_dispatch()
        run.duration = time.monotonic() - started
        return run

    def _run(self, lines, trigger):
        rule_sets, rules = self.env["bankrec.rule.set"].rules_for(self.journal)
        transactions, refs = [], {}
        for journal in self.journals:
            bank = self.banks[journal.id]
            found, found_refs, _partly = read_statement_lines(self.transport, bank, self.currencies)
            if _iban(journal):  # our account as the other side's line names it: transfers pair
                found = [dataclasses.replace(t, account=_iban(journal)) for t in found]
            transactions += found
            refs.update(found_refs)
        StLine = self.env["account.bank.statement.line"]
        left_out = set(
            StLine.search(
                [("journal_id", "in", self.journals.ids), ("bankrec_state", "=", "ignored")]
            ).ids
        )
        # lines an earlier run decided and has not booked yet are that run's to book
        left_out |= set(
            self.env["bankrec.run.line"]
            .search(
                [
                    ("outcome", "=", PENDING),
                    ("run_id.state", "=", "booking"),
                    ("statement_line_id.journal_id", "in", self.journals.ids),
                ]
            )
            .statement_line_id.ids
        )
        wanted = set(lines.ids) if lines is not None else None
        transactions = [
            t
            for t in transactions
            if refs[t.id].line_id not in left_out
            and (wanted is None or refs[t.id].line_id in wanted)
        ]
        items = read_open_items(self.transport, self.currencies, company_id=self.company.id)
        result = match(transactions, items, rules=rules, config=self.match_config)
        learned = self.env["bankrec.learned.rule"]._note_use(self.company, result.decisions)
        numbers = {i.id: i.number for i in items}
        run = self.env["bankrec.run"].create(
            {
                "company_id": self.company.id,
                "journal_id": self.journal.id,
                "journal_ids": [(6, 0, self.journals.ids)],
                "trigger": trigger,
                "state": "booking",
                "auto_threshold": self.match_config.auto_threshold,
                "tie_margin": self.match_config.tie_margin,
                "rule_versions": ", ".join(p for p in (rule_sets.version_label(), learned) if p),
            }
        )
        self._record(run, result.decisions, refs, numbers)
        return run

    def _record(self, run, decisions, refs, numbers):
        """One run line per decision (one batched create), the sure ones ``pending``; each
        statement line's state; the run's counts."""
        values = [run_line_values(run, d, refs[d.transaction_id], numbers) for d in decisions]
        run_lines = self.env["bankrec.run.line"].create(values)
        same = defaultdict(list)  # one write per distinct (state, confidence), not per line
        for run_line in run_lines:
            same[(statement_state(run_line), run_line.confidence)].append(
                run_line.statement_line_id.id
            )
        StLine = self.env["account.bank.statement.line"]
        for (state, confidence), ids in same.items():
            StLine.browse(ids).write({"bankrec_state": state, "bankrec_confidence": confidence})
        run.line_count = len(run_lines)
        run._bankrec_refresh()

    # ------------------------------------------------------------------ booking batches
    def book_batch(self, run_lines):
        """Book the pending decisions among ``run_lines`` (of this engine's one journal)
        under the journal's lock; raise :class:`JournalLockError` when another writer holds
        it (nothing is booked then, the lines stay pending)."""
        with self.locked([self.journal.id]):
            self._book(run_lines)

    def _book(self, run_lines):
        """Plan and book the run lines still pending (one journal's), in one go through the
        API add-on's ``bankrec_apply``; record each outcome and statement line state.

        A line booked meanwhile (by a person, another run, an RPC sync) is ``skipped``; a
        line a person ignored meanwhile is left alone. An error that stops the whole batch
        (a read refused, say) marks its lines ``error`` with the reason instead of failing
        the caller, so a scheduled action or a job never retries one bad batch forever.
        """
        run_lines = run_lines.filtered(lambda ln: ln.outcome == PENDING)
        ignored = run_lines.filtered(lambda ln: ln.statement_line_id.bankrec_state == "ignored")
        ignored.write({"outcome": "left", "message": _("Ignored by a person before booking.")})
        todo = run_lines - ignored
        if not todo:
            return
        decisions = [decision_of(run_line) for run_line in todo]
        refs = {
            rl.transaction_id: StatementLineRef(
                rl.statement_line_id.id,
                rl.statement_line_id.move_id.id,
                rl.statement_line_id.journal_id.id,
            )
            for rl in todo
        }
        journal_id = todo[:1].statement_line_id.journal_id.id
        try:
            with self.env.cr.savepoint():
                outcomes = self.writer(journal_id).write_decisions(
                    decisions, refs, item_signs=self.item_signs(decisions)
                )
        except (ConnectorError, UserError, ValidationError) as exc:
            self.env.invalidate_all()
            todo.write({"outcome": "error", "message": str(exc)[:500]})
            todo.statement_line_id.write({"bankrec_state": "to_review"})
            return
        record_outcomes(todo, {o.transaction_id: o for o in outcomes})

    def item_signs(self, decisions):
        """Each allocated document's sign (+1 money in, -1 money out), in one read; the
        planner takes the residual's sign for anything else."""
        ids = {int(a.item_id) for d in decisions for a in d.allocations if a.item_id.isdigit()}
        moves = self.env["account.move"].browse(sorted(ids))
        kinds = {kind.value for kind in ItemKind}
        return {str(m.id): ItemKind(m.move_type).sign for m in moves if m.move_type in kinds}

    # ------------------------------------------------------------------ one decision
    def book(self, run_line, allocations=None):
        """Book ``run_line``'s decision (or ``allocations``: [(item id, amount)] chosen by a
        person) on its statement line; return the connector's outcome."""
        return self.book_decision(run_line.statement_line_id, decision_of(run_line, allocations))

    def book_decision(self, st_line, decision):
        """Book ``decision`` (bankrec's plain data) on ``st_line`` through the planner and the
        API add-on; return the connector's outcome (reconciled, booked, skipped, refused or
        error, with its message)."""
        ref = StatementLineRef(st_line.id, st_line.move_id.id, st_line.journal_id.id)
        (outcome,) = self.writer(st_line.journal_id.id).write_decisions(
            [decision], {decision.transaction_id: ref}, item_signs=self.item_signs([decision])
        )
        return outcome


def decision_of(run_line, allocations=None):
    """bankrec's plain ``Decision`` from a recorded run line: as the run decided it, or
    paying ``allocations`` ([(item id, amount)], a person's choice) as a plain payment."""
    chosen = allocations if allocations is not None else run_line.allocations()
    return Decision(
        run_line.transaction_id,
        Status.RECONCILED,
        run_line.confidence,
        allocations=tuple(Allocation(str(i), Decimal(str(a))) for i, a in chosen),
        party=run_line.party or "",
        booking=Booking(run_line.booking or Booking.PAYMENT.value)
        if allocations is None
        else Booking.PAYMENT,
        account=run_line.account_code or "",
        writeoff=Decimal(run_line.writeoff or "0") if allocations is None else Decimal(0),
        transfer_with=run_line.transfer_with or "",
    )


def record_outcomes(run_lines, outcomes):
    """Write what booking did to each run line and its statement line: ``booked`` (the
    line is reconciled), ``skipped`` (booked meanwhile by someone else: reconciled too,
    left as it is), else refused or error (the line waits for a person)."""
    same = defaultdict(list)  # (outcome, message) -> run line ids: few writes per batch
    states = defaultdict(list)  # statement state -> statement line ids
    for run_line in run_lines:
        outcome = outcomes.get(run_line.transaction_id)
        if outcome is None:
            result, message = "error", _("The planner gave no outcome for this line.")
        elif outcome.action in BOOKED_ACTIONS:
            result, message = "booked", ""
        elif outcome.action == "skipped" or outcome.already_booked:
            result, message = "skipped", outcome.message
        else:
            result, message = outcome.action, outcome.message
        same[(result, (message or "")[:500])].append(run_line.id)
        state = "reconciled" if result in ("booked", "skipped") else "to_review"
        states[state].append(run_line.statement_line_id.id)
    RunLine = run_lines.env["bankrec.run.line"]
    for (result, message), ids in same.items():
        RunLine.browse(ids).write({"outcome": result, "message": message})
    StLine = run_lines.env["account.bank.statement.line"]
    for state, ids in states.items():
        StLine.browse(ids).write({"bankrec_state": state})


def transaction_id(st_line):
    """bankrec's id of a statement line (as the connector's reader gives it)."""
    ref = st_line.ref or ""
    return ref[len(IMPORT_PREFIX) :] if ref.startswith(IMPORT_PREFIX) else f"odoo-line-{st_line.id}"


def run_line_values(run, d, ref, numbers):
    """The ``bankrec.run.line`` of one decision: a sure one is ``pending`` until booked."""
    allocations = [
        {"item_id": a.item_id, "number": numbers.get(a.item_id, ""), "amount": str(a.amount)}
        for a in d.allocations
    ]
    alternatives = [
        {
            "confidence": c.confidence,
            "reasons": list(c.reasons),
            "allocations": [
                {
                    "item_id": a.item_id,
                    "number": numbers.get(a.item_id, ""),
                    "amount": str(a.amount),
                }
                for a in c.allocations
            ],
        }
        for c in d.alternatives
    ]
    move_ids = [int(a.item_id) for a in d.allocations if a.item_id.isdigit()]
    result = PENDING if is_writable(d) else ("left" if d.status is not Status.IGNORED else False)
    return {
        "run_id": run.id,
        "statement_line_id": ref.line_id,
        "transaction_id": d.transaction_id,
        "status": d.status.value,
        "confidence": d.confidence,
        "band": band(d.confidence),
        "reasons": "\n".join(d.reasons),
        "booking": d.booking.value,
        "account_code": d.account,
        "party": d.party,
        "writeoff": str(d.writeoff),
        "transfer_with": d.transfer_with,
        "allocations_json": json.dumps(allocations),
        "alternatives_json": json.dumps(alternatives),
        "move_ids": [(6, 0, move_ids)],
        "outcome": result,
        "message": "",
    }


def statement_state(run_line):
    """What a person sees on the statement line after a run."""
    if run_line.outcome == "booked":
        return "reconciled"
    if run_line.outcome == PENDING:
        return "pending"
    if run_line.status == "ignored":
        return "ignored"
    if run_line.status == "unmatched":
        return "unmatched"
    return "to_review"
