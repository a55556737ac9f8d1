"""Build fixed-width records (CODA 128, CFONB 120) field by field, by 1-based position.

The fixtures under tests/fixtures/coda and tests/fixtures/cfonb120 were written with these
helpers from the published layouts (Febelfin CODA 2.6; CFONB "relevé de compte 120
caractères"); tests use them again to make damaged variants.
"""

from __future__ import annotations

from decimal import Decimal


def record(length: int, *fields: tuple[int, str]) -> str:
    """A record of ``length`` blanks with each ``(position, text)`` written in place."""
    cells = [" "] * length
    for pos, text in fields:
        assert pos - 1 + len(text) <= length, (pos, text)
        cells[pos - 1 : pos - 1 + len(text)] = list(text)
    return "".join(cells)


def coda_amount(amount: Decimal) -> tuple[str, str]:
    """(sign code, 15 digits with 3 decimals) of a signed CODA amount."""
    return ("1" if amount < 0 else "0"), f"{int(abs(amount) * 1000):015d}"


def cfonb_amount(amount: Decimal, decimals: int = 2) -> str:
    """14-character CFONB amount: 13 digits and a sign character carrying the last digit."""
    units = int(abs(amount).scaleb(decimals))
    text = f"{units:014d}"
    last = int(text[-1])
    sign = ("{ABCDEFGHI" if amount >= 0 else "}JKLMNOPQR")[last]
    return text[:13] + sign
