"""The learned-rule store *is* the readable ``.rules`` file; this module reads and writes it.

Each learned rule is a block of three lines::

    # learned: 4 validations, 1 rejection, last 2026-11-02
    # learned-key: iban:CH9300762011623852957
    iban = 'CH9300762011623852957' => party 'Müller AG', confidence+15

The ``# learned-key:`` marker is how bankrec finds its rule again after a person edited
the file; the ``# learned:`` line above it is bankrec's and is rewritten on every update.
The rule line is the first non-blank line after the marker that is not a plain comment
(a person's note there is kept); when it is commented out (a comment holding ``=>``) or
missing, the rule is off and bankrec leaves it off. Every other line of the file --
comments, blank lines, rules people wrote themselves -- is kept byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bankrec.errors import InputError, Location
from bankrec.learning.keys import LearnKey
from bankrec.learning.ruletext import rule_party

MARKER_RE = re.compile(r"^\s*#\s*learned-key:\s*(?P<key>.*?)\s*$")
STATS_RE = re.compile(r"^\s*#\s*learned:")
_COUNT_RE = re.compile(r"(?P<n>\d+)\s+(?P<what>validations?|rejections?)")
_LAST_RE = re.compile(r"last\s+(?P<date>\d{4}-\d{2}-\d{2})")

HEADER = (
    "# Rules learned by `bankrec learn` from decisions people validated (docs/learning.md).\n"
    "# Edit freely: bankrec only rewrites the '# learned:' lines and each rule's confidence.\n"
    "# Delete a rule or comment it out, and bankrec will never learn it again.\n"
)


@dataclass(frozen=True, slots=True)
class Counts:
    """A learned rule's track record as its ``# learned:`` line states it."""

    validations: int = 0
    rejections: int = 0
    last: dt.date | None = None

    def comment(self, dropped: bool = False) -> str:
        """The ``# learned:`` line for this track record."""
        parts = [_plural(self.validations, "validation")]
        if self.rejections:
            parts.append(_plural(self.rejections, "rejection"))
        if self.last is not None:
            parts.append(f"last {self.last.isoformat()}")
        text = "# learned: " + ", ".join(parts)
        return text + " (dropped: more rejections than validations)" if dropped else text

    @classmethod
    def parse(cls, line: str) -> Counts:
        """Read a ``# learned:`` line back; what cannot be read counts as zero."""
        numbers = {"validation": 0, "rejection": 0}
        for match in _COUNT_RE.finditer(line):
            numbers[match.group("what").rstrip("s")] = int(match.group("n"))
        last = _LAST_RE.search(line)
        day = None
        if last:
            try:
                day = dt.date.fromisoformat(last.group("date"))
            except ValueError:
                day = None
        return cls(numbers["validation"], numbers["rejection"], day)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@dataclass(slots=True)
class Block:
    """One learned rule as found in (or to be written to) the file."""

    key: LearnKey
    marker: str
    stats: str | None = None
    rule: str | None = None  # the line after the marker; None when there is none
    line: int = 0  # line number of the marker in the file read
    notes: list[str] = field(default_factory=list)  # a person's comments under the marker

    @property
    def active(self) -> bool:
        """Whether the rule line is live (not missing, not commented out)."""
        return self.rule is not None and not self.rule.lstrip().startswith("#")

    @property
    def party(self) -> str | None:
        """The party the rule line (live or commented) sets, if any."""
        if self.rule is None:
            return None
        return rule_party(self.rule.lstrip().lstrip("#").strip())

    def lines(self) -> list[str]:
        out = [self.stats] if self.stats is not None else []
        out.append(self.marker)
        out.extend(self.notes)
        if self.rule is not None:
            out.append(self.rule)
        return out


@dataclass(slots=True)
class LearnedFile:
    """A ``.rules`` file as verbatim lines and learned blocks, in file order."""

    segments: list[str | Block] = field(default_factory=list)

    @property
    def blocks(self) -> dict[str, Block]:
        """The learned blocks by key text (``iban:CH93…``)."""
        return {str(s.key): s for s in self.segments if isinstance(s, Block)}

    def append(self, block: Block) -> None:
        """Add a new learned block at the end, after a blank line."""
        if self.segments and not (isinstance(self.segments[-1], str) and not self.segments[-1]):
            self.segments.append("")
        self.segments.append(block)

    def render(self, newline: str = "\n") -> str:
        """The file's text; ``newline`` keeps a file's CRLF line ends when it had them."""
        lines: list[str] = []
        for segment in self.segments:
            lines.extend(segment.lines() if isinstance(segment, Block) else [segment])
        return newline.join(lines) + newline if lines else ""


def _is_note(line: str) -> bool:
    """A comment under a marker that is not a commented-out rule (it has no ``=>``)."""
    stripped = line.strip()
    return (
        stripped.startswith("#")
        and "=>" not in stripped
        and not MARKER_RE.match(line)
        and not STATS_RE.match(line)
    )


def parse_learned_file(text: str, source: str = "<rules>") -> LearnedFile:
    """Split a rules file into verbatim lines and learned blocks.

    A marker that names no valid key, or the same key twice, is an error pointing at the
    line: bankrec cannot tell which rule a person meant.
    """
    lines = text.splitlines()
    result = LearnedFile()
    seen: dict[str, int] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        marker = MARKER_RE.match(line)
        if marker is None:
            result.segments.append(line)
            i += 1
            continue
        try:
            key = LearnKey.parse(marker.group("key"))
        except ValueError as exc:
            raise InputError(
                str(exc), Location(source, i + 1), "'# learned-key: iban:<IBAN>' or 'name:<NAME>'"
            ) from None
        if str(key) in seen:
            raise InputError(
                f"learned key {key} already marks the rule of line {seen[str(key)]}",
                Location(source, i + 1),
                "each learned key once",
            )
        seen[str(key)] = i + 1
        block = Block(key, line, line=i + 1)
        previous = result.segments[-1] if result.segments else None
        if isinstance(previous, str) and STATS_RE.match(previous):
            block.stats = previous
            result.segments.pop()
        i += 1
        while i < len(lines) and _is_note(lines[i]):
            block.notes.append(lines[i])
            i += 1
        following = lines[i] if i < len(lines) else ""
        if following.strip() and not MARKER_RE.match(following) and not STATS_RE.match(following):
            block.rule = following
            i += 1
        result.segments.append(block)
    return result
