"""`bankrec odoo`: the password never comes from the command line."""

from __future__ import annotations

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
