"""Compiled rules and their evaluation on one transaction.

Semantics: rules run in order (file order, files in the order given); every rule whose
condition holds applies its actions, until a rule with ``stop``. Confidence deltas add up
(unclamped), tags accumulate, ``ignore`` sticks, and party / account / category / kind /
invoice keep the first value set: a later different value is recorded as a
:class:`~dsl.outcome.Conflict`. Every effect carries the ``file:line`` of its rule.
:meth:`RuleSet.evaluate` is pure: no global state, safe to call from several threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dsl.actions import Action
from dsl.conditions import Requirement
from dsl.fields import FIRST_WINS, TEXT_FIELDS
from dsl.outcome import NO_MATCH, Conflict, Effect, Outcome
from dsl.prefilter import Prefilter
from dsl.subject import Subject

if TYPE_CHECKING:
    from dsl.examples import Example


@dataclass(frozen=True, eq=False)
class Rule:
    """One compiled rule. ``location`` is ``path:line`` with the path as the user gave it."""

    name: str
    location: str
    text: str
    condition: Callable[[Subject], bool] = field(repr=False)
    actions: tuple[Action, ...] = ()
    requirement: Requirement = field(default=None, repr=False)
    fields: frozenset[str] = field(default=frozenset(TEXT_FIELDS), repr=False)
    stop: bool = False
    examples: tuple[Example, ...] = field(default=(), repr=False)

    def matches(self, fields: Mapping[str, object]) -> bool:
        """Whether this rule's condition holds for ``fields`` (ignoring other rules)."""
        return self.condition(Subject(fields))


class RuleSet:
    """An ordered, immutable collection of rules with a literal prefilter."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._prefilter = Prefilter([r.requirement for r in self.rules])
        used = {name for rule in self.rules for name in rule.fields}
        self._needed = tuple(name for name in TEXT_FIELDS if name in used)

    def __len__(self) -> int:
        return len(self.rules)

    def __add__(self, other: RuleSet) -> RuleSet:
        return RuleSet(self.rules + other.rules)

    def __repr__(self) -> str:
        return f"RuleSet({len(self.rules)} rules)"

    def candidates(self, fields: Mapping[str, object]) -> list[Rule]:
        """The rules the prefilter lets through for ``fields`` (a superset of the matches)."""
        subject = Subject(fields)
        return [self.rules[i] for i in self._prefilter.candidates(subject.folded)]

    def evaluate(self, fields: Mapping[str, object], *, exhaustive: bool = False) -> Outcome:
        """Apply the rules to one transaction's fields (see ``Transaction.rule_fields``).

        ``exhaustive`` tries every rule instead of the prefiltered ones; results are the
        same (used by tests to check the prefilter).
        """
        subject = Subject(fields, self._needed)
        order: Iterable[int] = (
            range(len(self.rules)) if exhaustive else self._prefilter.candidates(subject.folded)
        )
        rules = self.rules
        fired: list[Rule] = []
        captures: list[str | None] = []
        for index in order:
            rule = rules[index]
            subject.capture = None
            if rule.condition(subject):
                fired.append(rule)
                captures.append(subject.capture)
                if rule.stop:
                    break
        if not fired:
            return NO_MATCH
        return _combine(fired, captures)


def _combine(fired: list[Rule], captures: list[str | None]) -> Outcome:
    """Fold the actions of the fired rules, in order, into one outcome."""
    first: dict[str, tuple[str, str]] = {}
    effects: list[Effect] = []
    conflicts: list[Conflict] = []
    tags: list[str] = []
    confidence = 0
    ignore = False
    stopped_at: str | None = None

    def set_first(action: str, value: str, where: str) -> None:
        kept = first.get(action)
        if kept is None:
            first[action] = (value, where)
            effects.append(Effect(action, value, where))
        elif kept[0] != value:
            conflicts.append(Conflict(action, kept[0], kept[1], value, where))

    for rule, invoice in zip(fired, captures, strict=True):
        where = rule.location
        if invoice:
            set_first("invoice", invoice, where)
        for action in rule.actions:
            name, value = action.name, action.value
            if name in FIRST_WINS:
                set_first(name, str(value), where)
            elif name == "confidence":
                assert isinstance(value, int)
                confidence += value
                effects.append(Effect(name, value, where))
            elif name == "tag":
                assert isinstance(value, str)
                if value not in tags:
                    tags.append(value)
                effects.append(Effect(name, value, where))
            elif name == "ignore":
                ignore = True
                effects.append(Effect(name, True, where))
            elif name == "stop":
                stopped_at = where
                effects.append(Effect(name, None, where))

    def kept(action: str) -> str | None:
        entry = first.get(action)
        return entry[0] if entry else None

    return Outcome(
        matched=tuple(r.location for r in fired),
        party=kept("party"),
        account=kept("account"),
        category=kept("category"),
        kind=kept("kind"),
        ignore=ignore,
        confidence=confidence,
        tags=tuple(tags),
        invoice=kept("invoice"),
        stopped_at=stopped_at,
        effects=tuple(effects),
        conflicts=tuple(conflicts),
    )
