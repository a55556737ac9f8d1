"""Pick the few rules worth trying on a transaction, without trying them all.

Most rules need some literal in some text field (``label contains 'FRAIS'``). Each such
rule is indexed under one trigram of that literal (the rarest among all rules' literals);
for a transaction, the trigrams of each field are intersected with the index in one set
operation, and only rules whose literal is really present become candidates. Rules that
need an exact value (``iban = '...'``) are found with one dictionary lookup. Rules with no
requirement are always candidates. The candidate set is a superset of the matching rules,
so results equal trying every rule (a property test checks this).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from dsl.compiler import Requirement

GRAM = 3


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
        by_gram: dict[str, dict[str, list[tuple[str, int]]]] = defaultdict(dict)
        short: dict[str, list[tuple[str, int]]] = defaultdict(list)
        equal: dict[str, dict[str, list[int]]] = defaultdict(dict)
        for index, requirement in enumerate(requirements):
            if not requirement:
                self.always.append(index)
                continue
            for kind, field, literal in requirement:
                if kind == "eq":
                    equal[field].setdefault(literal, []).append(index)
                elif len(literal) < GRAM:
                    short[field].append((literal, index))
                else:
                    gram = min(sorted(_grams(literal)), key=lambda g: counts[g])
                    by_gram[field].setdefault(gram, []).append((literal, index))
        self.by_gram = dict(by_gram)
        self.gram_keys = {field: frozenset(table) for field, table in by_gram.items()}
        self.short = dict(short)
        self.equal = dict(equal)
        self.fields = sorted(set(self.by_gram) | set(self.short))

    def candidates(self, folded: dict[str, str]) -> list[int]:
        """Indices of the rules that may match, ascending (file order)."""
        found: set[int] = set(self.always)
        for field in self.fields:
            text = folded[field]
            if not text:
                continue
            table = self.by_gram.get(field)
            if table is not None:
                for gram in _grams(text) & self.gram_keys[field]:
                    for literal, index in table[gram]:
                        if literal in text:
                            found.add(index)
            for literal, index in self.short.get(field, ()):
                if literal in text:
                    found.add(index)
        for field, values in self.equal.items():
            hits = values.get(folded[field])
            if hits:
                found.update(hits)
        return sorted(found)
