"""Split a ``.rules`` file into rules: one rule per line, ``#`` comments, and indented
lines continuing the rule above (for long conditions)."""

from __future__ import annotations

from dsl.source import RuleSource


def split_rules_text(text: str, file: str) -> list[RuleSource]:
    """The rules of a ``.rules`` text, each with the line it starts on."""
    lines = text.split("\n")
    sources: list[RuleSource] = []
    start: int | None = None
    end = 0

    def flush() -> None:
        if start is not None:
            body = "\n".join(lines[start : end + 1])
            sources.append(RuleSource.for_lines(file, start + 1, body, lines))

    for number, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[:1].isspace() and start is not None and end == number - 1:
            end = number
            continue
        if line[:1].isspace() and start is not None and _only_comments_between(lines, end, number):
            end = number
            continue
        flush()
        start = end = number
    flush()
    return sources


def _only_comments_between(lines: list[str], end: int, number: int) -> bool:
    return all(lines[i].strip().startswith("#") for i in range(end + 1, number))
