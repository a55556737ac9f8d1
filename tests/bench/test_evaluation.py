"""Evaluation metrics on small hand-made truths and decisions, counted by hand."""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path

import pytest

from bankrec.model import Allocation, Booking, Decision, Status
from bench import evaluate_matching
from bench.generate_matching import Dataset, generate, write_dataset
from bench.matchgen import truth as T
from bench.matchgen.evaluation import evaluate, is_correct

D = Decimal


def _line(
    case: str,
    cls: str,
    allocs: list[tuple[str, str]] | None = None,
    *,
    acceptable: tuple[T.Allocations, ...] | None = None,
    unambiguous: bool = True,
    account: str = "",
    transfer_with: str = "",
) -> T.TruthLine:
    expected = T.sorted_allocations([(i, D(a)) for i, a in allocs or []])
    if acceptable is None:
        acceptable = (expected,) if expected else ()
    return T.TruthLine(
        case,
        cls,
        expected,
        acceptable,
        unambiguous=unambiguous,
        account=account,
        transfer_with=transfer_with,
    )


TRUTH: dict[str, T.TruthLine] = {
    "T1": _line("exact", T.SHOULD_RECONCILE, [("I1", "100.00")]),
    "T2": _line("multi", T.SHOULD_RECONCILE, [("I2", "50.00"), ("I3", "25.50")]),
    "T3": _line("ref", T.SHOULD_RECONCILE, [("I4", "10.00")]),
    "T4": _line("ref", T.SHOULD_RECONCILE, [("I5", "20.00")]),
    "T5": _line("partial", T.SHOULD_SUGGEST, [("I6", "30.00")]),
    "T6": _line(
        "twins",
        T.SHOULD_SUGGEST,
        [("I7", "40.00")],
        acceptable=((("I7", D("40.00")),), (("I8", D("40.00")),)),
        unambiguous=False,
    ),
    "T7": _line("noise", T.SHOULD_STAY_UNMATCHED),
    "T8": _line("noise", T.SHOULD_STAY_UNMATCHED),
    "T9": _line("fee", T.SHOULD_IGNORE),
    "T10": _line("expense", T.SHOULD_BOOK, account="606100"),
    "T11": _line("transfer", T.TRANSFER, transfer_with="T12"),
    "T12": _line("transfer", T.TRANSFER, transfer_with="T11"),
}


def _d(
    tx: str,
    status: Status,
    *allocs: tuple[str, str],
    account: str = "",
    booking: Booking = Booking.NONE,
    transfer_with: str = "",
) -> Decision:
    allocations = tuple(Allocation(i, D(a)) for i, a in allocs)
    return Decision(
        tx,
        status,
        95,
        allocations,
        account=account,
        booking=booking,
        transfer_with=transfer_with,
    )


def _perfect() -> dict[str, Decision]:
    return {
        "T1": _d("T1", Status.RECONCILED, ("I1", "100.00")),
        "T2": _d("T2", Status.RECONCILED, ("I3", "25.5"), ("I2", "50")),  # order, scale differ
        "T3": _d("T3", Status.RECONCILED, ("I4", "10.00")),
        "T4": _d("T4", Status.RECONCILED, ("I5", "20.00")),
        "T5": _d("T5", Status.SUGGESTED, ("I6", "30.00")),
        "T6": _d("T6", Status.SUGGESTED, ("I8", "40.00")),  # either twin is acceptable
        "T7": _d("T7", Status.UNMATCHED),
        "T8": _d("T8", Status.UNMATCHED),
        "T9": _d("T9", Status.IGNORED),
        "T10": _d("T10", Status.RECONCILED, account="606100", booking=Booking.EXPENSE),
        "T11": _d("T11", Status.RECONCILED, transfer_with="T12", booking=Booking.TRANSFER),
        "T12": _d("T12", Status.RECONCILED, transfer_with="T11", booking=Booking.TRANSFER),
    }


def test_perfect_decisions_meet_every_target() -> None:
    ev = evaluate(_perfect().values(), TRUTH)
    o = ev.overall
    assert (o.lines, o.reconciled, o.reconciled_correct) == (12, 7, 7)
    assert o.precision == 1 and o.reconciled_share == 1 and o.top1 == 1
    assert o.false_match_share == 0 and o.expected_share == 1
    assert ev.failures() == []
    assert ev.cases["ref"].should_reconcile == 2 and ev.classes[T.SHOULD_SUGGEST].suggested == 2


def test_a_wrong_reconciliation_lowers_precision_and_share() -> None:
    decisions = _perfect()
    decisions["T2"] = _d("T2", Status.RECONCILED, ("I2", "50.00"))  # one item missed
    decisions["T3"] = _d("T3", Status.RECONCILED, ("I4", "9.99"))  # right item, wrong amount
    ev = evaluate(decisions.values(), TRUTH)
    o = ev.overall
    assert o.reconciled == 7 and o.reconciled_correct == 5
    assert o.precision == D(5) / D(7)
    assert o.reconciled_share == D(2) / D(4)
    assert ev.cases["multi"].precision == 0 and ev.cases["exact"].precision == 1
    failures = ev.failures()
    assert len(failures) == 2
    assert failures[0].startswith("precision of reconciled 71.43%")
    assert failures[1].startswith("reconciled share of should-reconcile lines 50.00%")


