"""`bankrec odoo`: the password never comes from the command line."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bankrec.cli.main import main

CONN = ["--url", "http://127.0.0.1:9", "--db", "x", "--user", "me", "--journal", "BNK1"]


def test_there_is_no_password_option() -> None:
    with pytest.raises(SystemExit) as info:
        main(["odoo", "sync", *CONN, "--password", "secret"])
    assert info.value.code == 2


def test_without_env_var_and_terminal_the_password_is_asked_for_clearly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BANKREC_ODOO_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["odoo", "sync", *CONN]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "set BANKREC_ODOO_PASSWORD" in err


def test_bad_writeoff_limit_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["odoo", "sync", *CONN, "--max-writeoff", "lots"]) == 2
    assert "--max-writeoff 'lots' is not an amount" in capsys.readouterr().err


def test_company_lock_and_writeoff_options_reach_the_sync_and_the_summary_is_honest(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A re-run after a killed run: lines an earlier run booked are said, not counted left."""
    from connectors.odoo import sync as sync_module
    from connectors.odoo.sync import SyncReport

    seen: dict[str, Any] = {}

    def fake_sync(
        client: object, journal: str, rules: object, config: Any, dry_run: bool, **kw: Any
    ) -> SyncReport:
        seen.update(kw, journal=journal, config=config)
        return SyncReport(
            read=508,
            items=600,
            matched=470,
            reconciled=270,
            already_booked=200,
            skipped=200,
            left=38,
            partly_booked=3,
            locked=False,
            lock_note="",
        )

    monkeypatch.setenv("BANKREC_ODOO_PASSWORD", "pw")
    monkeypatch.setattr("bankrec.cli.odoo_cmd.connect_odoo", lambda args: object())
    monkeypatch.setattr(sync_module, "sync", fake_sync)
    argv = ["odoo", "sync", *CONN, "--company", "My Belgian Company", "--no-lock", "-q"]
    assert main([*argv, "--writeoff-account", "620000", "--max-writeoff", "25"]) == 0
    assert seen["company"] == "My Belgian Company" and seen["lock"] is False
    assert seen["config"].write.max_writeoff == Decimal("25")
    out, err = capsys.readouterr()
    assert (
        "read 508 lines and 600 open items: matched 470, reconciled 270, already booked 200, "
        "suggested 0, left 38, errors 0" in out
    )
    assert "3 lines a person started to book were left alone" in out
    assert "written without the journal lock of BNK1 (--no-lock)" in err
    assert main([*argv[:-4], "-q"]) == 0
    assert seen["lock"] is True and seen["company"] is None
