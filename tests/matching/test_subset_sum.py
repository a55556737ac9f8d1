from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bankrec.matching.subset_sum import find_subsets


def test_finds_two_invoices_paid_together() -> None:
    assert find_subsets([30000, 52050, 141000], 82050, max_size=4, max_steps=1000) == [(0, 1)]


def test_credit_note_counts_negative() -> None:
    assert find_subsets([100000, -10000, 7000], 90000, max_size=4, max_steps=1000) == [(0, 1)]


def test_single_values_are_not_combinations() -> None:
    assert find_subsets([500, 700], 500, max_size=3, max_steps=100) == []


def test_reports_a_second_solution_for_ambiguity() -> None:
    found = find_subsets([100, 200, 300, 150, 150], 300, max_size=3, max_steps=1000)
    assert len(found) == 2


def test_size_bound_is_respected() -> None:
    assert find_subsets([100] * 6, 500, max_size=4, max_steps=10000) == []


def test_step_budget_stops_the_search() -> None:
    values = [1000 + 7 * i for i in range(30)]
    assert find_subsets(values, 1, max_size=6, max_steps=50) == []


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(min_value=-5000, max_value=50000), min_size=0, max_size=10),
    st.integers(min_value=1, max_value=100000),
)
def test_every_solution_sums_to_target(values: list[int], target: int) -> None:
    for solution in find_subsets(values, target, max_size=4, max_steps=5000):
        assert 2 <= len(solution) <= 4
        assert len(set(solution)) == len(solution)
        assert sum(values[i] for i in solution) == target
