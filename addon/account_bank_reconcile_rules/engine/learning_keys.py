# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Learning keys as Odoo needs them: the core's, with the legal form kept.

bankrec's core learning keys a payer by IBAN, else by normalised name without its legal
form (``DUPONT SARL`` and ``DUPONT SAS`` both give ``name:DUPONT``). Odoo knows those as
two partners, so when the bank spelled the legal form next to the name it stays part of
the key and of the learned rule's condition. Pure functions: no Odoo here.
"""

import re

from bankrec.learning import KeyKind
from bankrec.learning.keys import LEGAL_FORMS, strip_accents
from dsl import quote

# A word of a name as the core tokenises it: dotted acronyms (S.A.R.L.) are one word.
_WORD_RE = re.compile(r"\b(?:[^\W\d_]\.){2,}(?:[^\W\d_]\b)?|[^\W_]+")


def source_name(record_id):
    """The stable "file" name of a learned rule: its locations map back to the record."""
    return f"learned-{record_id}.rules"


def exact_party(name):
    """A partner name compared as Odoo tells partners apart: case, accents and dots aside,
    legal form kept (``Dupont S.A.R.L.`` = ``DUPONT SARL`` != ``Dupont SAS``)."""
    return " ".join(strip_accents(name or "").upper().replace(".", "").split())


def _is_legal_form(word):
    return word.replace(".", "") in LEGAL_FORMS


def refine_key(core, counterparty):
    """The key and rule condition this side learns for a transaction whose core key is
    ``core``: the core's own, or -- for a name key whose legal form the core dropped --
    the name with the legal form as the bank spelled it.

    Returns ``(key text, condition)``; the condition is empty when the core's applies.
    """
    if core.kind is not KeyKind.NAME:
        return str(core), ""
    upper = strip_accents(counterparty or "").upper()
    start = upper.find(core.literal.upper())
    if start < 0:
        return str(core), ""
    end = start + len(core.literal)
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
        return str(core), ""
    piece = upper[new_start:new_end]
    key = "name:" + " ".join(w.replace(".", "") for w in _WORD_RE.findall(piece))
    if new_end == end:
        return key, f"counterparty contains {quote(piece)}"
    # A legal form closes the piece: SA must not fire on SAS, SC on SCI, CO on CORP.
    following = upper[new_end : new_end + 1]
    if following and not following.isspace():
        return key, f"counterparty contains {quote(piece + following)}"
    return key, (
        f"(counterparty contains {quote(piece + ' ')} or counterparty endswith {quote(piece)})"
    )
