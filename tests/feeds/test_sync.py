"""The sync's guarantees, against an in-memory provider: each transaction delivered exactly
once whatever the interruption, the overlap days fetched again, an expired consent ending
one account only, output files complete or absent, and a state file that is never silently
lost.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import stat
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bankrec.errors import OutputError
from bankrec.feeds.errors import ConsentExpiredError, FeedError, ProviderError
from bankrec.feeds.provider import (
    Bank,
    Connection,
    ConsentLink,
    ConsentStatus,
    FeedAccount,
    FeedBalance,
    FeedProvider,
)
from bankrec.feeds.state import (
    AccountSync,
    FeedState,
    PendingConsent,
    StateFileError,
    load_state,
    save_state,
)
from bankrec.feeds.sync import (
    FIRST_SYNC_DAYS,
    OVERLAP_DAYS,
    Delivery,
    default_since,
    sync_account,
)
from bankrec.feeds.sync_csv import CsvDirectorySink, account_slug, read_ids
from bankrec.feeds.sync_state import sync_accounts
from bankrec.model import Transaction
from bankrec.statements.canonical import read_statement_csv
from bankrec.statements.ids import IdAllocator

TODAY = dt.date(2026, 3, 31)
NOW = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)
IBAN_A = "FR7630006000011234567890189"
IBAN_B = "DE89370400440532013000"
ACCOUNT_A = FeedAccount(id="uid-a", iban=IBAN_A, currency="EUR", name="Main")
ACCOUNT_B = FeedAccount(id="uid-b", iban=IBAN_B, currency="EUR", name="Savings")


class Crash(Exception):
    """Stands for the process dying (kill -9, power cut) at a chosen point."""


class MemoryProvider:
    """A provider over in-memory bank data, paged like a real API (one "call" a page)."""

    name = "memory"

    def __init__(self, booked: dict[str, list[tuple[dt.date, str, str]]], page: int = 25):
        self.booked = booked  # account id -> (booking date, amount, bank ref or "")
        self.page = page
        self.http = SimpleNamespace(calls=0)
        self.fail_at_page: dict[str, int] = {}  # account id -> page that raises
        self.expired: set[str] = set()  # account ids whose consent the "bank" ended
        self.asked_since: list[tuple[str, dt.date | None]] = []

    def banks(self, country: str) -> list[Bank]:
        return []

    def connect(
        self, bank: Bank, *, redirect_url: str, state: str, valid_days: int = 90
    ) -> ConsentLink:
        return ConsentLink("https://bank.example/consent", state, self.name)

    def complete(self, link: ConsentLink, params: dict[str, str]) -> Connection:
        return connection()

    def accounts(self, connection: Connection) -> list[FeedAccount]:
        return list(connection.accounts)

    def balances(self, connection: Connection, account: FeedAccount) -> list[FeedBalance]:
        return []

    def consent_status(self, connection: Connection) -> ConsentStatus:
        return ConsentStatus(True)

    def transactions(
        self, connection: Connection, account: FeedAccount, since: dt.date | None = None
    ) -> Iterator[Transaction]:
        self.asked_since.append((account.id, since))
        ids = IdAllocator()  # one per call, as the real providers do
        rows = [r for r in self.booked[account.id] if since is None or r[0] >= since]
        for number, start in enumerate(range(0, max(len(rows), 1), self.page), start=1):
            if hasattr(self, "http"):  # one test takes the client away
                self.http.calls += 1
            if account.id in self.expired:
                raise ConsentExpiredError("memory: the bank consent has expired")
            if self.fail_at_page.get(account.id) == number:
                raise ProviderError("memory: GET /transactions: HTTP 503 after 5 attempts")
            for day, amount, ref in rows[start : start + self.page]:
                label = f"PAYMENT {amount}"
                tx_id = ids.allocate(account.iban, day, Decimal(amount), "EUR", label, bank_ref=ref)
                yield Transaction(tx_id, day, Decimal(amount), "EUR", label, account=account.iban)


def connection(valid_until: dt.datetime | None = None) -> Connection:
    return Connection(
        provider="memory",
        id="session-1",
        bank="Banque Exemple",
        valid_until=valid_until or NOW + dt.timedelta(days=60),
        accounts=(ACCOUNT_A, ACCOUNT_B),
        secrets={"token": "tok-very-secret-123"},
    )


def history(n: int, *, first: dt.date = dt.date(2026, 1, 2), refs: bool = True) -> list:
    """``n`` booked lines over the days from ``first``; every 7th without a bank reference
    and every 10th a twin of the line before (same day, amount and text: two coffees)."""
    rows: list[tuple[dt.date, str, str]] = []
    for i in range(n):
        day = first + dt.timedelta(days=i // 3)
        if i % 10 == 9:
            rows.append(rows[-1])
            continue
        ref = f"REF{i:05d}" if refs and i % 7 else ""
        rows.append((day, f"{(i * 37) % 900 + 1}.{i % 100:02d}", ref))
    return rows


def delivered(directory: Path, account: FeedAccount = ACCOUNT_A) -> list[str]:
    """Every id the account's files hold, in file order (repeats kept, to count them)."""
    sink = CsvDirectorySink(directory)
    slug = account_slug(connection(), account)
    return [i for path in sink.account_files(slug) for i in read_ids(path)]


