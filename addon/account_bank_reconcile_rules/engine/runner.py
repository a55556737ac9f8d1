# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One matching run inside Odoo: ORM records in, bankrec's plain data, decisions out.

Reads go through the connector's batched readers (one ``search_read`` per page, never a
query per line) on an :class:`OrmTransport`; matching is bankrec's ``match()``; booking
goes through the connector's planner and the API add-on's ``bankrec_apply`` -- the same
server-side implementation ``bankrec odoo sync`` uses over RPC, each line in its own
savepoint.
"""

import dataclasses
import json
import time
import uuid
from collections import defaultdict
from contextlib import ExitStack
from decimal import Decimal

from odoo import _
from odoo.exceptions import UserError

from bankrec.matching import MatchConfig, match
from bankrec.model import Allocation, Booking, Decision, ItemKind, Status
from bankrec.results.match_json import band
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

    # ------------------------------------------------------------------ a run
    def run(self, lines=None, trigger="manual"):
        """Match the journals' open lines (or only ``lines``), book the sure ones, record
        everything on a new ``bankrec.run``; return it."""
        started = time.monotonic()
        with ExitStack() as locks:
            for bank in self.banks.values():  # one run per journal at a time, RPC syncs too
                lock = JournalLock(self.transport, bank, addon=True, owner=self._owner())
                try:
                    locks.enter_context(lock)
                except JournalLockError as exc:
                    raise UserError(str(exc)) from None
            return self._run(lines, trigger, started)

    def _owner(self):
        return f"odoo:{self.env.cr.dbname}:uid {self.env.uid}:{uuid.uuid4().hex[:8]}"

    def _run(self, lines, trigger, started):
        rule_sets, rules = self.env["bankrec.rule.set"].rules_for(self.journal)
        transactions, refs = [], {}
        for journal in self.journals:
            bank = self.banks[journal.id]
            found, found_refs, _partly = read_statement_lines(self.transport, bank, self.currencies)
            if _iban(journal):  # our account as the other side's line names it: transfers pair
                found = [dataclasses.replace(t, account=_iban(journal)) for t in found]
            transactions += found
            refs.update(found_refs)
        ignored = set(
            self.env["account.bank.statement.line"]
            .search([("journal_id", "in", self.journals.ids), ("bankrec_state", "=", "ignored")])
            .ids
        )
        wanted = set(lines.ids) if lines is not None else None
        transactions = [
            t
            for t in transactions
            if refs[t.id].line_id not in ignored
            and (wanted is None or refs[t.id].line_id in wanted)
        ]
        items = read_open_items(self.transport, self.currencies, company_id=self.company.id)
        result = match(transactions, items, rules=rules, config=self.match_config)
        learned = self.env["bankrec.learned.rule"]._note_use(self.company, result.decisions)
        signs = {i.id: i.kind.sign for i in items}
        numbers = {i.id: i.number for i in items}
        outcomes = {}
        for journal_id in self.banks:
            writable = [
                d
                for d in result.decisions
                if is_writable(d) and refs[d.transaction_id].journal_id == journal_id
            ]
            written = self.writer(journal_id).write_decisions(writable, refs, item_signs=signs)
            outcomes.update((o.transaction_id, o) for o in written)
        run = self.env["bankrec.run"].create(
            {
                "company_id": self.company.id,
                "journal_id": self.journal.id,
                "journal_ids": [(6, 0, self.journals.ids)],
                "trigger": trigger,
                "auto_threshold": self.match_config.auto_threshold,
                "tie_margin": self.match_config.tie_margin,
                "rule_versions": ", ".join(p for p in (rule_sets.version_label(), learned) if p),
            }
        )
        self._record(run, result.decisions, refs, outcomes, numbers)
        run.duration = time.monotonic() - started
        return run

    def _record(self, run, decisions, refs, outcomes, numbers):
        """One run line per decision (one batched create), and each statement line's state."""
        values = []
        for d in decisions:
            outcome = outcomes.get(d.transaction_id)
            values.append(run_line_values(run, d, refs[d.transaction_id], outcome, numbers))
        run_lines = self.env["bankrec.run.line"].create(values)
        counts = {"reconciled": 0, "suggested": 0, "unmatched": 0, "ignored": 0, "error": 0}
        same = defaultdict(list)  # one write per distinct (state, confidence), not per line
        for run_line in run_lines:
            state = statement_state(run_line)
            same[(state, run_line.confidence)].append(run_line.statement_line_id.id)
            key = {"to_review": "suggested"}.get(state, state)
            counts[key] += 1
            counts["error"] += run_line.outcome in ("error", "refused")
        StLine = self.env["account.bank.statement.line"]
        for (state, confidence), ids in same.items():
            StLine.browse(ids).write({"bankrec_state": state, "bankrec_confidence": confidence})
        run.write(
            {
                "line_count": len(run_lines),
                "reconciled_count": counts["reconciled"],
                "suggested_count": counts["suggested"],
                "unmatched_count": counts["unmatched"],
                "ignored_count": counts["ignored"],
                "error_count": counts["error"],
            }
        )

    # ------------------------------------------------------------------ one decision
    def book(self, run_line, allocations=None):
        """Book ``run_line``'s decision (or ``allocations``: [(item id, amount)] chosen by a
        person) on its statement line; return the connector's outcome."""
        chosen = allocations if allocations is not None else run_line.allocations()
        decision = Decision(
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
        return self.book_decision(run_line.statement_line_id, decision)

    def book_decision(self, st_line, decision):
        """Book ``decision`` (bankrec's plain data) on ``st_line`` through the planner and the
        API add-on; return the connector's outcome (reconciled, booked, skipped, refused or
        error, with its message)."""
        ids = [int(a.item_id) for a in decision.allocations]
        moves = self.env["account.move"].browse(ids)
        signs = {str(m.id): ItemKind(m.move_type).sign for m in moves}
        ref = StatementLineRef(st_line.id, st_line.move_id.id, st_line.journal_id.id)
        (outcome,) = self.writer(st_line.journal_id.id).write_decisions(
            [decision], {decision.transaction_id: ref}, item_signs=signs
        )
        return outcome


def transaction_id(st_line):
    """bankrec's id of a statement line (as the connector's reader gives it)."""
    ref = st_line.ref or ""
    return ref[len(IMPORT_PREFIX) :] if ref.startswith(IMPORT_PREFIX) else f"odoo-line-{st_line.id}"


def run_line_values(run, d, ref, outcome, numbers):
    """The ``bankrec.run.line`` of one decision."""
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
    if outcome is None:
        result, message = ("left" if d.status is not Status.IGNORED else False), ""
    elif outcome.action in BOOKED_ACTIONS:
        result, message = "booked", ""
    else:
        result, message = outcome.action, outcome.message
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
        "message": (message or "")[:500],
    }


def statement_state(run_line):
    """What a person sees on the statement line after a run."""
    if run_line.outcome == "booked":
        return "reconciled"
    if run_line.status == "ignored":
        return "ignored"
    if run_line.status == "unmatched":
        return "unmatched"
    return "to_review"
