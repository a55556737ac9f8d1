"""Identifiers a payer copies onto a payment: IBANs, structured references, invoice numbers.

Structured references are built with python-stdnum's own check-digit functions so every
generated reference is valid by the same rules the matcher validates with; invoice numbers
are then written the sloppy ways payers really write them (separators changed or dropped,
lower case, a word in front).
"""

from __future__ import annotations

import random
import re

from stdnum import iban as stdnum_iban
from stdnum import iso11649
from stdnum.be import ogm_vcs
from stdnum.ch import esr
from stdnum.iso7064 import mod_97_10

# Belgian bank codes stdnum knows (be/banks.dat); a BE IBAN with another code is invalid.
_BE_BANK_CODES = ("001", "068", "143", "310", "363", "630", "733", "737", "850", "973")
_BBAN_SHAPES = {  # country: (length of the numeric BBAN body, bank-code prefixes to use)
    "FR": 23,
    "DE": 18,
    "CH": 17,
    "GB": 18,
    "BE": 12,
}


def make_iban(country: str, rng: random.Random) -> str:
    """A valid IBAN of ``country`` (FR, DE, CH, GB, BE), checked with python-stdnum."""
    while True:
        bban = _bban(country, rng)
        check = stdnum_iban.calc_check_digits(country + "00" + bban)
        number = country + check + bban
        if stdnum_iban.is_valid(number):
            return number


def _bban(country: str, rng: random.Random) -> str:
    if country == "BE":
        body = rng.choice(_BE_BANK_CODES) + "".join(str(rng.randrange(10)) for _ in range(7))
        return body + f"{int(body) % 97 or 97:02d}"
    if country == "GB":
        bank = rng.choice(("NWBK", "BARC", "LOYD", "HBUK", "MIDL"))
        return bank + "".join(str(rng.randrange(10)) for _ in range(14))
    if country == "FR":
        bank, branch = f"{rng.randrange(10000, 99999)}", f"{rng.randrange(10000, 99999)}"
        account = "".join(str(rng.randrange(10)) for _ in range(11))
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
        return f"{bank}{branch}{account}{key:02d}"
    return "".join(str(rng.randrange(10)) for _ in range(_BBAN_SHAPES[country]))


def make_qr_reference(rng: random.Random) -> str:
    """A Swiss QR reference: 26 digits plus the recursive mod-10 check digit (27 digits)."""
    body = "".join(str(rng.randrange(10)) for _ in range(26))
    return body + esr.calc_check_digit(body)


def make_rf_reference(rng: random.Random) -> str:
    """An ISO 11649 creditor reference ``RFkk…`` in compact form."""
    length = rng.randint(6, 15)
    alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    body = "".join(rng.choice(alphabet) for _ in range(length))
    check = mod_97_10.calc_check_digits(body + "RF")
    return "RF" + check + body


def make_ogm_reference(rng: random.Random) -> str:
    """A Belgian structured communication ``+++ddd/dddd/ddddd+++`` (mod 97)."""
    body = f"{rng.randrange(10**10):010d}"
    return "+++" + ogm_vcs.format(body + ogm_vcs.calc_check_digits(body)) + "+++"


def is_valid_structured(reference: str) -> bool:
    """True when ``reference`` is a valid QR, RF or Belgian structured reference."""
    compact = "".join(reference.split()).upper()
    if compact.startswith("RF"):
        return bool(iso11649.is_valid(compact))
    if compact.startswith(("+++", "***")):
        return bool(ogm_vcs.is_valid(compact.strip("+*")))
    return compact.isdigit() and len(compact) == 27 and bool(esr.is_valid(compact))


def write_reference(reference: str, rng: random.Random) -> str:
    """``reference`` as a payer's bank transmits it: grouped, compact or re-delimited."""
    if reference.startswith("RF"):
        return rng.choice((reference, iso11649.format(reference)))
    if reference.startswith("+++"):
        digits = ogm_vcs.compact(reference.strip("+"))
        return rng.choice(
            (reference, "***" + ogm_vcs.format(digits) + "***", digits, ogm_vcs.format(digits))
        )
    return rng.choice((reference, esr.format(reference)))


_SEPARATORS = re.compile(r"[/\-. ]")


def mangle_number(number: str, rng: random.Random) -> str:
    """An invoice number as a payer types it: ``INV/2026/00123`` → ``INV202600123`` etc.

    Only separators and case change; digits stay, because a payer who drops a digit has
    sent a different number and no matcher should be expected to guess it.
    """
    parts = _SEPARATORS.split(number)
    style = rng.randrange(7)
    if style == 0:
        return number
    if style == 1:
        return "".join(parts)
    if style == 2:
        return "-".join(parts)
    if style == 3:
        return " ".join(parts)
    if style == 4:
        return ".".join(parts)
    if style == 5:
        return number.lower()
    return parts[0] + "".join(parts[1:2]) + "/" + "".join(parts[2:])


_YEAR = re.compile(r"(?:19|20)\d\d")


def variant_number(number: str, rng: random.Random) -> str:
    """``number`` written the looser ways payers and banks really write it.

    Beyond :func:`mangle_number`'s separators: leading zeros dropped inside a group
    (``INV/2026/00123`` → ``INV 2026 123``), the year shortened (``26``) or dropped, the
    prefix dropped, all of it run together. Every digit that is kept is the document's.
    """
    parts = [p for p in _SEPARATORS.split(number) if p]
    prefix = parts[0] if parts and parts[0].isalpha() else ""
    groups = parts[1:] if prefix else parts
    year = next((k for k, g in enumerate(groups) if _YEAR.fullmatch(g)), -1)
    style = rng.randrange(8)
    if style == 0:  # zero-stripped groups, spaced
        return " ".join([prefix, *(g.lstrip("0") or "0" for g in groups)]).strip()
    if style == 1 and year >= 0:  # short year
        short = [g[2:] if k == year else g for k, g in enumerate(groups)]
        return rng.choice(("/", "-", " ")).join([p for p in (prefix, *short) if p])
    if style == 2:  # prefix dropped
        sep = rng.choice(("/", "-", " ", "."))
        return sep.join(g.lstrip("0") or "0" if rng.random() < 0.5 else g for g in groups)
    if style == 3 and year >= 0 and len(groups) >= 2:  # year dropped
        rest = [g for k, g in enumerate(groups) if k != year]
        return f"{prefix} {'/'.join(rest)}".strip()
    if style == 4:  # run together, zeros dropped
        return prefix + "".join(g.lstrip("0") or "0" for g in groups)
    if style == 5:  # dots or dashes, zeros dropped
        sep = rng.choice((".", "-"))
        return sep.join([p for p in (prefix, *(g.lstrip("0") or "0" for g in groups)) if p])
    if style == 6 and year >= 0:  # short year, zeros dropped, run together
        short = [g[2:] if k == year else g.lstrip("0") or "0" for k, g in enumerate(groups)]
        return prefix + " " + "".join(short) if rng.random() < 0.5 else prefix + "".join(short)
    return mangle_number(number, rng)
