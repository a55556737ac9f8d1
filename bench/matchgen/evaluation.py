"""Judge a matcher's decisions against the generator's truth: a pure function, no I/O.

Definitions (docs/evaluation.md explains them for users):

* a decision is *correct* when it does what the truth says the line is: the same open
  items with the same amounts (any acceptable allocation for a genuine tie), the right
  other side for an internal transfer, ``ignored`` for a fee, the rule's account for an
  expense, nothing allocated for a line without counterpart;
* **precision** = correct ``reconciled`` lines / all ``reconciled`` lines; reconciling a
  tie counts as wrong even when it picked one of the tied items, because the matcher
  promised never to auto-book a tie;
* **reconciled share** = correctly reconciled / lines whose class is ``should_reconcile``
  (unambiguous, with a reference or partner + amount + number to go on);
* **top-1** = ``suggested`` lines whose first candidate is correct / ``suggested`` lines
  that do pay open items;
* **false matches** = lines without counterpart that got items (reconciled or suggested).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bankrec.model import Booking, Decision, Status
from bench.matchgen import truth as T

TARGET_PRECISION = Decimal("0.995")
TARGET_RECONCILED_SHARE = Decimal("0.85")
TARGET_TOP1 = Decimal("0.95")
# Calibration: the share of proposals (reconciled or suggested) that are right, per band of
# the confidence they were given, must reach these (docs/evaluation.md).
BANDS = (("90-100", 90, 100, Decimal("0.995")), ("70-89", 70, 89, Decimal("0.85")),
         ("50-69", 50, 69, Decimal("0.50")))  # fmt: skip
# Finer bins of the same proposals, for the reliability plot (bench/plot_calibration.py).
BINS = (("50-59", 50, 59), ("60-69", 60, 69), ("70-79", 70, 79), ("80-89", 80, 89),
        ("90-99", 90, 99), ("100", 100, 100))  # fmt: skip


def decision_allocations(decision: Decision) -> T.Allocations:
    """A decision's allocations in the truth's canonical form."""
    return T.sorted_allocations([(a.item_id, a.amount) for a in decision.allocations])


def is_correct(decision: Decision, line: T.TruthLine) -> bool:
    """Does ``decision`` do what ``line`` really is? (status aside; see module docs)."""
    allocations = decision_allocations(decision)
    cls = line.status_class
    if line.matchable:
        return allocations in line.acceptable
    if allocations:
        return False
    if cls == T.TRANSFER:
        return decision.transfer_with == line.transfer_with
    if cls == T.SHOULD_IGNORE:
        return decision.status is Status.IGNORED
    if cls == T.SHOULD_BOOK:
        return decision.account == line.account or (
            not line.account and decision.booking in (Booking.EXPENSE, Booking.FEE)
        )
    return decision.status is Status.UNMATCHED


def meets_expectation(decision: Decision, line: T.TruthLine) -> bool:
    """Did the line end in the outcome its class asks for (right answer *and* right status)?"""
    correct = is_correct(decision, line)
    status = decision.status
    if line.status_class == T.SHOULD_RECONCILE:
        return correct and status is Status.RECONCILED
    if line.status_class == T.SHOULD_SUGGEST:
        if not line.unambiguous:
            return correct and status is Status.SUGGESTED
        return correct and status in (Status.SUGGESTED, Status.RECONCILED)
    return correct


@dataclass(slots=True)
class Tally:
    """Counts for one case (or overall); ratios are computed from them on demand."""

    lines: int = 0
    reconciled: int = 0
    reconciled_correct: int = 0
    suggested: int = 0
    suggested_payable: int = 0  # suggested lines whose truth pays open items
    suggested_top1: int = 0
    unmatched: int = 0
    ignored: int = 0
    should_reconcile: int = 0
    should_reconcile_done: int = 0
    no_counterpart: int = 0
    false_matches: int = 0
    false_reconciled: int = 0
    as_expected: int = 0

    def add(self, decision: Decision, line: T.TruthLine) -> None:
        """Count one decision against its truth line."""
        correct = is_correct(decision, line)
        status = decision.status
        self.lines += 1
        if status is Status.RECONCILED:
            self.reconciled += 1
            if correct and line.unambiguous:
                self.reconciled_correct += 1
        elif status is Status.SUGGESTED:
            self.suggested += 1
            if line.matchable:
                self.suggested_payable += 1
                self.suggested_top1 += correct
        elif status is Status.UNMATCHED:
            self.unmatched += 1
        elif status is Status.IGNORED:
            self.ignored += 1
        if line.status_class == T.SHOULD_RECONCILE:
            self.should_reconcile += 1
            self.should_reconcile_done += correct and status is Status.RECONCILED
        if line.status_class == T.SHOULD_STAY_UNMATCHED:
            self.no_counterpart += 1
            if decision.allocations:
                self.false_matches += 1
                self.false_reconciled += status is Status.RECONCILED
        self.as_expected += meets_expectation(decision, line)

    @property
    def precision(self) -> Decimal | None:
        """Correct reconciled / reconciled; None when nothing was reconciled."""
        return _ratio(self.reconciled_correct, self.reconciled)

    @property
    def reconciled_share(self) -> Decimal | None:
        """Correctly reconciled / should-reconcile lines."""
        return _ratio(self.should_reconcile_done, self.should_reconcile)

    @property
    def top1(self) -> Decimal | None:
        """Suggestions whose first candidate is right / suggestions for paying lines."""
        return _ratio(self.suggested_top1, self.suggested_payable)

    @property
    def false_match_share(self) -> Decimal | None:
        """No-counterpart lines that got items / no-counterpart lines."""
        return _ratio(self.false_matches, self.no_counterpart)

    @property
    def expected_share(self) -> Decimal | None:
        """Lines that ended as their class asks / lines."""
        return _ratio(self.as_expected, self.lines)


def _ratio(num: int, den: int) -> Decimal | None:
    return Decimal(num) / Decimal(den) if den else None


@dataclass(slots=True)
class Evaluation:
    """Per-case tallies, per-class tallies and the overall tally."""

    cases: dict[str, Tally] = field(default_factory=dict)
    classes: dict[str, Tally] = field(default_factory=dict)
    case_class: dict[str, str] = field(default_factory=dict)
    overall: Tally = field(default_factory=Tally)
    bands: dict[str, list[int]] = field(
        default_factory=lambda: {name: [0, 0] for name, *_ in BANDS}
    )  # band -> [right, proposals]
    bins: dict[str, list[int]] = field(
        default_factory=lambda: {name: [0, 0, 0] for name, *_ in BINS}
    )  # bin -> [right, proposals, sum of their confidences]

    def add_band(self, decision: Decision, line: T.TruthLine) -> None:
        """Count a proposal (reconciled or suggested) in its confidence band and bin."""
        if decision.status not in (Status.RECONCILED, Status.SUGGESTED):
            return
        right = is_correct(decision, line)
        if decision.status is Status.RECONCILED and not line.unambiguous:
            right = False
        for name, low, high, _ in BANDS:
            if low <= decision.confidence <= high:
                self.bands[name][0] += right
                self.bands[name][1] += 1
        for name, low, high in BINS:
            if low <= decision.confidence <= high:
                counts = self.bins[name]
                counts[0] += right
                counts[1] += 1
                counts[2] += decision.confidence

    def band_accuracy(self, name: str) -> Decimal | None:
        """Right proposals / proposals in band ``name``."""
        right, total = self.bands[name]
        return _ratio(right, total)

    def failures(self) -> list[str]:
        """The targets missed, as sentences; empty when every target is met."""
        missed = []
        o = self.overall
        checks = (
            ("precision of reconciled", o.precision, TARGET_PRECISION),
            (
                "reconciled share of should-reconcile lines",
                o.reconciled_share,
                TARGET_RECONCILED_SHARE,
            ),
            ("top-1 accuracy of suggestions", o.top1, TARGET_TOP1),
        )
        for name, value, target in checks:
            if value is None:
                if name.startswith("reconciled share"):
                    missed.append(f"{name}: no should-reconcile lines to measure")
                continue
            if value < target:
                missed.append(f"{name} {value:.2%} < target {target:.1%}")
        return missed


def evaluate(decisions: Iterable[Decision], truth: Mapping[str, T.TruthLine]) -> Evaluation:
    """Tally ``decisions`` against ``truth``; every truth line needs exactly one decision."""
    result = Evaluation()
    seen: set[str] = set()
    for decision in decisions:
        line = truth.get(decision.transaction_id)
        if line is None:
            raise ValueError(f"decision for unknown transaction {decision.transaction_id!r}")
        if decision.transaction_id in seen:
            raise ValueError(f"two decisions for transaction {decision.transaction_id!r}")
        seen.add(decision.transaction_id)
        result.cases.setdefault(line.case, Tally()).add(decision, line)
        result.classes.setdefault(line.status_class, Tally()).add(decision, line)
        result.case_class[line.case] = line.status_class
        result.overall.add(decision, line)
        result.add_band(decision, line)
    if len(seen) != len(truth):
        missing = next(tx for tx in truth if tx not in seen)
        raise ValueError(
            f"no decision for transaction {missing!r} ({len(truth) - len(seen)} missing)"
        )
    return result


def ordered_cases(evaluation: Evaluation, catalogue: Sequence[str]) -> list[str]:
    """Case names in catalogue order, then any unknown ones (hand-made truths) sorted."""
    known = [c for c in catalogue if c in evaluation.cases]
    return known + sorted(c for c in evaluation.cases if c not in catalogue)


def missed_expectation(
    decisions: Iterable[Decision], truth: Mapping[str, T.TruthLine], per_case: int
) -> dict[str, list[tuple[Decision, T.TruthLine]]]:
    """Up to ``per_case`` decisions per case that did not end as their class asks.

    Wrong reconciliations come first, then wrong first suggestions, then the rest, so
    the most expensive mistakes are the ones shown when the list is cut.
    """

    def severity(pair: tuple[Decision, T.TruthLine]) -> int:
        decision = pair[0]
        if decision.status is Status.RECONCILED:
            return 0
        return 1 if decision.allocations else 2

    found: dict[str, list[tuple[Decision, T.TruthLine]]] = {}
    for decision in decisions:
        line = truth[decision.transaction_id]
        if not meets_expectation(decision, line):
            found.setdefault(line.case, []).append((decision, line))
    return {case: sorted(pairs, key=severity)[:per_case] for case, pairs in found.items()}
