"""The ``:86:`` information-to-account-owner field of MT940, in its three dialects.

``:86:`` is free text to SWIFT, but banks structure it and the matcher needs the parts
(counterparty name and IBAN, remittance text, end-to-end id):

* German banks (DK / DFÜ-Abkommen): ``GVC?00booking text?10primanota?20..?29 purpose
  ?30 BIC/BLZ ?31 IBAN/account ?32..?33 name ?34 code ?60..?63 more purpose``, where the
  purpose may carry SEPA keys ``EREF+``, ``KREF+``, ``MREF+``, ``CRED+``, ``SVWZ+``...
* Dutch banks (ING, ABN AMRO, Rabobank): ``/KEY/value`` pairs such as ``/EREF/``,
  ``/NAME/``, ``/IBAN/``, ``/BIC/``, ``/REMI/``, ``/CNTP/iban/bic/name/city/``.
* Everyone else: free text, kept as the label.

This runs once per transaction of files with a million lines, so the reader uses
:func:`details_fields` (a plain tuple, no object per line) and the values that repeat from
line to line (names, IBANs, BICs, codes) are interned so a big statement holds each once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from sys import intern

_GERMAN_RE = re.compile(r"^(\d{3})([?~])")
_SUBFIELD_SPLIT = {sep: re.compile(re.escape(sep) + r"(\d{2})") for sep in "?~"}
_PURPOSE_KEYS = tuple(str(n) for n in [*range(20, 30), *range(60, 64)])
_SEPA_KEYS = (
    "EREF", "KREF", "MREF", "CRED", "DEBT", "COAM", "OAMT", "SVWZ", "ABWA", "ABWE", "IBAN", "BIC",
)  # fmt: skip
_SEPA_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(_SEPA_KEYS) + r")\+")
_DUTCH_KEYS = (
    "EREF", "PREF", "IREF", "KREF", "NAME", "IBAN", "BIC", "REMI", "CNTP", "ORDP", "BENM",
    "ADDR", "ISDT", "TRTP", "MARF", "CSID", "RTRN", "SVCL", "ULTD", "ULTC", "ULTB", "PURP",
    "ACCW", "FX", "COAM", "OAMT", "CHGS", "EXCH", "RTYP", "CREF", "INIT", "CDTRREFTP",
    "CDTRREF", "CD", "ID",
)  # fmt: skip
_DUTCH_RE = re.compile(r"/(" + "|".join(_DUTCH_KEYS) + r")(?=/)")
_NO_VALUE = {"", "NONREF", "NOTPROVIDED", "NOT PROVIDED"}
_NO_VALUE_LEN = max(len(v) for v in _NO_VALUE)  # upper() never shortens a string
_SWIFT_LINE = 65  # a full :86: line: the next one continues the same word

# (raw, label, counterparty, iban, bic, reference, end_to_end_id, code), see Details
DetailFields = tuple[str, str, str, str, str, str, str, str]
NO_DETAILS: DetailFields = ("", "", "", "", "", "", "", "")


@dataclass(frozen=True, slots=True)
class Details:
    """What ``:86:`` says about one transaction, already split into bankrec's fields."""

    raw: str = ""  # the field text, continuation lines joined
    label: str = ""
    counterparty: str = ""
    iban: str = ""
    bic: str = ""
    reference: str = ""
    end_to_end_id: str = ""
    code: str = ""  # German business transaction code (GVC), e.g. 166


def parse_details(lines: list[str]) -> Details:
    """Split a ``:86:`` field (first line plus continuation lines) into its parts."""
    return Details(*details_fields(lines))


def details_fields(lines: list[str]) -> DetailFields:
    """:func:`parse_details` as a plain tuple in :class:`Details` field order."""
    joined = lines[0] if len(lines) == 1 else "".join(lines)
    if _GERMAN_RE.match(joined):
        return _german(joined)
    if joined.startswith("/") and _DUTCH_RE.match(joined):
        return _dutch(joined)
    return (joined, _free_text(lines), "", "", "", "", "", "")


def _free_text(lines: list[str]) -> str:
    """Join free-text lines: a full 65-character line was cut mid-word, others at a word."""
    text = ""
    for index, line in enumerate(lines):
        text += line
        if index < len(lines) - 1 and len(line) < _SWIFT_LINE:
            text += " "
    return " ".join(text.split())


