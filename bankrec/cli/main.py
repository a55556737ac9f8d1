"""Entry point of the ``bankrec`` console script.

Each command group lives in its own module exposing ``register(subparsers)``; the
handler it sets returns the process exit status. Errors meant for users
(:class:`bankrec.errors.BankrecError` and the rule language's ``RuleError``) are printed
as one clear message, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bankrec import __version__
from bankrec.errors import BankrecError
from dsl import RuleError

# command-group modules, in the order ``bankrec --help`` lists them
COMMAND_MODULES = (
    "bankrec.cli.rules_cmd",
    "bankrec.cli.match_cmd",
    "bankrec.cli.learn_cmd",
    "bankrec.cli.import_cmd",
    "bankrec.cli.odoo_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bankrec", description="Rule-driven bank reconciliation for Odoo and files."
    )
    parser.add_argument("--version", action="version", version=f"bankrec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except (BankrecError, RuleError) as exc:
        print(f"bankrec: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bankrec: interrupted", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
