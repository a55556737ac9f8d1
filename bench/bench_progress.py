"""What the progress display costs: ``bankrec match`` with a bar, with log lines, and quiet.

    python -m bench.bench_progress [--transactions 50000] [--repeat 3] [--seed 3]

Generates a data set with :mod:`bench.generate_matching`, then runs the real console
command on it in three display modes, interleaved ``--repeat`` times so a change in the
machine's load hits every mode alike:

* ``bar``   -- stderr on a pseudo-terminal: the rich progress bar is drawn;
* ``log``   -- stderr on a pipe: plain progress lines every 5 s;
* ``quiet`` -- ``--quiet``: no display at all.

Each run's CPU time (user + system of the child process) and wall time are measured; CPU
time is what the display could add, and unlike wall time it does not depend on what else
the machine is doing. The median per mode is printed.
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(mode: str, data: Path) -> tuple[float, float]:
    """One ``bankrec match`` in ``mode``; its (cpu, wall) seconds."""
    cmd = [sys.executable, "-m", "bankrec.cli.main", "match",
           "--statement", str(data / "statement.csv"),
           "--open-items", str(data / "open_items.csv"),
           "--rules", str(data / "rules.rules")]  # fmt: skip
    if mode == "quiet":
        cmd.append("--quiet")
    cpu0, wall0 = _cpu(), time.perf_counter()
    if mode == "bar":
        primary, secondary = pty.openpty()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=secondary)
        os.close(secondary)
        while True:  # drain the terminal so the child never blocks on it
            try:
                if not os.read(primary, 65536):
                    break
            except OSError:
                break
        os.close(primary)
        status = proc.wait()
    else:
        status = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                check=False).returncode  # fmt: skip
    if status != 0:
        raise SystemExit(f"bankrec match failed in mode {mode} (status {status})")
    return _cpu() - cpu0, time.perf_counter() - wall0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bankrec-progress-") as tmp:
        data = Path(tmp)
        subprocess.run([sys.executable, "-m", "bench.generate_matching", "--seed", str(args.seed),
                        "--transactions", str(args.transactions), "--out", str(data)],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        results: dict[str, list[tuple[float, float]]] = {"bar": [], "log": [], "quiet": []}
        for _ in range(args.repeat):
            for mode in results:
                results[mode].append(run_once(mode, data))
    print(f"bankrec match, {args.transactions:,} lines, median of {args.repeat} runs")
    print(f"{'display':<8} {'CPU s':>8} {'wall s':>8}")
    for mode, runs in results.items():
        cpu = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        print(f"{mode:<8} {cpu:>8.2f} {wall:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
