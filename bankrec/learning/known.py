"""Learned IBAN -> party pairs, for the matcher's ``known_ibans`` argument.

The matcher recognises a partner "from the IBAN when an earlier match tied that IBAN to
a partner". The live IBAN rules of a learned rules file are exactly those ties, already
reviewed by people (a rule they deleted or commented out is not offered).
"""

from __future__ import annotations

from bankrec.learning.keys import KeyKind
from bankrec.learning.store import parse_learned_file


def known_ibans(rules_text: str, source: str = "<rules>") -> dict[str, str]:
    """Normalised IBAN -> party of every live learned IBAN rule in ``rules_text``."""
    result: dict[str, str] = {}
    for block in parse_learned_file(rules_text, source).blocks.values():
        party = block.party
        if block.key.kind is KeyKind.IBAN and block.active and party:
            result[block.key.value] = party
    return result
