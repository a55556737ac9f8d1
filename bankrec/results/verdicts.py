"""A person's verdict on a proposed settlement: the record every decisions reader produces.

The CSV decisions file (:mod:`bankrec.learning.decisions`) and the edited match JSON
(:mod:`bankrec.results.match_json`) both turn into :class:`ValidatedDecision`; learning
consumes them. Kept here, below both readers, so neither needs the other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bankrec.errors import Location

DECISION_WORDS = {"accept": True, "reject": False}


@dataclass(frozen=True, slots=True)
class ValidatedDecision:
    """One person's verdict on one proposed settlement of one transaction.

    ``accepted`` False means the person refused exactly this settlement (these items, or
    this party when ``items`` is empty). ``source`` says where in the decisions file the
    verdict was read, so every later error can point at it.
    """

    transaction_id: str
    items: tuple[str, ...]
    accepted: bool
    party: str = ""
    date: dt.date | None = None
    source: Location = field(default_factory=Location)

    @property
    def record_id(self) -> str:
        """Identity of the verdict across runs: the transaction and the items it concerns.

        Learning the same file twice must not count a verdict twice, and a person who
        changes their mind about the same settlement replaces their earlier verdict.
        """
        return f"{self.transaction_id}|{';'.join(sorted(self.items)) or '-'}"
