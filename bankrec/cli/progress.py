"""Progress of long commands on stderr: a bar on a terminal, a plain line now and then in a log.

Long work (importing a 1 GB statement, matching 100,000 lines, syncing with Odoo) must
show that it is alive, without ever polluting stdout, which carries the command's result
(CSV, JSON, a summary a script may parse). So progress goes to stderr only, and:

* on a terminal, a rich progress bar (done / total, rate, time left) that disappears when
  the command ends;
* in a pipe or a log file, one plain line at most every :data:`LOG_INTERVAL` seconds (a
  short run prints none), so a CI log shows a long import is moving without thousands of
  carriage returns;
* with ``--quiet``, nothing at all.

Every command ends with :meth:`Reporter.finish`: one summary line with the elapsed time
(also silenced by ``--quiet``).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TextIO

LOG_INTERVAL = 5.0  # seconds between two plain progress lines when stderr is not a terminal


class Task:
    """One phase of work (``"matching"``, ``"reading lines"``) with an optional total."""

    def __init__(self, reporter: Reporter, description: str, total: int | None) -> None:
        self._reporter = reporter
        self.description = description
        self.total = total
        self.completed = 0
        self._started = reporter.clock()
        self._bar_id: Any = None

    def update(
        self,
        *,
        completed: int | None = None,
        advance: int = 0,
        total: int | None = None,
        description: str | None = None,
    ) -> None:
        """Move the task forward (to ``completed`` or by ``advance``) and redraw if due."""
        if completed is not None:
            self.completed = completed
        self.completed += advance
        if total is not None:
            self.total = total
        if description is not None:
            self.description = description
        self._reporter._show(self)

    def rate(self) -> float:
        """Units done per second since the task started."""
        elapsed = self._reporter.clock() - self._started
        return self.completed / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """The plain-text form: ``matching: 12,000/50,000 (24 %), 2,100/s, about 18 s left``."""
        text = f"{self.description}: {self.completed:,}"
        rate = self.rate()
        if self.total:
            share = 100 * self.completed / self.total
            text += f"/{self.total:,} ({share:.0f} %)"
        if rate > 0:
            text += f", {rate:,.0f}/s"
            if self.total and self.completed < self.total:
                text += f", about {(self.total - self.completed) / rate:.0f} s left"
        return text


class Reporter:
    """Progress display for one command run; use as a context manager.

    ``mode`` is ``"bar"`` (rich, terminal), ``"log"`` (plain lines) or ``"off"``; by default
    it follows ``quiet`` and whether ``stream`` is a terminal.
    """

    def __init__(
        self,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        mode: str | None = None,
        interval: float = LOG_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if mode is None:
            mode = "off" if quiet else ("bar" if _isatty(self.stream) else "log")
        self.mode = mode
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self._last_line = self.started
        self._bar: Any = None

    def __enter__(self) -> Reporter:
        if self.mode == "bar":
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TaskProgressColumn,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TextColumn("[progress.data.speed]{task.fields[rate]}"),
                TimeRemainingColumn(),
                console=Console(file=self.stream, stderr=self.stream is sys.stderr),
                transient=True,
            )
            self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def task(self, description: str, total: int | None = None) -> Task:
        """Start a phase; on a terminal it gets its own bar."""
        task = Task(self, description, total)
        if self._bar is not None:
            task._bar_id = self._bar.add_task(description, total=total, rate="")
        return task

    def counter(self, description: str, total: int | None = None) -> Callable[[int], None]:
        """A ``progress(done)`` callback (running count) for code that reports counts."""
        task = self.task(description, total)
        return lambda done: task.update(completed=done)

    def _show(self, task: Task) -> None:
        if self.mode == "bar" and self._bar is not None:
            rate = task.rate()
            self._bar.update(
                task._bar_id,
                completed=task.completed,
                total=task.total,
                description=task.description,
                rate=f"{rate:,.0f}/s" if rate else "",
            )
        elif self.mode == "log":
            now = self.clock()
            if now - self._last_line >= self.interval:
                self._last_line = now
                self._print(f"bankrec: {task.line()}")

    def elapsed(self) -> float:
        """Seconds since the reporter was made (the command's run time)."""
        return self.clock() - self.started

    def finish(self, summary: str) -> None:
        """The command's last line on stderr: ``bankrec: <summary> in 1.2 s``."""
        if self.mode != "off":
            self._print(f"bankrec: {summary} in {self.elapsed():.1f} s")

    def _print(self, text: str) -> None:
        # stderr closed: progress is never worth a crash
        with contextlib.suppress(BrokenPipeError, ValueError):
            print(text, file=self.stream, flush=True)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
