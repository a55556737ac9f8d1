"""Text normalisation: rules compare text ignoring case, accents and runs of spaces.

Bank labels arrive in every spelling (``ÉLECTRICITÉ``, ``Electricite``, ``ELECTRICITE  DE``);
finance staff should not need to write regexes for that. Literals are normalised once when a
rule is compiled and each transaction's fields once per evaluation, so the hot path only
does plain substring tests.
"""

from __future__ import annotations

import unicodedata

# letters NFKD does not decompose but that people expect to match their ASCII spelling
_EXTRA = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "ẞ": "SS",
    }
)


def strip_accents(text: str) -> str:
    """Remove accents and collapse whitespace, keeping letter case (what regexes see)."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(text.split())


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` with single spaces."""
    return strip_accents(text).casefold()


def fold_iban(text: str) -> str:
    """IBANs and account numbers compare without their grouping spaces."""
    return "".join(fold(text).split())


def fold_literal(text: str) -> str:
    """Fold a rule literal, keeping one leading/trailing space if the author wrote one.

    ``label contains 'TVA '`` should not match ``TVAXYZ``; the transaction text itself is
    stripped, so a trailing space only matches a word boundary inside the text.
    """
    folded = fold(text)
    if folded and text[:1].isspace():
        folded = " " + folded
    if folded and text[-1:].isspace():
        folded += " "
    return folded
