"""``bankrec import``: any bank statement format in, canonical CSV or JSON out.

Every file is read completely (format detected by content), balances are checked and
duplicates across files removed *before* anything is written, so a failing file leaves
no partial output behind; with ``-o`` the output appears atomically (written next to the
target, then renamed). Without ``--to`` the format follows ``-o``'s extension, and
without ``-o`` the canonical CSV goes to stdout.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from bankrec.cli.output import output_stream
from bankrec.cli.progress import Reporter
from bankrec.errors import BankrecError
from bankrec.model import Balance, Transaction
from bankrec.money import format_amount
from bankrec.statements.canonical import write_statement_csv
from bankrec.statements.importing import ImportResult, import_files
from bankrec.statements.textfile import read_progress


def register(sub: Any) -> None:
    """Add the ``import`` command."""
    parser = sub.add_parser(
        "import",
        help="read bank statements (camt, MT940, OFX, CODA, CFONB, CSV/XLSX) into CSV or JSON",
        description=(
            "Read bank statement files in any supported format (detected by content), "
            "check their balances, drop duplicates across files and write the canonical "
            "statement CSV or JSON. Nothing is written if any file fails."
        ),
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "--to",
        choices=FORMATS,
        help="output format (default: from -o's extension, .csv or .json; else csv)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUT",
        help="output file, its folder created if needed (default: stdout)",
    )
    parser.add_argument(
        "--allow-unbalanced",
        action="store_true",
        help="import statements whose opening + movements != closing (reported on stderr)",
    )
    parser.add_argument(
        "--profile", type=Path, help="CSV/XLSX column mapping profile (YAML) for all FILEs"
    )
    parser.add_argument(
        "--detect",
        action="store_true",
        help="print a proposed CSV/XLSX mapping profile (YAML) for each FILE instead",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress display and no summary on stderr"
    )
    parser.set_defaults(handler=run)


FORMATS = ("csv", "json")


def _size_mb(path: Path) -> int:
    try:
        return max(1, path.stat().st_size // 1_000_000)
    except OSError:
        return 1  # the reader reports the error, with the file's name


def output_format(to: str | None, output: Path | None) -> str:
    """``--to``, else the output file's extension, else CSV (the canonical statement)."""
    if to is not None:
        return to
    if output is None:
        return "csv"
    suffix = output.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise BankrecError(
        f"cannot tell the output format from {output.name!r}: "
        "name the file .csv or .json, or choose with --to csv / --to json"
    )


def run(args: argparse.Namespace) -> int:
    """Handler of ``bankrec import``."""
    files: list[Path] = args.files
    if args.detect:
        return _detect(files, args.output)
    fmt = output_format(args.to, args.output)
    with Reporter(quiet=args.quiet) as reporter:
        sizes = [_size_mb(path) for path in files]
        task = reporter.task(f"reading {files[0].name} (MB)", total=sum(sizes) or None)
        done_before = [0]  # MB of the files already read

        def file_done(count: int) -> None:
            done_before[0] = sum(sizes[:count])
            if count < len(files):
                task.update(
                    completed=done_before[0], description=f"reading {files[count].name} (MB)"
                )

        def bytes_read(count: int) -> None:
            task.update(completed=done_before[0] + count // 1_000_000)

        with read_progress(bytes_read):
            result = import_files(
                files,
                profile=args.profile,
                allow_unbalanced=args.allow_unbalanced,
                progress=file_done,
            )
        for problem in result.problems:
            print(f"bankrec: warning: {problem}", file=sys.stderr)
        _print_warnings([w for _, st in result.statements for w in st.warnings])
        with output_stream(args.output) as out:
            if fmt == "csv":
                write_statement_csv(result.transactions, out)
            else:
                json.dump(result_to_json(result), out, ensure_ascii=False, indent=1)
                out.write("\n")
    reporter.finish(result.summary())
    return 0


MAX_WARNINGS = 20  # lines of warnings printed; the rest are counted (all are in --to json)


def _print_warnings(warnings: list[str]) -> None:
    """What the readers noticed but could still import (e.g. an entry dated by its statement)."""
    for warning in warnings[:MAX_WARNINGS]:
        print(f"bankrec: warning: {warning}", file=sys.stderr)
    if len(warnings) > MAX_WARNINGS:
        print(
            f"bankrec: warning: ... and {len(warnings) - MAX_WARNINGS} more "
            "(each is listed on its transaction in --to json)",
            file=sys.stderr,
        )


def _money(value: Decimal | None, currency: str) -> str | None:
    return None if value is None else format_amount(value, currency)


def _balance(balance: Balance | None, currency: str) -> dict[str, Any] | None:
    if balance is None:
        return None
    return {
        "amount": format_amount(balance.amount, currency),
        "date": balance.date.isoformat() if balance.date else None,
    }


def transaction_to_json(t: Transaction) -> dict[str, Any]:
    """One transaction as JSON-ready data (amounts as strings: exact, never floats)."""
    return {
        "id": t.id,
        "date": t.date.isoformat(),
        "amount": format_amount(t.amount, t.currency),
        "currency": t.currency,
        "label": t.label,
        "counterparty": t.counterparty,
        "iban": t.iban,
        "reference": t.reference,
        "account": t.account,
        "value_date": t.value_date.isoformat() if t.value_date else None,
        "bank_reference": t.bank_reference,
        "end_to_end_id": t.end_to_end_id,
        "bic": t.bic,
        "reversal": t.reversal,
        "charges": _money(t.charges, t.currency),
        "bank_code": t.bank_code,
        "source": t.source,
        "warnings": list(t.warnings),
    }


def result_to_json(result: ImportResult) -> dict[str, Any]:
    """The ``--to json`` document: statements with balances, transactions, a summary."""
    unbalanced = {p.source for p in result.problems}
    statements = []
    for path, s in result.statements:
        checked = s.opening is not None and s.closing is not None
        statements.append(
            {
                "file": str(path),
                "statement_id": s.statement_id,
                "account": s.account,
                "currency": s.currency,
                "opening": _balance(s.opening, s.currency),
                "closing": _balance(s.closing, s.currency),
                "movements": format_amount(s.movements(), s.currency),
                "transactions": len(s.transactions),
                "balanced": (s.source not in unbalanced) if checked else None,
                "source": s.source,
                "warnings": list(s.warnings),
            }
        )
    return {
        "statements": statements,
        "transactions": [transaction_to_json(t) for t in result.transactions],
        "summary": {
            "files": len({path for path, _ in result.statements}),
            "statements": len(result.statements),
            "transactions": len(result.transactions),
            "duplicates": result.duplicates,
            "unbalanced": len(result.problems),
        },
    }


def _detect(files: list[Path], output: Path | None) -> int:
    """Print the CSV/XLSX mapping profile the spreadsheet reader proposes for each file."""
    sheet = importlib.import_module("bankrec.statements.sheet")  # lazily: optional owner
    texts = []
    for path in files:
        text: str = sheet.propose_profile(path)
        texts.append(text if len(files) == 1 else f"# {path}\n{text}")
    with output_stream(output) as out:
        out.write("\n".join(t if t.endswith("\n") else t + "\n" for t in texts))
    return 0
