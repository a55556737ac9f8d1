"""Benchmark: the reconciliation workspace's server side on a journal with many lines to review.

    python -m bench.bench_workspace --lines 10000 --invoices 2000

Needs ODOO_PYTHON / ODOO_PATH / ODOO_CONF (the Odoo kit). Creates a database with
``account`` and the workspace add-on (the rules and API add-ons under it, bankrec installed
into Odoo's Python), then inside ``odoo-bin shell``: seeds M posted customer invoices of 200
partners and N statement lines that do NOT settle them exactly (the partner is named, the
amount is off, or nobody is named), plus a few lines each paying one of two identical
invoices (a tie: a suggestion a person validates); commits per batch; runs bankrec once on
the journal, so the lines carry decisions as in real use. Then it times, on the server
(in-process, as the RPC endpoint would call them):

* ``account.journal.bankrec_workspace_data()``: the first page (80 lines) of "To review"
  with the tabs' counts and the header's totals -- the first call and the median of five
  more (record cache emptied before each), with their SQL query counts; also a search and
  the "All" tab;
* ``bankrec_workspace_line()``: the detail of one line (suggestion, reasons, alternatives);
* ``action_bankrec_validate()`` on a one-invoice line: median of the validations, SQL
  queries each;
* ``bankrec_workspace_export("csv")`` of every line awaiting review.

Prints one JSON object. The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from bench.bench_odoo_run import shell_figures
from tests.odoo_server import LocalOdoo, OdooKit, install_bankrec

ADDON_DIR = Path(__file__).resolve().parent.parent / "addon"
MODULE = "account_bank_reconcile_workspace"

SCRIPT = textwrap.dedent(
    """
    import json, statistics, time
    from odoo.addons.account_bank_reconcile_rules.engine.runner import Engine
    N, M, TIES = {lines}, {invoices}, {ties}
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
    def invoice_vals(k, partner, amount):
        return {{
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": "2026-11-01",
            "invoice_line_ids": [(0, 0, {{
                "name": "service", "quantity": 1, "price_unit": amount,
                "account_id": income.id, "tax_ids": [(6, 0, [])],
            }})],
        }}
    t0 = time.monotonic()
    moves = env["account.move"]
    for start in range(0, M, 200):
        batch = env["account.move"].create([
            invoice_vals(k, partners[k % 200], 100 + (k * 7) % 9000 + 0.25)
            for k in range(start, min(M, start + 200))
        ])
        batch.action_post()
        moves |= batch
        env.cr.commit()
    twins = env["account.move"].create([
        invoice_vals(k, partners[k % 200], 40000 + k + 0.5) for k in range(TIES) for _ in (0, 1)
    ])
    twins.action_post()
    env.cr.commit()
    seeded_invoices = time.monotonic() - t0
    StLine = env["account.bank.statement.line"]
    def line_vals(k):
        invoice = moves[k % len(moves)]
        kind = k % 4
        if kind == 3:  # nobody named, an amount no invoice has
            return {{"journal_id": journal.id, "date": "2026-11-10", "amount": 13.37 + k,
                     "payment_ref": f"Transfer {{k}}", "partner_name": f"Unknown payer {{k}}"}}
        return {{
            "journal_id": journal.id, "date": "2026-11-10",
            "amount": round(
                invoice.amount_total * (0.5 if kind == 2 else 1) + (7.31 if kind == 0 else 0), 2
            ),
            "payment_ref": f"Payment {{invoice.name}}" if kind == 1 else f"Order {{k}}",
            "partner_name": invoice.partner_id.name if kind != 1 else "",
        }}
    for start in range(0, N, 500):
        StLine.create([line_vals(k) for k in range(start, min(N, start + 500))])
        env.cr.commit()
    tie_lines = StLine.create([
        {{"journal_id": journal.id, "date": "2026-11-12", "amount": 40000 + k + 0.5,
          "payment_ref": "Payment", "partner_name": partners[k % 200].name}}
        for k in range(TIES)
    ])
    env.cr.commit()
    seeded = time.monotonic() - t0
    t1 = time.monotonic()
    run = Engine(env, journal).run()
    env.cr.commit()
    run_seconds = time.monotonic() - t1

    def timed(fn, repeat):
        out = []
        for _ in range(repeat):
            env.invalidate_all()
            q, t = env.cr.sql_log_count, time.perf_counter()
            result = fn()
            env.flush_all()
            out.append((1000 * (time.perf_counter() - t), env.cr.sql_log_count - q))
        return result, out

    def summary(samples):
        ms = [s[0] for s in samples]
        median = statistics.median(ms[1:] or ms)
        return {{"first_ms": round(ms[0], 1), "median_ms": round(median, 1),
                 "queries": samples[-1][1]}}

    data, page = timed(lambda: journal.bankrec_workspace_data(), 6)
    _all, page_all = timed(lambda: journal.bankrec_workspace_data(tab="all"), 4)
    _found, page_search = timed(
        lambda: journal.bankrec_workspace_data(search="Bench Partner 017"), 4
    )
    review_line = StLine.browse(data["lines"][0]["id"])
    _detail, detail = timed(lambda: review_line.bankrec_workspace_line(), 4)
    _export, export = timed(lambda: journal.bankrec_workspace_export("csv"), 1)
    validations = []
    for line in tie_lines:
        if line.is_reconciled or line.bankrec_state != "to_review":
            continue
        env.invalidate_all()
        q, t = env.cr.sql_log_count, time.perf_counter()
        line.action_bankrec_validate()
        env.flush_all()
        validations.append((1000 * (time.perf_counter() - t), env.cr.sql_log_count - q))
    env.cr.rollback()
    ms = [v[0] for v in validations]
    print("BENCH " + json.dumps({{
        "lines": N + TIES, "invoices": M + 2 * TIES, "run_seconds": round(run_seconds, 1),
        "run": {{"reconciled": run.reconciled_count, "to_review": run.suggested_count,
                 "unmatched": run.unmatched_count}},
        "counts": data["counts"], "page_lines": len(data["lines"]),
        "first_page": summary(page), "all_tab": summary(page_all),
        "search": summary(page_search), "line_detail": summary(detail),
        "export_csv": {{"ms": round(export[0][0], 1), "queries": export[0][1],
                        "lines": data["counts"]["to_review"]}},
        "validate_one_invoice": {{
            "count": len(ms), "median_ms": round(statistics.median(ms), 1) if ms else None,
            "min_ms": round(min(ms), 1) if ms else None,
            "queries": validations[-1][1] if validations else None,
        }},
        "seed_seconds": round(seeded, 1), "seed_invoice_seconds": round(seeded_invoices, 1),
    }}))
    """
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--invoices", type=int, default=2000)
    parser.add_argument("--ties", type=int, default=8, help="one-invoice lines to validate")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args(argv)
    kit = OdooKit.from_env()
    server = LocalOdoo(kit, addons=[ADDON_DIR], install=[MODULE])
    try:
        install_bankrec(kit, server.log)
        server.create_database()
        script = SCRIPT.format(lines=args.lines, invoices=args.invoices, ties=args.ties)
        figures = shell_figures(server, script)
        if figures is None:
            return 1
        print(json.dumps(figures))
    finally:
        if not args.keep:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
