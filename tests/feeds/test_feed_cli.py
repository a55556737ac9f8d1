"""``bankrec feed`` end to end: the real Enable Banking client against the fake Enable
Banking API on 127.0.0.1, configured only through the environment as a user would.

Banks, connect + complete with the pasted redirect address (and with ``--wait``), sync to
a folder twice (the second writes nothing), status and its exit codes, an expired
consent, and the promises about secrets: never on the command line, never printed,
missing settings named by their variable.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from bankrec.cli.main import main
from bankrec.feeds.fakes.enablebanking import (
    DEFAULT_APP_ID,
    DEFAULT_IBAN,
    FakeEnableBanking,
    generate_private_key_pem,
    public_key_pem,
)
from bankrec.feeds.fakes.server import FakeServer
from bankrec.feeds.registry import PROVIDERS, provider_module, required_settings
from bankrec.feeds.settings import (
    ENV_SETTINGS,
    FeedConfigError,
    load_settings,
)
from bankrec.feeds.state import load_state, save_state
from bankrec.statements.canonical import read_statement_csv

REDIRECT = "https://erp.example.com/bankrec/callback"
SECOND_IBAN = "FR7617515900000800000000155"


@pytest.fixture(scope="module")
def key_pem() -> str:
    return generate_private_key_pem()


@pytest.fixture
def fake(key_pem: str) -> Iterator[tuple[FakeEnableBanking, str]]:
    app = FakeEnableBanking(public_key_pem(key_pem))
    with FakeServer(app) as server:
        yield app, server.url


@pytest.fixture
def env(
    fake: tuple[FakeEnableBanking, str], key_pem: str, tmp_path: Path, monkeypatch
) -> dict[str, str]:
    """The environment a user sets: application id, key file, and (for the tests) the
    fake's URL and a state file of our own."""
    key_file = tmp_path / "enablebanking.pem"
    key_file.write_text(key_pem, encoding="ascii")
    key_file.chmod(0o600)
    values = {
        "BANKREC_ENABLEBANKING_APP_ID": DEFAULT_APP_ID,
        "BANKREC_ENABLEBANKING_KEY_FILE": str(key_file),
        "BANKREC_ENABLEBANKING_URL": fake[1],
        "BANKREC_FEEDS_STATE": str(tmp_path / "state" / "feeds.json"),
        "BANKREC_FEED_REDIRECT_URL": REDIRECT,
    }
    for name in list(os.environ):
        if name.startswith("BANKREC_"):
            monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


class Run:
    """One ``bankrec`` command run in-process: its status and what it printed."""

    def __init__(self, status: int, out: str, err: str) -> None:
        self.status, self.out, self.err = status, out, err


@pytest.fixture
def bankrec(capsys, env) -> Iterator:
    runs: list[Run] = []

    def run(*args: str) -> Run:
        status = main(["feed", *args])
        captured = capsys.readouterr()
        runs.append(Run(status, captured.out, captured.err))
        return runs[-1]

    run.runs = runs  # type: ignore[attr-defined]
    yield run


def state_path(env: dict[str, str]) -> Path:
    return Path(env["BANKREC_FEEDS_STATE"])


def connect(bankrec, app: FakeEnableBanking, env, bank: str = "BNP Paribas") -> Run:
    """Start the consent, give it at the (fake) bank, paste the address we come back to."""
    started = bankrec("connect", "--provider", "enablebanking", "--country", "FR", "--bank", bank)
    assert started.status == 0, started.err
    (pending,) = json.loads(state_path(env).read_text(encoding="utf-8"))["pending"]
    assert pending["url"] in started.out
    back = f"{REDIRECT}?{urlencode(app.redirect_params(pending['url']))}"
    return bankrec("connect", "--complete", "--redirect", back)


def one_error_line(run: Run, status: int = 2) -> str:
    assert run.status == status, (run.out, run.err)
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bankrec: error: "), run.err
    assert "Traceback" not in run.err
    return lines[0]


# -- banks and connect ------------------------------------------------------------------------


def test_banks_lists_the_countrys_banks_with_bic_and_longest_consent(bankrec):
    got = bankrec("banks", "--provider", "enablebanking", "--country", "fr")
    assert got.status == 0
    lines = got.out.splitlines()
    assert lines == sorted(lines, key=str.casefold) and len(lines) == 3
    assert "BNP Paribas  BNPAFRPP  (consent up to 180 days)" in lines
    assert not any("Commerzbank" in line for line in lines)


