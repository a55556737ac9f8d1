"""The run-time form of a compiled condition: closures over a :class:`Subject`, and the
*requirement* that says which literal a transaction must hold for a rule to possibly match.

Separate from the compiler (:mod:`dsl.compiler`), which checks a rule's text and decides
which of these to build, because this is what runs on every transaction and what the
rule set (:mod:`dsl.ruleset`) and the prefilter (:mod:`dsl.prefilter`) read: they need the
``Requirement`` type and none of the checking. No ``eval``/``exec`` of user text: each
condition is a closure over pre-normalised literals.
"""

from __future__ import annotations

from collections.abc import Callable

from dsl.subject import Subject

Cond = Callable[[Subject], bool]
# alternatives ("sub"|"eq", field, folded literal): one must hold for the condition to hold
Need = tuple[str, str, str]
Requirement = tuple[Need, ...] | None

LOW_SELECTIVITY_FIELDS = ("currency", "direction", "account")


def never(subject: Subject) -> bool:
    """The condition of a rule part that did not compile (the rule is reported anyway)."""
    return False


def selectivity(requirement: Requirement) -> int:
    """How selective a requirement is (higher is better); 0 for none."""
    if not requirement:
        return 0
    scores = []
    for kind, field, literal in requirement:
        if field in LOW_SELECTIVITY_FIELDS:
            scores.append(1)
        elif kind == "eq":
            scores.append(50)
        else:
            scores.append(len(literal))
    return min(scores)


def conjunction(conds: list[Cond]) -> Cond:
    """All of ``conds`` hold (two operands get a plain ``and``)."""
    if len(conds) == 2:
        a, b = conds
        return lambda s: a(s) and b(s)

    def all_of(s: Subject) -> bool:
        return all(c(s) for c in conds)

    return all_of


def disjunction(conds: list[Cond]) -> Cond:
    """One of ``conds`` holds (two operands get a plain ``or``)."""
    if len(conds) == 2:
        a, b = conds
        return lambda s: a(s) or b(s)

    def any_of(s: Subject) -> bool:
        return any(c(s) for c in conds)

    return any_of


def regex_match(field: str, regex: object, capture: bool) -> Cond:
    """``regex`` finds ``field``'s text; with ``capture``, its first ``invoice`` group is kept."""
    search = regex.search  # type: ignore[attr-defined]
    if not capture:
        return lambda s: search(s.regex_text(field)) is not None

    def matches_and_captures(s: Subject) -> bool:
        found = search(s.regex_text(field))
        if found is None:
            return False
        invoice = found.group("invoice")
        if invoice and s.capture is None:
            s.capture = invoice
        return True

    return matches_and_captures


def in_range(attr: str, lo: object, hi: object) -> Cond:
    """``lo <= value <= hi`` for the subject's ``amount`` or ``date``."""

    def between(s: Subject) -> bool:
        value = getattr(s, attr)
        return value is not None and lo <= value <= hi

    return between


def compare(attr: str, op: str, ref: object) -> Cond:
    """``value OP ref`` for the subject's ``amount`` or ``date`` (a missing value fails)."""
    if op == "=":
        return lambda s: (v := getattr(s, attr)) is not None and v == ref
    if op == "!=":
        return lambda s: (v := getattr(s, attr)) is not None and v != ref
    if op == "<":
        return lambda s: (v := getattr(s, attr)) is not None and v < ref
    if op == "<=":
        return lambda s: (v := getattr(s, attr)) is not None and v <= ref
    if op == ">":
        return lambda s: (v := getattr(s, attr)) is not None and v > ref
    return lambda s: (v := getattr(s, attr)) is not None and v >= ref
