"""Words of bank lines that change what a payment means: fees, deposits, instalments, orders.

A line saying ``ENTGELT 5,66`` had a fee deducted; ``ACOMPTE`` / ``Anzahlung`` is money on
account, not (yet) an invoice's; but ``ACOMPTE 1/3 FACTURE FA-2026-0142`` is the first of
three instalments of a named invoice, and ``ACOMPTE COMMANDE 4512`` a deposit on an order.
The word lists differ per country and per customer, so they are settings
(:class:`bankrec.matching.config.MatchConfig` ``fee_words``, ``deposit_words``,
``instalment_words``, ``order_words``) with the defaults below; the patterns built from
them are cached per list.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bankrec.matching.normalize import fold

# Words saying a fee was deducted, followed on the line by its amount (``ENTGELT 5,66``,
# ``/FRAIS 8.53``, ``CHARGES GBP 7.50``): the stated fee makes a short payment exact.
FEE_WORDS: tuple[str, ...] = (
    "ENTGELT", "SPESEN", "KOSTEN", "FRAIS", "CHARGE", "CHARGES", "FEE", "FEES", "GEBUEHR",
    "GEBUEHREN", "GEBUHR", "GEBUHREN", "COMMISSION", "COMMISSIONE", "COMISION",
)  # fmt: skip
# Words of a deposit, advance or prepayment: money on account, not (yet) an invoice's.
DEPOSIT_WORDS: tuple[str, ...] = (
    "ACOMPTE", "AVANCE", "ARRHES", "ANZAHLUNG", "VORAUSZAHLUNG", "VORSCHUSS", "ADVANCE",
    "DEPOSIT", "PREPAYMENT", "PRE-PAYMENT", "DOWN PAYMENT", "VOORSCHOT", "ANTICIPO",
)  # fmt: skip
# Words of an instalment (besides an ``n/m`` count): one part of a document's amount.
INSTALMENT_WORDS: tuple[str, ...] = (
    "RATE", "ECHEANCE", "INSTALMENT", "INSTALLMENT", "TEILZAHLUNG", "ABSCHLAGSZAHLUNG",
    "TERMIJN", "MENSUALITE", "RATA", "CUOTA",
)  # fmt: skip
# Words of an order, quote or purchase order: a deposit naming one is not an instalment.
ORDER_WORDS: tuple[str, ...] = (
    "COMMANDE", "CDE", "BON DE COMMANDE", "DEVIS", "BESTELLUNG", "AUFTRAG", "ANGEBOT",
    "ORDER", "PO", "PURCHASE ORDER", "QUOTE", "BESTELLING", "OFFERTE", "ORDINE", "PEDIDO",
)  # fmt: skip

_CURRENCIES = r"(?:EUR|CHF|GBP|USD)?"
# ``1/3``, ``2 SUR 3``, ``3 OF 3``, ``1 VON 2``: never part of a longer number or date
_COUNT = re.compile(
    r"(?<![0-9/.,])([1-9][0-9]?)\s*(?:/|\bSUR\b|\bOF\b|\bVON\b|\bVAN\b)\s*([1-9][0-9]?)(?![0-9/.,])"
)
_MAX_INSTALMENTS = 24


def _alternation(words: tuple[str, ...]) -> str:
    """``words`` as a regex alternation, longest first (``CHARGES`` before ``CHARGE``)."""
    spelled = sorted({" ".join(fold(w).split()) for w in words if w.strip()}, key=len)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in reversed(spelled))


@lru_cache(maxsize=8)
def _fee_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(
        r"(?:^|[^A-Z])(?:" + _alternation(words) + r")\s*[:=/]?\s*" + _CURRENCIES + r"\s*"
        r"(\d{1,4}(?:[.,]\d{2}))(?![0-9])"
    )


@lru_cache(maxsize=32)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"(?<![A-Z0-9])(" + _alternation(words) + r")(?![A-Z0-9])")


def stated_fee(text: str, words: tuple[str, ...] = FEE_WORDS) -> str:
    """The fee amount a bank line states (``SPESEN 14,43`` -> ``14.43``), or ``""``."""
    pattern = _fee_pattern(words)
    m = pattern.search(fold(text)) if pattern is not None else None
    return m.group(1).replace(",", ".") if m else ""


def find_word(text: str, words: tuple[str, ...]) -> str:
    """The first of ``words`` standing as a word in ``text`` (folded), or ``""``."""
    pattern = _word_pattern(words)
    m = pattern.search(fold(text)) if pattern is not None else None
    return m.group(1) if m else ""


def deposit_word(text: str, words: tuple[str, ...] = DEPOSIT_WORDS) -> str:
    """The deposit / advance word a bank line uses (``ACOMPTE``, ``Anzahlung``), or ``""``."""
    return find_word(text, words)


def instalment_marker(text: str, words: tuple[str, ...] = INSTALMENT_WORDS) -> str:
    """What marks the line as an instalment: a count ``n/m`` (1 <= n <= m <= 24, m >= 2,
    ``ACOMPTE 1/3``) or an instalment word (``Rate``, ``échéance``); ``""`` when none."""
    folded = fold(text)
    for m in _COUNT.finditer(folded):
        n, of = int(m.group(1)), int(m.group(2))
        if 1 <= n <= of <= _MAX_INSTALMENTS and of >= 2:
            return m.group(0)
    return find_word(folded, words)
