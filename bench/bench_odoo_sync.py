"""Benchmark: a sync of N statement lines against M open invoices on a REAL Odoo 17.

    python -m bench.bench_odoo_sync --lines 10000 --invoices 20000

Creates a fresh database (the integration tests' :class:`LocalOdoo`, needs ODOO_PYTHON /
ODOO_PATH / ODOO_CONF), posts M customer invoices over RPC, imports N statement lines each
paying one of them (invoice number in the label, partner as counterparty), then times
``sync()`` and counts its RPC calls per model.method (counted in the transport). The data
set-up is timed separately. The database is dropped at the end (``--keep`` keeps it).
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
from typing import Any

from bankrec.model import Transaction
from connectors.odoo.reader import Currencies, find_journal
from connectors.odoo.sync import sync
from connectors.odoo.testserver import LocalOdoo, OdooKit, missing_settings
from connectors.odoo.writer import OdooWriter

CHUNK = 500


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
        partner_ids += t.execute_kw("res.partner", "create", [vals])
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
        ids = t.execute_kw("account.move", "create", [vals])
        t.execute_kw("account.move", "action_post", [ids])
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
    OdooWriter(t, journal, cur).import_transactions(txs)
    timings["statement_lines_s"] = time.perf_counter() - start
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--protocol", choices=("xmlrpc", "jsonrpc"), default="xmlrpc")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database and server")
    args = parser.parse_args(argv)
    missing = missing_settings()
    if missing:
        print(f"bench_odoo_sync: no Odoo 17: set {', '.join(missing)}", file=sys.stderr)
        return 2
    # a killed benchmark still stops its server and drops its database (finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = LocalOdoo(OdooKit.from_env(), db=f"bankrec_bench_{int(time.time())}")
    result: dict[str, Any] = {
        "lines": args.lines,
        "invoices": args.invoices,
        "protocol": args.protocol,
    }
    try:
        server.__enter__()
        print(f"database {server.db} at {server.url}", file=sys.stderr, flush=True)
        result["setup"] = build(server, args.lines, args.invoices, args.seed)
        client = server.transport(args.protocol)
        client.calls.clear()
        start = time.perf_counter()
        report = sync(client, "BNK1")
        elapsed = time.perf_counter() - start
        result.update(
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
        again = sync(client, "BNK1")
        result.update(
            second_sync_seconds=round(time.perf_counter() - start, 1),
            second_sync_reconciled=again.reconciled,
            second_sync_rpc_calls=client.call_count,
        )
    finally:
        if not args.keep:
            server.close()
    result["setup"] = {k: round(v, 1) for k, v in result.get("setup", {}).items()}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