def test_reconciling_a_tie_is_wrong_even_with_an_acceptable_item() -> None:
    decisions = _perfect()
    decisions["T6"] = _d("T6", Status.RECONCILED, ("I7", "40.00"))
    ev = evaluate(decisions.values(), TRUTH)
    assert ev.overall.reconciled == 8 and ev.overall.reconciled_correct == 7
    assert ev.cases["twins"].precision == 0
    assert ev.cases["twins"].as_expected == 0


def test_top1_counts_only_suggestions_for_paying_lines() -> None:
    decisions = _perfect()
    decisions["T5"] = _d("T5", Status.SUGGESTED, ("I9", "30.00"))  # wrong first candidate
    decisions["T7"] = _d("T7", Status.SUGGESTED, ("I1", "100.00"))  # noise given an item
    ev = evaluate(decisions.values(), TRUTH)
    o = ev.overall
    assert o.suggested == 3 and o.suggested_payable == 2 and o.suggested_top1 == 1
    assert o.top1 == D(1) / D(2)
    assert (o.false_matches, o.no_counterpart, o.false_reconciled) == (1, 2, 0)
    assert o.false_match_share == D(1) / D(2)
    assert any(f.startswith("top-1 accuracy of suggestions 50.00%") for f in ev.failures())


def test_non_payment_classes() -> None:
    assert not is_correct(_d("T9", Status.UNMATCHED), TRUTH["T9"])
    assert not is_correct(_d("T10", Status.RECONCILED, account="606400"), TRUTH["T10"])
    assert not is_correct(_d("T11", Status.RECONCILED, transfer_with="T7"), TRUTH["T11"])
    assert not is_correct(_d("T8", Status.RECONCILED, ("I1", "100.00")), TRUTH["T8"])
    ev_bad = evaluate(
        {**_perfect(), "T8": _d("T8", Status.RECONCILED, ("I1", "1"))}.values(), TRUTH
    )
    assert ev_bad.overall.false_reconciled == 1 and ev_bad.overall.precision == D(7) / D(8)


def test_every_line_needs_exactly_one_decision() -> None:
    decisions = _perfect()
    with pytest.raises(ValueError, match="no decision for transaction"):
        evaluate([d for k, d in decisions.items() if k != "T4"], TRUTH)
    with pytest.raises(ValueError, match="unknown transaction 'T99'"):
        evaluate([*decisions.values(), _d("T99", Status.UNMATCHED)], TRUTH)
    with pytest.raises(ValueError, match="two decisions"):
        evaluate([*decisions.values(), decisions["T1"]], TRUTH)


def test_truth_json_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "truth.json"
    T.write_truth(path, TRUTH, {"seed": 1})
    assert T.read_truth(path) == TRUTH


def _decide_from_truth(data: Dataset, *, bump: Decimal = Decimal(0)) -> list[Decision]:
    """What a perfect matcher would say; ``bump`` spoils every reconciled amount."""
    decisions = []
    for tx in data.transactions:
        line = data.truth[tx.id]
        if line.matchable:
            reconcile = line.status_class == T.SHOULD_RECONCILE
            status = Status.RECONCILED if reconcile else Status.SUGGESTED
            spoil = bump if status is Status.RECONCILED else Decimal(0)
            allocs = [(i, str(a + spoil)) for i, a in line.expected]
            decisions.append(_d(tx.id, status, *allocs))
        elif line.status_class == T.TRANSFER:
            decisions.append(_d(tx.id, Status.RECONCILED, transfer_with=line.transfer_with))
        elif line.status_class == T.SHOULD_IGNORE:
            decisions.append(_d(tx.id, Status.IGNORED))
        elif line.status_class == T.SHOULD_BOOK:
            decisions.append(_d(tx.id, Status.RECONCILED, account=line.account))
        else:
            decisions.append(_d(tx.id, Status.UNMATCHED))
    return decisions


def test_check_exit_status_follows_the_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = generate(2, 300)
    write_dataset(data, tmp_path / "data")
    args = ["--data", str(tmp_path / "data"), "--no-rules", "--check"]

    monkeypatch.setattr(evaluate_matching, "run_matcher", lambda d, *_: _decide_from_truth(d))
    assert evaluate_matching.main([*args, "--json", str(tmp_path / "good.json")]) == 0
    good = json.loads((tmp_path / "good.json").read_text())
    assert good["overall"]["precision"] == "1" and good["failures"] == []
    assert good["overall"]["lines"] == 300

    spoilt = functools.partial(_decide_from_truth, bump=Decimal("0.01"))
    monkeypatch.setattr(evaluate_matching, "run_matcher", lambda d, *_: spoilt(d))
    assert evaluate_matching.main([*args, "--json", str(tmp_path / "bad.json")]) == 1
    bad = json.loads((tmp_path / "bad.json").read_text())
    assert bad["overall"]["reconciled_correct"] == bad["overall"]["reconciled"] - sum(
        1
        for line in data.truth.values()
        if line.matchable and line.status_class == T.SHOULD_RECONCILE
    )
    assert bad["failures"][0].startswith("precision of reconciled")
