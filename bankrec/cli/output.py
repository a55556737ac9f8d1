"""Writing a command's outputs: folders created, files replaced atomically, OS errors in one line.

Every command that writes files goes through here, so they all behave alike: a missing
output folder is created (``-o reports/2026-11/match.json`` just works), a file appears
only once it is complete (written beside the target, then renamed: an interrupted or
failing run never leaves half a CSV where yesterday's was), and an operating-system
refusal becomes one :class:`~bankrec.errors.OutputError` line naming the path and what to
do, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from bankrec.errors import OutputError


def describe_os_error(exc: OSError, path: Path | str | None = None, *, verb: str = "write") -> str:
    """One line for an OS error on ``path``: what failed, why, and what to do."""
    where = str(path if path is not None else (exc.filename or "<file>"))
    if isinstance(exc, IsADirectoryError):
        return f"cannot {verb} {where}: it is a folder; give a file name inside it"
    if isinstance(exc, NotADirectoryError):
        return f"cannot {verb} {where}: a part of the path is a file, not a folder"
    if isinstance(exc, PermissionError):
        return f"cannot {verb} {where}: permission denied"
    if exc.errno == errno.ENOSPC:
        return f"cannot {verb} {where}: the disk is full"
    reason = exc.strerror or str(exc)
    return f"cannot {verb} {where}: {reason[:1].lower() + reason[1:]}"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_CREATE_MODE = 0o666 & ~_umask()  # what open(..., "w") would give a new file


def _make_parent(target: Path) -> Path:
    directory = target.parent if str(target.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, directory, verb="create folder")) from None
    if target.is_dir():
        raise OutputError(describe_os_error(IsADirectoryError(), target))
    return directory


@contextlib.contextmanager
def output_stream(target: Path | None) -> Iterator[TextIO]:
    """stdout when ``target`` is None, else a temporary file renamed onto ``target`` on success."""
    if target is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    directory = _make_parent(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
        os.fchmod(fd, _CREATE_MODE)  # mkstemp makes 0600; a report is shared like any file
    except OSError as exc:
        raise OutputError(describe_os_error(exc, target)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(describe_os_error(exc, target)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically, creating its folder."""
    with output_stream(target) as handle:
        handle.write(text)
