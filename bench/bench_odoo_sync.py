"""Benchmark: a sync of N statement lines against M open invoices on a REAL Odoo 17.

    python -m bench.bench_odoo_sync --lines 10000 --invoices 20000

Seeds a database once (the integration tests' :class:`LocalOdoo`, needs ODOO_PYTHON /
ODOO_PATH / ODOO_CONF): posts M customer invoices over RPC and imports N statement lines
each paying one of them (invoice number in the label, partner as counterparty). The seeded
database is kept as a template (``bankrec_bench_L<N>_I<M>_s<seed>``; ``--template`` names
another), so every measured run starts from an identical copy (``createdb -T``, seconds).
Each run times ``sync()`` and counts its RPC calls per model.method (counted in the
transport), with the bankrec add-on installed on the copy (``--addon``) or without it.
The copy is dropped at the end (``--keep`` keeps it); ``--drop-template`` drops the seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import signal
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bankrec.model import Transaction
from connectors.odoo.addon_protocol import ADDON_MODULE
from connectors.odoo.reader import Currencies, find_journal
from connectors.odoo.statement_import import StatementImporter
from connectors.odoo.sync import sync
from tests.odoo_server import (
    LocalOdoo,
    OdooKit,
    database_exists,
    drop_database,
    missing_settings,
)

CHUNK = 500
ADDON_DIR = Path(__file__).resolve().parent.parent / "addon"
# seeding only: no chatter messages for 20,000 invoices (the sync runs without it)
QUIET = {"context": {"tracking_disable": True, "mail_create_nolog": True}}


def build(server: LocalOdoo, lines: int, invoices: int, seed: int) -> dict[str, float]:
    """Partners, posted invoices and statement lines; returns set-up timings."""
    rnd = random.Random(seed)
    t = server.transport("xmlrpc")
    timings: dict[str, float] = {}
    start = time.perf_counter()
    n_partners = max(10, invoices // 10)
    partner_ids: list[int] = []
    for s in range(0, n_partners, CHUNK):
        vals = [
            {"name": f"Bench Partner {k:05d} AG", "is_company": True}
            for k in range(s, min(n_partners, s + CHUNK))
        ]
        partner_ids += t.execute_kw("res.partner", "create", [vals], QUIET)
    timings["partners_s"] = time.perf_counter() - start

    start = time.perf_counter()
    invoice_rows: list[tuple[int, int, Decimal]] = []  # (move id, partner index, amount)
    for s in range(0, invoices, CHUNK):
        vals, meta = [], []
        for _k in range(s, min(invoices, s + CHUNK)):
            p = rnd.randrange(n_partners)
            amount = Decimal(rnd.randrange(1000, 500000)) / 100
            meta.append((p, amount))
            line = {
                "name": "bench",
                "quantity": 1,
                "price_unit": float(amount),
                "tax_ids": [(6, 0, [])],
            }
            vals.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner_ids[p],
                    "invoice_date": "2026-11-01",
                    "invoice_line_ids": [(0, 0, line)],
                }
            )
        ids = t.execute_kw("account.move", "create", [vals], QUIET)
        t.execute_kw("account.move", "action_post", [ids], QUIET)
        invoice_rows += [(i, p, a) for i, (p, a) in zip(ids, meta, strict=True)]
        print(f"  invoices {len(invoice_rows)}/{invoices}", file=sys.stderr, flush=True)
    timings["invoices_s"] = time.perf_counter() - start

    start = time.perf_counter()
    paid = rnd.sample(invoice_rows, min(lines, len(invoice_rows)))
    names: dict[int, str] = {}
    ids_only = [m for m, _p, _a in paid]
    for s in range(0, len(ids_only), 5000):
        for r in t.execute_kw(
            "account.move", "read", [ids_only[s : s + 5000]], {"fields": ["name"]}
        ):
            names[r["id"]] = r["name"]
    cur = Currencies(t)
    journal = find_journal(t, "BNK1", cur)
    txs = [
        Transaction(
            f"B{k}",
            dt.date(2026, 11, 10),
            amount,
            journal.currency,
            label=f"Payment {names[move]}",
            counterparty=f"Bench Partner {p:05d} AG",
        )
        for k, (move, p, amount) in enumerate(paid)
    ]
    StatementImporter(t, journal).import_transactions(txs)
    timings["statement_lines_s"] = time.perf_counter() - start
    return timings


def seed(kit: OdooKit, template: str, lines: int, invoices: int, seed_: int) -> dict[str, float]:
    """Build the template database once (kept, server stopped); timings of the set-up."""
    server = LocalOdoo(kit, db=template)
    try:
        server.__enter__()
        print(f"seeding {template} at {server.url}", file=sys.stderr, flush=True)
        timings = build(server, lines, invoices, seed_)
    except BaseException:
        server.close()
        raise
    server.stop()  # keep the database: it is the template of every run
    return timings


def run_sync(server: LocalOdoo, protocol: str, use_addon: bool) -> dict[str, Any]:
    """Time one sync and a second one on the served copy; RPC calls by model.method."""
    client = server.transport(protocol)
    client.calls.clear()
    start = time.perf_counter()
    report = sync(client, "BNK1", use_addon=use_addon)
    elapsed = time.perf_counter() - start
    result: dict[str, Any] = dict(
        addon_used=report.addon_used,
        sync_seconds=round(elapsed, 1),
        lines_read=report.read,
        open_items_read=report.items,
        reconciled=report.reconciled,
        suggested=report.suggested,
        left=report.left,
        errors=len(report.errors),
        rpc_calls=client.call_count,
        rpc_calls_by_method=dict(client.calls.most_common()),
        lines_per_second=round(report.reconciled / elapsed, 1) if elapsed else None,
    )
    client.calls.clear()
    start = time.perf_counter()
    again = sync(client, "BNK1", use_addon=use_addon)
    result.update(
        second_sync_seconds=round(time.perf_counter() - start, 1),
        second_sync_reconciled=again.reconciled,
        second_sync_rpc_calls=client.call_count,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--protocol", choices=("xmlrpc", "jsonrpc"), default="xmlrpc")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--template", help="seeded database to copy (built when absent)")
    parser.add_argument(
        "--addon", action="store_true", help=f"install the {ADDON_MODULE} add-on on the copy"
    )
    parser.add_argument("--seed-only", action="store_true", help="build the template and stop")
    parser.add_argument("--keep", action="store_true", help="keep the copy and its server")
    parser.add_argument("--drop-template", action="store_true", help="drop the template at the end")
    args = parser.parse_args(argv)
    missing = missing_settings()
    if missing:
        print(f"bench_odoo_sync: no Odoo 17: set {', '.join(missing)}", file=sys.stderr)
        return 2
    # a killed benchmark still stops its server and drops its database (finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    kit = OdooKit.from_env()
    template = args.template or f"bankrec_bench_L{args.lines}_I{args.invoices}_s{args.seed}"
    result: dict[str, Any] = {
        "lines": args.lines,
        "invoices": args.invoices,
        "protocol": args.protocol,
        "template": template,
    }
    if not database_exists(template):
        start = time.perf_counter()
        setup = seed(kit, template, args.lines, args.invoices, args.seed)
        result["setup"] = {k: round(v, 1) for k, v in setup.items()}
        result["setup"]["total_s"] = round(time.perf_counter() - start, 1)
        print(json.dumps(result["setup"]), file=sys.stderr, flush=True)
    if args.seed_only:
        print(json.dumps(result, indent=2))
        return 0
    server = LocalOdoo(
        kit,
        db=f"bankrec_bench_{int(time.time())}",
        template=template,
        addons=[ADDON_DIR] if args.addon else [],
        install=[ADDON_MODULE] if args.addon else [],
    )
    try:
        server.__enter__()
        print(f"database {server.db} at {server.url}", file=sys.stderr, flush=True)
        result.update(run_sync(server, args.protocol, args.addon))
    finally:
        if not args.keep:
            server.close()
        if args.drop_template:
            drop_database(kit, template)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
