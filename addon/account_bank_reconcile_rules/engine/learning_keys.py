# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Learning keys as Odoo needs them: the core's own, which keep the legal form.

Odoo knows ``Dupont SARL`` and ``Dupont SAS`` as two partners. bankrec's core learning
(:mod:`bankrec.learning.keys`) keeps the legal form the bank spelled next to the name in
the key and in the learned rule's condition, so this module only adapts the core's
answer to the add-on's record layout. Pure functions: no Odoo here.
"""

from bankrec.learning.keys import strip_accents, with_legal_form
from bankrec.learning.ruletext import condition


def source_name(record_id):
    """The stable "file" name of a learned rule: its locations map back to the record."""
    return f"learned-{record_id}.rules"


def exact_party(name):
    """A partner name compared as Odoo tells partners apart: case, accents and dots aside,
    legal form kept (``Dupont S.A.R.L.`` = ``DUPONT SARL`` != ``Dupont SAS``)."""
    return " ".join(strip_accents(name or "").upper().replace(".", "").split())


def refine_key(core, counterparty):
    """The key and rule condition this side learns for a transaction whose core key is
    ``core``.

    A key from :func:`bankrec.learning.derive_key` already carries the legal form, so
    this returns ``(str(core), "")`` for it (the core's condition applies); a name key
    made without the form (an older caller) is widened the way the core widens it.
    Returns ``(key text, condition)``; the condition is empty when the core's applies.
    """
    refined = with_legal_form(core, counterparty)
    if refined is core:
        return str(core), ""
    return str(refined), condition(refined)
