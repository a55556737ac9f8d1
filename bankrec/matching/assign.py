"""Global, deterministic assignment of transactions to open items.

Each transaction's candidates are scored independently, but an open item's residual can
only be paid once: the assignment takes the strongest (transaction, candidate) pairs first,
so conflicts go to the higher score, and ties are broken by a total order (score, then
transaction order, then item ids) so every run gives the same answer. Partial payments are
assigned last, in date order, against what is still open. A line is never auto-reconciled
when a runner-up (its own, or another line wanting the same item) is within the tie margin.

What is "still open" has two readings. Allocations come out of ``residuals`` (an item is
never allocated twice), but a line is *scored* against ``sure``: the residuals reduced
only by the picks that will be booked without a person. A line whose amount settles an
item exactly only once other lines' *suggestions* are accepted is a part payment of it,
not an exact match: no line's confidence rests on another line's suggestion.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bankrec.matching.scoring import Scored

ScoreFn = Callable[[int, Mapping[int, Decimal]], list[Scored]]
# Called once every line was scored, with the residuals of the moment: finds the lines
# of the run that settle an item together (instalments) and returns those to score again.
GroupFn = Callable[[Mapping[int, Decimal]], Sequence[int]]


@dataclass(frozen=True, slots=True)
class Pick:
    """What the assignment chose for one transaction."""

    best: Scored | None  # allocated candidate (None: nothing good enough / available)
    alternatives: tuple[Scored, ...]  # runner-ups worth showing, best first
    tie: str = ""  # why the line cannot be reconciled automatically ("" when no tie)


class Assigner:
    """Runs the two-phase assignment over transactions (by their position) and item indexes."""

    def __init__(
        self,
        order: Sequence[int],
        score: ScoreFn,
        item_ids: Sequence[str],
        initial: Mapping[int, Decimal],
        *,
        suggest_threshold: int,
        tie_margin: int,
        dates: Sequence[object],
        names: Sequence[str],
        progress: Callable[[int], None] | None = None,
        auto_threshold: int = 101,
        group: GroupFn | None = None,
    ) -> None:
        self.order = list(order)
        self.score = score
        self.item_ids = item_ids
        self.residuals: dict[int, Decimal] = dict(initial)
        self.sure: dict[int, Decimal] = dict(initial)  # reduced by sure picks only
        self.auto = auto_threshold
        self.group = group
        self.by_item_id = {item_id: i for i, item_id in enumerate(item_ids)}
        self.suggest = suggest_threshold
        self.margin = tie_margin
        self.dates = dates
        self.names = names
        # ties are broken by date then transaction id, never by position in the input
        self.by_rank = sorted(self.order, key=lambda t: (str(dates[t]), names[t], t))
        self.rank = {t: r for r, t in enumerate(self.by_rank)}
        self.progress = progress
        self.picks: dict[int, Pick] = {}
        self.touched: set[int] = set()  # items whose sure residual an assignment reduced

    def _fits(self, cand: Scored) -> bool:
        return all(self.residuals[self.by_item_id[a.item_id]] >= a.amount for a in cand.allocations)

    def _take(self, cand: Scored, tie: str) -> None:
        sure = cand.confidence >= self.auto and not tie and not cand.review
        for a in cand.allocations:
            i = self.by_item_id[a.item_id]
            self.residuals[i] -= a.amount
            if sure:
                self.sure[i] -= a.amount
                self.touched.add(i)

    def _alternatives(self, best: Scored, others: Sequence[Scored]) -> tuple[Scored, ...]:
        seen = {best.item_ids}
        alts: list[Scored] = []
        for cand in others:
            if cand.item_ids in seen or not self._fits(cand):
                continue
            seen.add(cand.item_ids)
            alts.append(cand)
            if len(alts) == 3:
                break
        return tuple(alts)

    def run(self) -> dict[int, Pick]:
        """Assign every transaction; returns position -> Pick."""
        cands: dict[int, list[Scored]] = {}
        rival: dict[int, list[tuple[int, int]]] = defaultdict(list)  # item -> (score, tx)
        heap: list[tuple[int, int, int]] = []
        deferred: list[int] = []
        for done, t in enumerate(self.order, start=1):
            cands[t] = self.score(t, self.residuals)
            if self.progress is not None and done % 1000 == 0:
                self.progress(done)
        for t in self.group(self.residuals) if self.group is not None else ():
            cands[t] = self.score(t, self.residuals)
        for t in self.order:
            scored = cands[t]
            if scored and not scored[0].partial and scored[0].confidence >= self.suggest:
                heapq.heappush(heap, (-scored[0].confidence, self.rank[t], 0))
                for cand in scored[:3]:
                    for a in cand.allocations:
                        rival[self.by_item_id[a.item_id]].append((cand.confidence, t))
            else:
                deferred.append(t)
        # phase 1: full settlements, strongest first
        while heap:
            _neg, rank, k = heapq.heappop(heap)
            t = self.by_rank[rank]
            cand = cands[t][k]
            if not self._fits(cand):
                nxt = k + 1
                while nxt < len(cands[t]) and (
                    cands[t][nxt].partial or not self._fits(cands[t][nxt])
                ):
                    nxt += 1
                if nxt < len(cands[t]) and cands[t][nxt].confidence >= self.suggest:
                    heapq.heappush(heap, (-cands[t][nxt].confidence, rank, nxt))
                else:
                    deferred.append(t)
                continue
            alts = self._alternatives(cand, cands[t][k + 1 :])
            tie = ""
            if alts and cand.confidence - alts[0].confidence <= self.margin:
                tie = "runner-up " + ", ".join(alts[0].item_ids) + f" scores {alts[0].confidence}"
            else:
                tie = self._contested(cand, t, rival)
            self._take(cand, tie)
            self.picks[t] = Pick(cand, alts, tie)
        # phase 2: partial payments and leftovers, in date order, scored against what sure
        # picks left open, allocated from what every pick left open
        for t in sorted(set(deferred), key=lambda t: self.rank[t]):
            if t in self.picks:
                continue
            first = cands.get(t, [])
            stale = any(
                self.by_item_id[a.item_id] in self.touched for c in first for a in c.allocations
            )
            fresh = self.score(t, self.sure) if stale else first
            scored = [c for c in fresh if self._fits(c)]
            if not scored or scored[0].confidence < self.suggest:
                self.picks[t] = Pick(None, tuple(scored[:3]))
                continue
            best = scored[0]
            alts = self._alternatives(best, scored[1:])
            tie = ""
            if alts and best.confidence - alts[0].confidence <= self.margin:
                tie = "runner-up " + ", ".join(alts[0].item_ids) + f" scores {alts[0].confidence}"
            self._take(best, tie)
            self.picks[t] = Pick(best, alts, tie)
        for t in self.order:
            self.picks.setdefault(t, Pick(None, tuple(cands.get(t, [])[:3])))
        return self.picks

    def _contested(self, cand: Scored, t: int, rival: Mapping[int, list[tuple[int, int]]]) -> str:
        """Another undecided line wants one of these items almost as much: not automatic."""
        for a in cand.allocations:
            i = self.by_item_id[a.item_id]
            for score, other in sorted(rival.get(i, ()), key=lambda r: (-r[0], self.rank[r[1]])):
                if other == t or other in self.picks:
                    continue
                if (
                    cand.confidence - score <= self.margin
                    and self.residuals[i] - a.amount < a.amount
                ):
                    return (
                        f"transaction {self.names[other]} also claims {a.item_id} "
                        f"with confidence {score}"
                    )
        return ""