def expected_ids(provider: MemoryProvider, account: FeedAccount) -> set[str]:
    return {t.id for t in provider.transactions(connection(), account, None)}


def run(
    provider: MemoryProvider,
    state: FeedState,
    directory: Path,
    *,
    save: Any = None,
    pairs: Any = None,
    since: dt.date | None = None,
    now: dt.datetime = NOW,
) -> list:
    return sync_accounts(
        state,
        pairs or [(connection(), ACCOUNT_A)],
        lambda name: provider,
        CsvDirectorySink(directory, now=lambda: now),
        save or (lambda s: None),
        since=since,
        now=lambda: now,
    )


# -- where a sync starts ---------------------------------------------------------------


def test_a_first_sync_goes_ninety_days_back_and_later_ones_overlap_the_last_booking_day():
    assert default_since(None, TODAY) == TODAY - dt.timedelta(days=FIRST_SYNC_DAYS)
    last = dt.date(2026, 3, 20)
    assert default_since(last, TODAY) == last - dt.timedelta(days=OVERLAP_DAYS)
    # a booking date in the future (a bank's value-dated entry) never pushes the start past today
    assert default_since(dt.date(2026, 5, 1), TODAY) == TODAY - dt.timedelta(days=OVERLAP_DAYS)


def test_the_second_sync_fetches_the_overlap_days_again_and_writes_only_a_late_booking(tmp_path):
    rows = history(30)
    provider = MemoryProvider({"uid-a": rows})
    state = FeedState()
    first = run(provider, state, tmp_path)[0]
    assert (first.fetched, first.new, first.known) == (30, 30, 0)
    last = max(r[0] for r in rows)
    assert state.last_sync(connection(), ACCOUNT_A).last_booked == last

    # the bank books, late, a payment dated three days before the last booking day
    late = (last - dt.timedelta(days=3), "77.70", "LATE1")
    provider.booked["uid-a"].append(late)
    second = run(provider, state, tmp_path, now=NOW + dt.timedelta(hours=1))[0]

    assert provider.asked_since[-1] == ("uid-a", last - dt.timedelta(days=OVERLAP_DAYS))
    assert second.since == last - dt.timedelta(days=OVERLAP_DAYS)
    assert second.new == 1 and second.known == second.fetched - 1 > 0
    ids = delivered(tmp_path)
    assert len(ids) == len(set(ids)) == 31
    assert f"{IBAN_A}/LATE1" in ids


def test_a_sync_that_finds_nothing_new_writes_no_file(tmp_path):
    provider = MemoryProvider({"uid-a": history(12)})
    state = FeedState()
    run(provider, state, tmp_path)
    files = sorted(tmp_path.glob("*.csv"))
    again = run(provider, state, tmp_path, now=NOW + dt.timedelta(hours=1))[0]
    assert (again.new, again.known) == (0, again.fetched) and again.fetched > 0
    assert sorted(tmp_path.glob("*.csv")) == files


# -- exactly once, whatever the interruption ---------------------------------------------


@pytest.mark.parametrize("failing_page", [1, 2, 4])
def test_a_sync_failing_mid_paging_writes_nothing_and_the_rerun_writes_each_once(
    tmp_path, failing_page
):
    provider = MemoryProvider({"uid-a": history(100)}, page=25)
    state = FeedState()
    saved: list[str] = []
    provider.fail_at_page["uid-a"] = failing_page

    failed = run(provider, state, tmp_path, save=lambda s: saved.append("saved"))[0]

    assert not failed.ok and "HTTP 503" in failed.error
    assert failed.calls == failing_page  # the pages asked before the fault
    assert list(tmp_path.glob("*.csv")) == [] and saved == []
    assert state.last_sync(connection(), ACCOUNT_A) is None

    del provider.fail_at_page["uid-a"]
    rerun = run(provider, state, tmp_path)[0]
    assert rerun.ok and rerun.new == 100
    ids = delivered(tmp_path)
    assert len(ids) == len(set(ids)) == 100
    assert set(ids) == expected_ids(provider, ACCOUNT_A)