def test_connect_and_complete_with_the_pasted_redirect_stores_the_connection(bankrec, fake, env):
    app, _url = fake
    app.add_account(SECOND_IBAN, name="Compte epargne")
    done = connect(bankrec, app, env, bank="bnp")  # a unique part of the name is enough
    assert done.status == 0, done.err
    assert done.out.startswith("connected BNP Paribas through enablebanking: 2 accounts")
    assert DEFAULT_IBAN in done.out and SECOND_IBAN in done.out
    state = load_state(state_path(env))
    assert state.pending == []
    (connection,) = state.connections
    assert connection.id in app.sessions
    assert {a.iban for a in connection.accounts} == {DEFAULT_IBAN, SECOND_IBAN}
    assert connection.valid_until is not None


def test_an_unknown_bank_is_one_line_with_suggestions(bankrec):
    got = bankrec(
        "connect", "--provider", "enablebanking", "--country", "FR", "--bank", "BNP Parisbas"
    )
    line = one_error_line(got)
    assert "no bank called 'BNP Parisbas'" in line and "did you mean: BNP Paribas" in line


def test_a_refused_consent_and_a_foreign_redirect_are_one_line_each(bankrec, fake, env):
    app, _url = fake
    bankrec("connect", "--provider", "enablebanking", "--country", "FR", "--bank", "KBC",
            "--days", "30")  # fmt: skip
    assert "no bank called" in bankrec.runs[-1].err  # KBC is Belgian
    started = bankrec("connect", "--provider", "enablebanking", "--country", "FR",
                      "--bank", "Crédit Agricole")  # fmt: skip
    assert started.status == 0
    (pending,) = load_state(state_path(env)).pending
    refused = f"{REDIRECT}?{urlencode(app.refusal_params(pending.link.url))}"
    line = one_error_line(bankrec("connect", "--complete", "--redirect", refused))
    assert "did not give consent: The user cancelled the authorisation" in line

    foreign = f"{REDIRECT}?code=abc&state=not-ours"
    assert "no pending consent matches" in one_error_line(
        bankrec("connect", "--complete", "--redirect", foreign)
    )
    bare = one_error_line(bankrec("connect", "--complete", "--redirect", REDIRECT))
    assert "paste the whole address" in bare
    assert load_state(state_path(env)).connections == []


def test_a_consent_longer_than_the_bank_grants_is_refused_before_any_link(bankrec, env):
    got = bankrec("connect", "--provider", "enablebanking", "--country", "FR",
                  "--bank", "Crédit Agricole", "--days", "120")  # fmt: skip
    assert "at most 90 days" in one_error_line(got)
    assert not state_path(env).exists()


def test_connect_wait_receives_the_redirect_on_a_local_port(env):
    with socket.socket() as probe:  # a free port for the local redirect URL
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    redirect = f"http://127.0.0.1:{port}/cb"
    child = subprocess.Popen(
        [sys.executable, "-m", "bankrec.cli.main", "feed", "connect", "--provider",
         "enablebanking", "--country", "FR", "--bank", "BNP Paribas", "--redirect-url",
         redirect, "--wait", "--timeout", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env},
    )  # fmt: skip
    assert child.stdout is not None
    lines = []
    while not any(line.startswith("Waiting for the bank") for line in lines):
        line = child.stdout.readline()
        assert line, child.stderr.read() if child.stderr else ""
        lines.append(line)
    link = lines[1].strip()
    # the person's browser: the consent page sends it on to the local redirect URL
    answer = requests.get(link, timeout=30)
    assert answer.status_code == 200 and "you can close this window" in answer.text
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert out.startswith("connected BNP Paribas")
    assert len(load_state(state_path(env)).connections) == 1


# -- sync -------------------------------------------------------------------------------------


def test_sync_to_a_folder_twice_writes_each_booked_transaction_once(bankrec, fake, env, tmp_path):
    app, _url = fake
    today = dt.date.today()
    assert connect(bankrec, app, env).status == 0
    app.add_transactions(DEFAULT_IBAN, 700, today - dt.timedelta(days=60), seed=3)
    booked = app.booked(DEFAULT_IBAN)
    out = tmp_path / "out"

    first = bankrec("sync", "--to-dir", str(out))
    assert first.status == 0, first.err
    (line,) = first.out.splitlines()
    since = (today - dt.timedelta(days=90)).isoformat()
    assert line.startswith(f"{DEFAULT_IBAN} (Compte courant): fetched {len(booked)} since {since}")
    assert f"{len(booked)} new, 0 already known" in line
    (written,) = out.glob("*.csv")
    rows = read_statement_csv(written)
    assert len(rows) == len({r.id for r in rows}) == len(booked)
    assert "bankrec: synced 1 of 1 accounts" in first.err

    second = bankrec("sync", "--to-dir", str(out))
    assert second.status == 0
    last_day = max(r.date for r in rows)
    assert f"since {(last_day - dt.timedelta(days=7)).isoformat()}: 0 new" in second.out
    assert list(out.glob("*.csv")) == [written]

    # the bank books more: the third sync writes just those, in a second file
    app.add_transactions(DEFAULT_IBAN, 40, today - dt.timedelta(days=2), seed=4, days=2)
    third = bankrec("sync", "--to-dir", str(out))
    fresh = len(app.booked(DEFAULT_IBAN)) - len(booked)
    assert f": {fresh} new" in third.out and fresh > 0
    ids = [r.id for path in sorted(out.glob("*.csv")) for r in read_statement_csv(path)]
    assert len(ids) == len(set(ids)) == len(app.booked(DEFAULT_IBAN))


