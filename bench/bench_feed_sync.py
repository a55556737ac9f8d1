"""Bank-feed sync throughput: N transactions over the fake Enable Banking API into CSV files.

    python -m bench.bench_feed_sync [--n 10000] [--page-size 100] [--faults 0] [--dir DIR]

Starts the fake Enable Banking API (:mod:`bankrec.feeds.fakes.enablebanking`) on
127.0.0.1, registers an application key, connects a bank through the real client
(``POST /auth``, the consent, ``POST /sessions``), generates N booked transactions over
60 days, and syncs them with :func:`bankrec.feeds.sync.sync_account` into a folder of
canonical CSV files (:class:`bankrec.feeds.sync_csv.CsvDirectorySink`): every request
signed with a fresh-enough RS256 JWT and checked by the fake, every page of the
continuation chain followed, ids allocated as the statement importers do. Then a second
sync at once: the same days fetched again, nothing new written.

``--faults K`` makes K calls answer 503 and K answer 429 (``Retry-After: 0``), spread over
the first sync's paging, to show what retries cost in calls; back-off sleeps are skipped
(counted, not waited) so the wall time is the client's. Speed is measured here, never
asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from bankrec.feeds.enablebanking import EnableBankingProvider
from bankrec.feeds.fakes.enablebanking import (
    DEFAULT_APP_ID,
    DEFAULT_IBAN,
    FakeEnableBanking,
    generate_private_key_pem,
    public_key_pem,
)
from bankrec.feeds.fakes.server import FakeServer
from bankrec.feeds.provider import Bank
from bankrec.feeds.sync import SyncReport, sync_account
from bankrec.feeds.sync_csv import CsvDirectorySink
from bankrec.statements.canonical import read_statement_csv

REDIRECT = "https://erp.example.com/bankrec/callback"


def run(n: int, page_size: int, faults: int, out: Path) -> tuple[SyncReport, SyncReport, int]:
    """Both syncs; returns their reports and the number of booked transactions."""
    pem = generate_private_key_pem()
    fake = FakeEnableBanking(public_key_pem(pem), page_size=page_size)
    with FakeServer(fake) as server:
        slept: list[float] = []
        provider = EnableBankingProvider(
            DEFAULT_APP_ID, pem, base_url=server.url, sleep=slept.append
        )
        (bank,) = [b for b in provider.banks("FR") if b.name == "BNP Paribas"]
        link = provider.connect(Bank(bank.id, bank.name, "FR", bank.bic, bank.max_consent_days),
                                redirect_url=REDIRECT, state="bench-state")  # fmt: skip
        connection = provider.complete(link, fake.redirect_params(link.url))
        (account,) = connection.accounts
        today = dt.date.today()
        fake.add_transactions(
            DEFAULT_IBAN, n, today - dt.timedelta(days=61), seed=1, days=60, pending_ratio=0.0
        )
        booked = len(fake.booked(DEFAULT_IBAN))
        injected = [0]

        def inject(done: int) -> None:
            """Spread the faults over the paging (two in a row never exhaust the retries)."""
            if injected[0] < faults:
                injected[0] += 1
                fake.fail_next(503, prefix="/accounts")
                fake.rate_limit_next(0, prefix="/accounts")

        sink = CsvDirectorySink(out)
        since = today - dt.timedelta(days=90)
        first = sync_account(provider, connection, account, since, sink, progress=inject)
        second = sync_account(provider, connection, account, since, sink)
    return first, second, booked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="transactions to sync")
    parser.add_argument("--page-size", type=int, default=100, help="transactions per API page")
    parser.add_argument("--faults", type=int, default=0, help="503s and 429s to inject")
    parser.add_argument("--dir", type=Path, help="where to write the CSV files (default: temp)")
    args = parser.parse_args(argv)
    out = args.dir or Path(tempfile.mkdtemp(prefix="bankrec-feed-bench-"))
    print(
        f"bankrec feed sync benchmark: N={args.n:,} transactions, pages of {args.page_size}, "
        f"{args.faults} injected 503s and 429s, python {sys.version.split()[0]}"
    )
    started = time.perf_counter()
    first, second, booked = run(args.n, args.page_size, args.faults, out)
    total = time.perf_counter() - started
    for name, report in (("first sync", first), ("second sync", second)):
        if not report.ok:
            raise SystemExit(f"{name} failed: {report.error}")
        rate = report.fetched / report.seconds if report.seconds else 0.0
        print(
            f"{name:11}  fetched {report.fetched:>7,}  new {report.new:>7,}  known "
            f"{report.known:>7,}  {report.calls:>5,} HTTP calls  {report.seconds:6.2f} s wall  "
            f"{rate:8,.0f} tx/s"
        )
    written = sum(len(read_statement_csv(p)) for p in out.glob("*.csv"))
    check = "ok" if first.new == written == booked and second.new == 0 else "MISMATCH"
    print(f"written {written:,} of {booked:,} booked transactions, each once: {check}; "
          f"whole run (key, fake, connect, both syncs) {total:.1f} s; files in {out}")  # fmt: skip
    return 0 if check == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