def test_a_crash_after_the_csv_was_written_but_before_the_state_was_saved_loses_and_repeats_nothing(
    tmp_path,
):
    path = tmp_path / "state" / "feeds.json"
    out = tmp_path / "out"
    provider = MemoryProvider({"uid-a": history(60)})
    save_state(FeedState(), path)

    def crash(state: FeedState) -> None:
        raise Crash("killed while saving the state")

    with pytest.raises(Crash):
        run(provider, load_state(path), out, save=crash)
    assert len(delivered(out)) == 60  # the file was complete when the process died
    assert load_state(path).syncs == {}  # ... and the state never heard of it

    provider.booked["uid-a"].append((dt.date(2026, 3, 1), "12.00", "NEWREF"))
    state = load_state(path)
    rerun = run(provider, state, out, save=lambda s: save_state(s, path))[0]

    # the state knew no earlier sync: the rerun starts 90 days back and finds all it wrote
    assert rerun.since == NOW.date() - dt.timedelta(days=FIRST_SYNC_DAYS)
    assert (rerun.new, rerun.known) == (1, 60)
    ids = delivered(out)
    assert len(ids) == len(set(ids)) == 61
    assert load_state(path).last_sync(connection(), ACCOUNT_A).count == 61


def test_a_crash_while_writing_the_csv_leaves_no_file_and_the_rerun_writes_everything(
    tmp_path, monkeypatch
):
    import bankrec.feeds.sync_csv as sync_csv

    real_writer = sync_csv.write_statement_csv

    def dies_half_way(transactions, out):
        rows = list(transactions)
        real_writer(rows[: len(rows) // 2], out)
        out.flush()
        raise Crash("killed half-way through the file")

    provider = MemoryProvider({"uid-a": history(40)})
    state = FeedState()
    monkeypatch.setattr(sync_csv, "write_statement_csv", dies_half_way)
    with pytest.raises(Crash):
        run(provider, state, tmp_path)
    assert list(tmp_path.glob("*.csv")) == []  # no half file under a real name
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    monkeypatch.setattr(sync_csv, "write_statement_csv", real_writer)
    assert run(provider, state, tmp_path)[0].new == 40
    assert len(delivered(tmp_path)) == 40


def test_a_temporary_file_left_by_a_killed_process_is_removed_and_never_counted(tmp_path):
    provider = MemoryProvider({"uid-a": history(10)})
    slug = account_slug(connection(), ACCOUNT_A)
    leftover = tmp_path / f".{slug}_20260330T000000Z.csv.abc123.tmp"
    txs = list(provider.transactions(connection(), ACCOUNT_A))
    leftover.write_text(
        "id,date,amount,currency,label,counterparty,iban,reference,account\n"
        + "".join(f"{t.id},{t.date},{t.amount},EUR,x,,,,\n" for t in txs[:5]),
        encoding="utf-8",
    )
    report = run(provider, FeedState(), tmp_path)[0]
    assert report.new == 10
    assert not leftover.exists()


def test_twin_lines_without_a_bank_reference_stay_two_transactions_across_syncs(tmp_path):
    day = dt.date(2026, 3, 10)
    rows = [(day, "4.50", ""), (day, "4.50", ""), (day, "12.00", "")]
    provider = MemoryProvider({"uid-a": rows})
    state = FeedState()
    assert run(provider, state, tmp_path)[0].new == 3
    provider.booked["uid-a"].append((day, "4.50", ""))  # a third coffee, booked later
    again = run(provider, state, tmp_path, now=NOW + dt.timedelta(hours=1))[0]
    assert (again.new, again.known) == (1, 3)
    ids = delivered(tmp_path)
    assert len(ids) == len(set(ids)) == 4
    assert sum(1 for i in ids if "#" in i) == 2  # the second and third coffee: #2, #3


def test_the_written_files_are_canonical_csv_every_importer_reads(tmp_path):
    provider = MemoryProvider({"uid-a": history(20)})
    report = run(provider, FeedState(), tmp_path)[0]
    (path,) = tmp_path.glob("*.csv")
    assert report.where == str(path)
    assert path.name.startswith(f"{IBAN_A}_20260331T120000Z")
    rows = read_statement_csv(path)
    assert [t.id for t in rows] == [t.id for t in provider.transactions(connection(), ACCOUNT_A)]
    assert all(t.account == IBAN_A and isinstance(t.amount, Decimal) for t in rows)


def test_two_syncs_in_the_same_second_get_two_files(tmp_path):
    provider = MemoryProvider({"uid-a": history(5)})
    state = FeedState()
    run(provider, state, tmp_path)
    provider.booked["uid-a"].append((dt.date(2026, 3, 30), "1.00", "ONE-MORE"))
    run(provider, state, tmp_path)  # same clock: same time stamp
    names = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert len(names) == 2 and names[1].endswith("Z_2.csv")
    assert len(delivered(tmp_path)) == 6


def test_a_foreign_file_in_the_sync_folder_is_an_error_naming_it_not_a_guess(tmp_path):
    bad = tmp_path / f"{IBAN_A}_20250101T000000Z.csv"
    bad.write_text("date,amount\n2025-01-01,1.00\n", encoding="utf-8")
    provider = MemoryProvider({"uid-a": history(3)})
    with pytest.raises(FeedError, match=str(bad)):
        run(provider, FeedState(), tmp_path)


def test_an_unwritable_folder_is_one_output_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    provider = MemoryProvider({"uid-a": history(3)})
    with pytest.raises(OutputError, match="cannot write"):
        run(provider, FeedState(), blocker / "out")


def test_a_full_disk_while_writing_is_one_output_error_and_leaves_nothing(tmp_path, monkeypatch):
    import bankrec.feeds.sync_csv as sync_csv

    def disk_full(transactions, out):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sync_csv, "write_statement_csv", disk_full)
    provider = MemoryProvider({"uid-a": history(3)})
    with pytest.raises(OutputError, match="no space left on device"):
        run(provider, FeedState(), tmp_path)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".bankrec")] == []


