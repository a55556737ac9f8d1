"""Import a batch of statement files: read all, check balances, drop duplicates -- or nothing.

What ``bankrec import`` and the Odoo add-on's "Import statement" share: every file is read
completely (format detected by content), balances are checked and duplicates across files
removed *before* anything is written or created, so a failing file leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bankrec.errors import BankrecError
from bankrec.model import Statement, Transaction
from bankrec.statements.balance import BalanceProblem, check_balances
from bankrec.statements.dedupe import dedupe
from bankrec.statements.registry import read_statements


class ImportResult:
    """What an import read: statements per file, kept transactions, duplicates, problems."""

    def __init__(
        self,
        statements: list[tuple[Path, Statement]],
        transactions: list[Transaction],
        duplicates: int,
        problems: list[BalanceProblem],
    ) -> None:
        self.statements = statements
        self.transactions = transactions
        self.duplicates = duplicates
        self.problems = problems

    def summary(self) -> str:
        files = len({path for path, _ in self.statements})
        return (
            f"imported {len(self.transactions)} transactions from "
            f"{len(self.statements)} statements in {files} files; "
            f"{self.duplicates} duplicates removed"
            + (f"; {len(self.problems)} unbalanced statements" if self.problems else "")
        )


def import_files(
    files: list[Path],
    *,
    profile: Path | None = None,
    allow_unbalanced: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Read, balance-check and merge ``files``; raise (having written nothing) on any error.

    Every file is tried so the user sees all broken files at once, not one per run.
    ``progress`` is called with the number of files read so far.
    """
    statements: list[tuple[Path, Statement]] = []
    errors: list[str] = []
    for done, path in enumerate(files, start=1):
        try:
            statements += [(path, s) for s in read_statements(path, profile=profile)]
        except BankrecError as exc:
            errors.append(str(exc))
        if progress is not None:
            progress(done)
    if errors:
        if len(errors) == 1:
            raise BankrecError(f"{errors[0]}; nothing was written")
        listing = "\n  ".join(errors)
        raise BankrecError(
            f"{len(errors)} files cannot be imported; nothing was written:\n  {listing}"
        )
    problems = check_balances(s for _, s in statements)
    if problems and not allow_unbalanced:
        listing = "\n  ".join(str(p) for p in problems)
        raise BankrecError(
            f"{len(problems)} statement(s) do not balance; nothing was written "
            f"(use --allow-unbalanced to import them anyway):\n  {listing}"
        )
    merged = dedupe(t for _, s in statements for t in s.transactions)
    return ImportResult(statements, merged.transactions, merged.duplicate_count, problems)
