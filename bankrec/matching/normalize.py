"""Normalised forms of names and document numbers, so that spelling variants compare equal.

Banks shout names in capitals, drop accents, cut them at 35 or 70 characters and add the
city; ERPs keep the legal form ("S.A.", "GmbH"). Comparing the normalised forms lets the
fuzzy scorer measure the differences that matter. Invoice numbers lose their separators
on the way through payment systems (``FA-2026-0012`` arrives as ``FA20260012`` or
``FA 2026 0012``), so they are compared as upper-case letters and digits only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Legal forms, written without dots/spaces after punctuation is removed (S.A.R.L. -> SARL).
LEGAL_FORMS = _wordset(
    """SA SARL SAS SASU EURL SNC SCI SCA SCOP SE GMBH AG KG OHG UG EK GBR MBH CO COKG LTD
    LIMITED PLC LLP LLC INC CORP BV NV BVBA SRL SPRL SPA SAGL SARL SCRL CV VOF ASBL VZW EV
    EG GENOSSENSCHAFT STIFTUNG VEREIN AKTIENGESELLSCHAFT COMMV SCOMM CVBA KGAA PARTG"""
)
# Words banks abbreviate in names, written out so both spellings compare equal.
ABBREVIATIONS = {
    "STE": "SOCIETE", "ETS": "ETABLISSEMENTS", "LABO": "LABORATOIRES", "CIE": "COMPAGNIE",
    "HANDELSGES": "HANDELSGESELLSCHAFT", "INTL": "INTERNATIONAL", "GES": "GESELLSCHAFT",
}  # fmt: skip
# Words of bank wording that never name a partner (multi-language).
BANK_WORDS = _wordset(
    """VIR VIREMENT VIRT SEPA RECU RECUE EMIS EMISE DE DU DES LA LE LES ET PAR POUR REF
    REFERENCE FACTURE FACT FACTURES FA PAIEMENT PAYMENT PAY PMT PRLV PRELEVEMENT CB CARTE
    ORDRE DONNEUR BENEFICIAIRE MOTIF COMMUNICATION COMM INVOICE INVOICES INV CREDIT DEBIT
    TRANSFER FROM TO THE OF AND FOR ZAHLUNG UEBERWEISUNG UBERWEISUNG GUTSCHRIFT LASTSCHRIFT
    RECHNUNG RE RG AUFTRAGGEBER EMPFAENGER VERWENDUNGSZWECK VON AN UND DER DIE DAS FUR FUER
    NR NO NUM ACOMPTE TEILZAHLUNG RATE INSTALMENT INSTALLMENT PARTIAL SOLDE BETALING
    OVERSCHRIJVING VAN FACTUUR MEDEDELING STORTING EUR CHF GBP USD"""
)
_NON_ALNUM = re.compile(r"[^0-9A-Z]+")
_TOKEN = re.compile(r"[0-9A-Z]+")
_NON_DIGIT = re.compile(r"[^0-9]+")
_NO_DIGITS = str.maketrans("", "", "0123456789")


def _digit_count(token: str) -> int:
    """Digits in an upper-case ASCII letters-and-digits token (most are all one kind)."""
    if token.isalpha():
        return 0
    if token.isdigit():
        return len(token)
    return len(token) - len(token.translate(_NO_DIGITS))


def fold(text: str) -> str:
    """Upper-case ASCII: accents removed (``Müller`` -> ``MULLER``), ``ß`` -> ``SS``."""
    if text.isascii():
        return text.upper()
    return _fold_unicode(text)


@lru_cache(maxsize=4096)
def _fold_unicode(text: str) -> str:
    """The slow path of :func:`fold`, cached: one bank label is folded for its numbers,
    its partner words and its transfer wording, and a counterparty spelling recurs."""
    text = text.replace("ß", "ss").replace("ẞ", "SS").replace("Æ", "AE").replace("æ", "ae")
    text = text.replace("Œ", "OE").replace("œ", "oe").replace("Ø", "O").replace("ø", "o")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def words(text: str) -> list[str]:
    """Folded words of ``text``, single letters of an abbreviation joined (``S.A.`` -> ``SA``),
    bank abbreviations written out (``STE`` -> ``SOCIETE``, ``ETS`` -> ``ETABLISSEMENTS``)."""
    tokens = _merge_letters(_TOKEN.findall(fold(text).replace("&", " ")))
    return [ABBREVIATIONS.get(t, t) for t in tokens]


def normalize_name(name: str) -> str:
    """A partner name reduced to its distinctive words: no legal form, accents or punctuation.

    When the name is nothing but a legal form, it is kept whole rather than emptied.
    """
    tokens = words(name)
    kept = [t for t in tokens if t not in LEGAL_FORMS]
    return _umlauts(" ".join(kept or tokens))


# Spellings of one legal form, written as one (``LIMITED`` is ``LTD``, ``MBH`` a ``GMBH``).
_LEGAL_EQUIVALENT = {"LIMITED": "LTD", "AKTIENGESELLSCHAFT": "AG", "MBH": "GMBH", "COKG": "CO KG"}


def legal_form(name: str) -> str:
    """The legal form a name carries, in one spelling: ``Acme Limited`` -> ``LTD``,
    ``Bauer GmbH & Co. KG`` -> ``GMBH CO KG``, ``S.A.R.L.`` -> ``SARL``; ``""`` when none.

    Two partners whose names differ only by this (``Acme plc`` / ``Acme Ltd``) are different
    partners, and a bank text that spells the form says which of them paid.
    """
    return canonical_form(words(name))


def canonical_form(tokens: list[str]) -> str:
    """:func:`legal_form` of already split words (legal-form words kept, in order)."""
    out: list[str] = []
    for token in tokens:
        if token in LEGAL_FORMS:
            form = _LEGAL_EQUIVALENT.get(token, token)
            if form not in out:
                out.append(form)
    return " ".join(out)


def _merge_letters(tokens: list[str]) -> list[str]:
    """Runs of single letters are one abbreviation: ``S A R L`` -> ``SARL``, ``S A`` -> ``SA``."""
    out: list[str] = []
    run = ""
    for token in tokens:
        if len(token) == 1 and token.isalpha():
            run += token
            continue
        if run:
            out.append(run)
            run = ""
        out.append(token)
    if run:
        out.append(run)
    return out


def _umlauts(text: str) -> str:
    """``MUELLER`` and ``MÜLLER`` (folded ``MULLER``) meet: German transliterations dropped.

    Applied to both sides of every name comparison, so it never separates equal names.
    """
    return text.replace("AE", "A").replace("OE", "O").replace("UE", "U")


def label_text(text: str) -> str:
    """Bank label text as normalised words, in order, for finding a partner name inside it."""
    return _umlauts(" ".join(words(text)))


def label_words(text: str) -> str:
    """Bank label text reduced to words that could be part of a name (no bank wording/numbers)."""
    return _umlauts(
        " ".join(
            t
            for t in words(text)
            if t not in BANK_WORDS and t not in LEGAL_FORMS and not t.isdigit()
        )
    )


def normalize_number(number: str) -> str:
    """A document number as upper-case letters and digits: ``FA-2026/0012`` -> ``FA20260012``."""
    return _NON_ALNUM.sub("", fold(number))


def number_tokens(text: str) -> list[str]:
    """The letter/digit runs of free text, in order, as candidates for document numbers."""
    return _TOKEN.findall(fold(text))


def is_distinctive(key: str) -> bool:
    """Whether a normalised number is specific enough to identify a document on its own.

    At least 5 characters and 3 digits, and not a bare year like ``2026`` or a run of zeros.
    """
    if len(key) < 5:
        return False
    return _distinctive(key, sum(map(str.isdigit, key)))


def _distinctive(key: str, digits: int) -> bool:
    return len(key) >= 5 and digits >= 3 and key.strip("0") != ""


_RUN = re.compile(r"[A-Z]+|[0-9]+")
_YEAR = re.compile(r"(?:19|20)[0-9][0-9]")
_SHORT_KEY = 7  # a key without the document's prefix needs this many characters


def number_keys(number: str) -> list[str]:
    """Keys under which an item's number is indexed: every form a payer writes it in.

    ``INV/2026/00123`` is written ``INV202600123``, ``INV 2026 123`` (zeros dropped inside
    a group), ``INV-26-00123`` (short year), ``INV 00123`` (year dropped), ``2026/123``
    (prefix dropped) ...: the keys are the prefix kept or dropped × the year full, short or
    dropped × the groups padded or zero-stripped, joined without separators (the label side,
    :func:`text_keys`, joins its tokens the same way and also zero-strips them). Only
    distinctive keys are returned; a key without the prefix needs :data:`_SHORT_KEY`
    characters, and the sequence alone (no prefix, no year) is never a key.
    """
    whole = normalize_number(number)
    keys = [whole] if is_distinctive(whole) else []
    digits = _NON_DIGIT.sub("", whole)  # ``whole`` is ASCII letters and digits only
    if digits != whole and is_distinctive(digits) and len(digits) >= 6:
        keys.append(digits)
    runs = [run for token in number_tokens(number) for run in _RUN.findall(token)]
    lead = 0
    while lead < len(runs) and runs[lead].isalpha():
        lead += 1
    prefix, groups = "".join(runs[:lead]), runs[lead:]
    if len(groups) < 2 and not prefix:
        return keys
    year = next((k for k, g in enumerate(groups) if _YEAR.fullmatch(g)), -1)
    years: list[int | None] = [None] if year < 0 else [None, 2, 4]  # None: as written
    for drop_year in years:
        shaped = groups
        if drop_year == 2:
            shaped = [g[2:] if k == year else g for k, g in enumerate(groups)]
        elif drop_year == 4:
            shaped = [g for k, g in enumerate(groups) if k != year]
            if not shaped:
                continue
        for strip in (False, True):
            body = "".join((g.lstrip("0") or "0") if strip and g.isdigit() else g for g in shaped)
            for key in (prefix + body, body if drop_year != 4 else ""):
                if not key or key in keys or not is_distinctive(key):
                    continue
                if key is body and (len(key) < _SHORT_KEY or not any(c.isdigit() for c in key)):
                    continue
                if drop_year == 4 and _YEAR.fullmatch(body):
                    continue  # ``INV 2025`` (sequence 02025, year dropped) reads as a year
                keys.append(key)
    return keys


def text_keys(text: str, max_window: int = 4) -> list[str]:
    """Every join of 1..``max_window`` consecutive tokens of ``text`` that is distinctive.

    This is how a number written with spaces or other separators (``FA 2026 0012``) meets its
    index key; a bare year never forms a key on its own.
    """
    if sum(map(str.isdigit, text)) < 3:
        return []  # every key needs three digits
    tokens = number_tokens(text)
    counts = [_digit_count(t) for t in tokens]
    keys: dict[str, None] = {}
    n = len(tokens)
    for start in range(n):
        if not counts[start] and len(tokens[start]) > 6:
            continue  # a long plain word never starts a document number
        if sum(counts[start : start + max_window]) < 3:
            continue  # no window from here holds the three digits every key needs
        joined = stripped = ""
        digits = stripped_digits = 0
        for end in range(start, min(start + max_window, n)):
            token, count = tokens[end], counts[end]
            if end > start and not count and len(token) > 3:
                break  # ... nor is a plain word in the middle of one
            joined += token
            digits += count
            # the same join with each group's leading zeros dropped (``2026 1 0042``)
            bare = (token.lstrip("0") or "0") if count == len(token) else token
            stripped += bare
            stripped_digits += count - (len(token) - len(bare))
            if end - start == 2 and _is_date(tokens[start : end + 1]):
                continue  # only three tokens can spell a date
            if _distinctive(joined, digits):
                keys[joined] = None
            if stripped != joined and _distinctive(stripped, stripped_digits):
                keys[stripped] = None
            if len(joined) > 40:
                break
    return list(keys)


def _is_date(parts: list[str]) -> bool:
    """Whether tokens spell a calendar date (``2026 01 05``, ``05 01 2026``): never a number."""
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return False
    lengths = tuple(len(p) for p in parts)
    return lengths in ((4, 2, 2), (2, 2, 4), (4, 1, 1), (1, 1, 4), (2, 2, 2))


def normalize_iban(iban: str) -> str:
    """IBAN / account number without spaces, upper-case."""
    return "".join(iban.split()).upper()