# -- consent --------------------------------------------------------------------------------


def test_an_expired_consent_ends_one_account_in_one_line_while_the_other_syncs(tmp_path):
    provider = MemoryProvider({"uid-a": history(10), "uid-b": history(8)})
    provider.expired.add("uid-a")
    state = FeedState()
    saves: list[int] = []
    reports = run(
        provider,
        state,
        tmp_path,
        pairs=[(connection(), ACCOUNT_A), (connection(), ACCOUNT_B)],
        save=lambda s: saves.append(len(s.syncs)),
    )
    a, b = reports
    assert a.consent_expired and not a.ok
    assert "expired" in a.line() and "connect Banque Exemple again" in a.line()
    assert len(a.line().splitlines()) == 1
    assert b.ok and b.new == 8
    assert state.last_sync(connection(), ACCOUNT_A) is None
    assert state.last_sync(connection(), ACCOUNT_B).count == 8
    assert saves == [1]
    assert delivered(tmp_path, ACCOUNT_A) == [] and len(delivered(tmp_path, ACCOUNT_B)) == 8


def test_a_consent_past_its_date_is_reported_without_calling_the_provider(tmp_path):
    provider = MemoryProvider({"uid-a": history(5)})
    old = connection(valid_until=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    report = sync_account(provider, old, ACCOUNT_A, None, CsvDirectorySink(tmp_path), now=NOW)
    assert report.consent_expired and "expired on 2026-03-01" in report.error
    assert provider.http.calls == 0 and provider.asked_since == []


def test_the_report_counts_calls_and_says_one_line(tmp_path):
    provider = MemoryProvider({"uid-a": history(60)}, page=25)
    report = sync_account(
        provider, connection(), ACCOUNT_A, dt.date(2026, 1, 1), CsvDirectorySink(tmp_path), now=NOW
    )
    assert report.ok and report.calls == 3  # 60 lines in pages of 25
    line = report.line()
    assert line.startswith(f"{IBAN_A} (Main): fetched 60 since 2026-01-01: 60 new")
    assert "3 calls" in line and "\n" not in line


def test_a_provider_without_an_http_client_reports_no_call_count(tmp_path):
    provider = MemoryProvider({"uid-a": history(3)})
    del provider.http
    report = sync_account(
        provider, connection(), ACCOUNT_A, None, CsvDirectorySink(tmp_path), now=NOW
    )
    assert report.ok and report.new == 3 and report.calls is None and "calls" not in report.line()


def test_the_memory_provider_implements_the_protocol():
    assert isinstance(MemoryProvider({}), FeedProvider)


# -- the Odoo sink -----------------------------------------------------------------------------


def test_the_odoo_sink_creates_only_lines_the_journal_does_not_hold():
    from connectors.odoo.errors import ConnectorError
    from connectors.odoo.feed_sink import OdooJournalSink
    from connectors.odoo.reader import BankJournal
    from tests.connectors.fakes import FakeTransport

    provider = MemoryProvider({"uid-a": history(6)})
    txs = list(provider.transactions(connection(), ACCOUNT_A))
    held = {f"bankrec:{txs[0].id}", f"bankrec:{txs[1].id}"}
    created: list[dict] = []

    def odoo(model, method, args, kwargs):
        if method == "search_read":
            refs = args[0][1][2]
            return [{"ref": r} for r in refs if r in held]
        if method == "create":
            created.extend(args[0])
            return list(range(len(args[0])))
        raise AssertionError(method)

    journal = BankJournal(7, "BNK1", "Bank", "EUR", 100, None, 1, False)
    sink = OdooJournalSink(FakeTransport(odoo), journal)
    got = sink.deliver(connection(), ACCOUNT_A, txs)
    assert got == Delivery(4, 2, "journal BNK1")
    assert sorted(v["ref"] for v in created) == sorted(f"bankrec:{t.id}" for t in txs[2:])
    assert all(v["journal_id"] == 7 for v in created)

    usd = FeedAccount(id="uid-u", iban="US00", currency="USD")
    with pytest.raises(ConnectorError, match=r"USD.*BNK1.*EUR"):
        sink.deliver(connection(), usd, txs)


# -- the state file ----------------------------------------------------------------------------


def full_state() -> FeedState:
    state = FeedState()
    state.add_connection(connection())
    state.add_pending(
        PendingConsent(
            ConsentLink("https://bank.example/auth?x=1", "st4te", "memory", "auth-9"),
            "Banque Exemple",
            "FR",
            "http://127.0.0.1:8765/cb",
            NOW,
        )
    )
    state.record_sync(connection(), ACCOUNT_A, AccountSync(NOW, dt.date(2026, 3, 30), 12, 3))
    return state


def test_the_state_round_trips_and_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "cfg" / "bankrec" / "feeds.json"
    save_state(full_state(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    back = load_state(path)
    assert back == full_state()
    assert back.connections[0].secrets == {"token": "tok-very-secret-123"}


def test_saving_over_a_too_open_state_file_makes_it_private(tmp_path):
    path = tmp_path / "feeds.json"
    path.write_text("{}", encoding="utf-8")
    os.chmod(path, 0o644)
    save_state(full_state(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "text", ["{not json", "[]", '{"connections": [{"id": "x"}]}', '{"version": 99}']
)
def test_a_damaged_state_file_is_an_error_naming_it_and_is_left_untouched(tmp_path, text):
    path = tmp_path / "feeds.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StateFileError) as caught:
        load_state(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    assert path.read_text(encoding="utf-8") == text


def test_a_failed_save_leaves_the_previous_state_whole(tmp_path, monkeypatch):
    path = tmp_path / "feeds.json"
    save_state(full_state(), path)
    before = path.read_bytes()

    def refuse(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(StateFileError, match="no space left"):
        save_state(FeedState(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["feeds.json"]


def test_a_missing_state_file_is_an_empty_state(tmp_path):
    assert load_state(tmp_path / "none.json") == FeedState()


def test_the_state_file_is_json_a_person_can_read(tmp_path):
    path = tmp_path / "feeds.json"
    save_state(full_state(), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["syncs"]["memory/session-1/uid-a"]["last_booked"] == "2026-03-30"
    assert data["pending"][0]["state"] == "st4te"


def test_a_renewed_connection_replaces_the_old_one_and_inherits_its_last_syncs():
    state = full_state()
    other = Connection("memory", "other-bank", "Autre", accounts=(FeedAccount("x", "BE00"),))
    state.add_connection(other)
    renewed_a = FeedAccount(id="uid-a2", iban=IBAN_A, currency="EUR")
    renewed_b = FeedAccount(id="uid-b2", iban=IBAN_B, currency="EUR")
    new = Connection("memory", "session-2", "Banque Exemple", accounts=(renewed_a, renewed_b))

    dropped = state.supersede(new)

    assert [c.id for c in dropped] == ["session-1"]
    assert [c.id for c in state.connections] == ["other-bank", "session-2"]
    assert state.last_sync(new, renewed_a) == AccountSync(NOW, dt.date(2026, 3, 30), 12, 3)
    assert state.last_sync(new, renewed_b) is None
    assert list(state.syncs) == ["memory/session-2/uid-a2"]
    # a connection covering only part of an old one's accounts leaves the old one alone
    partial = Connection("memory", "session-3", accounts=(renewed_a,))
    assert state.supersede(partial) == []
    assert [c.id for c in state.connections] == ["other-bank", "session-2", "session-3"]
