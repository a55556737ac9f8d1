"""What a statement format module is: the one interface the registry and the tests rely on.

Each format (camt, OFX, MT940, CODA, CFONB 120, canonical CSV, CSV/XLSX exports) is a plain
module, not a class: the registry imports it by name and only ever touches these three
members, so a format can be added or rewritten without touching any caller. Writing the
interface down as a :class:`typing.Protocol` lets mypy check each module against it
(:mod:`bankrec.statements.registry` assigns every module to this type) and lets the
registry check a module it loads at run time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from bankrec.model import Statement


@runtime_checkable
class StatementFormat(Protocol):
    """A statement format module.

    ``NAME`` names the format in messages (``"camt"``, ``"mt940"``...). ``sniff(head)`` is
    a cheap test on the first bytes of a file (the registry gives it 8 KB); it decides by
    content, never by file name, and must never raise -- any bytes at all may come in.
    ``read(path)`` returns every statement of the file, or raises
    :class:`bankrec.errors.StatementError` naming the file (and where in it, and what was
    expected) and returns nothing: a file is imported whole or not at all.
    """

    NAME: str

    def sniff(self, head: bytes) -> bool: ...

    def read(self, path: Path) -> list[Statement]: ...
