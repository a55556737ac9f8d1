"""Format module for bankrec's own canonical statement CSV (what ``bankrec import --to csv``
writes), so that every command can take a file another bankrec run produced.

The CSV has no statement structure and no balances: its rows are grouped into one
statement per own account and currency, in the order they first appear.
"""

from __future__ import annotations

from pathlib import Path

from bankrec.errors import InputError, StatementError
from bankrec.model import Statement, Transaction
from bankrec.statements.canonical import COLUMNS, read_statement_csv

NAME = "canonical-csv"
_REQUIRED = COLUMNS[:5]  # id, date, amount, currency, label


def sniff(head: bytes) -> bool:
    """The first line is a header starting ``id,date,amount,currency,label``."""
    try:
        text = head.lstrip(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
        first = text.splitlines()[0] if text else ""
        names = [c.strip().strip('"').lower() for c in first.split(",")]
        return tuple(names[: len(_REQUIRED)]) == _REQUIRED
    except Exception:  # pragma: no cover - sniff never raises
        return False


def read(path: Path, *, grouped: bool = True) -> list[Statement]:
    """One statement per (account, currency); StatementError naming file:line:column.

    ``grouped=False`` keeps every row, in file order, in one statement: for commands that
    report line by line and do not need the per-account structure.
    """
    try:
        transactions = read_statement_csv(path)
    except StatementError:
        raise
    except InputError as exc:
        raise StatementError(exc.message, exc.location, exc.expected) from None
    if not grouped:
        return [
            Statement(account="", currency="", transactions=tuple(transactions), source=str(path))
        ]
    groups: dict[tuple[str, str], list[Transaction]] = {}
    for tx in transactions:
        groups.setdefault((tx.account, tx.currency), []).append(tx)
    return [
        Statement(account=account, currency=currency, transactions=tuple(txs), source=str(path))
        for (account, currency), txs in groups.items()
    ]
