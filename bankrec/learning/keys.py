"""Stable keys a learned rule hangs on: the counterparty's IBAN, else its normalised name.

A learned rule is only useful if the next payment from the same payer produces the same
key. The IBAN is the most stable token a bank gives us, so it wins whenever it is a valid
IBAN (checked with python-stdnum, so a typo or a domestic account number never becomes a
key). Names are the fallback: banks truncate them, change their case, drop accents and
append legal forms, so the key is the name with all of that removed, and only when what is
left still identifies someone (``VIREMENT`` or ``SEPA 12345`` identify no one).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from stdnum import iban as stdnum_iban

from bankrec.model import Transaction


class KeyKind(StrEnum):
    """What a learned key is made of."""

    IBAN = "iban"
    NAME = "name"


@dataclass(frozen=True, slots=True, order=True)
class LearnKey:
    """A stable token identifying a counterparty, e.g. ``iban:CH9300762011623852957``.

    ``literal`` is the text the rule's condition tests for: the IBAN itself, or the part
    of the counterparty (in upper case without accents) that the name key was taken from,
    so ``counterparty contains '<literal>'`` fires on the very line it was learned from.
    """

    kind: KeyKind
    value: str
    literal: str = field(default="", compare=False)
    # the literal ends with a legal form the next character must not continue: ``SA``
    # must not fire on ``SAS``, so the rule tests "followed by a space or the end"
    bounded: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.value}"

    @classmethod
    def parse(cls, text: str) -> LearnKey:
        """Read a key back from its ``kind:value`` form (the ``# learned-key:`` marker)."""
        kind_text, sep, value = text.strip().partition(":")
        try:
            kind = KeyKind(kind_text.strip().lower())
        except ValueError:
            raise ValueError(f"unknown key kind {kind_text!r} (expected iban or name)") from None
        value = value.strip()
        if not sep or not value:
            raise ValueError("a key needs a value after 'iban:' or 'name:'")
        return cls(kind, value, value)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Legal forms stripped from either end of a name (FR, CH, DE, BE, NL, UK, IT, US).
LEGAL_FORMS = _words(
    """AG GMBH MBH KG OHG UG EG EV SE SA SAS SASU SARL EURL SNC SCI SCS SCOP SPRL SRL SRLS BV
    BVBA NV VZW ASBL CV SC SCRL LTD LIMITED PLC LLP LLC INC CORP CORPORATION CO CIE ET AND
    SPA SAGL KLG GBR"""
)
# Bank wording that names no one; leading ones are stripped, a name of only these is no key.
GENERIC_WORDS = _words(
    """VIREMENT VIR VIRT SEPA PRLV PRELEVEMENT PRELEVT CB CARTE PAIEMENT PAYMENT PAYMENTS PAY
    TRANSFER TRANSFERT CREDIT DEBIT GUTSCHRIFT UEBERWEISUNG UBERWEISUNG LASTSCHRIFT ZAHLUNG
    EINZAHLUNG AUSZAHLUNG DAUERAUFTRAG OVERSCHRIJVING BETALING DOMICILIERING STORTING
    VERSEMENT REMISE CHEQUE CHQ RETRAIT DAB GAB ATM CASH INCONNU UNKNOWN NOTPROVIDED NOT
    PROVIDED NA NONE DIVERS DIVERSE VARIOUS INST INSTANT RECU EMIS FROM TO DE DU POUR PAR
    ORDER ORDRE FAVEUR ORDERING CUSTOMER CLIENT KUNDE REF REFERENCE MOTIF SALAIRE STANDING
    DIRECT BANK BANQUE FRAIS FEES FEE COMMISSION INTERETS INTEREST"""
)
MIN_NAME_LETTERS = 3  # a name key needs a token with at least this many letters

_TOKEN_RE = re.compile(r"[^\W_]+")
_ACRONYM_RE = re.compile(r"\b(?:[^\W\d_]\.){2,}(?:[^\W\d_]\b)?")


# letters NFKD does not decompose; spelled as the rule language folds them
_EXTRA = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
     "đ": "d", "Đ": "D", "ß": "ss", "ẞ": "SS"}
)  # fmt: skip