def test_sync_waits_out_a_rate_limit_and_retries(bankrec, fake, env, tmp_path):
    app, _url = fake
    assert connect(bankrec, app, env).status == 0
    app.add_transactions(DEFAULT_IBAN, 250, dt.date.today() - dt.timedelta(days=20), seed=5)
    app.rate_limit_next(0, times=2)  # "retry now": the client must retry, not fail
    got = bankrec("sync", "--to-dir", str(tmp_path / "out"))
    assert got.status == 0, got.err
    assert f"{len(app.booked(DEFAULT_IBAN))} new" in got.out
    assert app.calls("GET", "/accounts/") == 2 + 3  # two 429s, then three pages of 100


def test_an_expired_consent_is_one_line_per_account_and_exit_status_1(bankrec, fake, env, tmp_path):
    app, _url = fake
    assert connect(bankrec, app, env).status == 0
    (connection,) = load_state(state_path(env)).connections
    app.expire(connection.id)
    got = bankrec("sync", "--to-dir", str(tmp_path / "out"))
    assert got.status == 1
    (line,) = got.out.splitlines()
    assert line.startswith(f"{DEFAULT_IBAN} (Compte courant): not synced: ")
    assert "expired" in line and "connect BNP Paribas again" in line
    assert "Traceback" not in got.err


def test_connecting_again_after_expiry_renews_the_connection_and_keeps_its_history(
    bankrec, fake, env, tmp_path
):
    app, _url = fake
    assert connect(bankrec, app, env).status == 0
    app.add_transactions(DEFAULT_IBAN, 200, dt.date.today() - dt.timedelta(days=30), seed=9)
    out = tmp_path / "out"
    assert bankrec("sync", "--to-dir", str(out)).status == 0
    (old,) = load_state(state_path(env)).connections
    last_booked = load_state(state_path(env)).syncs.popitem()[1].last_booked
    app.expire(old.id)
    assert bankrec("sync", "--to-dir", str(out)).status == 1
    assert bankrec("status", "--check").status == 1

    again = connect(bankrec, app, env)
    assert again.status == 0, again.err
    assert f"it renews connection {old.id}" in again.out
    state = load_state(state_path(env))
    (new,) = state.connections
    assert new.id != old.id and new.accounts[0].id != old.accounts[0].id  # new uids
    assert state.last_sync(new, new.accounts[0]).last_booked == last_booked
    assert bankrec("status").status == 0
    synced = bankrec("sync", "--to-dir", str(out))
    assert synced.status == 0
    assert f"since {(last_booked - dt.timedelta(days=7)).isoformat()}: 0 new" in synced.out


def test_sync_usage_errors_are_one_line(bankrec, fake, env, tmp_path):
    app, _url = fake
    assert "no connected bank account" in one_error_line(bankrec("sync", "--to-dir", str(tmp_path)))
    assert connect(bankrec, app, env).status == 0
    assert "is not a date" in one_error_line(
        bankrec("sync", "--to-dir", str(tmp_path), "--since", "31/12/2026")
    )
    assert "no connected account 'XX00'" in one_error_line(
        bankrec("sync", "--to-dir", str(tmp_path), "--account", "XX00")
    )
    assert "--journal goes with --odoo" in one_error_line(
        bankrec("sync", "--to-dir", str(tmp_path), "--journal", "BNK1")
    )
    assert "needs --url, --db, --user, --journal" in one_error_line(bankrec("sync", "--odoo"))


# -- status -----------------------------------------------------------------------------------


def set_valid_until(env, moment: dt.datetime) -> None:
    import dataclasses

    state = load_state(state_path(env))
    state.connections = [dataclasses.replace(c, valid_until=moment) for c in state.connections]
    save_state(state, state_path(env))


