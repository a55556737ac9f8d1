"""Rule errors a finance user can act on: where, what, what was expected, what was meant.

Every problem becomes a :class:`Diagnostic`; a file is refused as a whole with all of them
(:class:`RuleFileError`), so one run shows everything to fix instead of one error at a time.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a rule file, with its position (1-based line and column)."""

    file: str
    line: int
    column: int
    message: str
    expected: str = ""
    suggestion: str = ""
    source_line: str = ""
    width: int = 1  # how many characters the caret underlines

    def render(self) -> str:
        """``file:line:col: message``, the offending line, a caret, then hints."""
        out = [f"{self.file}:{self.line}:{self.column}: {self.message}"]
        if self.source_line:
            shown = self.source_line.rstrip("\n").expandtabs(1)
            out.append(f"    {shown}")
            width = max(1, min(self.width, len(shown) - self.column + 1))
            out.append("    " + " " * (self.column - 1) + "^" * width)
        if self.expected:
            out.append(f"    expected: {self.expected}")
        if self.suggestion:
            out.append(f"    hint: {self.suggestion}")
        return "\n".join(out)


class RuleError(Exception):
    """Base class of every error the rule language reports to a user."""


class RuleFileError(RuleError):
    """One or more rule files are wrong; none of their rules were loaded."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        super().__init__(self.report())

    def report(self) -> str:
        """Every diagnostic rendered, followed by a count."""
        parts = [d.render() for d in self.diagnostics]
        count = len(self.diagnostics)
        parts.append(f"{count} error{'s' if count != 1 else ''}; no rules were loaded")
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.report()


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``did you mean 'label'?`` for a near miss, else an empty string."""
    options = list(choices)
    close = difflib.get_close_matches(word.lower(), options, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def one_of(choices: Iterable[str]) -> str:
    """Human list of choices for the ``expected`` line."""
    return "one of " + ", ".join(choices)
