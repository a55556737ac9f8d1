"""SWIFT MT940 (customer statement) and MT942 (interim report) reader.

Banks all over Europe still deliver MT940, each with its own dialect: German banks put
DK-structured ``?20``…``?33`` sub-fields into ``:86:``, Dutch banks ``/NAME/``/``/REMI/``
keys, others free text. This module turns all of them into :class:`Statement` objects.

It is strict on purpose: the file is cut into fields here (so every error can name the
line it was found on), the ``:61:`` statement line is matched with the ``mt-940``
library's field pattern (which knows the funds-code and reversal-mark variants banks
send), and every amount goes from text straight into ``Decimal``. Any problem raises
:class:`StatementError` naming file, line and what was expected; nothing is returned from
a broken file.

Files run to a million lines, so the reader streams: one pass over the bytes checks NUL
bytes, control characters and the encoding; a second reads line by line and turns each
``:61:``/``:86:`` pair into its final :class:`Transaction` at once, so only those stay in
memory. Errors keep the precedence of reading the whole file first (encoding problems,
then the field layout anywhere in the file, then the first bad statement): a statement
error is held back until the rest of the file has been checked for layout errors.

Ids need one fact that is only known at the end: whether a bank reference repeats for
the account. The reader assumes it does not and records what it sees; in the rare file
where that (or the account, written after its lines) turns out wrong, the file is read
once more with the facts known, so the ids are exactly those of a two-phase reader.

The layers live in their own modules: :mod:`.mt940_text` (bytes to text lines to tagged
fields), :mod:`.mt940_values` (the value of each field: dates, amounts, balances, ``:61:``),
:mod:`.mt940_details` (the ``:86:`` dialects) and :mod:`.mt940_statements` (fields to
statements and transactions, with their ids); this module is the format's public face.
"""

from __future__ import annotations

import re
from pathlib import Path

from bankrec.model import Statement
from bankrec.statements.mt940_statements import Facts, StatementReader
from bankrec.statements.mt940_text import inspect_encoding, text_lines
from bankrec.statements.textfile import open_binary, reading

NAME = "mt940"

_SNIFF_TAG = re.compile(rb"(?m)^(?:\{4:\s*)?:(20|25|60F|60M|61|13D|34F):")
_MAX_READINGS = 3  # see read()


def sniff(head: bytes) -> bool:
    """True when ``head`` carries MT940/942 field tags at line starts (never raises)."""
    try:
        tags = {m.group(1) for m in _SNIFF_TAG.finditer(head.replace(b"\r", b"\n"))}
    except Exception:  # pragma: no cover - regex on bytes does not raise
        return False
    return b"20" in tags and b"25" in tags and bool(tags - {b"20", b"25"})


def read(path: Path) -> list[Statement]:
    """Read every statement in an MT940/MT942 file, or raise :class:`StatementError`."""
    name = str(path)
    encoding = inspect_encoding(Path(path), name)
    facts = Facts()
    # Reading 1 learns the accounts, reading 2 (if needed) the repeated references with
    # the right accounts, and reading 3 is then always consistent.
    for _ in range(_MAX_READINGS):
        reader = StatementReader(name, facts, check_controls=encoding.check_controls)
        with reading(path), open_binary(Path(path)) as raw:
            statements = reader.run(text_lines(raw, encoding))
        if reader.consistent():
            return statements
        del statements  # free the first attempt before reading again
        facts = reader.learned()
    raise AssertionError(f"{name}: MT940 ids did not settle in {_MAX_READINGS} readings")
