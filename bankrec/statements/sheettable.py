"""Rows of cells from a CSV or XLSX bank export, each with its line (or sheet row) number.

This is the layer under the mapping profiles: it only knows how to get cells out of a
file -- encoding and delimiter detection for text, openpyxl for workbooks -- and turns
every failure into a StatementError naming the file and line.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bankrec.errors import Location, StatementError
from bankrec.statements.textfile import decode, decode_first, read_bytes, read_head
from bankrec.statements.xmlsafe import check_prolog_stream

Cell = object  # str for CSV; str, int, float, datetime or None for XLSX
DELIMITERS = (";", ",", "\t", "|")


@dataclass(frozen=True, slots=True)
class Table:
    """The rows of one file: ``(line, cells)``; blank rows are kept out."""

    file: str
    rows: list[tuple[int, list[Cell]]]
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""


def is_xlsx(data: bytes) -> bool:
    """A zip archive holding a workbook (``xl/`` entries or a content-types part)."""
    return data[:4] == b"PK\x03\x04" and (b"xl/" in data[:65536] or b"[Content_Types]" in data)


def detect_encoding(data: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8; else charset-normalizer's guess; else cp1252.

    Bank exports are UTF-8, Windows-1252 or Latin-1; trying strict UTF-8 first is
    reliable (Latin-1 text with accents is almost never valid UTF-8).
    """
    if decode_first(data, ("utf-8",)) is not None:
        return "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    guess = best.encoding if best is not None else ""
    if guess in ("cp1252", "windows_1252", "latin_1", "iso8859_15", "iso8859_1", "cp850"):
        return guess
    return "cp1252" if decode_first(data, ("cp1252",)) is not None else "latin-1"


def detect_delimiter(lines: list[str]) -> str:
    """The candidate that splits the most lines into the same number (>1) of cells."""
    best, best_score = ",", -1
    for delim in DELIMITERS:
        counts = Counter(
            len(row) for row in csv.reader(lines, delimiter=delim) if any(c.strip() for c in row)
        )
        if not counts:
            continue
        width, freq = counts.most_common(1)[0]
        score = freq * (width > 1) * 1000 + width
        if score > best_score:
            best, best_score = delim, score
    return best


def decode_text(path: Path, data: bytes, encoding: str) -> str:
    """Text of ``data`` in ``encoding``; a decoding error names the line."""
    return decode(data, encoding, path,
                  expected=f"a file in {encoding} (set encoding: in the profile)")  # fmt: skip


def read_csv(path: Path, data: bytes, *, encoding: str = "", delimiter: str = "",
             quotechar: str = '"', limit: int | None = None) -> Table:  # fmt: skip
    """Rows of a delimited text file (encoding and delimiter detected when not given)."""
    if b"\x00" in data[:65536]:
        raise StatementError("file holds NUL bytes: not a text export (UTF-16 or binary?)",
                             Location(str(path), data[: data.index(b"\x00")].count(b"\n") + 1),
                             "a CSV text file or an XLSX workbook")  # fmt: skip
    enc = encoding or detect_encoding(data)
    text = decode_text(path, data, enc)
    if text.startswith("\ufeff"):
        text = text[1:]
    delim = delimiter or detect_delimiter(text.splitlines()[:60])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, quotechar=quotechar,
                        strict=True)  # fmt: skip
    rows: list[tuple[int, list[Cell]]] = []
    try:
        for values in reader:
            if any(v.strip() for v in values):
                rows.append((reader.line_num, list(values)))
                if limit is not None and len(rows) >= limit:
                    break
    except csv.Error as exc:
        raise StatementError(f"malformed CSV: {exc}", Location(str(path), reader.line_num),
                             "well-formed delimited text") from None  # fmt: skip
    return Table(str(path), rows, "csv", enc, delim)


def read_xlsx(path: Path, *, sheet: str = "", limit: int | None = None) -> Table:
    """Rows of one worksheet (the first unless ``sheet`` names one)."""
    from openpyxl import load_workbook

    name = str(path)
    check_workbook_parts(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, EOFError) as exc:
        raise StatementError(f"not a readable XLSX workbook: {exc}", Location(name),
                             "an .xlsx file") from None  # fmt: skip
    except Exception as exc:  # openpyxl raises many kinds on damaged archives
        raise StatementError(f"not a readable XLSX workbook: {type(exc).__name__}: {exc}",
                             Location(name), "an .xlsx file") from None  # fmt: skip
    try:
        if sheet and sheet not in book.sheetnames:
            raise StatementError(f"workbook has no sheet {sheet!r}", Location(name),
                                 "one of " + ", ".join(book.sheetnames))  # fmt: skip
        ws = book[sheet] if sheet else book.worksheets[0]
        rows: list[tuple[int, list[Cell]]] = []
        try:
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells: list[Cell] = ["" if v is None else v for v in values]
                if any(str(c).strip() for c in cells):
                    rows.append((number, cells))
                    if limit is not None and len(rows) >= limit:
                        break
        except StatementError:
            raise
        except Exception as exc:
            raise StatementError(f"damaged worksheet: {type(exc).__name__}: {exc}",
                                 Location(name), "an .xlsx file") from None  # fmt: skip
    finally:
        book.close()
    return Table(name, rows, "xlsx")


def check_workbook_parts(path: Path) -> None:
    """Refuse a workbook with a DTD in any of its XML parts, in bankrec's words.

    An XLSX file is a zip of XML parts; a DOCTYPE in one is refused as in camt and OFX
    (naming the part), before openpyxl's parser (defusedxml) could raise its own error --
    which profile detection would take for "not this profile". A file the system will not
    give is refused here too, for the same reason. Anything that is not a readable zip is
    left to :func:`read_xlsx`, which reports it.
    """
    name = str(path)
    if not is_xlsx(read_head(path, 65536)):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                    with archive.open(member) as part:
                        check_prolog_stream(part, name, member.filename)
    except StatementError:
        raise
    except Exception:  # unreadable or damaged archive: read_xlsx says so in its own words
        return


def read_table(path: Path, *, encoding: str = "", delimiter: str = "", quotechar: str = '"',
               sheet: str = "", limit: int | None = None) -> Table:  # fmt: skip
    """Rows of ``path``, a workbook or delimited text, decided by content."""
    data = read_bytes(path)
    if is_xlsx(data):
        return read_xlsx(path, sheet=sheet, limit=limit)
    if not data.strip():
        raise StatementError("file is empty", Location(str(path), 1), "a bank export")
    return read_csv(path, data, encoding=encoding, delimiter=delimiter, quotechar=quotechar,
                    limit=limit)  # fmt: skip
