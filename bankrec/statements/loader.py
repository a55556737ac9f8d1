"""One call for every command that takes ``--statement FILE``: any supported format in,
transactions out. The format is detected by content (see :mod:`registry`)."""

from __future__ import annotations

from pathlib import Path

from bankrec.model import Transaction
from bankrec.statements.registry import read_statements


def load_transactions(path: Path, profile: Path | None = None) -> list[Transaction]:
    """All transactions of all statements in ``path``, in file order.

    ``profile`` is a CSV/XLSX mapping profile (YAML) for bank exports in a layout no
    shipped profile recognises.
    """
    return [t for s in read_statements(path, profile=profile) for t in s.transactions]
