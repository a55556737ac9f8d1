"""``bankrec learn``: turn decisions a person validated into readable learned rules.

The command is a thin shell over :func:`bankrec.learning.learn_files`: it parses the
arguments, picks today's date (the only place a clock is read), and prints what was
created, updated and skipped, so the person sees exactly what the next match will use.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any, TextIO

from bankrec.cli.progress import Reporter
from bankrec.learning import ChangeKind, LearnResult, learn_files
from bankrec.learning.files import LEARN_STEPS
from bankrec.learning.learn import Change

DEFAULT_RULES_OUT = Path("rules/learned.rules")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def register(sub: Any) -> None:
    """Add ``bankrec learn`` to the command line."""
    parser = sub.add_parser(
        "learn",
        help="learn rules from validated decisions",
        description=(
            "Read decisions a person validated (CSV transaction_id,items,decision[,party]"
            "[,date] or an edited `bankrec match --json` output) and write learned rules: "
            "one readable rule per payer IBAN or name, with its track record. "
            "See docs/learning.md."
        ),
    )
    parser.add_argument(
        "--decisions", type=Path, required=True, metavar="FILE", help="validated decisions"
    )
    parser.add_argument(
        "--statement",
        type=Path,
        required=True,
        metavar="FILE",
        help="the statement the decisions are about (any supported format)",
    )
    parser.add_argument(
        "--open-items", type=Path, required=True, metavar="FILE", help="open items CSV"
    )
    parser.add_argument(
        "--rules-out",
        type=Path,
        default=DEFAULT_RULES_OUT,
        metavar="FILE",
        help=f"learned rules file to create or update (default {DEFAULT_RULES_OUT})",
    )
    parser.add_argument(
        "--original",
        type=Path,
        metavar="FILE",
        help="the unedited match JSON: lines whose matches changed count as validated",
    )
    parser.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="date of this run (default: today); decisions dated later are refused",
    )
    parser.add_argument(
        "--min-validations",
        type=int,
        default=1,
        metavar="N",
        help="validations a key needs before a rule is written (default 1)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change, write nothing"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress display and no summary on stderr"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Learn, then print the report; exit status 0 (errors are raised to ``main``)."""
    with Reporter(quiet=args.quiet) as reporter:
        task = reporter.task("learning", total=len(LEARN_STEPS))
        result = learn_files(
            args.decisions,
            args.statement,
            args.open_items,
            args.rules_out,
            today=args.today or dt.date.today(),
            original=args.original,
            min_validations=args.min_validations,
            dry_run=args.dry_run,
            progress=lambda step: task.update(advance=1, description=step),
        )
    print_report(result, args.rules_out, sys.stdout, dry_run=args.dry_run)
    reporter.finish(f"learned from {len(result.changes):,} keys")
    return 0


def _describe(change: Change) -> str:
    text = f"  {change.kind.value:<9} {change.key}"
    if change.party:
        text += f" -> {change.party}"
    if change.kind is not ChangeKind.SKIPPED:
        text += f" ({change.counts.comment().removeprefix('# learned: ')}"
        if change.confidence is not None:
            text += f", confidence{change.confidence:+d}"
        text += ")"
    if change.detail:
        text += f": {change.detail}"
    return text


def print_report(result: LearnResult, rules_out: Path, out: TextIO, *, dry_run: bool) -> None:
    """One line per key touched, then a summary line."""
    for change in result.changes:
        print(_describe(change), file=out)
    summary = ", ".join(
        f"{result.count(kind)} {kind.value}" for kind in ChangeKind if result.count(kind)
    )
    verb = "would write" if dry_run else "wrote"
    print(f"{summary or 'nothing learned'}; {verb} {rules_out}", file=out)