def test_status_shows_accounts_last_sync_and_days_left(bankrec, fake, env, tmp_path):
    app, _url = fake
    assert "no bank connected yet" in bankrec("status").out
    assert connect(bankrec, app, env).status == 0
    app.add_transactions(DEFAULT_IBAN, 30, dt.date.today() - dt.timedelta(days=10), seed=6)
    bankrec("sync", "--to-dir", str(tmp_path / "out"))

    got = bankrec("status")
    assert got.status == 0, got.out
    head, account = got.out.splitlines()
    assert head.startswith("BNP Paribas through enablebanking (connection ")
    assert "days left)" in head
    assert account.startswith(f"  {DEFAULT_IBAN} (Compte courant): last sync ")
    assert f"{len(app.booked(DEFAULT_IBAN))} fetched" in account

    checked = bankrec("status", "--check")
    assert checked.status == 0 and "[authorized until" in checked.out


def test_status_exits_1_when_a_consent_ends_within_7_days_or_has_ended(bankrec, fake, env):
    app, _url = fake
    assert connect(bankrec, app, env).status == 0
    now = dt.datetime.now(dt.UTC)

    set_valid_until(env, now + dt.timedelta(days=8, hours=1))
    assert bankrec("status").status == 0

    set_valid_until(env, now + dt.timedelta(days=3, hours=1))
    soon = bankrec("status")
    assert soon.status == 1
    assert "(3 days left)" in soon.out and "warning: BNP Paribas: consent ends on" in soon.out

    set_valid_until(env, now - dt.timedelta(days=1))
    gone = bankrec("status")
    assert gone.status == 1 and "consent EXPIRED on" in gone.out


def test_status_lists_a_pending_consent(bankrec, env):
    bankrec("connect", "--provider", "enablebanking", "--country", "FR", "--bank", "BNP Paribas")
    got = bankrec("status")
    assert got.status == 0
    assert got.out.startswith("pending consent: BNP Paribas through enablebanking, started ")


def test_a_damaged_state_file_stops_every_command_with_its_name(bankrec, env, tmp_path):
    path = state_path(env)
    path.parent.mkdir(parents=True)
    path.write_text('{"connections": [', encoding="utf-8")
    for args in (("status",), ("sync", "--to-dir", str(tmp_path))):
        line = one_error_line(bankrec(*args))
        assert str(path) in line and "damaged" in line
    assert path.read_text(encoding="utf-8") == '{"connections": ['


# -- secrets and settings ------------------------------------------------------------------------


def test_no_secret_is_ever_printed_or_stored(bankrec, fake, env, key_pem, tmp_path, monkeypatch):
    app, _url = fake
    assert connect(bankrec, app, env).status == 0
    app.add_transactions(DEFAULT_IBAN, 20, dt.date.today() - dt.timedelta(days=5), seed=7)
    bankrec("sync", "--to-dir", str(tmp_path / "out"))
    bankrec("status", "--check")
    # a wrong key: the API refuses the signed token
    other = tmp_path / "other.pem"
    other.write_text(generate_private_key_pem(), encoding="ascii")
    monkeypatch.setenv("BANKREC_ENABLEBANKING_KEY_FILE", str(other))
    refused = bankrec("banks", "--provider", "enablebanking", "--country", "FR")
    assert "refused the application's signed token" in one_error_line(refused)

    key_lines = [line for line in key_pem.splitlines() if "-----" not in line]
    printed = "".join(r.out + r.err for r in bankrec.runs)
    assert not any(line in printed for line in key_lines)
    assert "BEGIN" not in printed and "eyJ" not in printed  # no PEM, no JWT
    stored = state_path(env).read_text(encoding="utf-8")
    assert not any(line in stored for line in key_lines)
    assert oct(state_path(env).stat().st_mode & 0o777) == "0o600"


def test_missing_settings_name_the_variables_to_set(bankrec, env, monkeypatch):
    monkeypatch.delenv("BANKREC_ENABLEBANKING_APP_ID")
    monkeypatch.delenv("BANKREC_ENABLEBANKING_KEY_FILE")
    line = one_error_line(bankrec("banks", "--provider", "enablebanking", "--country", "FR"))
    assert "enablebanking is not configured: set BANKREC_ENABLEBANKING_APP_ID; " in line
    assert "BANKREC_ENABLEBANKING_KEY_FILE or BANKREC_ENABLEBANKING_KEY" in line
    monkeypatch.setenv("BANKREC_ENABLEBANKING_APP_ID", DEFAULT_APP_ID)
    monkeypatch.setenv("BANKREC_ENABLEBANKING_KEY_FILE", "/nonexistent/key.pem")
    line = one_error_line(bankrec("banks", "--provider", "enablebanking", "--country", "FR"))
    assert "/nonexistent/key.pem not found" in line


