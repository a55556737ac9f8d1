"""Benchmark: 500 generated rules evaluated over 100,000 generated statement lines.

Run with ``python -m bench.bench_rules`` (options: ``--rules N --lines N --seed N``).
Target: under 15 s on a 2-core machine. The literal prefilter is what makes this
possible; ``--exhaustive`` tries every rule on every line instead, for comparison
(use fewer lines with it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from decimal import Decimal

from dsl import RuleSet, compile_rules

PREFIXES = ["PRLV SEPA", "CB", "VIR SEPA", "VIR INST", "PAIEMENT CB", "RETRAIT DAB", "ECH PRET", ""]
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "za", "be", "do", "fi", "gu", "pe"]
ACTIONS = [
    "party {name}",
    "account 6{code}",
    "category c{code}",
    "kind fee",
    "kind expense",
    "confidence+10",
    "confidence-5",
    "tag t{code}",
    "ignore",
]


def merchants(rng: random.Random, count: int) -> list[str]:
    """Distinct made-up merchant names (2-4 syllables, some with accents)."""
    names: set[str] = set()
    while len(names) < count:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).upper()
        if rng.random() < 0.1:
            name = name.replace("E", "É", 1)
        names.add(name)
    return sorted(names)


def iban(rng: random.Random) -> str:
    return "FR76" + "".join(rng.choice("0123456789") for _ in range(23))


def generate_rules(rng: random.Random, count: int, names: list[str], ibans: list[str]) -> str:
    """Rule text with a realistic mix: mostly literals, some regexes, a few without any."""
    lines = []
    for i in range(count):
        name = rng.choice(names)
        roll = rng.random()
        if roll < 0.45:
            cond = f"label contains '{name}'"
        elif roll < 0.60:
            cond = f"counterparty startswith '{name[:5]}' and amount < 0"
        elif roll < 0.72:
            cond = f"iban = '{rng.choice(ibans)}'"
        elif roll < 0.82:
            other = rng.choice(names)
            cond = f"(label contains '{name}' or label contains '{other}') and direction = out"
        elif roll < 0.92:
            cond = f"label matches '{rng.choice(PREFIXES[:3])} {name}.*(?P<invoice>F\\d+)'"
        elif roll < 0.97:
            cond = f"reference endswith '{name[-4:]}' and currency = EUR"
        else:
            low = rng.randint(-500, 0)
            cond = f"amount between {low} and {low + rng.randint(1, 50)}.50 and direction = out"
        picked = rng.sample(ACTIONS, rng.randint(1, 3))
        actions = ", ".join(a.format(name=f"'P{i}'", code=i) for a in picked)
        if rng.random() < 0.05:
            actions += ", stop"
        lines.append(f"{cond} => {actions}")
    return "\n".join(lines) + "\n"


def generate_lines(
    rng: random.Random, count: int, names: list[str], ibans: list[str]
) -> list[dict[str, object]]:
    """Statement lines as ``Transaction.rule_fields()`` dicts."""
    start = dt.date(2026, 1, 1)
    out: list[dict[str, object]] = []
    for i in range(count):
        name = rng.choice(names)
        amount = Decimal(rng.randint(-200000, 150000)) / 100
        label = f"{rng.choice(PREFIXES)} {name} {rng.choice(names)} F{rng.randint(1000, 99999)}"
        out.append(
            {
                "label": label.strip(),
                "counterparty": f"{name} SAS" if rng.random() < 0.7 else "",
                "reference": f"REF{rng.randint(0, 10**6)}{rng.choice(names)}",
                "iban": rng.choice(ibans) if rng.random() < 0.5 else iban(rng),
                "amount": amount,
                "currency": "EUR" if rng.random() < 0.9 else "CHF",
                "date": start + dt.timedelta(days=i % 365),
                "account": "FR7630006000011234567890189",
                "direction": "in" if amount >= 0 else "out",
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--exhaustive", action="store_true", help="try every rule on every line")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    names = merchants(rng, 3000)
    ibans = [iban(rng) for _ in range(400)]
    text = generate_rules(rng, args.rules, names, ibans)
    lines = generate_lines(rng, args.lines, names, ibans)

    started = time.perf_counter()
    ruleset: RuleSet = compile_rules(text, "bench.rules")
    compiled = time.perf_counter() - started

    started = time.perf_counter()
    cpu_started = time.process_time()
    fired = 0
    conflicts = 0
    for fields in lines:
        outcome = ruleset.evaluate(fields, exhaustive=args.exhaustive)
        fired += len(outcome.matched)
        conflicts += len(outcome.conflicts)
    evaluated = time.perf_counter() - started
    cpu = time.process_time() - cpu_started

    sample = lines[: min(2000, len(lines))]
    tried = sum(len(ruleset.candidates(f)) for f in sample) / max(1, len(sample))
    total = compiled + evaluated
    print(f"rules: {len(ruleset)} compiled in {compiled:.2f} s")
    rate = len(lines) / evaluated
    print(f"lines: {len(lines)} evaluated in {evaluated:.2f} s ({rate:,.0f} lines/s)")
    print(f"      CPU time of this process for them: {cpu:.2f} s (wall time includes other load)")
    print(f"rules tried per line: {tried:.1f} of {len(ruleset)} (prefilter)")
    print(f"rule hits: {fired}, conflicts: {conflicts}")
    print(f"total: {total:.2f} s (target < 15 s)")


if __name__ == "__main__":
    main()
