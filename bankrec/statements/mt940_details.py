"""The ``:86:`` information-to-account-owner field of MT940, in its three dialects.

``:86:`` is free text to SWIFT, but banks structure it and the matcher needs the parts
(counterparty name and IBAN, remittance text, end-to-end id):

* German banks (DK / DFÜ-Abkommen): ``GVC?00booking text?10primanota?20..?29 purpose
  ?30 BIC/BLZ ?31 IBAN/account ?32..?33 name ?34 code ?60..?63 more purpose``, where the
  purpose may carry SEPA keys ``EREF+``, ``KREF+``, ``MREF+``, ``CRED+``, ``SVWZ+``...
* Dutch banks (ING, ABN AMRO, Rabobank): ``/KEY/value`` pairs such as ``/EREF/``,
  ``/NAME/``, ``/IBAN/``, ``/BIC/``, ``/REMI/``, ``/CNTP/iban/bic/name/city/``.
* Everyone else: free text, kept as the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_GERMAN_RE = re.compile(r"^(\d{3})([?~])")
_SUBFIELD_SPLIT = {sep: re.compile(re.escape(sep) + r"(\d{2})") for sep in "?~"}
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
_SWIFT_LINE = 65  # a full :86: line: the next one continues the same word


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
    joined = "".join(lines)
    if _GERMAN_RE.match(joined):
        return _german(joined)
    if joined.startswith("/") and _DUTCH_RE.match(joined):
        return _dutch(joined)
    return Details(raw=joined, label=_free_text(lines))


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
    value = " ".join(text.split())
    return "" if value.upper() in _NO_VALUE else value


def _german(text: str) -> Details:
    """DK-structured ``:86:``: numbered sub-fields after the business code."""
    code, sep = text[0:3], text[3]
    pieces = _SUBFIELD_SPLIT[sep].split(text[3:])
    parts: dict[str, str] = {}
    for number, value in zip(pieces[1::2], pieces[2::2], strict=True):
        parts[number] = parts.get(number, "") + value
    purpose = "".join(parts.get(f"{n}", "") for n in [*range(20, 30), *range(60, 64)])
    sepa = _sepa(purpose)
    # Without SVWZ+ the purpose itself (keys and all) is the best remittance text there is.
    remittance = sepa.get("SVWZ", "") or purpose
    booking = _clean(parts.get("00", ""))
    bic_or_blz = _clean(parts.get("30", ""))
    return Details(
        raw=text,
        label=" ".join(x for x in (booking, _clean(remittance)) if x),
        counterparty=_clean(parts.get("32", "") + parts.get("33", "")),
        iban=_clean(parts.get("31", "")).replace(" ", "").upper(),
        bic="" if bic_or_blz.isdigit() else bic_or_blz.upper(),
        reference=_clean(remittance),
        end_to_end_id=_clean(sepa.get("EREF", "")),
        code=code,
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


def _dutch(text: str) -> Details:
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
    name = _clean(values.get("NAME", "") or cntp[2])
    booking = _clean(values.get("TRTP", ""))
    label = " ".join(x for x in (booking, remittance) if x) or name
    return Details(
        raw=text,
        label=label,
        counterparty=name,
        iban=_clean(values.get("IBAN", "") or cntp[0]).replace(" ", "").upper(),
        bic=_clean(values.get("BIC", "") or cntp[1]).upper(),
        reference=remittance,
        end_to_end_id=_clean(values.get("EREF", "")),
    )
