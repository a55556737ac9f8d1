"""Bounded subset-sum: which of one partner's open items does a single payment settle?

Customers often pay several invoices (minus a credit note) in one transfer. The search is
exact over integer minor units but bounded — by the number of items looked at, the size of
a combination and a step budget — so one partner with thousands of open items cannot stall
a run. It reports up to two solutions, because a second combination with the same total
means the payment is ambiguous and a person must choose.
"""

from __future__ import annotations

from collections.abc import Sequence


def find_subsets(
    values: Sequence[int],
    target: int,
    *,
    max_size: int,
    max_steps: int,
    tolerance: int = 0,
    limit: int = 2,
) -> list[tuple[int, ...]]:
    """Index tuples of ``values`` (signed minor units) summing to ``target`` ± ``tolerance``.

    Only combinations of at least two values are returned, smallest first, at most
    ``limit`` of them; the search stops after ``max_steps`` nodes.
    """
    n = len(values)
    order = sorted(range(n), key=lambda i: (-abs(values[i]), i))
    vals = [values[i] for i in order]
    # bounds of what the remaining values can still add (positives / negatives)
    pos_after = [0] * (n + 1)
    neg_after = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        pos_after[i] = pos_after[i + 1] + max(vals[i], 0)
        neg_after[i] = neg_after[i + 1] + min(vals[i], 0)
    found: list[tuple[int, ...]] = []
    steps = 0
    chosen: list[int] = []
    low, high = target - tolerance, target + tolerance  # |total - target| <= tolerance

    def walk(start: int, total: int, depth: int) -> bool:
        """Depth-first search; returns False when the budget or the limit is exhausted.

        ``depth`` is the number of values chosen before this call (``len(chosen)``).
        """
        nonlocal steps
        deeper = depth + 1 < max_size
        for i in range(start, n):
            steps += 1
            if steps > max_steps:
                return False
            new = total + vals[i]
            chosen.append(i)
            if depth and low <= new <= high:
                found.append(tuple(sorted(order[j] for j in chosen)))
                if len(found) >= limit:
                    chosen.pop()
                    return False
            if (
                deeper
                and new + pos_after[i + 1] >= low
                and new + neg_after[i + 1] <= high
                and not walk(i + 1, new, depth + 1)
            ):
                chosen.pop()
                return False
            chosen.pop()
        return True

    if n >= 2:
        walk(0, 0, 0)
    return sorted(set(found), key=lambda s: (len(s), s))
