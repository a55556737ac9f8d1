"""Shared by the readers' fuzz tests: feed bytes to a reader as a file and accept only a
clean :class:`StatementError` that names that file."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from bankrec.errors import StatementError
from bankrec.model import Statement


def read_fuzzed(read: Callable[[Path], list[Statement]], data: bytes, name: str) -> None:
    """Write ``data`` to a temporary file ``name`` and read it with ``read``.

    Any exception other than StatementError fails the test; a StatementError must name the file.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            read(path)
        except StatementError as exc:
            assert exc.location.file == str(path)
