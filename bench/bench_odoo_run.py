"""Benchmark: an in-process bankrec run inside Odoo 17 (the rules add-on), N lines / M invoices.

    python -m bench.bench_odoo_run --lines 1000 --invoices 2000

Needs ODOO_PYTHON / ODOO_PATH / ODOO_CONF (the Odoo kit). Creates a database with
``account`` and the rules add-on (bankrec installed into Odoo's Python), seeds M posted
customer invoices of 200 partners and N statement lines each paying one of them (invoice
number in the label, partner as counterparty) through the ORM inside ``odoo-bin shell``,
commits, then times ``Engine.run`` on the bank journal and counts its SQL queries
(``cr.sql_log_count``), in all and for the booking alone (planning reads and the API
add-on's ``bankrec_apply``). Prints one JSON object: lines, invoices, booked, seconds, ms
and queries per line, in all and for booking. The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.odoo_server import LocalOdoo, OdooKit, install_bankrec

ADDON_DIR = Path(__file__).resolve().parent.parent / "addon"
MODULE = "account_bank_reconcile_rules"

SCRIPT = textwrap.dedent(
    """
    import json, time
    from odoo.addons.account_bank_reconcile_rules.engine.runner import Engine
    N, M = {lines}, {invoices}
    company = env.company
    env.user.groups_id |= env.ref("account_bank_reconcile_rules.group_bankrec_user")
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    income = env["account.account"].search(
        [("account_type", "=", "income"), ("company_id", "=", company.id)], limit=1
    )
    partners = env["res.partner"].create(
        [{{"name": f"Bench Partner {{k:03d}} GmbH"}} for k in range(200)]
    )
    t0 = time.monotonic()
    moves = env["account.move"]
    for start in range(0, M, 200):
        vals = []
        for k in range(start, min(M, start + 200)):
            vals.append({{
                "move_type": "out_invoice",
                "partner_id": partners[k % 200].id,
                "invoice_date": "2026-11-01",
                "invoice_line_ids": [(0, 0, {{
                    "name": "service", "quantity": 1, "price_unit": 100 + (k * 7) % 9000 + 0.25,
                    "account_id": income.id, "tax_ids": [(6, 0, [])],
                }})],
            }})
        batch = env["account.move"].create(vals)
        batch.action_post()
        moves |= batch
    seeded_invoices = time.monotonic() - t0
    lines = env["account.bank.statement.line"].create([
        {{
            "journal_id": journal.id,
            "date": "2026-11-10",
            "amount": moves[k].amount_total,
            "payment_ref": f"Payment {{moves[k].name}}",
            "partner_name": moves[k].partner_id.name,
        }}
        for k in range(N)
    ])
    env.cr.commit()
    seeded = time.monotonic() - t0
    from connectors.odoo.writer import OdooWriter
    write_decisions = OdooWriter.write_decisions
    booking = [0.0, 0]  # seconds, queries spent booking (planning reads + bankrec_apply)
    def timed(self, *args, **kwargs):
        t, q = time.monotonic(), env.cr.sql_log_count
        try:
            return write_decisions(self, *args, **kwargs)
        finally:
            booking[0] += time.monotonic() - t
            booking[1] += env.cr.sql_log_count - q
    OdooWriter.write_decisions = timed
    before = env.cr.sql_log_count
    t1 = time.monotonic()
    profile, query_log = {profile!r}, {query_log!r}
    if query_log:  # which statements the run sends, by shape (numbers and strings elided)
        import collections, re
        from odoo.sql_db import Cursor
        shapes, execute = collections.Counter(), Cursor.execute
        def counted(self, query, params=None, log_exceptions=True):
            text = query if isinstance(query, str) else str(getattr(query, "code", query))
            shapes[re.sub(r"\\b\\d+\\b|'[^']*'", "?", " ".join(text.split()))[:160]] += 1
            return execute(self, query, params, log_exceptions)
        Cursor.execute = counted
    if profile:
        import cProfile
        prof = cProfile.Profile()
        prof.enable()
    run = Engine(env, journal).run()
    if profile:
        prof.disable()
        prof.dump_stats(profile)
    if query_log:
        Cursor.execute = execute
        with open(query_log, "w") as out:
            for shape, count in shapes.most_common():
                out.write(f"{{count:7d}}  {{shape}}\\n")
    elapsed = time.monotonic() - t1
    queries = env.cr.sql_log_count - before
    env.cr.commit()
    booked = sum(1 for ln in lines if ln.is_reconciled)
    print("BENCH " + json.dumps({{
        "lines": N, "invoices": M, "booked": booked, "reconciled_count": run.reconciled_count,
        "seconds": round(elapsed, 2), "ms_per_line": round(1000 * elapsed / max(N, 1), 1),
        "queries_per_line": round(queries / max(N, 1), 1),
        "booking_ms_per_line": round(1000 * booking[0] / max(N, 1), 1),
        "booking_queries_per_line": round(booking[1] / max(N, 1), 1),
        "seed_seconds": round(seeded, 1), "seed_invoice_seconds": round(seeded_invoices, 1),
    }}))
    """
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--queries", metavar="FILE", default="", help="write the run's SQL statements by shape"
    )
    parser.add_argument(
        "--profile", metavar="FILE", default="", help="write cProfile stats of the run to FILE"
    )
    args = parser.parse_args(argv)
    kit = OdooKit.from_env()
    server = LocalOdoo(kit, addons=[ADDON_DIR], install=[MODULE])
    try:
        install_bankrec(kit, server.log)
        server.create_database()
        script = SCRIPT.format(
            lines=args.lines,
            invoices=args.invoices,
            profile=str(Path(args.profile).resolve()) if args.profile else "",
            query_log=str(Path(args.queries).resolve()) if args.queries else "",
        )
        base = server._odoo_bin("-d", server.db, "--no-http")  # python odoo-bin -c CONF ...
        result = subprocess.run(
            [base[0], base[1], "shell", *base[2:]],  # the subcommand comes first
            input=script,
            capture_output=True,
            text=True,
            check=False,
        )
        found = [ln for ln in result.stdout.splitlines() if ln.startswith("BENCH ")]
        if not found:
            sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
            return 1
        print(found[-1].removeprefix("BENCH "))
    finally:
        if not args.keep:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
