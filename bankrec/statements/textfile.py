"""Getting a statement file's bytes or text, with one wording for every way that fails.

Every reader needs the same two refusals -- the operating system would not give us the
file (missing, a folder, no permission, an I/O error), or its bytes are not text in the
encoding they must be in -- and a user should read the same sentence whichever format the
file turned out to be. So no reader turns an ``OSError`` or a ``UnicodeDecodeError`` into an
error of its own:

* an ``OSError`` becomes ``StatementError("cannot read file: <reason>", Location(path))``
  (``what`` replaces "file" where the file is not the statement, e.g. a mapping profile);
* undecodable bytes become ``StatementError("byte 0xE9 is not valid utf-8 text",
  Location(path, line))`` -- the line of the first bad byte, so the user can look at it.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, BinaryIO

from bankrec.errors import Location, StatementError


def read_error(path: Path | str, exc: OSError, what: str = "file") -> StatementError:
    """The error for an ``OSError`` met while reading ``path``."""
    return StatementError(f"cannot read {what}: {exc.strerror or exc}", Location(str(path)))


@contextmanager
def reading(path: Path | str, *, what: str = "file") -> Iterator[None]:
    """Turn any ``OSError`` raised inside the block into :func:`read_error`.

    For readers that stream a file (open, then read chunk by chunk or line by line), so an
    error on opening and one half-way through read the same.
    """
    try:
        yield
    except OSError as exc:
        raise read_error(path, exc, what) from None


ReadProgress = Callable[[int], None]  # bytes of the file read so far
_read_progress: ContextVar[ReadProgress | None] = ContextVar("read_progress", default=None)


@contextmanager
def read_progress(report: ReadProgress) -> Iterator[None]:
    """Within the block, streaming readers report how many bytes of their file they have
    read (the import command's progress bar on a 1 GB statement); outside it, nothing."""
    token = _read_progress.set(report)
    try:
        yield
    finally:
        _read_progress.reset(token)


class _Counted:
    """A binary file that reports its bytes read so far on every ``read``."""

    def __init__(self, handle: BinaryIO, report: ReadProgress) -> None:
        self._handle: Any = handle
        self._report = report
        self._done = 0

    def read(self, size: int = -1) -> bytes:
        return self._counted(self._handle.read(size))

    def read1(self, size: int = -1) -> bytes:  # what io.TextIOWrapper reads with
        return self._counted(self._handle.read1(size))

    def _counted(self, data: bytes) -> bytes:
        self._done += len(data)
        self._report(self._done)
        return data

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def open_binary(path: Path, *, what: str = "file") -> BinaryIO:
    """``path`` opened for reading bytes (the caller closes it); within
    :func:`read_progress`, its reads are reported."""
    with reading(path, what=what):
        handle = path.open("rb")
    report = _read_progress.get()
    return handle if report is None else _Counted(handle, report)  # type: ignore[return-value]


def read_bytes(path: Path, *, what: str = "file") -> bytes:
    """The whole file (for formats whose files are small, or read whole anyway)."""
    with reading(path, what=what):
        return path.read_bytes()


def read_head(path: Path, size: int, *, what: str = "file") -> bytes:
    """At most the first ``size`` bytes of ``path`` (for detecting its format)."""
    with reading(path, what=what), path.open("rb") as handle:
        return handle.read(size)


def known_encoding(encoding: str) -> bool:
    """Whether Python has a codec named ``encoding`` (to check one a file declares before
    decoding with it, and say where it was declared)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def decode(data: bytes, encoding: str, file: Path | str, *, expected: str = "") -> str:
    """``data`` as text in ``encoding``; a byte that is not valid there names its line.

    ``expected`` tells the user where the encoding came from (the header, a profile...).
    """
    try:
        return data.decode(encoding)
    except LookupError:
        raise StatementError(
            f"unknown character encoding {encoding!r}", Location(str(file)), expected
        ) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise StatementError(
            f"byte 0x{data[exc.start]:02X} is not valid {_label(encoding)} text",
            Location(str(file), line),
            expected or f"text in {_label(encoding)}",
        ) from None


def decode_first(data: bytes, encodings: Sequence[str]) -> str | None:
    """``data`` decoded with the first of ``encodings`` it is valid in, else None.

    For formats that accept several encodings and tell them apart by trying (a UTF-8 file
    is almost never also valid in a single-byte code page by accident).
    """
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_text(path: Path, *, encodings: Sequence[str] = ("utf-8-sig",), what: str = "file") -> str:
    """The whole file as text in the first of ``encodings`` that fits, its line ends
    (CR LF, CR) turned into LF as :meth:`Path.read_text` does.

    When none fits, the error names the first bad byte for the first encoding (the one the
    file is supposed to be in).
    """
    data = read_bytes(path, what=what)
    first, *others = encodings
    try:
        text = decode(data, first, path, expected=f"a {what} in {_label(first)}")
    except StatementError:
        fallback = decode_first(data, others)
        if fallback is None:
            raise
        text = fallback
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _label(encoding: str) -> str:
    """How an encoding is named to a user: ``utf-8-sig`` (UTF-8, BOM skipped) is UTF-8."""
    return encoding.removesuffix("-sig")
