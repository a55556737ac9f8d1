"""MT940 bytes into fields: the encoding, the text lines, and the tag layout.

Bank exports of MT940 are ASCII, UTF-8 or an 8-bit code page, and a file can run to a
million lines, so the bytes are checked in one streaming pass (NUL bytes, control
characters, valid UTF-8) before the codec is chosen (:func:`inspect_encoding`), and the
text is then decoded as it is read (:func:`text_lines`). :func:`cut_fields` cuts the lines
into ``(tag, line, lines)`` fields, skipping the envelope around statements and refusing a
broken layout with the line it is on.
"""

from __future__ import annotations

import codecs
import io
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import charset_normalizer

from bankrec.errors import Location, StatementError
from bankrec.statements.textfile import read_bytes, reading

_TAG_RE = re.compile(r"^:(\d{2}[A-Z]?|NS):(.*)$")
_END_RE = re.compile(r"^-\s*(\}.*|XXX)?\s*$")  # "-", "-}{5:...}", ING's "-XXX"
_FRAMING = "\x01\x03\x1a"  # SOH/ETX (mBank) and DOS EOF around messages
_BAD_CONTROL = re.compile(r"[\x00\x02\x04-\x08\x0b\x0c\x0e-\x19\x1b-\x1f\x7f]")
_BAD_CONTROL_BYTES = re.compile(rb"[\x00\x02\x04-\x08\x0b\x0c\x0e-\x19\x1b-\x1f\x7f]")
_SINGLE_LINE_TAGS = {"20", "21", "25", "28", "28C", "60F", "60M", "60", "62F", "62M", "62"}
_SINGLE_LINE_TAGS |= {"64", "65", "90D", "90C", "13", "13D", "34F"}
_FALLBACK_CODECS = ["cp1252", "latin_1", "cp850", "cp852", "cp437", "iso8859_2", "iso8859_15"]
_CHUNK = 1 << 20
# Tag lookup without a regex for the ASCII tags every file uses (":61:", ":60F:"...);
# anything else starting with ":" still goes through _TAG_RE.
_HEADS4 = {f":{a}{b}:": f"{a}{b}" for a in string.digits for b in string.digits}
_HEADS4[":NS:"] = "NS"
_HEADS5 = {
    f":{t}{c}:": f"{t}{c}" for t in (h[1:3] for h in _HEADS4) for c in string.ascii_uppercase
}

Field = tuple[str, int, list[str]]  # tag, line it starts on, its lines (first plus continuations)
_NO_LINES: list[str] = []


@dataclass(frozen=True)
class Encoding:
    """How to decode the file, as decided by :func:`inspect_encoding`."""

    codec: str
    skip_bom: bool  # skip a UTF-8 BOM by hand (for the 8-bit fallback codecs)
    check_controls: bool  # control characters not yet ruled out: check each line


def inspect_encoding(path: Path, name: str) -> Encoding:
    """Check the raw bytes in one streaming pass and choose the codec.

    UTF-8 when the whole file is valid UTF-8, else the most plausible 8-bit bank codepage
    (SWIFT itself only allows ASCII, but bank exports use Latin-1/cp1252 in Western Europe
    or DOS codepages, e.g. cp852 for Hungarian Raiffeisen). A NUL byte means UTF-16 or
    binary, which no MT940 file is: that is refused with the line it occurs on, and so is
    a control character (the wrong encoding, or not a text file at all).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, newlines, offset, control_at, control = True, 0, 0, -1, 0
    with reading(name), path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            nul = chunk.find(b"\x00")
            if nul >= 0:
                raise StatementError(
                    "file contains NUL bytes (UTF-16 or binary data)",
                    Location(name, newlines + chunk.count(b"\n", 0, nul) + 1),
                    "an MT940 text file in ASCII, UTF-8 or an 8-bit codepage",
                )
            newlines += chunk.count(b"\n")
            if control_at < 0 and (bad := _BAD_CONTROL_BYTES.search(chunk)):
                control_at, control = offset + bad.start(), bad.group()[0]
            if utf8:
                utf8 = _still_utf8(decoder, chunk)
            offset += len(chunk)
        if utf8:
            utf8 = _still_utf8(decoder, b"", final=True)
    if not utf8:  # rare and small in practice: let charset_normalizer see it all
        data = read_bytes(path)
        bom = data.startswith(b"\xef\xbb\xbf")
        best = charset_normalizer.from_bytes(
            data[3:] if bom else data, cp_isolation=_FALLBACK_CODECS
        ).best()
        codec = best.encoding if best is not None else "latin_1"
        return Encoding(codec, skip_bom=bom, check_controls=True)
    if control_at >= 0:  # in UTF-8 a control byte is that control character
        raise _control_error(name, _line_at(path, name, control_at), chr(control))
    return Encoding("utf-8-sig", skip_bom=False, check_controls=False)


def _still_utf8(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool = False) -> bool:
    """Whether the bytes so far, ``chunk`` included, are still valid UTF-8.

    Not an error when they are not: the file is then in an 8-bit code page, chosen below.
    """
    try:
        decoder.decode(chunk, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _line_at(path: Path, name: str, offset: int) -> int:
    """Line number of byte ``offset``, counting CR LF, CR and LF as one line break each."""
    breaks, left, carry_cr = 0, offset, False
    with reading(name), path.open("rb") as handle:
        while left > 0:
            chunk = handle.read(min(_CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            if carry_cr and chunk.startswith(b"\n"):
                breaks -= 1  # the CR that ended the last chunk was half of a CR LF
            breaks += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
            carry_cr = chunk.endswith(b"\r")
    return breaks + 1


def _control_error(name: str, line: int, char: str) -> StatementError:
    """The error for a control character, wherever it was found."""
    return StatementError(
        f"control character U+{ord(char):04X} in the text",
        Location(name, line),
        "printable text (is this really an MT940 file, or the wrong encoding?)",
    )


def text_lines(raw: BinaryIO, encoding: Encoding) -> Iterable[str]:
    """The file's text lines (CR LF, CR and LF all end a line), decoded as they are read."""
    if encoding.skip_bom:
        raw.seek(3)
    return io.TextIOWrapper(raw, encoding=encoding.codec, errors="replace", newline=None)


