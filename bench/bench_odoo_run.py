"""Benchmark: bankrec runs inside Odoo 17 (the rules add-on), N lines against M invoices.

    python -m bench.bench_odoo_run --lines 10000 --invoices 31000 --queue 2 --oca 1000

Needs ODOO_PYTHON / ODOO_PATH / ODOO_CONF (the Odoo kit). Creates a database with
``account`` and the rules add-on (bankrec installed into Odoo's Python), seeds M posted
customer invoices of 200 partners and N statement lines on the bank journal, each paying one
of them (invoice number in the label, partner as counterparty), through the ORM inside
``odoo-bin shell``, in committed chunks (one statement per 500 lines). Then:

- **in-process**: times ``Engine.run`` on the journal (match, record, book every sure line
  in this process) and counts its SQL queries (``cr.sql_log_count``), in all and for the
  booking alone (planning reads and the API add-on's ``bankrec_apply``); the Odoo
  process's own CPU time per line is beside the wall time (the rest is PostgreSQL's and
  waiting);
- ``--queue W``: a second journal's N lines (seeded too) reconciled as a person starts it,
  with OCA's queue_job (requirements/odoo-addons.txt) and account_bank_reconcile_queue: the
  server runs with W workers, the button enqueues one job per batch; timed from the click
  until the run has nothing pending;
- ``--oca K``: installs OCA's account_reconcile_oca (requirements/bench-oca.txt) and times K
  more lines paying other open invoices, which OCA reconciles inside ``create()`` with
  Odoo's "Invoices/Bills Perfect Match" model (auto-reconcile): create + match + booking.

Prints one JSON object with every figure. The database is dropped unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
import time
from pathlib import Path

from tests.odoo_server import LocalOdoo, OdooKit, install_bankrec, install_pinned_wheels

ADDON_DIR = Path(__file__).resolve().parent.parent / "addon"
MODULE = "account_bank_reconcile_rules"
REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements"
OCA_REQUIREMENTS = REQUIREMENTS / "bench-oca.txt"
QUEUE_REQUIREMENTS = REQUIREMENTS / "odoo-addons.txt"

SEED_SCRIPT = textwrap.dedent(
    """
    import json, time
    N, M, J = {lines}, {invoices}, {journals}
    company = env.company
    env.user.groups_id |= env.ref("account_bank_reconcile_rules.group_bankrec_user")
    journals = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1, order="id"
    )
    if J > 1:  # a second bank journal, booked by the queue_job run
        journals |= env["account.journal"].create(
            {{"name": "Bench queue", "code": "BQJ", "type": "bank"}}
        )
    income = env["account.account"].search(
        [("account_type", "=", "income"), ("company_id", "=", company.id)], limit=1
    )
    partners = env["res.partner"].create(
        [{{"name": f"Bench Partner {{k:03d}} GmbH"}} for k in range(200)]
    )
    t0 = time.monotonic()
    move_ids = []
    for start in range(0, M, 200):  # committed per chunk: caches and savepoints stay small
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
        move_ids += batch.ids
        env.cr.commit()
        env.invalidate_all()
    seeded_invoices = time.monotonic() - t0
    line_ids = []
    chunks = [  # one statement per 500 lines, as banks send them
        (journal, start, min((j + 1) * N, start + 500))
        for j, journal in enumerate(journals)
        for start in range(j * N, (j + 1) * N, 500)
    ]
    for journal, start, stop in chunks:
        chunk = env["account.move"].browse(move_ids[start:stop])
        statement = env["account.bank.statement"].create({{
            "name": f"Bench {{journal.code}} {{start // 500 + 1}}",
            "journal_id": journal.id,
            "line_ids": [(0, 0, {{
                "journal_id": journal.id,
                "date": "2026-11-10",
                "amount": move.amount_total,
                "payment_ref": f"Payment {{move.name}}",
                "partner_name": move.partner_id.name,
            }}) for move in chunk],
        }})
        line_ids += statement.line_ids.ids
        env.cr.commit()
        env.invalidate_all()
    seeded_lines = time.monotonic() - t0 - seeded_invoices
    print("BENCH " + json.dumps({{
        "invoices": M, "seed_invoice_seconds": round(seeded_invoices, 1),
        "seed_lines": len(line_ids), "seed_line_seconds": round(seeded_lines, 1),
    }}))
    """
)


RUN_SCRIPT = textwrap.dedent(
    """
    import json, time
    from odoo.addons.account_bank_reconcile_rules.engine.runner import Engine
    company = env.company
    env.user.groups_id |= env.ref("account_bank_reconcile_rules.group_bankrec_user")
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1, order="id"
    )
    lines = env["account.bank.statement.line"].search([("journal_id", "=", journal.id)])
    N = len(lines)
    open_items = env["account.move"].search_count(
        [("move_type", "=", "out_invoice"), ("payment_state", "=", "not_paid")]
    )
    env.invalidate_all()
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
    t1, cpu1 = time.monotonic(), time.process_time()
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
    elapsed, cpu = time.monotonic() - t1, time.process_time() - cpu1
    queries = env.cr.sql_log_count - before
    env.cr.commit()
    booked = sum(1 for ln in lines if ln.is_reconciled)
    print("BENCH " + json.dumps({{
        "lines": N, "open_invoices": open_items, "booked": booked,
        "reconciled_count": run.reconciled_count,
        "seconds": round(elapsed, 2), "ms_per_line": round(1000 * elapsed / max(N, 1), 1),
        "odoo_cpu_ms_per_line": round(1000 * cpu / max(N, 1), 1),
        "queries_per_line": round(queries / max(N, 1), 1),
        "booking_ms_per_line": round(1000 * booking[0] / max(N, 1), 1),
        "booking_queries_per_line": round(booking[1] / max(N, 1), 1),
    }}))
    """
)


OCA_SCRIPT = textwrap.dedent(
    """
    import json, time
    K = {lines}
    company = env.company
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1, order="id"
    )
    model = env.ref("account.1_reconcile_perfect_match", raise_if_not_found=False) or env[
        "account.reconcile.model"
    ].search([("rule_type", "=", "invoice_matching"), ("auto_reconcile", "=", True)], limit=1)
    open_invoices = env["account.move"].search(
        [("move_type", "=", "out_invoice"), ("payment_state", "=", "not_paid"),
         ("partner_id.name", "like", "Bench Partner")], order="id", limit=K,
    )
    env.invalidate_all()
    seconds, queries, line_ids = 0.0, 0, []
    for start in range(0, len(open_invoices), 100):  # OCA reconciles in create(): time that
        chunk = open_invoices[start:start + 100]
        vals = [{{
            "journal_id": journal.id, "date": "2026-11-10", "amount": move.amount_total,
            "payment_ref": f"Payment {{move.name}}", "partner_name": move.partner_id.name,
        }} for move in chunk]
        t, q = time.monotonic(), env.cr.sql_log_count
        created = env["account.bank.statement.line"].create(vals)
        env.flush_all()
        seconds += time.monotonic() - t
        queries += env.cr.sql_log_count - q
        line_ids += created.ids
        env.cr.commit()
        env.invalidate_all()
    lines = env["account.bank.statement.line"].browse(line_ids)
    booked = sum(1 for ln in lines if ln.is_reconciled)
    n = max(len(line_ids), 1)
    print("BENCH " + json.dumps({{
        "oca_lines": len(line_ids), "oca_booked": booked, "oca_model": model.name,
        "oca_seconds": round(seconds, 2), "oca_ms_per_line": round(1000 * seconds / n, 1),
        "oca_queries_per_line": round(queries / n, 1),
    }}))
    """
)


def shell_figures(server: LocalOdoo, script: str) -> dict[str, object] | None:
    """Run ``script`` in ``odoo-bin shell`` on the server's database and return the JSON of
    the last line it printed starting with ``BENCH ``; None (Odoo's output on stderr)
    when it printed none."""
    result = server.shell(script)
    found = [ln for ln in result.stdout.splitlines() if ln.startswith("BENCH ")]
    if not found:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        return None
    figures: dict[str, object] = json.loads(found[-1].removeprefix("BENCH "))
    return figures


def _install(kit: OdooKit, server: LocalOdoo, requirements: Path, module: str) -> None:
    """Pinned, hash-checked add-on wheels into Odoo's Python, then ``module`` into the
    bench database; a failure stops the benchmark with its output."""
    for status, text in (
        install_pinned_wheels(kit, requirements, server.log),
        server.install_module(module),
    ):
        if status != 0:
            raise SystemExit(f"installing {module} failed:\n{text[-3000:]}")


def _queue_run(kit: OdooKit, server: LocalOdoo, workers: int) -> dict[str, object]:
    """The second journal's lines reconciled as a person starts it, with queue_job: the
    button records the decisions and enqueues one job per batch, which the job runner hands
    to ``workers`` HTTP workers; timed from the click until the run has nothing pending."""
    _install(kit, server, QUEUE_REQUIREMENTS, "account_bank_reconcile_queue")
    os.environ["ODOO_QUEUE_JOB_CHANNELS"] = f"root:{workers}"
    server.start(extra_args=("--workers", str(workers), "--load", "base,web,queue_job"))
    server.make_admin_accountant()
    t = server.transport("jsonrpc")
    (group,) = t.execute_kw(
        "ir.model.data",
        "search_read",
        [[("module", "=", "account_bank_reconcile_rules"), ("name", "=", "group_bankrec_user")]],
        {"fields": ["res_id"]},
    )
    t.execute_kw("res.users", "write", [[t.uid], {"groups_id": [(4, group["res_id"])]}])
    (journal,) = t.execute_kw("account.journal", "search", [[("code", "=", "BQJ")]])
    started = time.monotonic()
    t.execute_kw("account.journal", "action_bankrec_reconcile", [[journal]])
    clicked = time.monotonic() - started
    fields = ["state", "line_count", "reconciled_count", "pending_count", "error_count"]
    while True:
        (run,) = t.execute_kw(
            "bankrec.run", "search_read", [[("journal_id", "=", journal)]], {"fields": fields}
        )
        if run["state"] != "booking" or time.monotonic() - started > 3600:
            break
        time.sleep(0.5)
    elapsed = time.monotonic() - started
    server.stop()
    return {
        "queue_workers": workers,
        "queue_lines": run["line_count"],
        "queue_booked": run["reconciled_count"],
        "queue_errors": run["error_count"],
        "queue_state": run["state"],
        "queue_request_seconds": round(clicked, 2),
        "queue_seconds": round(elapsed, 2),
        "queue_ms_per_line": round(1000 * elapsed / max(run["line_count"], 1), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--queue",
        type=int,
        default=0,
        metavar="WORKERS",
        help="also reconcile a second journal's --lines lines with queue_job on WORKERS "
        "workers (needs --invoices >= 2 x --lines)",
    )
    parser.add_argument(
        "--oca",
        type=int,
        default=0,
        metavar="K",
        help="then install OCA's account_reconcile_oca and time its auto-reconcile of K more "
        "lines on the same database (needs enough invoices left open)",
    )
    parser.add_argument(
        "--queries", metavar="FILE", default="", help="write the run's SQL statements by shape"
    )
    parser.add_argument(
        "--profile", metavar="FILE", default="", help="write cProfile stats of the run to FILE"
    )
    args = parser.parse_args(argv)
    kit = OdooKit.from_env()
    server = LocalOdoo(kit, addons=[ADDON_DIR], install=[MODULE])
    figures: dict[str, object] = {}
    try:
        install_bankrec(kit, server.log)
        server.create_database()
        seed = SEED_SCRIPT.format(
            lines=args.lines, invoices=args.invoices, journals=2 if args.queue else 1
        )
        run = RUN_SCRIPT.format(
            profile=str(Path(args.profile).resolve()) if args.profile else "",
            query_log=str(Path(args.queries).resolve()) if args.queries else "",
        )
        for script in (seed, run):
            found = shell_figures(server, script)
            if found is None:
                return 1
            figures.update(found)
        if args.queue:
            figures.update(_queue_run(kit, server, args.queue))
        if args.oca:
            _install(kit, server, OCA_REQUIREMENTS, "account_reconcile_oca")
            oca = shell_figures(server, OCA_SCRIPT.format(lines=args.oca))
            if oca is None:
                return 1
            figures.update(oca)
    finally:
        print(json.dumps(figures))
        if not args.keep:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
