"""Sync several accounts and record each one's last sync in the CLI's state.

The loop of ``bankrec feed sync``, kept out of the CLI so its crash behaviour is tested
directly: each account starts where its last recorded sync ended (minus the overlap, see
:func:`~bankrec.feeds.sync.default_since`), is delivered to the sink, and only then is its
sync recorded and the state saved. A crash between the sink's write and the save costs a
larger fetch next time, never a duplicate: the sink knows what it holds. An account whose
consent expired, or whose aggregator failed, keeps its old record and the others go on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from bankrec.feeds.provider import Connection, FeedAccount, FeedProvider
from bankrec.feeds.state import AccountSync, FeedState
from bankrec.feeds.sync import (
    Progress,
    SyncReport,
    TransactionSink,
    default_since,
    sync_account,
)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sync_accounts(
    state: FeedState,
    pairs: Sequence[tuple[Connection, FeedAccount]],
    provider_for: Callable[[str], FeedProvider],
    sink: TransactionSink,
    save: Callable[[FeedState], None],
    *,
    since: dt.date | None = None,
    now: Callable[[], dt.datetime] = _utcnow,
    progress_for: Callable[[FeedAccount], Progress | None] = lambda account: None,
    on_report: Callable[[SyncReport], None] = lambda report: None,
) -> list[SyncReport]:
    """Sync each (connection, account) of ``pairs`` in turn; ``save`` the state after each
    account that synced. ``since`` overrides where every account starts."""
    reports: list[SyncReport] = []
    for connection, account in pairs:
        previous = state.last_sync(connection, account)
        last_booked = previous.last_booked if previous else None
        start = since or default_since(last_booked, now().date())
        report = sync_account(
            provider_for(connection.provider),
            connection,
            account,
            start,
            sink,
            progress=progress_for(account),
            now=now(),
        )
        reports.append(report)
        on_report(report)
        if report.ok:
            booked = [d for d in (report.last_booked, last_booked) if d is not None]
            state.record_sync(
                connection,
                account,
                AccountSync(now(), max(booked, default=None), report.fetched, report.new),
            )
            save(state)
    return reports
