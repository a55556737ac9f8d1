"""One call for every command that takes ``--statement FILE``: any supported format in,
transactions out. The format is detected by content (see :mod:`registry`), once."""

from __future__ import annotations

from pathlib import Path

from bankrec.model import Transaction
from bankrec.statements import canonical_format
from bankrec.statements.registry import detect, read_statements


def load_transactions(path: Path, profile: Path | None = None) -> list[Transaction]:
    """All transactions of all statements in ``path``, in file order.

    ``profile`` is a CSV/XLSX mapping profile (YAML) for bank exports in a layout no
    shipped profile recognises.
    """
    if profile is not None:
        return [t for s in read_statements(path, profile=profile) for t in s.transactions]
    fmt = detect(path)
    if fmt is canonical_format:
        # one statement per account would regroup the rows; keep the order the file has
        return [t for s in canonical_format.read(path, grouped=False) for t in s.transactions]
    return [t for s in read_statements(path, fmt=fmt) for t in s.transactions]
