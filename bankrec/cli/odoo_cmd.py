"""``bankrec odoo sync`` and ``bankrec odoo import``: work with a live Odoo 17 over RPC.

The password or API key comes from ``BANKREC_ODOO_PASSWORD`` or a prompt, never from the
command line (shell history, ``ps``) and is never printed. Connection errors,
authentication, access rights and missing modules are reported in one line.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from bankrec.cli.progress import Reporter, Task
from bankrec.errors import BankrecError
from bankrec.matching import MatchConfig
from bankrec.statements.importing import import_files

PASSWORD_ENV = "BANKREC_ODOO_PASSWORD"


def register(sub: Any) -> None:
    """Add the ``odoo`` command group (``sync``, ``import``)."""
    parser = sub.add_parser(
        "odoo",
        help="sync bank lines and open items with Odoo 17 over XML-RPC / JSON-RPC",
        description="Read, match and write back reconciliations on an Odoo 17 server.",
    )
    odoo_sub = parser.add_subparsers(dest="odoo_command", metavar="ODOO_COMMAND")
    odoo_sub.required = True

    sync_p = odoo_sub.add_parser(
        "sync",
        help="match a bank journal's open lines with Odoo's open items and write back",
        description=(
            "Read the journal's unreconciled statement lines and all open invoices, bills "
            "and credit notes, match them, and reconcile the lines the matcher is sure of. "
            "Suggestions are reported, not written. Safe to run again."
        ),
    )
    connection_options(sync_p)
    sync_p.add_argument("--dry-run", action="store_true", help="print what would be written")
    sync_p.add_argument(
        "--rules", nargs="+", action="extend", default=[], metavar="PATH", help="rule files/dirs"
    )
    sync_p.add_argument("--config", type=Path, help="matcher settings (match.yaml)")
    sync_p.add_argument(
        "--writeoff-account", default="", metavar="CODE", help="account for small differences"
    )
    sync_p.add_argument(
        "--max-writeoff",
        metavar="AMOUNT",
        help="largest difference written off (default: writeoff_max of --config, else "
        f"{MatchConfig().writeoff_max}); with --writeoff-account, a sure match whose only "
        "doubt is such a difference (within writeoff_ratio of the invoice, too) is booked "
        "without confirmation",
    )
    sync_p.add_argument("--fee-account", default="", metavar="CODE", help="default fee account")
    sync_p.add_argument(
        "--expense-account", default="", metavar="CODE", help="default expense account"
    )
    sync_p.add_argument(
        "--no-lock",
        dest="lock",
        action="store_false",
        help="write without taking the journal's lock (only when you are sure no other sync "
        "writes this journal: two at once book lines twice or undo each other's work)",
    )
    addon = sync_p.add_mutually_exclusive_group()
    addon.add_argument(
        "--addon",
        dest="use_addon",
        action="store_const",
        const=True,
        default=None,
        help="write through the bankrec add-on (error when it is not installed)",
    )
    addon.add_argument(
        "--no-addon",
        dest="use_addon",
        action="store_const",
        const=False,
        help="write over plain RPC even when the add-on is installed",
    )
    _quiet_option(sync_p)
    sync_p.set_defaults(handler=run_sync)

    imp = odoo_sub.add_parser(
        "import",
        help="create statement lines on a bank journal from a statement file",
        description=(
            "Read a bank statement file (any supported format) and create its lines on "
            "the journal; lines imported before (same import id) are not created again."
        ),
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--profile", type=Path, help="CSV/XLSX column mapping profile (YAML)")
    connection_options(imp)
    _quiet_option(imp)
    imp.set_defaults(handler=run_import)


def connection_options(parser: Any, *, required: bool = True) -> None:
    """Odoo's address, database, login, journal, company and protocol, on ``parser`` (or an
    argument group). ``required=False`` for commands where Odoo is one target of several
    (``feed sync --odoo``): the command then checks them itself."""
    env = os.environ.get
    parser.add_argument(
        "--url",
        default=env("BANKREC_ODOO_URL"),
        required=required and not env("BANKREC_ODOO_URL"),
        help="Odoo's address, e.g. https://erp.example.com (default: $BANKREC_ODOO_URL)",
    )
    parser.add_argument(
        "--db",
        default=env("BANKREC_ODOO_DB"),
        required=required and not env("BANKREC_ODOO_DB"),
        help="database name (default: $BANKREC_ODOO_DB)",
    )
    parser.add_argument(
        "--user",
        default=env("BANKREC_ODOO_USER"),
        required=required and not env("BANKREC_ODOO_USER"),
        metavar="LOGIN",
        help=f"login; the password or API key comes from ${PASSWORD_ENV} or a prompt "
        "(default: $BANKREC_ODOO_USER)",
    )
    parser.add_argument("--journal", required=required, metavar="CODE", help="bank journal code")
    parser.add_argument(
        "--company",
        metavar="NAME_OR_ID",
        help="the journal's company (its name or id), needed when the journal code exists "
        "in several companies",
    )
    parser.add_argument(
        "--protocol",
        choices=("xmlrpc", "jsonrpc"),
        default="xmlrpc",
        help="RPC protocol (default xmlrpc; jsonrpc goes through odoorpc)",
    )


def _quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress display and no summary on stderr"
    )


def _password(user: str) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise BankrecError(f"no password: set {PASSWORD_ENV} or run in a terminal to be asked")
    return getpass.getpass(f"Odoo password or API key for {user}: ")


def connect_odoo(args: argparse.Namespace) -> Any:
    from connectors.odoo.transport import connect

    return connect(args.url, args.db, args.user, _password(args.user), args.protocol)


def run_import(args: argparse.Namespace) -> int:
    from connectors.odoo.reader import Currencies, find_journal
    from connectors.odoo.statement_import import StatementImporter

    reporter = Reporter(quiet=args.quiet)
    # read, balance-check and de-duplicate the whole file before connecting: a bad file
    # creates nothing
    result = import_files([args.file], profile=args.profile)
    client = connect_odoo(args)
    currencies = Currencies(client)
    journal = find_journal(client, args.journal, currencies, args.company)
    importer = StatementImporter(client, journal)
    report = importer.import_statements([statement for _path, statement in result.statements])
    print(
        f"{args.file}: {report.created} new statement lines on {journal.code} in "
        f"{len(report.statement_ids)} new statements, {report.existing} already imported"
        + (f" ({report.loose} new lines of partly imported statements)" if report.loose else "")
    )
    reporter.finish(f"imported {len(result.transactions):,} transactions into {journal.code}")
    return 0


def run_sync(args: argparse.Namespace) -> int:
    from connectors.odoo.plan import WriteConfig
    from connectors.odoo.sync import SyncConfig, sync

    rules = _rules(args.rules)
    match_config = MatchConfig.from_yaml(args.config) if args.config else MatchConfig()
    max_writeoff = match_config.writeoff_max
    if args.max_writeoff is not None:
        try:
            max_writeoff = Decimal(args.max_writeoff)
        except InvalidOperation:
            raise BankrecError(f"--max-writeoff {args.max_writeoff!r} is not an amount") from None
        if not max_writeoff.is_finite() or max_writeoff < 0:
            raise BankrecError(f"--max-writeoff {args.max_writeoff!r} must be an amount >= 0")
    config = SyncConfig(
        match=match_config,
        write=WriteConfig(
            writeoff_account=args.writeoff_account,
            max_writeoff=max_writeoff,
            fee_account=args.fee_account,
            expense_account=args.expense_account,
        ),
    )
    client = connect_odoo(args)
    with Reporter(quiet=args.quiet) as reporter:
        tasks: dict[str, Task] = {}

        def progress(phase: str, n: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = reporter.task(phase, total)
            tasks[phase].update(advance=n)

        report = sync(
            client,
            args.journal,
            rules,
            config,
            args.dry_run,
            progress=progress,
            use_addon=args.use_addon,
            company=args.company,
            lock=args.lock,
        )
    if args.dry_run:
        print(f"dry run: {len(report.planned)} lines would be written, nothing was written")
        for p in report.planned:
            targets = ", ".join(f"{name} {amount}" for name, amount in p.targets)
            print(
                f"  line {p.line_id} {p.amount} {p.label[:40]!r} -> {p.booking}: {targets} "
                f"(confidence {p.confidence})"
            )
    for tid, what in report.suggestions:
        print(f"  suggested {tid}: {what} (not written: confirm it in Odoo)")
    for tid, reason in report.refusals:
        print(f"  not written {tid}: {reason}")
    for tid, message in report.errors:
        print(f"  error {tid}: {message}", file=sys.stderr)
    if report.lock_note:
        print(report.lock_note)
    if report.recovered:
        print(f"undid {report.recovered} lines an interrupted run left half-written")
    if report.half_written:
        print(
            f"{report.half_written} lines look half-written by an interrupted run (or are "
            "being written by another one): not undone without the journal lock; run again "
            "without --no-lock to repair them"
        )
    if not args.dry_run and not report.locked:
        print(f"written without the journal lock of {args.journal} (--no-lock)", file=sys.stderr)
    print(
        f"read {report.read} lines and {report.items} open items: matched {report.matched}, "
        f"reconciled {report.reconciled}, already booked {report.already_booked}, "
        f"suggested {report.suggested}, left {report.left}, errors {len(report.errors)}"
        + (" (dry run)" if args.dry_run else "")
        + ("; written through the bankrec add-on" if report.addon_used and not args.dry_run else "")
    )
    if report.partly_booked:
        print(f"{report.partly_booked} lines a person started to book were left alone")
    if report.foreign_currency:
        print(
            f"{report.foreign_currency} lines left for Odoo: bankrec cannot book their "
            "currencies safely (see the reasons above)"
        )
    reporter.finish(f"synced journal {args.journal}: {report.reconciled:,} lines reconciled")
    return 1 if report.errors else 0


def _rules(paths: list[str]) -> Any:
    if not paths:
        return None
    from dsl import RuleError, load_rules

    try:
        return load_rules(paths)
    except RuleError as exc:
        raise BankrecError(str(exc)) from None
