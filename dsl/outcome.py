"""What evaluating the rules on one transaction produced, with where each part came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Effect:
    """One action a rule applied: ``provenance`` is the rule's ``file:line``.

    ``value`` is the text set (party, account, category, kind, tag, invoice), the signed
    delta for ``confidence``, ``True`` for ``ignore`` and ``None`` for ``stop``.
    """

    action: str
    value: str | int | bool | None
    provenance: str


@dataclass(frozen=True, slots=True)
class Conflict:
    """A later rule tried to set a different value where the first one wins."""

    action: str
    kept: str
    kept_at: str
    rejected: str
    rejected_at: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """The combined effect of every rule that fired, in order, up to a ``stop``.

    ``confidence`` is the plain sum of deltas and is not clamped: the matcher adds it to
    its own score and clamps the result to 0..100.
    """

    matched: tuple[str, ...] = ()
    party: str | None = None
    account: str | None = None
    category: str | None = None
    kind: str | None = None
    ignore: bool = False
    confidence: int = 0
    tags: tuple[str, ...] = ()
    invoice: str | None = None
    stopped_at: str | None = None
    effects: tuple[Effect, ...] = ()
    conflicts: tuple[Conflict, ...] = ()

    def provenance(self, action: str) -> str | None:
        """Where ``action``'s value came from.

        For first-wins actions and ``ignore`` that is the rule that set it; for
        ``confidence`` and ``tag``, which accumulate, every contributing rule joined by
        ``", "``. ``None`` when no rule applied the action.
        """
        places = [e.provenance for e in self.effects if e.action == action]
        if not places:
            return None
        if action in ("confidence", "tag"):
            return ", ".join(dict.fromkeys(places))
        return places[0]

    def effects_of(self, location: str) -> tuple[Effect, ...]:
        """The effects one rule (by location) contributed."""
        return tuple(e for e in self.effects if e.provenance == location)


NO_MATCH = Outcome()
