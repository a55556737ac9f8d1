"""Reading fixed-width bank files (CODA, CFONB 120) as numbered records.

Both formats are mainframe heritage: every record has exactly the same number of
characters, so a record of another length is the surest sign of a damaged or wrongly
encoded file. This module splits a file into ``(line number, record)`` pairs and refuses
the whole file, naming the line, at the first record that is not exactly ``length`` long.
"""

from __future__ import annotations

from pathlib import Path

from bankrec.errors import Location, StatementError
from bankrec.statements.textfile import decode_first

Record = tuple[int, str]


def decode(data: bytes) -> str:
    """Text of a fixed-width file: UTF-8 when it is valid UTF-8, else Latin-1.

    Banks write these files in a single-byte code page; a UTF-8 file that happens to hold
    accents is accepted too. Latin-1 never fails, so a file in another encoding shows up
    as records of the wrong length or with control characters, which :func:`records`
    reports with the line.
    """
    text = decode_first(data, ("utf-8-sig", "latin-1"))
    assert text is not None  # every byte is a Latin-1 character
    return text


def records(path: Path, data: bytes, length: int, fmt: str) -> list[Record]:
    """Split ``data`` into records of exactly ``length`` characters; skip blank lines.

    A file without line breaks whose size is a multiple of ``length`` (some banks send
    one long line) is cut into records. Raises StatementError at the first bad record.
    """
    text = decode(data).rstrip("\x1a")  # DOS end-of-file marker
    if "\n" not in text and "\r" not in text and len(text) > length and len(text) % length == 0:
        lines = [text[i : i + length] for i in range(0, len(text), length)]
    else:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[Record] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        bad = next((i for i, ch in enumerate(line) if ch < " " or ch == "\x7f"), None)
        if bad is not None:
            raise StatementError(
                f"control character {line[bad]!r} in a {fmt} record (wrong encoding or binary "
                "data?)",
                Location(str(path), number, bad + 1),
                f"printable text in {length}-character records",
            )
        if len(line) != length:
            raise StatementError(
                f"{fmt} record is {len(line)} characters long",
                Location(str(path), number),
                f"{length}-character records",
            )
        out.append((number, line))
    if not out:
        raise StatementError(f"file holds no {fmt} records", Location(str(path), 1))
    return out


def first_line(head: bytes) -> bytes:
    """The first non-blank line of ``head`` without its line ending (for sniffing)."""
    for raw in head.lstrip(b"\xef\xbb\xbf").splitlines():
        if raw.strip():
            return raw.rstrip(b"\r")
    return b""
