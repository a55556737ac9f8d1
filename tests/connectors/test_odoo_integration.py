"""Against a REAL Odoo 17 Community server: import, sync, undo, re-run, crash, write-off,
two companies, two syncs at once.

One database per test session (``-i account`` with demo data, about 45 s), served by
``odoo-bin`` on a free port of 127.0.0.1 and dropped at the end. The kit is found through
ODOO_PYTHON / ODOO_PATH / ODOO_CONF (``.ci/run`` sets them); without them every test here
skips with one line naming the missing settings. Each test works on its own bank journal
and partners so the tests do not see each other's lines.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bankrec.cli.main import main
from bankrec.model import Allocation, Booking, Decision, Status
from bankrec.statements.canonical import write_statement_csv
from connectors.odoo.errors import ConnectorError
from connectors.odoo.plan import LinePlan, WriteConfig
from connectors.odoo.reader import read_statement_lines
from connectors.odoo.sync import SyncConfig, SyncReport, sync
from connectors.odoo.writer import OdooWriter
from tests.connectors.books import Books, currency_with_rates, race
from tests.odoo_server import LocalOdoo, ModuleTestResult

pytestmark = pytest.mark.odoo


def cli(
    server: LocalOdoo, monkeypatch: pytest.MonkeyPatch, *args: str, password: str = "admin"
) -> int:
    monkeypatch.setenv("BANKREC_ODOO_PASSWORD", password)
    conn = ["--url", server.url, "--db", server.db, "--user", "admin"]
    return main(["odoo", *args[:1], *args[1:], *conn])


def test_import_sync_pays_invoices_and_running_again_changes_nothing(
    odoo: LocalOdoo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    books = Books(odoo, "xmlrpc")
    alp, ber = books.partner("Alpenblick Hotel AG"), books.partner("Bergsee Druckerei GmbH")
    i1, n1 = books.invoice(alp, "1200.00")
    i2, n2 = books.invoice(ber, "350.40")
    i3, n3 = books.invoice(alp, "200.00")
    i4, n4 = books.invoice(alp, "300.00")
    b1, nb1 = books.invoice(ber, "480.00", "in_invoice")
    statement = tmp_path / "statement.csv"
    with statement.open("w", encoding="utf-8") as out:
        write_statement_csv(
            [
                books.tx("S1", "1200.00", f"Payment {n1}", "Alpenblick Hotel AG"),
                books.tx("S2", "350.40", f"Invoice {n2}", "Bergsee Druckerei GmbH"),
                books.tx("S3", "500.00", f"{n3} and {n4}", "Alpenblick Hotel AG"),
                books.tx("S4", "-480.00", f"{nb1}", "Bergsee Druckerei GmbH"),
            ],
            out,
        )
    assert cli(odoo, monkeypatch, "import", str(statement), "--journal", books.code) == 0
    assert "4 new statement lines" in capsys.readouterr().out
    statements = books.t.execute_kw(
        "account.bank.statement",
        "search_read",
        [[("journal_id", "=", books.journal_id)]],
        {"fields": ["line_ids"]},
    )
    assert [len(st["line_ids"]) for st in statements] == [4]  # the file's statement, whole
    assert cli(odoo, monkeypatch, "import", str(statement), "--journal", books.code) == 0
    assert "0 new statement lines" in capsys.readouterr().out
    assert [ln["ref"] for ln in books.lines()] == [f"bankrec:S{i}" for i in range(1, 5)]

    assert cli(odoo, monkeypatch, "sync", "--journal", books.code, "--dry-run") == 0
    dry = capsys.readouterr().out
    assert "nothing was written" in dry and n1 in dry and "confidence" in dry
    assert books.states([i1, i2, i3, i4, b1]) == [
        ("not_paid", 1200.0),
        ("not_paid", 350.4),
        ("not_paid", 200.0),
        ("not_paid", 300.0),
        ("not_paid", 480.0),
    ]

    assert cli(odoo, monkeypatch, "sync", "--journal", books.code) == 0
    out = capsys.readouterr().out
    assert "reconciled 4" in out
    assert [s for s, _ in books.states([i1, i2, i3, i4, b1])] == ["paid"] * 5
    assert all(ln["is_reconciled"] for ln in books.lines())
    partials = books.partials()

    assert cli(odoo, monkeypatch, "sync", "--journal", books.code, "--protocol", "jsonrpc") == 0
    assert "reconciled 0" in capsys.readouterr().out
    assert books.partials() == partials  # no money reconciled twice
    assert [s for s, _ in books.states([i1, i2, i3, i4, b1])] == ["paid"] * 5


def test_partial_and_multi_invoice_payments_then_undo_restores_not_paid(odoo: LocalOdoo) -> None:
    books = Books(odoo, "jsonrpc")
    p = books.partner("Caspar Zimmerei KG")
    i1, n1 = books.invoice(p, "1000.00")
    i2, n2 = books.invoice(p, "200.00")
    i3, n3 = books.invoice(p, "300.00")
    writer = books.writer()
    books.importer().import_transactions(
        [
            books.tx("P1", "400.00", f"part of {n1}", "Caspar"),
            books.tx("P2", "500.00", f"{n2} {n3}", "Caspar"),
        ]
    )
    _txs, refs, _ = read_statement_lines(books.t, writer.journal, writer.currencies)
    decisions = [
        Decision(
            "P1",
            Status.RECONCILED,
            95,
            (Allocation(str(i1), Decimal("400.00")),),
            booking=Booking.PAYMENT,
        ),
        Decision(
            "P2",
            Status.RECONCILED,
            95,
            (Allocation(str(i2), Decimal("200.00")), Allocation(str(i3), Decimal("300.00"))),
            booking=Booking.PAYMENT,
        ),
    ]
    outcomes = writer.write_decisions(decisions, refs, item_signs={str(i): 1 for i in (i1, i2, i3)})
    assert [o.action for o in outcomes] == ["reconciled", "reconciled"]
    assert books.states([i1, i2, i3]) == [("partial", 600.0), ("paid", 0.0), ("paid", 0.0)]
    # writing the same decisions again finds the lines booked and changes nothing
    again = writer.write_decisions(decisions, refs)
    assert [o.action for o in again] == ["skipped", "skipped"]
    assert books.states([i1, i2, i3]) == [("partial", 600.0), ("paid", 0.0), ("paid", 0.0)]

    writer.undo([refs["P1"].line_id, refs["P2"].line_id])
    assert books.states([i1, i2, i3]) == [
        ("not_paid", 1000.0),
        ("not_paid", 200.0),
        ("not_paid", 300.0),
    ]
    assert not any(ln["is_reconciled"] for ln in books.lines())


def test_bank_fee_deducted_by_the_payer_is_written_off(odoo: LocalOdoo) -> None:
    books = Books(odoo, "xmlrpc")
    p = books.partner("Dufour Transports SA")
    i1, n1 = books.invoice(p, "1500.00")
    books.importer().import_transactions(
        [books.tx("W1", "1492.50", f"Payment {n1}", "Dufour Transports SA")]
    )
    # the matcher proposes the write-off as a suggestion; a person confirms it
    dry = sync(books.t, books.code, dry_run=True)
    (suggestion,) = [d for d in dry.decisions if d.transaction_id == "W1"]
    assert suggestion.status is Status.SUGGESTED and suggestion.writeoff == Decimal("-7.50")
    confirmed = dataclasses.replace(suggestion, status=Status.RECONCILED)
    writer = books.writer()
    writer.config = WriteConfig(writeoff_account="620000", max_writeoff=Decimal("10"))
    _t, refs, _ = read_statement_lines(books.t, writer.journal, writer.currencies)
    (outcome,) = writer.write_decisions([confirmed], refs, item_signs={str(i1): 1})
    assert outcome.action == "reconciled", outcome.message
    assert books.states([i1]) == [("paid", 0.0)]
    fee = books.t.execute_kw(
        "account.move.line",
        "search_read",
        [[("statement_line_id", "=", refs["W1"].line_id), ("account_id.code", "=", "620000")]],
        {"fields": ["debit"]},
    )
    assert [f["debit"] for f in fee] == [7.5]


def test_a_sync_killed_halfway_and_run_again_ends_like_one_clean_run(odoo: LocalOdoo) -> None:
    class Crash(Exception):
        pass

    def run(books: Books, partner_name: str, crash_at: int | None) -> list[tuple[str, float]]:
        p = books.partner(partner_name)
        invoices = [books.invoice(p, f"{100 + 11 * k}.25") for k in range(6)]
        books.importer().import_transactions(
            [
                books.tx(f"K{k}", f"{100 + 11 * k}.25", f"pay {name}", partner_name)
                for k, (_i, name) in enumerate(invoices)
            ]
        )
        seen: list[str] = []

        def hook(stage: str, plan: LinePlan) -> None:
            if stage == "rewritten":
                seen.append(plan.transaction_id)
                if len(seen) == crash_at:  # killed between the rewrite and the reconcile
                    raise Crash

        if crash_at is not None:
            with pytest.raises(Crash):
                sync(books.t, books.code, hook=hook)
            half = books.states([i for i, _ in invoices])
            assert [s for s, _ in half].count("paid") == crash_at - 1
            # The killed run's last write lands late (the server finishes a call whose
            # client died): the last line gets booked after the re-run has read it open.
            late: list[str] = []

            def book_the_last_line_late(phase: str, n: int, total: int | None) -> None:
                if phase == "reading open items" and not late:
                    late.append(_book(books, "K5", invoices[5][0], f"{100 + 11 * 5}.25"))

            report = sync(books.t, books.code, progress=book_the_last_line_late)
            assert late == ["reconciled"]
            # the crashed line and the three after it were read; the line booked meanwhile
            # is reported as already booked, not as left open
            assert (report.read, report.recovered, report.reconciled) == (7 - crash_at, 1, 3)
            assert (report.already_booked, report.skipped, report.left) == (1, 1, 0)
            assert report.errors == [] and report.refusals == []
        else:
            assert sync(books.t, books.code).reconciled == 6
        assert all(ln["is_reconciled"] for ln in books.lines())
        return books.states([i for i, _ in invoices])

    crashed_books = Books(odoo)
    before = crashed_books.partials()
    crashed = run(crashed_books, "Eiger Kältetechnik AG", crash_at=3)
    assert crashed_books.partials() - before == 6  # each invoice reconciled exactly once
    clean = run(Books(odoo), "Fjord Seafood AS", crash_at=None)
    assert crashed == clean == [("paid", 0.0)] * 6


def _book(books: Books, tid: str, invoice: int, amount: str) -> str:
    """Book one line as someone else would (another writer, no lock): its outcome."""
    writer = books.writer()
    _t, refs, _ = read_statement_lines(books.t, writer.journal, writer.currencies)
    decision = Decision(
        tid,
        Status.RECONCILED,
        95,
        (Allocation(str(invoice), Decimal(amount)),),
        booking=Booking.PAYMENT,
    )
    (outcome,) = writer.write_decisions([decision], refs, item_signs={str(invoice): 1})
    return outcome.action


def test_fee_lines_are_booked_by_rules_on_the_fee_account(odoo: LocalOdoo) -> None:
    from dsl import load_rules

    books = Books(odoo)
    books.importer().import_transactions([books.tx("F1", "-12.40", "BANK CHARGES NOVEMBER", "")])
    rules = load_rules([Path(__file__).resolve().parents[2] / "rules"])
    report = sync(books.t, books.code, rules, SyncConfig(write=WriteConfig(fee_account="620000")))
    assert report.reconciled == 1
    booked = books.t.execute_kw(
        "account.move.line",
        "search_read",
        [
            [
                ("statement_line_id.journal_id", "=", books.journal_id),
                ("account_id.code", "=", "620000"),
            ]
        ],
        {"fields": ["debit"]},
    )
    assert [b["debit"] for b in booked] == [12.4]


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_wrong_password_is_one_clear_line(
    odoo: LocalOdoo,
    protocol: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = cli(
        odoo, monkeypatch, "sync", "--journal", "BNK1", "--protocol", protocol, password="wrong"
    )
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "refused the login 'admin'" in err
    assert "wrong" not in err.replace("wrong login", "")  # the password is never printed


def test_internal_transfer_sides_are_paired_on_the_transfer_account(odoo: LocalOdoo) -> None:
    out_books, in_books = Books(odoo), Books(odoo)
    out_w, in_w = out_books.writer(), in_books.writer()
    out_books.importer().import_transactions([out_books.tx("X-OUT", "-750.00", "to savings", "")])
    in_books.importer().import_transactions(
        [in_books.tx("X-IN", "750.00", "from current account", "")]
    )

    def write(w: OdooWriter, me: str, other: str) -> None:
        _t, refs, _ = read_statement_lines(w.t, w.journal, w.currencies)
        decision = Decision(
            me, Status.RECONCILED, 95, booking=Booking.TRANSFER, transfer_with=other
        )
        (outcome,) = w.write_decisions([decision], refs)
        assert outcome.action == "reconciled", outcome.message

    def transfer_items() -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = out_books.t.execute_kw(
            "account.move.line",
            "search_read",
            [[("name", "in", ["bankrec-transfer: X-IN", "bankrec-transfer: X-OUT"])]],
            {"fields": ["reconciled", "balance"], "order": "id"},
        )
        return rows

    write(out_w, "X-OUT", "X-IN")
    assert [(r["reconciled"], r["balance"]) for r in transfer_items()] == [(False, 750.0)]
    write(in_w, "X-IN", "X-OUT")  # the second side finds the first and reconciles both
    assert [(r["reconciled"], r["balance"]) for r in transfer_items()] == [
        (True, 750.0),
        (True, -750.0),
    ]


def test_a_journal_code_in_two_companies_needs_the_company(
    odoo: LocalOdoo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    books = Books(odoo)
    home = books.t.execute_kw("res.company", "read", [[1]], {"fields": ["name"]})[0]["name"]
    other = books.t.execute_kw("res.company", "create", [{"name": "Bankrec Zweigwerk AG"}])
    books.t.execute_kw("res.users", "write", [[books.t.uid], {"company_ids": [(4, other)]}])
    books.t.execute_kw(
        "account.journal",
        "create",
        [{"name": "Zweigwerk Bank", "code": books.code, "type": "bank", "company_id": other}],
    )
    statement = tmp_path / "statement.csv"
    with statement.open("w", encoding="utf-8") as out:
        write_statement_csv([books.tx("M1", "10.00", "deposit", "")], out)

    assert cli(odoo, monkeypatch, "import", str(statement), "--journal", books.code) == 2
    err = capsys.readouterr().err
    assert err == (
        f"bankrec: error: journal code {books.code!r} exists in 2 companies: {home!r} (id 1), "
        f"'Bankrec Zweigwerk AG' (id {other}); choose one with --company\n"
    )
    assert books.lines() == []  # nothing was imported anywhere

    assert (
        cli(odoo, monkeypatch, "import", str(statement), "--journal", books.code, "--company", "1")
        == 0
    )
    assert "1 new statement lines" in capsys.readouterr().out
    assert [ln["ref"] for ln in books.lines()] == ["bankrec:M1"]  # on company 1's journal
    for company, read in (("bankrec zweigwerk ag", 0), (home, 1)):
        assert (
            cli(
                odoo,
                monkeypatch,
                "sync",
                "--journal",
                books.code,
                "--company",
                company,
                "--dry-run",
            )
            == 0
        )
        assert f"read {read} lines" in capsys.readouterr().out


def test_two_syncs_at_once_on_one_journal_are_serialised(odoo: LocalOdoo) -> None:
    """Without the add-on the lock is an ir.config_parameter (admin may write those)."""
    books = Books(odoo)
    moves = books.payments("R", lines=40, invoices=50)
    before = books.partials()
    reports = race(odoo, books.code, use_addon=False)
    refused = [r for r in reports if isinstance(r, ConnectorError)]
    done = [r for r in reports if isinstance(r, SyncReport)]
    assert len(refused) == 1 and len(done) == 1, reports
    assert str(refused[0]).startswith(
        f"journal {books.code} is being synced by another run (admin@"
    )
    (report,) = done
    assert report.locked and not report.addon_used
    assert (report.read, report.reconciled, report.already_booked, report.left) == (40, 40, 0, 0)
    assert report.errors == [] and report.recovered == 0
    assert books.partials() - before == 50  # every invoice reconciled exactly once
    assert books.states(moves) == [("paid", 0.0)] * 50
    assert all(ln["is_reconciled"] for ln in books.lines())
    assert not books.t.execute_kw(  # the lock was released
        "ir.config_parameter", "search_count", [[("key", "=like", "bankrec.lock.journal.%")]]
    )


def test_a_user_who_may_not_lock_without_the_addon_is_told_how_to_run_safely(
    odoo: LocalOdoo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    books = Books(odoo)
    groups = [
        books.t.execute_kw(
            "ir.model.data",
            "search_read",
            [[("module", "=", module), ("name", "=", name)]],
            {"fields": ["res_id"]},
        )[0]["res_id"]
        for module, name in (("base", "group_user"), ("account", "group_account_user"))
    ]
    books.t.execute_kw(
        "res.users",
        "create",
        [
            {
                "name": "Anna Buchhaltung",
                "login": "anna",
                "password": "anna-pw-17",
                "groups_id": [(6, 0, groups)],
            }
        ],
    )
    monkeypatch.setenv("BANKREC_ODOO_PASSWORD", "anna-pw-17")
    conn = ["--url", odoo.url, "--db", odoo.db, "--user", "anna", "--journal", books.code]
    assert main(["odoo", "sync", *conn]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "may not write Odoo's system parameters" in err and "--no-lock" in err
    assert "install the add-on" in err
    assert main(["odoo", "sync", "--no-lock", *conn]) == 0
    captured = capsys.readouterr()
    assert "reconciled 0" in captured.out and "(--no-lock)" in captured.err


def test_a_short_payment_within_the_writeoff_tolerance_is_booked(
    odoo: LocalOdoo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    books = Books(odoo)
    partner = books.partner("Jungfrau Seilbahnen AG")
    move, name = books.invoice(partner, "500.00")
    books.importer().import_transactions(
        [books.tx("WT1", "494.34", f"Zahlung {name} Jungfrau Seilbahnen", "JUNGFRAU SEILBAHNEN AG")]
    )
    conn = ["--journal", books.code, "--writeoff-account", "620000"]
    assert cli(odoo, monkeypatch, "sync", *conn, "--max-writeoff", "5", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "suggested WT1" in out and "0 lines would be written" in out  # 5.66 is over 5
    assert cli(odoo, monkeypatch, "sync", *conn, "--max-writeoff", "25") == 0
    out = capsys.readouterr().out
    assert "reconciled 1," in out and "left 0" in out
    assert books.states([move]) == [("paid", 0.0)]
    fee = books.t.execute_kw(
        "account.move.line",
        "search_read",
        [
            [
                ("statement_line_id.journal_id", "=", books.journal_id),
                ("account_id.code", "=", "620000"),
            ]
        ],
        {"fields": ["debit", "name"]},
    )
    assert [(f["debit"], f["name"]) for f in fee] == [(5.66, "bankrec: write-off")]


# CHF per USD (the demo company's currency) on the invoices' day and on the lines' day
CHF_RATES = {"2026-11-01": 0.8, "2026-11-10": 0.9}


def _exchange_moves(books: Books, invoices: list[int]) -> list[dict[str, Any]]:
    """Odoo's exchange-difference entries on the invoices' reconciliations."""
    items = books.t.execute_kw(
        "account.move.line",
        "search_read",
        [[("move_id", "in", invoices), ("account_id.account_type", "=", "asset_receivable")]],
        {"fields": ["matched_debit_ids", "matched_credit_ids"]},
    )
    partial_ids = sorted(
        {p for i in items for p in i["matched_debit_ids"] + i["matched_credit_ids"]}
    )
    partials = books.t.execute_kw(
        "account.partial.reconcile", "read", [partial_ids], {"fields": ["exchange_move_id"]}
    )
    move_ids = sorted({p["exchange_move_id"][0] for p in partials if p["exchange_move_id"]})
    moves: list[dict[str, Any]] = books.t.execute_kw(
        "account.move",
        "read",
        [move_ids],
        {"fields": ["journal_id", "state", "reversal_move_id", "amount_total_signed"]},
    )
    return moves


def _a_chf_journal_is_synced_like_any_other(server: LocalOdoo, *, use_addon: bool) -> None:
    """A CHF bank journal of the USD demo company, CHF invoices: matched as usual, booked
    in CHF worth what the lines are worth in USD, and Odoo books the exchange differences;
    a second sync writes nothing, an undo restores the invoices and reverses Odoo's
    exchange entries."""
    t = server.transport()
    chf = currency_with_rates(t, "CHF", CHF_RATES)
    books = Books(server, currency_id=chf)
    assert books.currency == "CHF"
    rigi = books.partner("Rigi Kulm Hotel AG")
    pilatus = books.partner("Pilatus Zahnradbahn AG")
    (i1, n1) = books.invoice(rigi, "1000.00", currency_id=chf)  # 1,250.00 USD in the books
    (i2, n2) = books.invoice(pilatus, "600.00", currency_id=chf)  # 750.00 USD
    (i3, n3) = books.invoice(pilatus, "387.65", currency_id=chf)  # 484.56 USD
    books.importer().import_transactions(
        [
            books.tx("F1", "1000.00", f"Zahlung {n1}", "RIGI KULM HOTEL AG"),
            books.tx("F2", "987.65", f"Zahlung {n2} {n3}", "PILATUS ZAHNRADBAHN AG"),
        ]
    )
    report = sync(books.t, books.code, use_addon=use_addon)
    assert report.addon_used is use_addon
    assert (report.reconciled, report.errors, report.refusals) == (2, [], [])
    assert books.states([i1, i2, i3]) == [("paid", 0.0)] * 3
    assert all(ln["is_reconciled"] for ln in books.lines())

    line_ids = [ln["id"] for ln in books.lines()]
    items = books.t.execute_kw(
        "account.move.line",
        "search_read",
        [[("statement_line_id", "in", line_ids)]],
        {
            "fields": [
                "statement_line_id",
                "account_id",
                "currency_id",
                "amount_currency",
                "balance",
            ]
        },
    )
    by_line: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        by_line.setdefault(item["statement_line_id"][0], []).append(item)
    worth = {"F1": Decimal("1111.11"), "F2": Decimal("1097.39")}  # the lines at 0.9 CHF/USD
    for line, tid in zip(line_ids, ("F1", "F2"), strict=True):
        counterparts = [i for i in by_line[line] if i["amount_currency"] < 0]
        assert {i["currency_id"][1] for i in counterparts} == {"CHF"}
        balances = sum(Decimal(str(i["balance"])) for i in counterparts)
        assert balances == -worth[tid]  # exactly the line's USD value, spread pro rata
    f2 = sorted(by_line[line_ids[1]], key=lambda i: i["amount_currency"])[:2]
    assert [(i["amount_currency"], i["balance"]) for i in f2] == [
        (-600.0, -666.67),  # 1,097.39 x 600 / 987.65
        (-387.65, -430.72),  # what is left of 1,097.39
    ]
    exchange_journal = books.t.execute_kw(
        "res.company", "read", [[1]], {"fields": ["currency_exchange_journal_id"]}
    )[0]["currency_exchange_journal_id"][0]
    exchange = _exchange_moves(books, [i1, i2, i3])
    assert len(exchange) == 3  # one per invoice, Odoo's own
    assert {(m["journal_id"][0], m["state"]) for m in exchange} == {(exchange_journal, "posted")}
    assert sorted(m["amount_total_signed"] for m in exchange) == [53.84, 83.33, 138.89]

    partials = books.partials()
    again = sync(books.t, books.code, use_addon=use_addon)
    assert again.reconciled == 0 and books.partials() == partials

    books.writer(addon=use_addon).undo(line_ids)
    assert books.states([i1, i2, i3]) == [
        ("not_paid", 1000.0),
        ("not_paid", 600.0),
        ("not_paid", 387.65),
    ]
    reversed_ = books.t.execute_kw(
        "account.move", "read", [[m["id"] for m in exchange]], {"fields": ["reversal_move_id"]}
    )
    assert all(m["reversal_move_id"] for m in reversed_)


def test_a_chf_journal_is_synced_over_plain_rpc_with_odoos_exchange_difference(
    odoo: LocalOdoo,
) -> None:
    _a_chf_journal_is_synced_like_any_other(odoo, use_addon=False)


def test_a_chf_journal_is_synced_through_the_addon_with_odoos_exchange_difference(
    odoo_addon: tuple[LocalOdoo, ModuleTestResult],
) -> None:
    server, _result = odoo_addon
    _a_chf_journal_is_synced_like_any_other(server, use_addon=True)