def test_secrets_cannot_be_given_on_the_command_line(bankrec, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["feed", "banks", "--provider", "enablebanking", "--country", "FR",
              "--client-secret", "x"])  # fmt: skip
    assert caught.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_a_bridge_secret_may_come_from_a_file_and_never_shows_in_errors(tmp_path):
    secret = tmp_path / "bridge-secret"
    secret.write_text("sk_live_0123456789abcdef\n", encoding="utf-8")
    settings = load_settings(
        "bridge",
        {"BANKREC_BRIDGE_CLIENT_ID": "client-1", "BANKREC_BRIDGE_CLIENT_SECRET_FILE": str(secret)},
    )
    assert settings.values["client_secret"] == "sk_live_0123456789abcdef"
    assert settings.sources["client_secret"] == "BANKREC_BRIDGE_CLIENT_SECRET_FILE"
    assert "sk_live" not in repr(settings)
    with pytest.raises(FeedConfigError, match="BANKREC_BRIDGE_CLIENT_ID"):
        load_settings("bridge", {"BANKREC_BRIDGE_CLIENT_SECRET": "sk_live_0123456789abcdef"})
    with pytest.raises(FeedConfigError, match="BANKREC_BRIDGE_CLIENT_SECRET_FILE: cannot read"):
        load_settings(
            "bridge",
            {"BANKREC_BRIDGE_CLIENT_ID": "c", "BANKREC_BRIDGE_CLIENT_SECRET_FILE": "/nonexistent"},
        )
    with pytest.raises(FeedConfigError, match="BANKREC_BRIDGE_URL must be an http"):
        load_settings(
            "bridge",
            {
                "BANKREC_BRIDGE_CLIENT_ID": "c",
                "BANKREC_BRIDGE_CLIENT_SECRET": "s",
                "BANKREC_BRIDGE_URL": "ftp://x",
            },
        )


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_every_provider_setting_has_its_variable(provider):
    """A setting added to a provider module without a variable here would be unreachable
    from the CLI (the generic BANKREC_<P>_<S> fallback hides nothing: this pins the map)."""
    settings = provider_module(provider).SETTINGS
    assert set(ENV_SETTINGS[provider]) == set(settings)
    assert all(s in settings for group in required_settings(provider) for s in group)


# -- the same commands with Bridge ---------------------------------------------------------------


def test_bridge_connect_complete_sync_and_status_through_the_cli(
    bankrec, env, tmp_path, monkeypatch
):
    from bankrec.feeds.fakes.bridge import FakeBridge

    app = FakeBridge()
    secret_file = tmp_path / "bridge-secret"
    secret_file.write_text(app.client_secret + "\n", encoding="utf-8")
    with FakeServer(app) as server:
        monkeypatch.setenv("BANKREC_BRIDGE_CLIENT_ID", app.client_id)
        monkeypatch.setenv("BANKREC_BRIDGE_CLIENT_SECRET_FILE", str(secret_file))
        monkeypatch.setenv("BANKREC_BRIDGE_URL", server.url)
        banks = bankrec("banks", "--provider", "bridge", "--country", "FR")
        assert banks.status == 0 and "Demo Bank" in banks.out
        started = bankrec(
            "connect", "--provider", "bridge", "--country", "FR", "--bank", "Demo Bank"
        )
        assert started.status == 0, started.err
        (pending,) = load_state(state_path(env)).pending
        back = f"{REDIRECT}?{urlencode(app.approve(pending.link.url))}"  # carries context
        done = bankrec("connect", "--complete", "--redirect", back)
        assert done.status == 0, done.err
        assert done.out.startswith("connected Demo Bank through bridge: 2 accounts")
        (connection,) = load_state(state_path(env)).connections
        checking = connection.accounts[0]
        app.add_transactions(checking.id, 120, dt.date.today() - dt.timedelta(days=40), seed=8)
        out = tmp_path / "bridge-out"
        first = bankrec("sync", "--to-dir", str(out), "--account", checking.id)
        assert first.status == 0, first.err
        assert f"{len(app.booked(checking.id))} new" in first.out
        again = bankrec("sync", "--to-dir", str(out), "--account", checking.id)
        assert ": 0 new" in again.out and len(list(out.glob("*.csv"))) == 1
        assert bankrec("status").status == 0
    printed = "".join(r.out + r.err for r in bankrec.runs)
    assert app.client_secret not in printed
    assert app.client_secret not in state_path(env).read_text(encoding="utf-8")
