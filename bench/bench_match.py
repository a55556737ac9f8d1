"""Speed and memory of ``bankrec.matching.match`` on generated data, size after size.

``python -m bench.bench_match --sizes 10000,100000,1000000`` runs every size in its own
subprocess (so one size's memory never inflates the next), with 1.5 open items per
transaction. Generation is excluded from the timing; the peak RSS of the subprocess
(``VmHWM``) includes the data, so the RSS before matching is shown next to it. Time growth
is compared with size growth (near 1.0 means near-linear); CPU time is shown next to wall
time, and the load average, because a busy machine inflates wall time only.
Target: 100,000 transactions against 150,000 open items in ≤ 30 s and ≤ 2 GB (2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.generate_matching import generate


def _proc_status_kib(field: str) -> int:
    """A ``/proc/self/status`` memory figure in KiB (VmRSS, VmHWM); 0 where /proc is absent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_one(transactions: int, items: int, seed: int) -> dict[str, Any]:
    """Generate, then time one ``match()`` call; runs inside the per-size subprocess."""
    from bankrec.matching import match
    from dsl import compile_rules

    started = time.perf_counter()
    data = generate(seed, transactions, items)
    rules = compile_rules(data.rules_text, "rules.rules")
    generated = time.perf_counter()
    rss_before = _proc_status_kib("VmRSS")
    cpu_before = time.process_time()
    t0 = time.perf_counter()
    result = match(data.transactions, data.items, rules=rules, known_ibans=data.known_ibans)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu_before
    statuses: dict[str, int] = {}
    for decision in result.decisions:
        statuses[decision.status.value] = statuses.get(decision.status.value, 0) + 1
    return {
        "transactions": len(data.transactions),
        "items": len(data.items),
        "generate_s": round(generated - started, 3),
        "match_s": round(elapsed, 3),
        "match_cpu_s": round(cpu, 3),
        "rss_before_mib": round(rss_before / 1024, 1),
        "peak_rss_mib": round(_proc_status_kib("VmHWM") / 1024, 1),
        "statuses": statuses,
        "load_avg_1min": round(os.getloadavg()[0], 2),  # other work sharing the CPUs
    }


def run_sizes(sizes: Sequence[int], seed: int, console: Console) -> list[dict[str, Any]]:
    """Run each size in a fresh subprocess of this module and collect its JSON result."""
    results = []
    for size in sizes:
        items = size * 3 // 2
        command = [sys.executable, "-m", "bench.bench_match", "--child", str(size),
                   "--items", str(items), "--seed", str(seed)]  # fmt: skip
        with console.status(f"{size:,} transactions × {items:,} open items…"):
            proc = subprocess.run(command, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            console.print(f"[red]size {size} failed:\n{proc.stderr[-3000:]}")
            break
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        # Cross-check from the parent: the largest resident set of any finished child.
        result["children_maxrss_mib"] = round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        )
        results.append(result)
        console.print(
            f"{size:>10,}: match {result['match_s']:.2f} s, peak {result['peak_rss_mib']:.0f} MiB"
        )
    return results


_HEADERS = ("transactions", "open items", "generate s", "match s", "match CPU s", "lines/s",
            "RSS before match", "peak RSS", "CPU growth / size growth", "load avg")  # fmt: skip


def render(results: list[dict[str, Any]], console: Console) -> None:
    """The table: time, throughput, memory and growth against the previous size."""
    table = Table(title=f"bankrec match() speed ({os.cpu_count()} CPUs)")
    for header in _HEADERS:
        table.add_column(header, justify="right")
    previous: dict[str, Any] | None = None
    for r in results:
        rate = r["transactions"] / r["match_s"] if r["match_s"] else 0.0
        growth = "—"
        if previous and previous["match_cpu_s"]:
            ratio_t = r["match_cpu_s"] / previous["match_cpu_s"]
            ratio_n = r["transactions"] / previous["transactions"]
            growth = f"{ratio_t:.1f}× / {ratio_n:.0f}× = {ratio_t / ratio_n:.2f}"
        table.add_row(
            f"{r['transactions']:,}", f"{r['items']:,}", f"{r['generate_s']:.1f}",
            f"{r['match_s']:.2f}", f"{r['match_cpu_s']:.2f}", f"{rate:,.0f}",
            f"{r['rss_before_mib']:,.0f} MiB", f"{r['peak_rss_mib']:,.0f} MiB", growth,
            f"{r.get('load_avg_1min', 0):.1f}",
        )  # fmt: skip
        previous = r
    console.print(table)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_match",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated line counts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--items", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_one(args.child, args.items or args.child * 3 // 2, args.seed)))
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    console = Console()
    if not console.is_terminal:  # a log file: wide enough that no column is cut
        console = Console(width=170)
    results = run_sizes(sizes, args.seed, console)
    render(results, console)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0 if len(results) == len(sizes) else 1


if __name__ == "__main__":
    sys.exit(main())
