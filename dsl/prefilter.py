"""Pick the few rules worth trying on a transaction, without trying them all.

Most rules need some literal in some text field (``label contains 'FRAIS'``). Each such
rule is indexed under one 4-character piece of that literal (the rarest among all rules'
literals; shorter literals are simply tested). For a transaction, the pieces of its text
fields are intersected with the index in one set operation, and only rules whose literal
is really present become candidates. Rules that need an exact value (``iban = '...'``)
are found with one dictionary lookup. Rules with no requirement are always candidates.
The candidate set is a superset of the matching rules, so results equal trying every rule
(a property test checks this).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from dsl.conditions import Requirement

GRAM = 4


def _grams(text: str) -> set[str]:
    return {text[i : i + GRAM] for i in range(len(text) - GRAM + 1)}


class Prefilter:
    """Index of rule requirements; :meth:`candidates` gives rule indices in file order."""

    def __init__(self, requirements: Sequence[Requirement]) -> None:
        self.always: list[int] = []
        counts: Counter[str] = Counter()
        for requirement in requirements:
            for kind, _field, literal in requirement or ():
                if kind == "sub":
                    counts.update(_grams(literal))
        by_gram: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        short: list[tuple[str, str, int]] = []
        equal: dict[str, dict[str, list[int]]] = defaultdict(dict)
        for index, requirement in enumerate(requirements):
            if not requirement:
                self.always.append(index)
                continue
            for kind, field, literal in requirement:
                if kind == "eq":
                    equal[field].setdefault(literal, []).append(index)
                elif len(literal) < GRAM:
                    short.append((field, literal, index))
                else:
                    gram = min(sorted(_grams(literal)), key=lambda g: counts[g])
                    by_gram[gram].append((field, literal, index))
        self.by_gram = dict(by_gram)
        self.gram_keys = frozenset(by_gram)
        self.short = short
        self.equal = dict(equal)
        # the fields whose text is cut into pieces, joined by a separator no literal holds
        self.fields = sorted({field for entries in by_gram.values() for field, _, _ in entries})

    def candidates(self, folded: dict[str, str]) -> list[int]:
        """Indices of the rules that may match, ascending (file order)."""
        found: set[int] = set(self.always)
        if self.gram_keys:
            text = "\x00".join([folded[field] for field in self.fields])
            for gram in _grams(text) & self.gram_keys:
                for field, literal, index in self.by_gram[gram]:
                    if literal in folded[field]:
                        found.add(index)
        for field, literal, index in self.short:
            if literal in folded[field]:
                found.add(index)
        for field, values in self.equal.items():
            hits = values.get(folded[field])
            if hits:
                found.update(hits)
        return sorted(found)
