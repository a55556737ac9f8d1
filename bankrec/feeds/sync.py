"""One account's sync: fetch its booked transactions since a date and hand them to a sink.

The sync is the same for the CLI and the Odoo add-on; only the *sink* differs -- a folder
of canonical CSV files (:class:`bankrec.feeds.sync_csv.CsvDirectorySink`), an Odoo bank
journal (``connectors.odoo.feed_sink.OdooJournalSink``), or the add-on's own. The sink
decides what is new by the transactions' stable ids against what it already holds, so
re-running a sync interrupted at any point (mid-paging, after writing but before the
state was saved) delivers each transaction exactly once; the caller's record of the last
sync only chooses where the next one starts.

Where to start (:func:`default_since`): the last booking date seen, minus
:data:`OVERLAP_DAYS` whole days, because banks book late (a card payment of Friday booked
on Tuesday with Friday's date); the overlap is fetched again and recognised by id. The
first sync starts :data:`FIRST_SYNC_DAYS` days back unless told otherwise.

A consent that has expired (known from its date, or answered by the aggregator) ends that
account's sync with one line in its report; the caller goes on with the other accounts.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bankrec.feeds.errors import ConsentExpiredError, ProviderError, RateLimitedError
from bankrec.feeds.provider import Connection, FeedAccount, FeedProvider
from bankrec.model import Transaction

OVERLAP_DAYS = 7  # banks book late: fetch this many days before the last booking date again
FIRST_SYNC_DAYS = 90  # how far back a first sync goes without --since
PROGRESS_EVERY = 200  # transactions between two progress callbacks

Progress = Callable[[int], None]  # called with the number of transactions fetched so far


def default_since(
    last_booked: dt.date | None,
    today: dt.date,
    *,
    overlap_days: int = OVERLAP_DAYS,
    first_days: int = FIRST_SYNC_DAYS,
) -> dt.date:
    """The first day (inclusive) the next sync fetches: the last booking date seen minus
    the overlap, or ``first_days`` before today when the account was never synced."""
    if last_booked is None:
        return today - dt.timedelta(days=first_days)
    return min(last_booked, today) - dt.timedelta(days=overlap_days)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a sink did with one sync's transactions."""

    new: int  # delivered now
    known: int  # held already (same id), not delivered again
    where: str = ""  # for people: the file written, the journal


class TransactionSink(Protocol):
    """Where synced transactions go. ``deliver`` must be idempotent by transaction id:
    a transaction it holds already (from any earlier delivery, complete or interrupted)
    is counted as known and not delivered again."""

    def deliver(
        self, connection: Connection, account: FeedAccount, transactions: Sequence[Transaction]
    ) -> Delivery:
        """Store the transactions not held yet; say how many were new and known."""
        ...


@dataclass(frozen=True, slots=True)
class SyncReport:
    """One account's sync, for a summary line and the state file."""

    provider: str
    connection_id: str
    account: FeedAccount
    since: dt.date | None
    fetched: int = 0
    new: int = 0
    known: int = 0
    calls: int | None = None  # HTTP calls made, when the provider exposes its client
    seconds: float = 0.0
    last_booked: dt.date | None = None  # latest booking date among the fetched transactions
    where: str = ""
    error: str = ""  # one line when the account could not be synced
    consent_expired: bool = False

    @property
    def ok(self) -> bool:
        return not self.error

    def line(self) -> str:
        """``FR76… (Bank): fetched 120 since 2026-01-01: 12 new, 108 already known, 3 calls,
        0.4 s -> file`` or the account and its error."""
        who = account_label(self.account)
        if self.error:
            return f"{who}: not synced: {self.error}"
        since = f" since {self.since.isoformat()}" if self.since else ""
        calls = f", {self.calls:,} calls" if self.calls is not None else ""
        where = f" -> {self.where}" if self.where and self.new else ""
        return (
            f"{who}: fetched {self.fetched:,}{since}: {self.new:,} new, "
            f"{self.known:,} already known{calls}, {self.seconds:.1f} s{where}"
        )


def account_label(account: FeedAccount) -> str:
    """How people recognise an account: its IBAN, else its name, else the provider's id."""
    name = f" ({account.name})" if account.name and account.iban else ""
    return f"{account.iban or account.name or account.id}{name}"


def http_calls(provider: FeedProvider) -> int | None:
    """HTTP calls the provider's client has sent so far, when it exposes its
    :class:`~bankrec.feeds.http.FeedHttp` as ``http``."""
    calls = getattr(getattr(provider, "http", None), "calls", None)
    return calls if isinstance(calls, int) else None


def consent_over(connection: Connection, now: dt.datetime) -> bool:
    """Whether the connection's consent has ended by its own date (no call needed)."""
    return connection.valid_until is not None and connection.valid_until <= now


def sync_account(
    provider: FeedProvider,
    connection: Connection,
    account: FeedAccount,
    since: dt.date | None,
    sink: TransactionSink,
    *,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> SyncReport:
    """Fetch ``account``'s booked transactions from ``since`` (inclusive) and deliver them.

    Every page is fetched before anything is delivered, so a sync that fails while paging
    delivers nothing and the next run fetches the same days again. An expired or revoked
    consent, a rate limit beyond what we wait and an aggregator fault end this account
    with ``error`` set (the caller syncs the others); bad credentials or settings raise,
    since every account would fail alike.
    """
    started = clock()
    now = now or dt.datetime.now(dt.UTC)
    base = SyncReport(connection.provider, connection.id, account, since)
    if consent_over(connection, now):
        assert connection.valid_until is not None
        return _failed(base, started, clock, _expired_text(connection), expired=True)
    calls_before = http_calls(provider)
    fetched: list[Transaction] = []
    try:
        for tx in provider.transactions(connection, account, since):
            fetched.append(tx)
            if progress is not None and len(fetched) % PROGRESS_EVERY == 0:
                progress(len(fetched))
    except ConsentExpiredError as exc:
        return _failed(base, started, clock, _connect_again(str(exc), connection),
                       expired=True, calls=_delta(provider, calls_before))  # fmt: skip
    except (RateLimitedError, ProviderError) as exc:
        return _failed(base, started, clock, str(exc), calls=_delta(provider, calls_before))
    if progress is not None:
        progress(len(fetched))
    delivery = sink.deliver(connection, account, fetched)
    return SyncReport(
        provider=connection.provider,
        connection_id=connection.id,
        account=account,
        since=since,
        fetched=len(fetched),
        new=delivery.new,
        known=delivery.known,
        calls=_delta(provider, calls_before),
        seconds=clock() - started,
        last_booked=max((t.date for t in fetched), default=None),
        where=delivery.where,
    )


def _delta(provider: FeedProvider, before: int | None) -> int | None:
    after = http_calls(provider)
    return None if after is None or before is None else after - before


def _expired_text(connection: Connection) -> str:
    assert connection.valid_until is not None
    when = connection.valid_until.date().isoformat()
    return _connect_again(f"the bank consent expired on {when}", connection)


def _connect_again(text: str, connection: Connection) -> str:
    """The error, and what to do: the same words in a terminal and in Odoo's chatter."""
    return f"{text.rstrip('.')}: connect {connection.bank or 'the bank'} again"


def _failed(
    base: SyncReport,
    started: float,
    clock: Callable[[], float],
    error: str,
    *,
    expired: bool = False,
    calls: int | None = None,
) -> SyncReport:
    return SyncReport(
        provider=base.provider,
        connection_id=base.connection_id,
        account=base.account,
        since=base.since,
        calls=calls,
        seconds=clock() - started,
        error=error.splitlines()[0] if error else "failed",
        consent_expired=expired,
    )
