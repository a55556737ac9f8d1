"""`bankrec rules check` and `bankrec rules test`: let rule authors see what rules do.

``check`` validates rule files and runs the ``examples`` written next to rules; ``test``
runs the rules over a real statement and shows, per rule, the lines it hits and what it
did, plus conflicts between rules and rules that never fire.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bankrec.errors import BankrecError, StatementError
from bankrec.model import Transaction
from bankrec.statements.loader import load_transactions
from dsl import Outcome, RuleError, RuleSet, check_examples, load_rules


def register(sub: Any) -> None:
    """Add ``rules check`` and ``rules test`` to the command line."""
    rules = sub.add_parser("rules", help="check and try out rule files")
    commands = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND")
    commands.required = True

    check = commands.add_parser(
        "check",
        help="validate rule files and run their examples",
        description="Validate rule files (.rules, .yaml, .yml or folders of them) and run "
        "the examples written next to the rules. Exit status 2 when a rule file is "
        "wrong (nothing loaded), 1 when an example fails.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="rule files or folders")
    check.set_defaults(handler=run_check)

    test = commands.add_parser(
        "test",
        help="show what each rule does on a statement",
        description="Run rules over a bank statement: per rule, the lines it hits and its "
        "effect; conflicts between rules; rules that never fire.",
    )
    test.add_argument("paths", nargs="+", metavar="PATH", help="rule files or folders")
    test.add_argument(
        "--statement",
        required=True,
        type=Path,
        metavar="FILE",
        help="bank statement in any supported format",
    )
    test.add_argument(
        "--limit",
        type=int,
        default=20,
        metavar="N",
        help="show at most N lines per rule (default 20, 0 = all)",
    )
    test.set_defaults(handler=run_test)


def _load(paths: Sequence[str]) -> RuleSet | None:
    try:
        return load_rules(paths)
    except RuleError as exc:
        print(str(exc), file=sys.stderr)
        return None


def run_check(args: argparse.Namespace) -> int:
    """Validate the rule files, then run their examples; 0 only when all is well."""
    rules = _load(args.paths)
    if rules is None:
        return 2  # bad input: the rule files themselves are wrong
    ran, failures = check_examples(rules)
    for failure in failures:
        print(failure.render(), file=sys.stderr)
    files = len({r.location.rsplit(":", 1)[0] for r in rules.rules})
    passed = ran - len(failures)
    print(f"{len(rules)} rules in {files} files; {passed}/{ran} examples passed")
    return 1 if failures else 0


def load_statement(path: Path) -> list[Transaction]:
    """Transactions of a statement in any format the importers know, in file order."""
    return load_transactions(path)


@dataclass
class _RuleReport:
    hits: list[tuple[Transaction, Outcome]] = field(default_factory=list)


def run_test(args: argparse.Namespace) -> int:
    """Evaluate the rules on each statement line and report per rule."""
    rules = _load(args.paths)
    if rules is None:
        return 2  # bad input: the rule files themselves are wrong
    try:
        transactions = load_statement(args.statement)
    except BankrecError:
        raise
    except OSError as exc:
        raise StatementError(f"cannot read statement: {exc.strerror}") from None
    reports = {rule.location: _RuleReport() for rule in rules.rules}
    conflicts: list[tuple[Transaction, Outcome]] = []
    for transaction in transactions:
        outcome = rules.evaluate(transaction.rule_fields())
        for location in outcome.matched:
            reports[location].hits.append((transaction, outcome))
        if outcome.conflicts:
            conflicts.append((transaction, outcome))
    console = Console(highlight=False, soft_wrap=True)
    console.print(f"{len(transactions)} statement lines, {len(rules)} rules")
    for rule in rules.rules:
        _print_rule(console, rule.location, rule.text, reports[rule.location].hits, args.limit)
    _print_conflicts(console, conflicts)
    never = [rule for rule in rules.rules if not reports[rule.location].hits]
    console.print()
    if never:
        console.print(f"[bold]Rules that never fire ({len(never)}):[/bold]")
        for rule in never:
            named = f" ({rule.name})" if rule.name != rule.location else ""
            console.print(f"  {rule.location}{named}", markup=False)
    else:
        console.print("Every rule fires at least once.")
    return 0


def _effect_text(outcome: Outcome, location: str) -> str:
    parts = []
    for effect in outcome.effects_of(location):
        if effect.action == "confidence":
            parts.append(f"confidence{effect.value:+d}" if isinstance(effect.value, int) else "")
        elif effect.value is None or effect.value is True:
            parts.append(effect.action)
        else:
            parts.append(f"{effect.action} {effect.value}")
    for conflict in outcome.conflicts:
        if conflict.rejected_at == location:
            parts.append(f"({conflict.action} {conflict.rejected} overruled)")
    return ", ".join(parts) or "(no new effect)"


def _print_rule(
    console: Console, location: str, text: str, hits: list[tuple[Transaction, Outcome]], limit: int
) -> None:
    console.print()
    console.print(f"[bold]{location}[/bold]  {len(hits)} hit{'s' if len(hits) != 1 else ''}")
    console.print(f"  {text}", markup=False)
    if not hits:
        return
    table = Table(show_edge=False, pad_edge=False)
    for column in ("line", "date", "amount", "label", "effect"):
        table.add_column(column, justify="right" if column == "amount" else "left")
    shown = hits if limit <= 0 else hits[:limit]
    for transaction, outcome in shown:
        table.add_row(
            transaction.source or transaction.id,
            transaction.date.isoformat(),
            f"{transaction.amount} {transaction.currency}",
            transaction.label,
            _effect_text(outcome, location),
        )
    console.print(table)
    if len(hits) > len(shown):
        console.print(f"  ... and {len(hits) - len(shown)} more")


def _print_conflicts(console: Console, conflicts: list[tuple[Transaction, Outcome]]) -> None:
    console.print()
    if not conflicts:
        console.print("No conflicts between rules.")
        return
    console.print(f"[bold]Conflicts ({len(conflicts)} lines):[/bold]")
    for transaction, outcome in conflicts:
        for c in outcome.conflicts:
            console.print(
                f"  {transaction.source or transaction.id}: {c.action} {c.kept!r} "
                f"({c.kept_at}) kept, {c.rejected!r} ({c.rejected_at}) rejected",
                markup=False,
            )
