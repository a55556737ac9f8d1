"""Benchmark: ``learn`` on many validated decisions, then again on the rules it wrote.

Run with ``python -m bench.bench_learning`` (options: ``--decisions N --payers N --seed N``).
Two thirds of the payers have a valid IBAN, the rest only a name; one decision in ten is
a rejection. Prints the time of the first pass, of a second pass over the same decisions
with the rules and state of the first (every verdict already counted), and of compiling
the learned rules file with the rule language.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from decimal import Decimal

from bankrec.learning import ValidatedDecision, learn
from bankrec.model import ItemKind, OpenItem, Transaction
from dsl import compile_rules


def swiss_iban(n: int) -> str:
    """A valid (checksummed) made-up Swiss IBAN for payer ``n``."""
    bban = f"00762{n:012d}"
    digits = "".join(str(int(c, 36)) for c in bban + "CH00")
    return f"CH{98 - int(digits) % 97:02d}{bban}"


def data(
    n: int, payers: int, seed: int
) -> tuple[list[Transaction], list[OpenItem], list[ValidatedDecision]]:
    rng = random.Random(seed)
    txs, items, decisions = [], [], []
    start = dt.date(2026, 1, 1)
    for i in range(n):
        p = rng.randrange(payers)
        partner = f"Payer {p} GmbH"
        txs.append(
            Transaction(f"T{i}", start + dt.timedelta(days=i % 300), Decimal("10.00"), "EUR",
                        counterparty=partner.upper(), iban=swiss_iban(p) if p % 3 else "")
        )  # fmt: skip
        items.append(
            OpenItem(f"I{i}", ItemKind.OUT_INVOICE, f"N{i}", partner, start, None,
                     Decimal("10.00"), Decimal("10.00"), "EUR")
        )  # fmt: skip
        decisions.append(ValidatedDecision(f"T{i}", (f"I{i}",), rng.random() >= 0.1))
    return txs, items, decisions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--payers", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    txs, items, decisions = data(args.decisions, args.payers, args.seed)
    today = dt.date(2026, 12, 31)
    t0 = time.perf_counter()
    first = learn(decisions, txs, items, today=today)
    t1 = time.perf_counter()
    again = learn(decisions, txs, items, today=today, rules_text=first.text, state=first.state)
    t2 = time.perf_counter()
    rules = compile_rules(first.text, "learned.rules")
    t3 = time.perf_counter()
    assert again.text == first.text
    print(
        f"{args.decisions:,} decisions, {args.payers:,} payers -> {len(rules.rules):,} rules: "
        f"learn {t1 - t0:.2f} s, re-learn {t2 - t1:.2f} s, compile {t3 - t2:.2f} s"
    )


if __name__ == "__main__":
    main()
