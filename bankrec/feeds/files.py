"""Files the feeds write -- the sync folder's CSV files and the CLI's state file -- appear
complete or not at all.

Each is written to a hidden temporary file beside its name, flushed to disk, then renamed
over it (:func:`os.replace`, atomic on one file system): a crash or a full disk while
writing never leaves half a file where a reader would take it for whole, and the temporary
file is removed on failure. One writer for both, so they cannot drift apart.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def os_reason(exc: OSError) -> str:
    """The operating system's reason, lower-cased to sit after a colon."""
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]


def write_atomically(
    target: Path,
    write: Callable[[TextIO], object],
    *,
    mode: int,
    error: Callable[[OSError], Exception],
) -> None:
    """``write`` the file's text into a temporary file beside ``target``, with permissions
    ``mode``, then rename it onto ``target``; an operating-system error, at any step,
    is raised as ``error(exc)`` with no temporary file left behind."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise error(exc) from None
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise error(exc) from None
        raise
