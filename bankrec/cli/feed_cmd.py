"""``bankrec feed``: connect a bank through an aggregator, sync its transactions, watch consent.

* ``feed banks`` lists the banks of a country a provider can connect to;
* ``feed connect`` starts a read-only consent and prints the link to open; the person
  gives consent at their bank, is sent back to the redirect URL, and either pastes that
  address into ``feed connect --complete --redirect URL`` or -- with ``--wait`` and a
  redirect URL on 127.0.0.1/localhost -- the command receives it itself;
* ``feed sync`` fetches every connected account's booked transactions since the last
  sync (minus a few days' overlap) into canonical CSV files or an Odoo bank journal, each
  transaction exactly once however often it is re-run;
* ``feed status`` shows connections, accounts, last syncs and consent expiry; exit status
  1 when a consent has expired or ends within :data:`WARN_DAYS` days.

Provider secrets come from the environment or files (:mod:`bankrec.feeds.settings`), never
from the command line; what the commands keep (the aggregator's session ids and tokens,
never bank credentials) is in the state file of :mod:`bankrec.feeds.state`.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import difflib
import os
import secrets
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qsl, urlsplit

from bankrec.cli.odoo_cmd import connect_odoo, connection_options
from bankrec.cli.progress import Reporter
from bankrec.errors import BankrecError
from bankrec.feeds.errors import FeedError
from bankrec.feeds.provider import Bank, Connection, FeedAccount, FeedProvider
from bankrec.feeds.registry import PROVIDERS
from bankrec.feeds.settings import provider_from_env
from bankrec.feeds.state import (
    FeedState,
    PendingConsent,
    default_state_path,
    load_state,
    save_state,
)
from bankrec.feeds.sync import Progress, account_label
from bankrec.feeds.sync_state import sync_accounts

WARN_DAYS = 7  # feed status warns (and exits 1) this many days before a consent ends
REDIRECT_ENV = "BANKREC_FEED_REDIRECT_URL"
DEFAULT_REDIRECT = "http://127.0.0.1:8765/bankrec/callback"
DEFAULT_DAYS = 90
WAIT_SECONDS = 600.0

ProviderFactory = Callable[[str], FeedProvider]


def register(sub: Any) -> None:
    """Add the ``feed`` command group (``banks``, ``connect``, ``sync``, ``status``)."""
    parser = sub.add_parser(
        "feed",
        help="live bank feeds: connect a bank through an aggregator and sync its transactions",
        description=(
            "Connect a bank once through Enable Banking or Bridge (read-only consent), then "
            "sync its booked transactions into canonical CSV files or an Odoo bank journal. "
            "Provider settings come from the environment: see docs/feeds.md."
        ),
    )
    feed_sub = parser.add_subparsers(dest="feed_command", metavar="FEED_COMMAND")
    feed_sub.required = True
    providers = sorted(PROVIDERS)

    banks = feed_sub.add_parser(
        "banks", help="list the banks of a country", description="List the banks of a "
        "country the provider can connect to (name, BIC, longest consent)."
    )  # fmt: skip
    banks.add_argument("--provider", required=True, choices=providers)
    banks.add_argument("--country", required=True, metavar="CC", help="ISO country code, e.g. FR")
    banks.set_defaults(handler=run_banks)

    connect = feed_sub.add_parser(
        "connect",
        help="start a bank consent, or complete it with the address the bank sent you back to",
        description=(
            "Without --complete: print the consent link for --bank and remember the pending "
            "consent. After giving consent, complete it with --complete --redirect 'URL' "
            "(the address the browser was sent back to), or use --wait to receive it on a "
            "local redirect URL (http://127.0.0.1:PORT/...)."
        ),
    )
    connect.add_argument("--provider", choices=providers)
    connect.add_argument("--country", metavar="CC", help="the bank's country, e.g. FR")
    connect.add_argument("--bank", metavar="NAME", help="the bank's name as `feed banks` lists it")
    connect.add_argument(
        "--redirect-url",
        default=os.environ.get(REDIRECT_ENV) or DEFAULT_REDIRECT,
        metavar="URL",
        help="where the bank sends the person back; must be registered with the provider "
        f"(default: ${REDIRECT_ENV}, else {DEFAULT_REDIRECT})",
    )
    connect.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help=f"consent validity (default {DEFAULT_DAYS})"
    )
    connect.add_argument(
        "--wait",
        action="store_true",
        help="wait for the bank's redirect on the local redirect URL and complete at once",
    )
    connect.add_argument(
        "--timeout", type=float, default=WAIT_SECONDS, help="seconds --wait waits (default 600)"
    )
    connect.add_argument(
        "--complete", action="store_true", help="complete a pending consent (second step)"
    )
    connect.add_argument(
        "--redirect", metavar="URL", help="with --complete: the address the bank sent you back to"
    )
    connect.add_argument("--code", help="with --complete: the code alone, if that is what you have")
    connect.add_argument(
        "--consent-state", metavar="STATE", help="with --code: which pending consent (its state)"
    )
    _state_option(connect)
    connect.set_defaults(handler=run_connect)

    sync = feed_sub.add_parser(
        "sync",
        help="fetch new booked transactions into CSV files or an Odoo journal",
        description=(
            "Fetch the booked transactions of every connected account since its last sync "
            "(minus a few days' overlap; the first time 90 days, or --since) and write the "
            "new ones as canonical CSV into --to-dir (one file per account and sync) or as "
            "statement lines on an Odoo journal. Safe to interrupt and run again: each "
            "transaction is delivered once."
        ),
    )
    target = sync.add_mutually_exclusive_group(required=True)
    target.add_argument("--to-dir", type=Path, metavar="DIR", help="folder of canonical CSV files")
    target.add_argument("--odoo", action="store_true", help="push to an Odoo bank journal")
    sync.add_argument("--since", metavar="YYYY-MM-DD", help="first booking day to fetch")
    sync.add_argument("--provider", choices=providers, help="only this provider's connections")
    sync.add_argument(
        "--account", metavar="IBAN_OR_ID", help="only this account (IBAN, name or provider id)"
    )
    connection_options(sync.add_argument_group("Odoo (with --odoo)"), required=False)
    sync.add_argument(
        "-q", "--quiet", action="store_true", help="no progress display and no summary on stderr"
    )
    _state_option(sync)
    sync.set_defaults(handler=run_sync)

    status = feed_sub.add_parser(
        "status",
        help="connections, accounts, last syncs and consent expiry",
        description=(
            "Show every connection with its accounts, last sync and consent expiry. Exit "
            f"status 1 when a consent has expired or ends within {WARN_DAYS} days."
        ),
    )
    status.add_argument(
        "--check", action="store_true", help="ask the providers for each consent's status"
    )
    _state_option(status)
    status.set_defaults(handler=run_status)


def _state_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--state",
        type=Path,
        metavar="PATH",
        help="the feed state file (default: $BANKREC_FEEDS_STATE, else "
        "~/.config/bankrec/feeds.json)",
    )


def _state_path(args: argparse.Namespace) -> Path:
    return Path(args.state).expanduser() if args.state else default_state_path()


def _providers() -> ProviderFactory:
    """One configured provider per name for the whole command (settings read once)."""
    made: dict[str, FeedProvider] = {}

    def get(name: str) -> FeedProvider:
        if name not in made:
            made[name] = provider_from_env(name)
        return made[name]

    return get


# -- banks ---------------------------------------------------------------------------


def run_banks(args: argparse.Namespace) -> int:
    provider = provider_from_env(args.provider)
    found = sorted(provider.banks(args.country.upper()), key=lambda b: b.name.casefold())
    for bank in found:
        bic = f"  {bank.bic}" if bank.bic else ""
        days = f"  (consent up to {bank.max_consent_days} days)" if bank.max_consent_days else ""
        print(f"{bank.name}{bic}{days}")
    if not found:
        print(f"no banks for country {args.country.upper()} at {args.provider}", file=sys.stderr)
    return 0


def find_bank(found: list[Bank], wanted: str, provider: str, country: str) -> Bank:
    """The bank called ``wanted`` (its id or name, any case; a unique partial name too)."""
    key = wanted.strip().casefold()
    exact = [b for b in found if key in (b.id.casefold(), b.name.casefold())]
    if len(exact) == 1:
        return exact[0]
    partial = [b for b in found if key in b.name.casefold()]
    if len(partial) == 1 and not exact:
        return partial[0]
    names = [b.name for b in found]
    close = (
        [b.name for b in (exact or partial)][:5]
        or difflib.get_close_matches(wanted, names, n=5, cutoff=0.5)
    )  # fmt: skip
    hint = f"; did you mean: {', '.join(close)}" if close else ""
    what = "several banks match" if (exact or partial) else "no bank called"
    raise FeedError(
        f"{what} {wanted!r} at {provider} in {country}{hint} "
        f"(list them: bankrec feed banks --provider {provider} --country {country})"
    )


# -- connect -------------------------------------------------------------------------


def run_connect(args: argparse.Namespace) -> int:
    path = _state_path(args)
    state = load_state(path)  # a damaged state file stops us before anything starts
    if args.complete:
        params = _complete_params(args)
        connection, renewed = complete_consent(state, params, _providers())
        save_state(state, path)
        print(connected_lines(connection, renewed))
        return 0
    missing = [f"--{n}" for n in ("provider", "country", "bank") if not getattr(args, n)]
    if missing:
        raise BankrecError(
            f"feed connect needs {', '.join(missing)} (or --complete with --redirect URL)"
        )
    if args.days < 1:
        raise BankrecError(f"--days {args.days}: give a number of days >= 1")
    if args.redirect or args.code:
        raise BankrecError("--redirect and --code go with --complete")
    country = args.country.upper()
    provider = provider_from_env(args.provider)
    bank = find_bank(provider.banks(country), args.bank, args.provider, country)
    if bank.max_consent_days and args.days > bank.max_consent_days:
        raise BankrecError(
            f"{bank.name} grants consent for at most {bank.max_consent_days} days: "
            f"use --days {bank.max_consent_days} or fewer"
        )
    listener = LocalRedirect.for_url(args.redirect_url) if args.wait else None
    try:
        link = provider.connect(
            bank, redirect_url=args.redirect_url, state=new_state(),
            valid_days=args.days,
        )  # fmt: skip
        state.add_pending(
            PendingConsent(link, bank.name, country, args.redirect_url, dt.datetime.now(dt.UTC))
        )
        save_state(state, path)
        print(f"Open this link in a browser and give consent at {bank.name} ({args.days} days):")
        print(f"  {link.url}")
        if listener is None:
            print("Then run, with the address your browser was sent back to:")
            print("  bankrec feed connect --complete --redirect '<address>'")
            return 0
        print(f"Waiting for the bank to send you back to {args.redirect_url} ...", flush=True)
        params = listener.wait(link.state, args.timeout)
    finally:
        if listener is not None:
            listener.close()
    state = load_state(path)
    connection, renewed = complete_consent(state, params, _providers())
    save_state(state, path)
    print(connected_lines(connection, renewed))
    return 0


def new_state() -> str:
    """A fresh consent ``state``: 128 random bits in hex, which every provider carries back
    unchanged (Bridge's ``context`` accepts only letters, digits and dashes)."""
    return secrets.token_hex(16)


def _complete_params(args: argparse.Namespace) -> dict[str, str]:
    if args.redirect:
        return redirect_params(args.redirect)
    if args.code:
        params = {"code": args.code.strip()}
        if args.consent_state:
            params["state"] = args.consent_state.strip()
        return params
    raise BankrecError("feed connect --complete needs --redirect 'URL' (or --code CODE)")


def redirect_params(url: str) -> dict[str, str]:
    """The query (and fragment) parameters of the address the bank sent the person to."""
    parts = urlsplit(url.strip())
    params = dict(parse_qsl(parts.fragment)) if "=" in parts.fragment else {}
    params.update(parse_qsl(parts.query))
    if not params:
        raise BankrecError(
            "the redirect address has no parameters: paste the whole address your browser "
            "was sent back to (with ?code=...&state=...)"
        )
    return params


def complete_consent(
    state: FeedState, params: dict[str, str], providers: ProviderFactory
) -> tuple[Connection, list[Connection]]:
    """Finish the pending consent ``params`` belong to and store the connection in
    ``state``; return it and the older connections it renews (see
    :meth:`FeedState.supersede`).

    The pending consent is dropped only on success: after a network fault the same
    address can be pasted again.
    """
    if params.get("error"):
        text = params.get("error_description") or params["error"]
        raise FeedError(f"the bank did not give consent: {text[:200]}; start again with "
                        "bankrec feed connect")  # fmt: skip
    pending = _pending_for(state, params)
    if "state" not in params and "context" not in params:  # the person chose it (--code)
        params = {**params, "state": pending.link.state}
    provider = providers(pending.link.provider)
    connection = provider.complete(pending.link, params)
    if not connection.accounts:
        connection = dataclasses.replace(connection, accounts=tuple(provider.accounts(connection)))
    if pending.bank and connection.bank != pending.bank:  # the name the person chose
        connection = dataclasses.replace(connection, bank=pending.bank)
    state.pop_pending(pending.link.state)
    renewed = state.supersede(connection)
    return connection, renewed


def _pending_for(state: FeedState, params: dict[str, str]) -> PendingConsent:
    """The pending consent the redirect answers: by its ``state`` (Bridge calls it
    ``context``), else the only one pending."""
    wanted = params.get("state") or params.get("context")
    if wanted:
        for pending in state.pending:
            if secrets.compare_digest(pending.link.state, wanted):
                return pending
        raise FeedError(
            "no pending consent matches this address (its state differs): start again "
            "with bankrec feed connect"
        )
    if len(state.pending) == 1:
        return state.pending[0]
    if not state.pending:
        raise FeedError("no consent is pending: start one with bankrec feed connect")
    raise FeedError(
        f"{len(state.pending)} consents are pending: paste the whole redirect address "
        "(it carries the state), or give --consent-state"
    )


def connected_lines(connection: Connection, renewed: list[Connection]) -> str:
    """What ``connect`` prints once the consent is complete."""
    lines = [connected_line(connection)]
    lines += [f"it renews connection {old.id} (consent of {old.bank or old.provider}); its "
              "accounts' sync history carries over" for old in renewed]  # fmt: skip
    return "\n".join(lines)


def connected_line(connection: Connection) -> str:
    accounts = ", ".join(account_label(a) for a in connection.accounts) or "no accounts"
    until = ""
    if connection.valid_until:
        until = f"; consent valid until {connection.valid_until.date().isoformat()}"
    n = len(connection.accounts)
    plural = "s" if n != 1 else ""
    who = connection.bank or connection.provider
    return f"connected {who} through {connection.provider}: {n} account{plural} ({accounts}){until}"


class LocalRedirect:
    """A one-shot HTTP listener on 127.0.0.1 receiving the bank's redirect (``--wait``)."""

    def __init__(self, host: str, port: int, path: str) -> None:
        self.path = path or "/"
        self.received: dict[str, str] | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                params = dict(parse_qsl(parts.query))
                ours = parts.path == outer.path and bool(params)  # not the favicon
                self.send_response(200 if ours else 404)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.end_headers()
                if ours:
                    outer.received = params
                    self.wfile.write(b"bankrec: received, you can close this window.\n")

            def log_message(self, format: str, *args: Any) -> None:
                return

        try:
            self.server = HTTPServer((host, port), Handler)
        except OSError as exc:
            raise BankrecError(
                f"cannot listen on {host}:{port} for the redirect: "
                f"{(exc.strerror or str(exc)).lower()}; complete with --complete instead"
            ) from None
        self.server.timeout = 0.5

    @classmethod
    def for_url(cls, url: str) -> LocalRedirect:
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost"):
            raise BankrecError(
                f"--wait needs a redirect URL on this machine (http://127.0.0.1:PORT/...), "
                f"not {url}; complete with --complete --redirect instead"
            )
        return cls("127.0.0.1", parts.port or 80, parts.path)

    def wait(self, state: str, timeout: float) -> dict[str, str]:
        """The parameters of the first redirect that carries ``state`` (or an error)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.server.handle_request()
            got = self.received
            echoed = (got.get("state") or got.get("context")) if got else None  # Bridge: context
            if got is not None and (echoed == state or "error" in got):
                return got
            self.received = None
        raise FeedError(
            f"no redirect within {timeout:.0f} s; complete later with bankrec feed connect "
            "--complete --redirect 'URL'"
        )

    def close(self) -> None:
        self.server.server_close()


# -- sync ----------------------------------------------------------------------------


def run_sync(args: argparse.Namespace) -> int:
    path = _state_path(args)
    state = load_state(path)
    since = _parse_date(args.since, "--since") if args.since else None
    selected = select_accounts(state, args.provider, args.account)
    sink = _sink(args, selected)
    out = sys.stdout
    with Reporter(quiet=args.quiet) as reporter:

        def progress_for(account: FeedAccount) -> Progress:
            task = reporter.task(f"fetching {account_label(account)}", None)
            return lambda n: task.update(completed=n)

        reports = sync_accounts(
            state,
            selected,
            _providers(),
            sink,
            lambda s: save_state(s, path),
            since=since,
            progress_for=progress_for,
            on_report=lambda report: _say(report.line(), out),
        )
    new = sum(r.new for r in reports)
    failed = sum(1 for r in reports if not r.ok)
    calls = sum(r.calls or 0 for r in reports)
    reporter.finish(
        f"synced {len(reports) - failed} of {len(reports)} accounts: {new:,} new "
        f"transactions, {calls:,} calls"
    )
    return 1 if failed else 0


def _say(line: str, out: TextIO) -> None:
    """A result line on stdout, above the progress bar when both share the terminal (rich
    then routes ``print`` around its bar), straight to the file otherwise."""
    if out.isatty():
        print(line, flush=True)
    else:
        print(line, file=out, flush=True)


def select_accounts(
    state: FeedState, provider: str | None, account: str | None
) -> list[tuple[Connection, FeedAccount]]:
    """The (connection, account) pairs to sync, filtered by provider and account."""
    pairs = [
        (c, a) for c in state.connections for a in c.accounts
        if provider is None or c.provider == provider
    ]  # fmt: skip
    if not pairs:
        raise BankrecError(
            "no connected bank account"
            + (f" at {provider}" if provider else "")
            + ": connect one with bankrec feed connect"
        )
    if account is None:
        return pairs
    key = account.replace(" ", "").casefold()
    chosen = [
        (c, a) for c, a in pairs
        if key in (a.id.casefold(), a.iban.replace(" ", "").casefold(), a.name.casefold())
    ]  # fmt: skip
    if not chosen:
        known = ", ".join(account_label(a) for _c, a in pairs)
        raise BankrecError(f"no connected account {account!r} (connected: {known})")
    return chosen


def _sink(args: argparse.Namespace, selected: list[tuple[Connection, FeedAccount]]) -> Any:
    if args.to_dir is not None:
        if args.journal:
            raise BankrecError("--journal goes with --odoo, not --to-dir")
        from bankrec.feeds.sync_csv import CsvDirectorySink

        return CsvDirectorySink(Path(args.to_dir).expanduser())
    missing = [f"--{n}" for n in ("url", "db", "user", "journal") if not getattr(args, n)]
    if missing:
        raise BankrecError(f"feed sync --odoo needs {', '.join(missing)} (--url, --db and "
                           "--user may come from $BANKREC_ODOO_URL/_DB/_USER)")  # fmt: skip
    if len(selected) > 1:
        known = ", ".join(account_label(a) for _c, a in selected)
        raise BankrecError(
            f"--odoo pushes one account into journal {args.journal}: choose it with "
            f"--account (connected: {known})"
        )
    from connectors.odoo.feed_sink import OdooJournalSink
    from connectors.odoo.reader import Currencies, find_journal

    client = connect_odoo(args)
    journal = find_journal(client, args.journal, Currencies(client), args.company)
    return OdooJournalSink(client, journal)


def _parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BankrecError(f"{option} {text!r} is not a date (expected YYYY-MM-DD)") from None


# -- status --------------------------------------------------------------------------


def run_status(args: argparse.Namespace) -> int:
    path = _state_path(args)
    state = load_state(path)
    now = dt.datetime.now(dt.UTC)
    if not state.connections and not state.pending:
        print(f"no bank connected yet ({path}): start with bankrec feed connect")
        return 0
    warnings: list[str] = []
    providers = _providers() if args.check else None
    changed = False
    for connection in list(state.connections):
        detail = ""
        if providers is not None:
            status = providers(connection.provider).consent_status(connection)
            detail = f" [{status.detail}]" if status.detail else ""
            if status.valid_until and status.valid_until != connection.valid_until:
                connection = dataclasses.replace(connection, valid_until=status.valid_until)
                state.replace_connection(connection)
                changed = True
            if not status.valid:
                warnings.append(f"{connection.bank}: consent no longer valid{detail}")
        consent, warning = consent_text(connection, now)
        if warning:
            warnings.append(f"{connection.bank or connection.provider}: {warning}")
        print(f"{connection.bank or '?'} through {connection.provider} (connection "
              f"{connection.id}): {consent}{detail}")  # fmt: skip
        for account in connection.accounts:
            print(f"  {account_label(account)}: {last_sync_text(state, connection, account)}")
    for pending in state.pending:
        print(
            f"pending consent: {pending.bank} through {pending.link.provider}, started "
            f"{pending.created.strftime('%Y-%m-%d %H:%M')} UTC (complete it with bankrec "
            "feed connect --complete --redirect 'URL')"
        )
    if changed:
        save_state(state, path)
    for warning in warnings:
        print(f"warning: {warning}")
    return 1 if warnings else 0


def consent_text(connection: Connection, now: dt.datetime) -> tuple[str, str]:
    """(``consent valid until D (N days left)``, a warning when expired or ending soon)."""
    until = connection.valid_until
    if until is None:
        return "consent expiry unknown", ""
    day = until.date().isoformat()
    if until <= now:
        return (f"consent EXPIRED on {day}",
                f"consent expired on {day}: connect the bank again")  # fmt: skip
    left = (until - now).days
    text = f"consent valid until {day} ({left} day{'s' if left != 1 else ''} left)"
    if until - now <= dt.timedelta(days=WARN_DAYS):
        return text, f"consent ends on {day}, in {left} days: connect the bank again soon"
    return text, ""


def last_sync_text(state: FeedState, connection: Connection, account: FeedAccount) -> str:
    last = state.last_sync(connection, account)
    if last is None:
        return "never synced"
    booked = f", booked up to {last.last_booked.isoformat()}" if last.last_booked else ""
    return (f"last sync {last.time.strftime('%Y-%m-%d %H:%M')} UTC{booked}, "
            f"{last.count:,} fetched, {last.new:,} new")  # fmt: skip
