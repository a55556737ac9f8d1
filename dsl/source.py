"""Rule text plus where each of its characters sits in the file it came from.

A rule read from YAML (``rule: "label contains ..."``) is parsed on its own, so its error
positions are relative to the string; the position map puts them back on the YAML file's
line and column, so the caret points into the file the user edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsl.examples import Example


@dataclass
class RuleSource:
    """One rule's text, its name, its file and a map from text positions to file positions."""

    file: str
    line: int  # file line where the rule starts (its location)
    text: str
    name: str
    file_lines: Sequence[str] = field(repr=False)
    # file (line, column) of each character of ``text``, 1-based; empty = same as text + line
    positions: list[tuple[int, int]] = field(default_factory=list, repr=False)
    column: int = 1
    examples: tuple[Example, ...] = ()

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"

    @classmethod
    def for_lines(cls, file: str, line: int, text: str, file_lines: Sequence[str]) -> RuleSource:
        """A rule that is a verbatim slice of whole file lines starting at ``line``."""
        return cls(file, line, text, f"{file}:{line}", file_lines)

    def locate(self, line: int, column: int) -> tuple[int, int]:
        """File (line, column) of the text's (line, column)."""
        if not self.positions:
            return self.line + line - 1, column
        lines = self.text.split("\n")
        index = sum(len(text) + 1 for text in lines[: line - 1]) + column - 1
        if index < len(self.positions):
            return self.positions[index]
        if self.positions:
            last_line, last_col = self.positions[-1]
            return last_line, last_col + 1 + (index - len(self.positions))
        return self.line, self.column  # pragma: no cover

    def source_line(self, file_line: int) -> str:
        if 1 <= file_line <= len(self.file_lines):
            return self.file_lines[file_line - 1]
        return ""