def strip_accents(text: str) -> str:
    """``text`` without accents, with single spaces, case kept (``Müller  AG`` -> ``Muller AG``).

    This is how the rule language prepares text before comparing it case-insensitively,
    so a literal cut from it is found again by ``counterparty contains '<literal>'``.
    """
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(text.split())


@lru_cache(maxsize=65536)  # pure; a statement repeats the same few hundred payers
def normalise_iban(text: str) -> str | None:
    """The compact IBAN if ``text`` is a valid IBAN (checksum and country format), else None."""
    compact = stdnum_iban.compact(text or "")
    if not compact or not stdnum_iban.is_valid(compact):
        return None
    return str(compact)


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    """Upper-cased words of ``text`` with their spans in ``text``.

    Dotted acronyms (S.A.R.L., G.m.b.H) become one token so legal forms are recognised.
    """
    tokens: list[_Token] = []
    pos = 0
    for acro in _ACRONYM_RE.finditer(text):
        tokens += [
            _Token(m.group().upper(), m.start(), m.end())
            for m in _TOKEN_RE.finditer(text, pos, acro.start())
        ]
        tokens.append(_Token(acro.group().replace(".", "").upper(), acro.start(), acro.end()))
        pos = acro.end()
    tokens += [_Token(m.group().upper(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text, pos)]
    return tokens


REFERENCE_DIGITS = 5  # a number this long at either end of a name is a reference, not a name


def _is_noise(token: str) -> bool:
    return token in GENERIC_WORDS or (token.isdigit() and len(token) >= REFERENCE_DIGITS)


@lru_cache(maxsize=65536)
def _name_span(name: str) -> tuple[str, str] | None:
    """(key, literal) of a name, or None when no stable token is left."""
    stripped = strip_accents(name)
    tokens = _tokens(stripped)
    # Drop legal forms, digits and bank wording from the ends; keep what is inside, so
    # the literal is one contiguous piece of the original text.
    while tokens and (tokens[0].text in LEGAL_FORMS or _is_noise(tokens[0].text)):
        tokens.pop(0)
    while tokens and (tokens[-1].text in LEGAL_FORMS or _is_noise(tokens[-1].text)):
        tokens.pop()
    if not tokens:
        return None
    letters = max(sum(c.isalpha() for c in t.text) for t in tokens)
    if letters < MIN_NAME_LETTERS:
        return None
    if all(_is_noise(t.text) or t.text in LEGAL_FORMS or t.text.isdigit() for t in tokens):
        return None
    key = " ".join(t.text for t in tokens)
    piece = stripped[tokens[0].start : tokens[-1].end]
    literal = piece.upper()  # readable like bank text; kept as is when upper case would
    if literal.casefold() not in stripped.casefold():  # not fold back (Turkish dotless i)
        literal = piece
    return key, literal


def normalise_name(name: str) -> str:
    """The comparable form of a party name: ``'Müller AG.'`` -> ``'MULLER'``.

    Case, accents, punctuation, legal forms and bank wording at either end are removed;
    an empty string means the name identifies no one.
    """
    span = _name_span(name)
    return span[0] if span else ""


def name_key(counterparty: str) -> LearnKey | None:
    """The name key of a counterparty, or None when the name is empty or generic.

    The legal form the bank spelled next to the name stays in the key (``ACME PLC`` and
    ``ACME LIMITED`` are two partners in any ERP); case, accents, dots and bank wording
    do not (``Acme plc.`` = ``ACME PLC``).
    """
    span = _name_span(counterparty)
    if span is None:
        return None
    return with_legal_form(LearnKey(KeyKind.NAME, span[0], span[1]), counterparty)


def legacy_name_key(counterparty: str) -> LearnKey | None:
    """The name key as bankrec derived it before legal forms were kept (``name:ACME``).

    Rules learned earlier hang on such keys; :func:`bankrec.learning.learn.learn` keeps
    counting a payer's verdicts on that key rather than growing a second rule beside it.
    """
    span = _name_span(counterparty)
    return LearnKey(KeyKind.NAME, span[0], span[1]) if span else None


# A word as the tokeniser sees it in upper-case text: dotted acronyms (S.A.R.L.) are one.
_WORD_RE = re.compile(r"\b(?:[^\W\d_]\.){2,}(?:[^\W\d_]\b)?|[^\W_]+")


def _is_legal_form(word: str) -> bool:
    return word.replace(".", "") in LEGAL_FORMS


def with_legal_form(key: LearnKey, counterparty: str) -> LearnKey:
    """``key`` widened over the legal forms the bank wrote right before or after its
    literal in ``counterparty`` (``DUPONT`` in ``DUPONT S.A.R.L.`` -> ``DUPONT SARL``).

    IBAN keys, and name keys with no legal form beside them, are returned unchanged.
    """
    if key.kind is not KeyKind.NAME or not key.literal:
        return key
    upper = strip_accents(counterparty or "").upper()
    start = upper.find(key.literal.upper())
    if start < 0:
        return key
    end = start + len(key.literal)
    words = list(_WORD_RE.finditer(upper))
    new_start, new_end = start, end
    for word in (w for w in words if w.start() >= end):
        if not _is_legal_form(word.group()):
            break
        new_end = word.end()
    for word in reversed([w for w in words if w.end() <= start]):
        if not _is_legal_form(word.group()):
            break
        new_start = word.start()
    if (new_start, new_end) == (start, end):
        return key
    piece = upper[new_start:new_end]
    value = " ".join(w.replace(".", "") for w in _WORD_RE.findall(piece))
    if new_end == end:  # the form precedes the name: the name itself closes the literal
        return LearnKey(KeyKind.NAME, value, piece)
    # A legal form closes the piece: SA must not fire on SAS, SC on SCI, CO on CORP.
    following = upper[new_end : new_end + 1]
    if following and not following.isspace() and following != ".":
        return LearnKey(KeyKind.NAME, value, piece + following)
    return LearnKey(KeyKind.NAME, value, piece, bounded=True)


def iban_key(iban: str) -> LearnKey | None:
    """The IBAN key of an account, or None when it is not a valid IBAN."""
    compact = normalise_iban(iban)
    return LearnKey(KeyKind.IBAN, compact, compact) if compact else None


def derive_key(transaction: Transaction) -> LearnKey | None:
    """The key a decision on ``transaction`` teaches: its IBAN first, else its name."""
    return iban_key(transaction.iban) or name_key(transaction.counterparty)


def why_no_key(transaction: Transaction) -> str:
    """A human sentence saying why :func:`derive_key` found nothing to learn from."""
    iban_part = f"IBAN {transaction.iban!r} is not a valid IBAN" if transaction.iban else "no IBAN"
    if transaction.counterparty:
        name_part = f"counterparty {transaction.counterparty!r} is too generic to identify a payer"
    else:
        name_part = "no counterparty"
    return f"{iban_part} and {name_part}"


@lru_cache(maxsize=65536)
def party_norm(name: str) -> str:
    """A party name as compared between decisions: ``'Müller AG.'`` -> ``'MULLER'``.

    Stricter than :func:`normalise_name`: only case, accents, punctuation and legal forms
    at either end are ignored. Party names come from the ERP, where ``Partner 12 GmbH``
    and ``Partner 13 GmbH`` are two different partners.
    """
    words = [t.text for t in _tokens(strip_accents(name))]
    while words and words[-1] in LEGAL_FORMS:
        words.pop()
    while words and words[0] in LEGAL_FORMS:
        words.pop(0)
    return " ".join(words) or name.strip().casefold()


def same_party(a: str, b: str) -> bool:
    """Whether two party names denote the same party (case, accents, legal form aside)."""
    return party_norm(a) == party_norm(b)
