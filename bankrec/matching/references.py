"""Structured payment references, validated with python-stdnum before they are trusted.

A structured reference (ISO 11649 ``RF…``, Swiss QR reference, Belgian ``+++…+++``) carries
a check digit, so a valid one that equals an open item's reference is a near-certain match,
while a mistyped one is simply not a reference. Each is compacted to one canonical form so
``RF18 5390 0754 7034`` on an invoice meets ``RF18539007547034`` on the bank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import iso11649
from stdnum.be import ogm_vcs
from stdnum.ch import esr
from stdnum.exceptions import ValidationError

_RF = re.compile(r"RF\d\d(?:\s?[0-9A-Z]){1,21}", re.IGNORECASE)
_OGM = re.compile(r"(?:\+\+\+|\*\*\*)?\s*(\d{3})\s*/\s*(\d{4})\s*/\s*(\d{5})\s*(?:\+\+\+|\*\*\*)?")
_DIGIT_RUN = re.compile(r"\d[\d ]{10,40}\d")


@dataclass(frozen=True, slots=True, order=True)
class Reference:
    """A validated structured reference: ``kind`` is ``rf``, ``qr`` or ``be``."""

    kind: str
    value: str  # compact canonical form

    def __str__(self) -> str:
        if self.kind == "rf":
            return str(iso11649.format(self.value))
        if self.kind == "qr":
            return str(esr.format(self.value))
        return "+++" + str(ogm_vcs.format(self.value)) + "+++"


def parse_reference(text: str) -> Reference | None:
    """The structured reference ``text`` *is* (whole), or None when it is not a valid one."""
    raw = text.strip()
    if not raw:
        return None
    compact = "".join(raw.split()).upper()
    if compact.startswith("RF"):
        try:  # validate() returns the compact form: one clean-up pass instead of two
            return Reference("rf", iso11649.validate(compact))
        except ValidationError:
            return None  # neither a Belgian nor a QR reference starts with letters
    stripped = compact.strip("+*")
    shaped = re.fullmatch(r"\d{3}/\d{4}/\d{5}|\d{12}", stripped)
    if shaped and ogm_vcs.is_valid(stripped):
        return Reference("be", ogm_vcs.compact(stripped))
    if compact.isdigit() and 16 <= len(compact) <= 27 and esr.is_valid(compact):
        return Reference("qr", esr.compact(compact).zfill(27))
    return None


_BASE36 = str.maketrans({c: str(int(c, 36)) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})


def _rf_checksum_ok(compact: str) -> bool:
    """ISO 7064 mod 97-10 of an upper-case ASCII ``RF…`` candidate, as stdnum computes it.

    Only a pre-filter: a bank line's ``RF`` run is tried at every group boundary and
    almost all of those prefixes fail; the survivors are still validated by python-stdnum.
    """
    return int((compact[4:] + compact[:4]).translate(_BASE36)) % 97 == 1


def find_references(text: str) -> list[Reference]:
    """Every valid structured reference written anywhere in free text, in order, no repeats.

    Candidates that fail their check digit are dropped: a typo must not become a match.
    """
    found: dict[Reference, None] = {}
    for m in _RF.finditer(text):
        # The run may continue into following words ("RF18 5390 0754 7034 VIR ..."): try
        # every prefix that ends at a group boundary. A random prefix passes the mod-97
        # check one time in 97, so callers must still look the value up among real items.
        groups = m.group(0).split()
        for end in range(len(groups), 0, -1):
            joined = "".join(groups[:end])
            if joined.isascii() and not _rf_checksum_ok(joined.upper()):
                continue  # fails the check python-stdnum would make (a cheap pre-filter)
            ref = parse_reference(joined)
            if ref is not None:
                found[ref] = None
    if "/" in text:  # the Belgian form always has its two slashes
        for m in _OGM.finditer(text):
            ref = parse_reference("".join(m.groups()))
            if ref is not None:
                found[ref] = None
    for m in _DIGIT_RUN.finditer(text):
        digits = m.group(0).replace(" ", "")
        if len(digits) in (12, 26, 27):
            ref = parse_reference(digits)
            if ref is not None:
                found[ref] = None
    return list(found)
