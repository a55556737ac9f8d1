"""The bankrec add-on (addon/account_bank_reconcile_api) on a REAL Odoo 17, and the
connector writing through it.

One database per session with ``account``, demo data and the add-on (about 50 s). The
add-on's own Odoo tests (TransactionCase, post_install) run on it first; then it is
served and the connector's sync is checked to use the add-on's batched method. Skips with
one line when no Odoo 17 is configured (ODOO_PYTHON / ODOO_PATH / ODOO_CONF).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bankrec.cli.main import main
from bankrec.model import Allocation, Booking, Decision, Status
from connectors.odoo.errors import ConnectorError
from connectors.odoo.lock import JournalLockError
from connectors.odoo.reader import read_statement_lines
from connectors.odoo.sync import SyncReport, sync
from tests.connectors.books import Books, race
from tests.odoo_server import LocalOdoo, ModuleTestResult

pytestmark = pytest.mark.odoo


def test_the_addons_own_odoo_tests_pass(odoo_addon: tuple[LocalOdoo, ModuleTestResult]) -> None:
    _server, result = odoo_addon
    assert result.total is not None, "Odoo printed no test result line; see the server log"
    assert result.total >= 26  # bankrec_apply/undo (11), across currencies (9), the lock (6)
    assert (result.failed, result.errors) == (0, 0), result.log[-4000:]


def test_sync_writes_through_the_addon_in_one_call_and_runs_again_idempotently(
    odoo_addon: tuple[LocalOdoo, ModuleTestResult],
) -> None:
    server, _ = odoo_addon
    books = Books(server)
    p = books.partner("Gletscher Bergbahnen AG")
    invoices = [books.invoice(p, f"{250 + 7 * k}.40") for k in range(5)]
    books.importer().import_transactions(
        [
            books.tx(f"A{k}", f"{250 + 7 * k}.40", f"Zahlung {name}", "Gletscher Bergbahnen AG")
            for k, (_i, name) in enumerate(invoices)
        ]
    )
    moves = [i for i, _ in invoices]
    books.t.calls.clear()
    report = sync(books.t, books.code)
    assert report.addon_used
    assert report.reconciled == 5 and not report.errors
    assert books.t.calls["account.bank.statement.line.bankrec_apply"] == 1
    assert books.t.calls["account.move.write"] == 0
    assert books.t.calls["account.move.line.reconcile"] == 0
    assert books.states(moves) == [("paid", 0.0)] * 5
    assert all(ln["is_reconciled"] for ln in books.lines())

    partials = books.partials()
    again = sync(books.t, books.code)
    assert again.reconciled == 0 and books.partials() == partials

    writer = books.writer(addon=True)
    line_ids = [
        ln["id"]
        for ln in books.t.execute_kw(
            "account.bank.statement.line",
            "search_read",
            [[("journal_id", "=", books.journal_id)]],
            {"fields": ["id"]},
        )
    ]
    writer.undo(line_ids)
    assert [s for s, _ in books.states(moves)] == ["not_paid"] * 5


def test_a_line_booked_after_planning_is_skipped_by_the_server(
    odoo_addon: tuple[LocalOdoo, ModuleTestResult],
) -> None:
    server, _ = odoo_addon
    books = Books(server, "jsonrpc")
    p = books.partner("Hafen Logistik GmbH")
    (i1, n1), (i2, n2) = books.invoice(p, "410.00"), books.invoice(p, "90.00")
    writer = books.writer(addon=True)
    books.importer().import_transactions(
        [books.tx("S1", "410.00", n1, "Hafen Logistik"), books.tx("S2", "95.00", n2, "Hafen")]
    )
    _t, refs, _ = read_statement_lines(books.t, writer.journal, writer.currencies)
    decisions = [
        Decision(
            "S1",
            Status.RECONCILED,
            97,
            (Allocation(str(i1), Decimal("410.00")),),
            booking=Booking.PAYMENT,
        ),
        # 95.00 against a 90.00 invoice with no write-off account: refused client-side
        Decision(
            "S2",
            Status.RECONCILED,
            97,
            (Allocation(str(i2), Decimal("90.00")),),
            booking=Booking.PAYMENT,
        ),
    ]
    planned = writer.plan_decisions(decisions, refs, item_signs={str(i1): 1, str(i2): 1})
    # someone books S1 by hand (plain RPC path) between our planning and our write
    plain = books.writer()
    (first,) = plain.write_decisions(decisions[:1], refs, item_signs={str(i1): 1})
    assert first.action == "reconciled"
    partials = books.partials()
    outcomes = writer.executor.execute_batch(planned)
    assert [o.action for o in outcomes] == ["skipped", "refused"]
    assert "changed since it was planned" in outcomes[0].message
    assert "write-off" in outcomes[1].message
    assert books.partials() == partials  # the same money was not reconciled twice
    assert books.states([i1, i2]) == [("paid", 0.0), ("not_paid", 90.0)]


def test_asking_for_the_addon_where_it_is_not_installed_is_a_clear_error(odoo: LocalOdoo) -> None:
    books = Books(odoo)
    with pytest.raises(ConnectorError, match="add-on is not installed"):
        sync(books.t, books.code, use_addon=True)


def test_the_cli_sync_says_it_wrote_through_the_addon(
    odoo_addon: tuple[LocalOdoo, ModuleTestResult],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, _ = odoo_addon
    books = Books(server)
    p = books.partner("Irchel Druck AG")
    move, name = books.invoice(p, "640.00")
    books.importer().import_transactions([books.tx("C1", "640.00", f"Rechnung {name}", "Irchel")])
    monkeypatch.setenv("BANKREC_ODOO_PASSWORD", "admin")
    conn = ["--url", server.url, "--db", server.db, "--user", "admin", "--journal", books.code]
    assert main(["odoo", "sync", *conn]) == 0
    out = capsys.readouterr().out
    assert "reconciled 1" in out and "written through the bankrec add-on" in out
    assert books.states([move]) == [("paid", 0.0)]
    assert main(["odoo", "sync", "--no-addon", *conn]) == 0  # nothing left to write either way
    assert "reconciled 0" in capsys.readouterr().out


def test_two_syncs_at_once_through_the_addon_are_serialised(
    odoo_addon: tuple[LocalOdoo, ModuleTestResult],
) -> None:
    """The add-on's bankrec_lock decides in PostgreSQL which of two racing syncs writes."""
    server, _ = odoo_addon
    books = Books(server)
    moves = books.payments("Q", lines=40, invoices=50)
    before = books.partials()
    reports = race(server, books.code, use_addon=True)
    refused = [r for r in reports if isinstance(r, ConnectorError)]
    done = [r for r in reports if isinstance(r, SyncReport)]
    assert len(refused) == 1 and len(done) == 1, reports
    assert str(refused[0]).startswith(
        f"journal {books.code} is being synced by another run (admin@"
    )
    (report,) = done
    assert report.locked and report.addon_used
    assert (report.read, report.reconciled, report.already_booked, report.left) == (40, 40, 0, 0)
    assert report.errors == []
    assert books.partials() - before == 50  # every invoice reconciled exactly once
    assert books.states(moves) == [("paid", 0.0)] * 50
    assert all(ln["is_reconciled"] for ln in books.lines())
    assert not books.t.execute_kw("bankrec.journal.lock", "search_count", [[]])  # released
    # the lock is the add-on's: no system parameter was needed
    assert not books.t.execute_kw(
        "ir.config_parameter", "search_count", [[("key", "=like", "bankrec.lock.journal.%")]]
    )
    # a run writing over plain RPC (--no-addon) still takes the add-on's lock, so it cannot
    # slip past a run writing through the add-on
    held = books.t.execute_kw(
        "account.bank.statement.line", "bankrec_lock", [books.journal_id, "cron job", 600]
    )
    assert held["locked"]
    with pytest.raises(JournalLockError, match=r"another run \(cron job, since"):
        sync(books.t, books.code, use_addon=False)
    books.t.execute_kw(
        "account.bank.statement.line", "bankrec_unlock", [books.journal_id, "cron job"]
    )
    assert sync(books.t, books.code, use_addon=False).locked
