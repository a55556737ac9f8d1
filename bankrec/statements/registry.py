"""Format detection by content and dispatch to the format's reader.

Each format module exposes ``NAME`` (str), ``sniff(head: bytes) -> bool`` (cheap test on the
first bytes of a file; must not raise) and ``read(path: Path) -> list[Statement]`` (raises
:class:`bankrec.errors.StatementError` and returns nothing on any bad input). Formats are
tried in the order below, most specific first; the extension of a file is never used.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from bankrec.errors import Location, StatementError
from bankrec.model import Statement

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


def formats() -> list[ModuleType]:
    """The format modules, in detection order."""
    return [importlib.import_module(name) for name in FORMAT_MODULES]


def detect(path: Path) -> ModuleType:
    """Return the format module that recognises the content of ``path``."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise StatementError(f"cannot read file: {exc.strerror}", Location(str(path))) from None
    if not head.strip():
        raise StatementError("file is empty", Location(str(path)), "a bank statement")
    for module in formats():
        if module.sniff(head):
            return module
    names = ", ".join(m.NAME for m in formats())
    raise StatementError("unrecognised statement format", Location(str(path), 1), names)


def read_statements(path: Path, profile: Path | None = None) -> list[Statement]:
    """Detect the format of ``path`` by content and read all its statements.

    A ``profile`` (CSV/XLSX column mapping, YAML) forces the spreadsheet reader.
    """
    if profile is not None:
        sheet = importlib.import_module("bankrec.statements.sheet")
        with_profile: list[Statement] = sheet.read(path, profile=profile)
        return with_profile
    module = detect(path)
    statements: list[Statement] = module.read(path)
    return statements
