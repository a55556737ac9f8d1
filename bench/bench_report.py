"""Size and opening time of the HTML report (``bankrec match --html``) for a large run.

``python -m bench.bench_report --lines 100000`` generates seeded data (1.5 open items per
line, as ``bench.bench_match``), matches it, renders the report with ``render_html`` and
opens it in headless Chromium: the default view (To review), the All tab (every status's
rows read from their data blocks, 500 shown), a search over all lines and a sort of all
lines by amount (views chosen through the URL hash, as a shared link would). Generation
and matching are not the subject and are only reported.

Two browser figures per view. "open + paint": the wall time of ``chromium --screenshot``
(start, load, script, layout, paint) minus that of an empty page, i.e. browser start-up
excluded, the median of ``--runs``. "script done": the page's own ``performance.now()``
when its script has finished (navigation start to a usable page), read from one
``--dump-dom`` (not timed: serialising a 90 MB DOM takes far longer than opening it).
Needs Debian's ``chromium`` (``apt-get install chromium``).

Last run (Chromium 150, 2 cores, load ≈ 1.5, ``--lines 100000 --runs 3``): an 84.5 MiB
file (88,598,663 bytes; 20,509 to review, 67,053 reconciled, 3,661 ignored, 8,777
unmatched), ``render_html`` 5.5 s; empty page 0.42 s. Open + paint (script done): To
review 0.99 s (0.78 s), All tab 1.03 s (0.88 s), search 'frais' over all 100,000 lines
1.40 s (1.20 s), all lines sorted by amount 1.31 s (1.07 s).
Earlier designs, same data, "script done": every row as live DOM, 112 s (To
review with all its 20,509 rows on screen); the other statuses in ``<template>``
elements, 18 s for the All tab.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.generate_matching import generate

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--mute-audio",
)  # fmt: skip


def find_chromium() -> str | None:
    """The Chromium binary, if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(chromium: str, profile: Path, *args: str) -> tuple[float, str]:
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    t0 = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"chromium failed: {' '.join(args)}: {proc.stderr[-2000:]}")
    return elapsed, proc.stdout


def open_and_paint(chromium: str, url: str, profile: Path, shot: Path) -> float:
    """Wall seconds to start Chromium, load ``url`` and paint it (a 1400×1000 screenshot)."""
    return _run(chromium, profile, "--window-size=1400,1000", f"--screenshot={shot}", url)[0]


def dump_dom(chromium: str, url: str, profile: Path) -> str:
    """The DOM after the page's script ran (not timed: serialising 90 MB takes longer)."""
    return _run(chromium, profile, "--dump-dom", url)[1]


def _attr(dom: str, name: str) -> str:
    """An attribute of the report's ``<section id="lines">`` in the dumped DOM."""
    section = re.search(r'<section id="lines"[^>]*>', dom)
    found = re.search(rf'{name}="([^"]*)"', section.group(0)) if section else None
    return found.group(1) if found else "?"


def build(lines: int, seed: int) -> tuple[str, dict[str, float]]:
    """Generate, match and render; return the page and the time of each step."""
    from bankrec.matching import MatchConfig, match
    from bankrec.results.html_report import ReportContext, render_html
    from dsl import compile_rules

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    data = generate(seed, lines, lines * 3 // 2)
    rules = compile_rules(data.rules_text, "rules.rules")
    times["generate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = match(data.transactions, data.items, rules=rules, known_ibans=data.known_ibans)
    times["match"] = time.perf_counter() - t0
    context = ReportContext.for_run(
        MatchConfig(), rules, statements=("statement.csv",), rule_files=("rules.rules",),
        generated_at="2026-12-01T09:00:00+01:00", title=f"bench_report {lines:,} lines",
    )  # fmt: skip
    t0 = time.perf_counter()
    page = render_html(result, data.transactions, data.items, context)
    times["render"] = time.perf_counter() - t0
    return page, times


VIEWS = (
    ("To review (default)", ""),
    ("All tab", "#tab=all"),
    ("All tab, search 'frais'", "#tab=all&q=frais"),
    ("All tab, sorted by amount, descending", "#tab=all&sort=-amount"),
)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_report",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="loads per view (median shown)")
    parser.add_argument("--out", type=Path, help="keep the report at this path")
    args = parser.parse_args(argv)
    console = Console() if sys.stdout.isatty() else Console(width=150)
    chromium = find_chromium()
    if chromium is None:
        console.print("chromium not found: apt-get install chromium")
        return 2
    with console.status(f"generating, matching and rendering {args.lines:,} lines…"):
        page, times = build(args.lines, args.seed)
    with tempfile.TemporaryDirectory(prefix="bench_report_") as tmp:
        report = args.out or Path(tmp) / "report.html"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(page, encoding="utf-8")
        size = report.stat().st_size
        blank = Path(tmp) / "blank.html"
        blank.write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
        profile, shot = Path(tmp) / "profile", Path(tmp) / "shot.png"
        console.print(
            f"{args.lines:,} lines: generate {times['generate']:.1f} s, match "
            f"{times['match']:.1f} s, render_html {times['render']:.2f} s, "
            f"file {size:,} bytes ({size / 2**20:.1f} MiB)"
        )
        open_and_paint(chromium, blank.as_uri(), profile, shot)  # creates the profile
        start = statistics.median(
            open_and_paint(chromium, blank.as_uri(), profile, shot) for _ in range(args.runs)
        )
        table = Table(title=f"report of {args.lines:,} lines in headless Chromium, median of "
                            f"{args.runs} (empty page {start:.2f} s, subtracted)")  # fmt: skip
        for header in ("view", "open + paint", "script done (one load)",
                       "lines in tab", "matching", "rows shown"):  # fmt: skip
            table.add_column(header, justify="right")
        for name, fragment in VIEWS:
            url = report.as_uri() + fragment
            walls = [open_and_paint(chromium, url, profile, shot) - start for _ in range(args.runs)]
            dom = dump_dom(chromium, url, profile)  # one load: 90 MB of DOM text is slow
            ready = float(_attr(dom, "data-ready-ms")) / 1000
            table.add_row(
                name, f"{statistics.median(walls):.2f} s", f"{ready:.2f} s",
                _attr(dom, "data-total"), _attr(dom, "data-matching"), _attr(dom, "data-shown"),
            )  # fmt: skip
        console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