def cut_fields(lines: Iterable[str], name: str, check_controls: bool) -> Iterator[Field]:
    """Cut the text into fields, with ``("-", last line, [])`` after each statement.

    A statement runs from ``:20:`` to ``-`` or the next ``:20:``. Lines outside a
    statement (SWIFT ``{1:..}{2:..}`` headers, ABN AMRO's ``ABNANL2A``/``940``
    preamble, ING's ``0000 01INGB...``) are envelope and skipped; inside a statement
    a line without a tag continues the previous field. Layout errors are raised here.
    """
    heads4, heads5, strip = _HEADS4, _HEADS5, _FRAMING + "\n"
    in_block, blocks = False, 0
    tag: str | None = None
    start, values = 0, list[str]()
    numbered = enumerate(lines, start=1)
    for number, raw in numbered:
        if check_controls and (bad := _BAD_CONTROL.search(raw)):
            raise _control_error(name, number, bad.group())
        line = raw.strip(strip)
        if "{4:" in line:
            line = line.split("{4:", 1)[1]
        new = heads4.get(line[:4])
        if new is not None:
            value = line[4:]
        elif (new := heads5.get(line[:5])) is not None:
            value = line[5:]
        elif line[:1] == ":" and (match := _TAG_RE.match(line)):
            new, value = match.group(1), match.group(2)
        if new is not None:
            if tag is not None:
                yield tag, start, values
            if new == "20":
                if in_block:
                    yield "-", start + len(values) - 1, _NO_LINES
                in_block, blocks = True, blocks + 1
            elif not in_block:
                raise _layout_error(
                    StatementError(
                        f"field :{new}: outside a statement",
                        Location(name, number),
                        "':20:' (transaction reference) to start a statement",
                    ),
                    numbered,
                    check_controls,
                )
            tag, start, values = new, number, [value]
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if _END_RE.match(stripped):
            if tag is not None:
                yield tag, start, values
                tag = None
                if in_block:
                    yield "-", start + len(values) - 1, _NO_LINES
            in_block = False
        elif in_block:
            if tag in _SINGLE_LINE_TAGS:
                raise _layout_error(
                    StatementError(
                        f"unexpected text after field :{tag}: ({stripped[:40]!r})",
                        Location(name, number),
                        "a field tag such as ':61:' or '-' ending the statement",
                    ),
                    numbered,
                    check_controls,
                )
            values.append(line)
    if tag is not None:
        yield tag, start, values
        if in_block:
            yield "-", start + len(values) - 1, _NO_LINES
    if not blocks:
        raise StatementError("no MT940 statement found", Location(name, 1), "a ':20:' field")


def _layout_error(
    error: StatementError, rest: Iterator[tuple[int, str]], check_controls: bool
) -> StatementError:
    """``error``, unless a control character further on comes first (it did before)."""
    if check_controls:
        for number, raw in rest:
            if bad := _BAD_CONTROL.search(raw):
                return _control_error(error.location.file, number, bad.group())
    return error
