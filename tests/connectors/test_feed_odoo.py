"""`bankrec feed sync --odoo` on a REAL Odoo 17: a bank connected through the (fake)
Enable Banking API, its booked transactions pushed to a bank journal as statement lines,
each exactly once -- after a sync cut off by an unreachable bank, and when synced again."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bankrec.cli.main import main
from bankrec.feeds.fakes.enablebanking import (
    DEFAULT_APP_ID,
    DEFAULT_IBAN,
    FakeEnableBanking,
    generate_private_key_pem,
    public_key_pem,
)
from bankrec.feeds.fakes.server import DROP, FakeServer
from tests.connectors.books import Books, currency_with_rates
from tests.odoo_server import LocalOdoo

pytestmark = pytest.mark.odoo

REDIRECT = "https://erp.example.com/bankrec/callback"


def test_feed_sync_pushes_each_booked_transaction_to_the_journal_once(
    odoo: LocalOdoo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    key = generate_private_key_pem()
    app = FakeEnableBanking(public_key_pem(key), page_size=50)
    key_file = tmp_path / "eb.pem"
    key_file.write_text(key, encoding="ascii")
    for name in list(os.environ):
        if name.startswith("BANKREC_"):
            monkeypatch.delenv(name)
    state = tmp_path / "feeds.json"
    with FakeServer(app) as server:
        for name, value in {
            "BANKREC_ENABLEBANKING_APP_ID": DEFAULT_APP_ID,
            "BANKREC_ENABLEBANKING_KEY_FILE": str(key_file),
            "BANKREC_ENABLEBANKING_URL": server.url,
            "BANKREC_FEEDS_STATE": str(state),
            "BANKREC_FEED_REDIRECT_URL": REDIRECT,
            "BANKREC_ODOO_PASSWORD": "admin",
        }.items():
            monkeypatch.setenv(name, value)
        books = Books(odoo, currency_id=currency_with_rates(odoo.transport(), "EUR", {}))
        args = ["--provider", "enablebanking", "--country", "FR", "--bank", "BNP Paribas"]
        assert main(["feed", "connect", *args]) == 0
        (pending,) = json.loads(state.read_text(encoding="utf-8"))["pending"]
        back = f"{REDIRECT}?{urlencode(app.redirect_params(pending['url']))}"
        assert main(["feed", "connect", "--complete", "--redirect", back]) == 0
        start = dt.date.today() - dt.timedelta(days=40)
        app.add_transactions(DEFAULT_IBAN, 400, start, seed=7)
        booked = app.booked(DEFAULT_IBAN)
        capsys.readouterr()

        sync = ["feed", "sync", "--odoo", "--url", odoo.url, "--db", odoo.db, "--user",
                "admin", "--journal", books.code, "--since", start.isoformat()]  # fmt: skip
        app.fail_next(DROP, times=5, prefix="/accounts")  # unreachable for all 5 attempts
        cut = main(sync)
        assert cut == 1, capsys.readouterr()
        assert books.lines() == []  # nothing half-imported

        assert main(sync) == 0, capsys.readouterr().err
        lines = books.lines()
        assert len(lines) == len(booked)
        assert len({ln["ref"] for ln in lines}) == len(booked)
        total = sum(Decimal(t["transaction_amount"]["amount"]) * (
            1 if t["credit_debit_indicator"] == "CRDT" else -1) for t in booked)  # fmt: skip
        assert sum(Decimal(str(ln["amount"])) for ln in lines) == total

        capsys.readouterr()
        assert main(sync) == 0
        assert ": 0 new" in capsys.readouterr().out
        assert len(books.lines()) == len(booked)  # synced again: nothing twice
