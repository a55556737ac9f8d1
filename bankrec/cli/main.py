"""Entry point of the ``bankrec`` console script.

Each command group lives in its own module exposing ``register(subparsers)``; the
handler it sets returns the process exit status. Errors meant for users
(:class:`bankrec.errors.BankrecError`, the rule language's ``RuleError``, and any
operating-system error on a file) are printed as one clear message, never as a traceback.

Exit status, the same for every command (documented in the README):

* 0 -- done;
* 1 -- done, with findings the user asked to be told about by status (failing rule
  examples, lines left for review with ``match --fail-on-review``, per-line errors of
  ``odoo sync``);
* 2 -- bad input or usage: nothing was written;
* 130 -- interrupted (Ctrl-C).

A closed output pipe (``bankrec import F | head``) ends the command quietly with 0: the
reader chose to stop reading.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from bankrec import __version__
from bankrec.cli.output import describe_os_error
from bankrec.errors import BankrecError
from dsl import RuleError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

# command-group modules, in the order ``bankrec --help`` lists them
COMMAND_MODULES = (
    "bankrec.cli.rules_cmd",
    "bankrec.cli.match_cmd",
    "bankrec.cli.learn_cmd",
    "bankrec.cli.import_cmd",
    "bankrec.cli.odoo_cmd",
    "bankrec.cli.feed_cmd",
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
    """Run one command; return its exit status (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors exit 2 here, as argparse does
    try:
        status: int = args.handler(args)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except (BankrecError, RuleError) as exc:
        _error(str(exc))
        return EXIT_BAD_INPUT
    except OSError as exc:  # a file we were told to read or write: never a traceback
        verb = "write" if isinstance(exc, IsADirectoryError) else "use"
        _error(describe_os_error(exc, verb=verb))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _error("interrupted", prefix="")
        return EXIT_INTERRUPTED
    return status


def _error(text: str, prefix: str = "error: ") -> None:
    with contextlib.suppress(BrokenPipeError, ValueError):
        print(f"bankrec: {prefix}{text}", file=sys.stderr)


def _silence_stdout() -> None:
    """After the reader of our stdout went away, make the interpreter's final flush a no-op
    (otherwise Python prints "Exception ignored ... BrokenPipeError" at exit)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