def _clean(text: str) -> str:
    """Collapse runs of blanks; placeholders such as NOTPROVIDED become empty."""
    if not text:
        return ""
    value = " ".join(text.split())
    if len(value) <= _NO_VALUE_LEN and value.upper() in _NO_VALUE:
        return ""
    return value


@lru_cache(maxsize=4096)
def _shared(text: str) -> str:
    """:func:`_clean` for values that repeat from line to line (booking texts, names).

    Remembered (a bounded memo of a pure function) and interned, so a million lines
    from the same few counterparties cost the work and the memory of a few.
    """
    return intern(_clean(text))


@lru_cache(maxsize=4096)
def _shared_iban(text: str) -> str:
    """An account number as sub-field text gives it: blanks dropped, upper case."""
    return intern(_clean(text).replace(" ", "").upper())


@lru_cache(maxsize=4096)
def _shared_bic(text: str) -> str:
    """A BIC in upper case; a German bank code (BLZ, digits only) is no BIC."""
    value = _clean(text)
    return "" if value.isdigit() else intern(value.upper())


def _joined(first: str, second: str) -> str:
    """``first second``, or whichever of the two is not empty."""
    return f"{first} {second}" if first and second else first or second


def _german(text: str) -> DetailFields:
    """DK-structured ``:86:``: numbered sub-fields after the business code."""
    code, sep = text[0:3], text[3]
    pieces = _SUBFIELD_SPLIT[sep].split(text[3:])  # [before, number, value, number, ...]
    numbered = iter(pieces)
    next(numbered)
    parts = dict(zip(numbered, numbered, strict=False))  # pairs: len(pieces) is odd
    if 2 * len(parts) + 1 != len(pieces):  # a sub-field number repeats: join its pieces
        parts = {}
        for number, value in zip(pieces[1::2], pieces[2::2], strict=True):
            parts[number] = parts.get(number, "") + value
    purpose = "".join([parts[key] for key in _PURPOSE_KEYS if key in parts])
    # Without SVWZ+ the purpose itself (keys and all) is the best remittance text there is.
    if "+" in purpose:
        sepa = _sepa(purpose)
        remittance = _clean(sepa.get("SVWZ", "") or purpose)
        end_to_end = _clean(sepa.get("EREF", ""))
    else:  # no SEPA key can be present
        remittance, end_to_end = _clean(purpose), ""
    get = parts.get
    return (
        text,
        _joined(_shared(get("00", "")), remittance),
        _shared(get("32", "") + get("33", "")),
        _shared_iban(get("31", "")),
        _shared_bic(get("30", "")),
        remittance,
        end_to_end,
        intern(code),
    )


def _sepa(purpose: str) -> dict[str, str]:
    """SEPA keys in a German purpose text (``EREF+...SVWZ+...``); free text under ''."""
    matches = list(_SEPA_RE.finditer(purpose))
    if not matches:
        return {}
    found = {"": purpose[: matches[0].start()].strip()}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(purpose)
        found.setdefault(match.group(1), purpose[match.end() : end].strip())
    return found


def _dutch(text: str) -> DetailFields:
    """``/KEY/value`` ``:86:`` of Dutch banks."""
    matches = list(_DUTCH_RE.finditer(text))
    values: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        values.setdefault(match.group(1), text[match.end() + 1 : end].strip().rstrip("/"))
    cntp = values.get("CNTP", "").split("/")
    cntp += [""] * (4 - len(cntp))
    remittance = values.get("REMI", "")
    for prefix in ("USTD//", "STRD/CUR/", "STRD/ISO/", "USTD/", "STRD/"):
        if remittance.startswith(prefix):
            remittance = remittance[len(prefix) :]
            break
    remittance = _clean(remittance)
    name = _shared(values.get("NAME", "") or cntp[2])
    booking = _shared(values.get("TRTP", ""))
    return (
        text,
        _joined(booking, remittance) or name,
        name,
        _shared_iban(values.get("IBAN", "") or cntp[0]),
        intern(_clean(values.get("BIC", "") or cntp[1]).upper()),
        remittance,
        _clean(values.get("EREF", "")),
        "",
    )
