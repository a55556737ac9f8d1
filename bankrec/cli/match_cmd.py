"""``bankrec match``: match a bank statement against open items and write the results.

The command only reads files, calls :func:`bankrec.matching.match` and writes the
outputs asked for; all decisions are made by the core, so the Odoo module gets the very
same answers.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bankrec.cli.output import output_stream, write_text
from bankrec.cli.progress import Reporter
from bankrec.errors import InputError
from bankrec.matching import MatchConfig, MatchResult, match
from bankrec.matching.engine import Rules
from bankrec.model import OpenItem, Transaction
from bankrec.money import quantize
from bankrec.open_items import read_open_items_csv
from bankrec.results.html_report import ReportContext, local_timestamp, render_html
from bankrec.results.match_json import result_to_json
from bankrec.results.review_csv import write_review_csv
from bankrec.statements.loader import load_transactions


def register(sub: Any) -> None:
    """Add the ``match`` command."""
    parser = sub.add_parser(
        "match",
        help="match a bank statement against open items",
        description="Match bank transactions against open invoices/bills and explain why.",
    )
    parser.add_argument(
        "--statement",
        required=True,
        type=Path,
        metavar="FILE",
        help="bank statement: canonical CSV or any supported bank format",
    )
    parser.add_argument(
        "--open-items",
        required=True,
        type=Path,
        metavar="FILE",
        help="open items CSV (id,kind,number,partner,date,due_date,amount,...)",
    )
    parser.add_argument(
        "--rules",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="rule file or directory (repeatable, applied in order)",
    )
    parser.add_argument(
        "--config", type=Path, metavar="FILE", help="match.yaml (weights, thresholds)"
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="write every decision as JSON")
    parser.add_argument(
        "--csv", type=Path, metavar="OUT", help="write the lines awaiting a person as CSV"
    )
    parser.add_argument("--html", type=Path, metavar="OUT", help="write a readable HTML report")
    parser.add_argument(
        "--fail-on-review",
        action="store_true",
        help="exit with status 1 when lines are left for a person (suggested or unmatched)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress display and no summary on stderr"
    )
    parser.set_defaults(handler=run)


def load_statement(path: Path) -> list[Transaction]:
    """Any supported statement format, detected by content, in file order."""
    return load_transactions(path)


def load_rule_set(paths: Sequence[Path]) -> Rules | None:
    """The rules of ``paths`` (None when no rules were given)."""
    if not paths:
        return None
    try:
        import dsl
    except ImportError as exc:  # pragma: no cover - dsl ships with bankrec
        raise InputError(f"the rule language is not available: {exc}") from None
    load_rules = getattr(dsl, "load_rules", None)
    if load_rules is None:
        raise InputError("the rule language is not available yet (dsl.load_rules missing)")
    rule_set: Rules = load_rules([str(p) for p in paths])
    return rule_set


def run(args: argparse.Namespace) -> int:
    """Read, match, write outputs, print a summary; exit 0 on success."""
    config = MatchConfig.from_yaml(args.config) if args.config else MatchConfig()
    transactions = load_statement(args.statement)
    items: list[OpenItem] = read_open_items_csv(args.open_items)
    try:
        rules = load_rule_set(args.rules)
    except Exception as exc:  # the rule language's RuleError: show its full report
        if type(exc).__module__.split(".")[0] != "dsl":
            raise
        print(f"bankrec: error: {exc}", file=sys.stderr)
        return 2
    with Reporter(quiet=args.quiet) as reporter:
        # the first count arrives once items are indexed and rules and transfers are done
        task = reporter.task(f"indexing {len(items):,} open items, rules, transfers")
        total = len(transactions)

        def progress(done: int) -> None:
            task.update(completed=done, total=total, description="matching")

        result = match(transactions, items, rules=rules, config=config, progress=progress)
    if args.json:
        _write(
            args.json,
            json.dumps(result_to_json(result, transactions, items), indent=2, ensure_ascii=False)
            + "\n",
        )
    if args.csv:
        with output_stream(args.csv) as handle:
            write_review_csv(result, transactions, items, handle)
    if args.html:
        context = ReportContext.for_run(
            config,
            rules,
            title=f"Bank reconciliation — {args.statement.name}",
            statements=(str(args.statement),),
            open_items=str(args.open_items),
            rule_files=tuple(str(p) for p in args.rules),
            config_file=str(args.config or ""),
            generated_at=local_timestamp(),
        )
        _write(args.html, render_html(result, transactions, items, context))
    print(summary_text(result))
    counts = result.summary.counts
    waiting = counts["suggested"] + counts["unmatched"]
    reporter.finish(
        f"matched {len(transactions):,} lines against {len(items):,} open items: "
        f"{counts['reconciled']:,} reconciled, {waiting:,} awaiting review"
    )
    return 1 if args.fail_on_review and waiting else 0


def _write(path: Path, text: str) -> None:
    write_text(path, text)


def summary_text(result: MatchResult) -> str:
    """A short plain-text table: lines per status, amounts per currency."""
    s = result.summary
    rows = [("status", "lines")] + [(k, str(v)) for k, v in s.counts.items()]
    rows.append(("total", str(s.lines)))
    width = max(len(r[0]) for r in rows)
    out = [f"{a:<{width}}  {b:>6}" for a, b in rows]
    out.append("")
    header = ("currency", "total", "reconciled", "suggested", "unmatched", "ignored")
    table = [header] + [
        (
            cur,
            *(
                str(quantize(a, cur))
                for a in (t.total, t.reconciled, t.suggested, t.unmatched, t.ignored)
            ),
        )
        for cur, t in s.currencies.items()
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for r in table:
        out.append(
            "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    return "\n".join(out)
