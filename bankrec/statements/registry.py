"""Format detection by content and dispatch to the format's reader.

Each format module satisfies :class:`bankrec.statements.formats.StatementFormat`: ``NAME``,
``sniff(head: bytes) -> bool`` (a cheap test on the first bytes of a file; never raises) and
``read(path: Path) -> list[Statement]`` (raises :class:`bankrec.errors.StatementError` and
returns nothing on any bad input). Formats are tried in the order below, most specific
first; the extension of a file is never used.

The modules are imported by name when first needed, not at import time: a command that
reads one camt file does not pay for openpyxl, and a test can narrow ``FORMAT_MODULES``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from bankrec.errors import Location, StatementError
from bankrec.model import Statement
from bankrec.statements.formats import StatementFormat
from bankrec.statements.textfile import read_head

FORMAT_MODULES = (
    "bankrec.statements.camt",
    "bankrec.statements.ofx",
    "bankrec.statements.mt940",
    "bankrec.statements.coda",
    "bankrec.statements.cfonb120",
    "bankrec.statements.canonical_format",
    "bankrec.statements.sheet",
)
HEAD_BYTES = 8192

if TYPE_CHECKING:  # mypy checks every shipped module against the protocol here
    from bankrec.statements import (
        camt,
        canonical_format,
        cfonb120,
        coda,
        mt940,
        ofx,
        sheet,
    )

    _SHIPPED: tuple[StatementFormat, ...] = (
        camt,
        ofx,
        mt940,
        coda,
        cfonb120,
        canonical_format,
        sheet,
    )


def load(name: str) -> StatementFormat:
    """Import the format module ``name`` and check that it is one (a clear error for a
    module that lost a member, rather than an AttributeError half-way through an import)."""
    module = importlib.import_module(name)
    if not isinstance(module, StatementFormat):
        raise TypeError(f"{name} is not a statement format (it needs NAME, sniff and read)")
    return module


def formats() -> list[StatementFormat]:
    """The format modules, in detection order."""
    return [load(name) for name in FORMAT_MODULES]


def detect(path: Path) -> StatementFormat:
    """Return the format module that recognises the content of ``path``."""
    head = read_head(path, HEAD_BYTES)
    if not head.strip():
        raise StatementError("file is empty", Location(str(path)), "a bank statement")
    candidates = formats()
    for module in candidates:
        if module.sniff(head):
            return module
    names = ", ".join(m.NAME for m in candidates)
    raise StatementError("unrecognised statement format", Location(str(path), 1), names)


def read_statements(
    path: Path, profile: Path | None = None, fmt: StatementFormat | None = None
) -> list[Statement]:
    """Read all statements of ``path``, detecting its format by content unless told.

    A ``profile`` (CSV/XLSX column mapping, YAML) forces the spreadsheet reader. ``fmt`` is
    a format the caller already detected (:func:`detect`), so a file is sniffed only once.
    """
    if profile is not None:
        sheet = importlib.import_module("bankrec.statements.sheet")
        with_profile: list[Statement] = sheet.read(path, profile=profile)
        return with_profile
    module = fmt if fmt is not None else detect(path)
    return module.read(path)
