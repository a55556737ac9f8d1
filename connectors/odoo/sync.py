"""``sync()``: read a bank journal's open lines and the open items, match, write back.

Only ``reconciled`` decisions (the matcher is sure) are written; ``suggested`` ones are
reported for a person. A writing sync holds its journal's lock (:mod:`connectors.odoo.lock`)
from before its first read to its last write, so two syncs never write one journal at once;
under that lock it first undoes what a killed earlier run left half-written, so running it
again, or after a crash, ends in the same state as one clean run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal

from bankrec.matching import MatchConfig, match
from bankrec.model import Decision, OpenItem, Status, Transaction
from connectors.odoo.addon_protocol import ADDON_MODULE, addon_installed
from connectors.odoo.errors import ConnectorError
from connectors.odoo.executors import LineOutcome
from connectors.odoo.lock import LOCK_TTL, JournalLock
from connectors.odoo.plan import LinePlan, Refusal, WriteConfig, is_writable
from connectors.odoo.reader import (
    BankJournal,
    Currencies,
    find_journal,
    read_open_items,
    read_statement_lines,
)
from connectors.odoo.transport import OdooTransport
from connectors.odoo.writer import OdooWriter


@dataclass(frozen=True)
class SyncConfig:
    """Matching and write-back settings of a sync."""

    match: MatchConfig = field(default_factory=MatchConfig)
    write: WriteConfig = field(default_factory=WriteConfig)
    page_size: int = 5000


@dataclass(frozen=True, slots=True)
class PlannedWrite:
    """One line a dry run would write: which invoices, how much, how sure."""

    transaction_id: str
    line_id: int
    amount: Decimal
    label: str
    booking: str
    confidence: int
    targets: tuple[tuple[str, Decimal], ...]  # (invoice number or account label, amount)


@dataclass
class SyncReport:
    """What a sync read, decided and wrote. ``errors`` are (transaction id, one line).

    Every line read ends in exactly one of ``reconciled`` (written by this run; in a dry run
    ``planned``), ``already_booked`` (open when read, but found booked when its write was
    planned or sent: by an earlier run whose last batch landed late, a concurrent run or a
    person; of those, ``skipped`` with exactly the decision's invoices, the others refused
    with the reason) and ``left`` (still open in Odoo: suggestions, unmatched, refused,
    errors). ``partly_booked`` lines were never read: a person started them.
    """

    read: int = 0
    items: int = 0
    matched: int = 0
    reconciled: int = 0
    suggested: int = 0
    left: int = 0
    already_booked: int = 0
    skipped: int = 0
    refused: int = 0
    recovered: int = 0
    partly_booked: int = 0
    half_written: int = 0  # found but not undone: run without the journal lock
    locked: bool = False  # the run held its journal's lock
    lock_note: str = ""  # e.g. whose stale lock was taken over
    errors: list[tuple[str, str]] = field(default_factory=list)
    refusals: list[tuple[str, str]] = field(default_factory=list)
    planned: list[PlannedWrite] = field(default_factory=list)
    suggestions: list[tuple[str, str]] = field(default_factory=list)  # (tx id, what and how sure)
    outcomes: list[LineOutcome] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    foreign_currency: int = 0  # refused for their currencies (the reasons say which)
    addon_used: bool = False
    dry_run: bool = False
    rpc_calls: int = 0


Progress = Callable[[str, int, int | None], None]  # (phase, advance, total)


def sync(
    client: OdooTransport,
    journal_code: str,
    rules: object | None = None,
    config: SyncConfig | None = None,
    dry_run: bool = False,
    *,
    progress: Progress | None = None,
    hook: Callable[[str, LinePlan], None] | None = None,
    use_addon: bool | None = None,
    company: str | int | None = None,
    lock: bool = True,
    lock_ttl: float = LOCK_TTL,
) -> SyncReport:
    """Match the journal's unreconciled lines with Odoo's open items and write back the sure ones.

    ``rules`` is a ``dsl.RuleSet`` (or anything with ``evaluate(fields)``); ``dry_run``
    reads and plans but writes nothing (the plans are in ``report.planned``).
    ``use_addon``: write through the bankrec add-on's batched server method (one call per
    batch of lines, each line atomic on the server) when it is installed (``None``, the
    default, asks Odoo), always (``True``: refused when absent) or never (``False``).
    ``company`` (id or name) picks the journal when its code exists in several companies.
    ``lock``: hold the journal's lock while writing (see :mod:`connectors.odoo.lock`;
    :class:`~connectors.odoo.lock.JournalLockError` when another run holds it); without
    it, half-written lines are only counted, never undone, since they may be another run's
    work in progress. A dry run writes nothing and takes no lock.
    """
    config = with_writeoff_tolerance(config or SyncConfig())
    report = SyncReport(dry_run=dry_run)
    calls_before = client.call_count
    currencies = Currencies(client)
    journal = find_journal(client, journal_code, currencies, company)
    # Whether the add-on is present decides the kind of lock, whatever writes the lines:
    # a --no-addon run must see the lock of a run writing through the add-on, and back.
    locking = lock and not dry_run
    present = (use_addon is not False or locking) and addon_installed(client)
    installed = use_addon is not False and present
    if use_addon and not installed:
        raise ConnectorError(
            f"the {ADDON_MODULE} add-on is not installed on this Odoo (asked to use it)"
        )
    report.addon_used = installed
    writer = OdooWriter(client, journal, currencies, config.write, addon=installed, hook=hook)
    journal_lock = JournalLock(client, journal, addon=present, ttl=lock_ttl) if locking else None
    with journal_lock or nullcontext():
        if journal_lock is not None:
            report.locked, report.lock_note = True, journal_lock.note
        _sync_journal(
            client, journal, currencies, writer, rules, config, report, progress, journal_lock
        )
    report.rpc_calls = client.call_count - calls_before
    return report


def with_writeoff_tolerance(config: SyncConfig) -> SyncConfig:
    """The matcher books a small difference by itself only where it can be booked: with a
    write-off account, up to the write-off limit (a stricter ``auto_writeoff_max`` of the
    match settings wins); without an account, never (it would be refused when planned)."""
    write, match_config = config.write, config.match
    auto = Decimal(0)
    if write.writeoff_account:
        auto = write.max_writeoff
        if match_config.auto_writeoff_max > 0:
            auto = min(auto, match_config.auto_writeoff_max)
    if auto == match_config.auto_writeoff_max:
        return config
    return dataclasses.replace(
        config, match=dataclasses.replace(match_config, auto_writeoff_max=auto)
    )


def _sync_journal(
    client: OdooTransport,
    journal: BankJournal,
    currencies: Currencies,
    writer: OdooWriter,
    rules: object | None,
    config: SyncConfig,
    report: SyncReport,
    progress: Progress | None,
    journal_lock: JournalLock | None,
) -> None:
    """Recover, read, match, write (under the journal's lock when there is one)."""
    dry_run = report.dry_run
    if not dry_run:
        if journal_lock is not None:
            report.recovered = len(writer.recover())
        else:
            report.half_written = len(writer.half_written())

    def tick(phase: str, total: int | None = None) -> Callable[[int], None] | None:
        if progress is None:
            return None
        return lambda n: progress(phase, n, total)

    transactions, refs, partly = read_statement_lines(
        client, journal, currencies, page_size=config.page_size, progress=tick("reading lines")
    )
    items = read_open_items(
        client,
        currencies,
        page_size=config.page_size,
        company_id=journal.company_id,
        progress=tick("reading open items"),
    )
    report.read, report.items, report.partly_booked = len(transactions), len(items), partly
    result = match(
        transactions,
        items,
        rules=rules,  # type: ignore[arg-type]
        config=config.match,
        progress=_delta(tick("matching", len(transactions))),
    )
    report.decisions = result.decisions
    writable = [d for d in result.decisions if is_writable(d)]
    report.matched = sum(
        d.status in (Status.RECONCILED, Status.SUGGESTED) for d in result.decisions
    )
    report.suggested = sum(d.status is Status.SUGGESTED for d in result.decisions)
    signs = {i.id: i.kind.sign for i in items}
    numbers = {i.id: i.number for i in items}
    for d in result.decisions:
        if d.status is Status.SUGGESTED:
            what = ", ".join(
                f"{numbers.get(a.item_id, a.item_id)} {a.amount}" for a in d.allocations
            )
            report.suggestions.append(
                (d.transaction_id, f"{what or d.booking.value} (confidence {d.confidence})")
            )
    if dry_run:
        by_id = {t.id: t for t in transactions}
        for start in range(0, len(writable), 200):
            batch = writable[start : start + 200]
            for _state, planned in writer.plan_decisions(batch, refs, item_signs=signs):
                _dry(report, planned, by_id, numbers)
    else:
        outcomes = writer.write_decisions(
            writable,
            refs,
            item_signs=signs,
            progress=tick("writing", len(writable)),
            before_batch=journal_lock.refresh if journal_lock is not None else None,
        )
        report.outcomes = outcomes
        for o in outcomes:
            if o.action in ("reconciled", "booked"):
                report.reconciled += 1
            elif o.action == "skipped":
                report.skipped += 1
                report.already_booked += 1
            elif o.action == "refused":
                report.refused += 1
                report.refusals.append((o.transaction_id, o.message))
                report.foreign_currency += o.foreign_currency
                report.already_booked += o.already_booked
            else:
                report.errors.append((o.transaction_id, o.message))
    done = report.reconciled + len(report.planned)
    report.left = len(transactions) - done - report.already_booked


def _delta(cb: Callable[[int], None] | None) -> Callable[[int], None] | None:
    """The matcher reports a running count; progress bars want increments."""
    if cb is None:
        return None
    seen = [0]

    def advance(done: int) -> None:
        cb(done - seen[0])
        seen[0] = done

    return advance


def _dry(
    report: SyncReport,
    planned: LinePlan | Refusal,
    by_id: dict[str, Transaction],
    numbers: dict[str, str],
) -> None:
    if isinstance(planned, Refusal):
        report.refused += 1
        report.refusals.append((planned.transaction_id, planned.reason))
        report.foreign_currency += planned.foreign_currency
        report.already_booked += planned.already_booked
        return
    if planned.skip:
        report.skipped += 1
        report.already_booked += 1
        return
    tx = by_id[planned.transaction_id]
    report.planned.append(
        PlannedWrite(
            transaction_id=planned.transaction_id,
            line_id=planned.line_id,
            amount=tx.amount,
            label=tx.label,
            booking=planned.booking.value,
            confidence=planned.confidence,
            targets=tuple(
                (numbers.get(c.item_id, c.name) if c.item_id else c.name, -c.amount)
                for c in planned.counterparts
            ),
        )
    )


def open_items_and_lines(
    client: OdooTransport,
    journal_code: str,
    page_size: int = 5000,
    company: str | int | None = None,
) -> tuple[Sequence[Transaction], Sequence[OpenItem]]:
    """Just the reads of a sync (for ``bankrec match`` against a live Odoo, and tests)."""
    currencies = Currencies(client)
    journal = find_journal(client, journal_code, currencies, company)
    transactions, _refs, _partly = read_statement_lines(
        client, journal, currencies, page_size=page_size
    )
    items = read_open_items(client, currencies, page_size=page_size, company_id=journal.company_id)
    return transactions, items
