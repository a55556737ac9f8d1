"""Safe regular expressions for ``matches``.

Rule files come from users, and a backtracking engine can take exponential time on a
pattern such as ``(a+)+$``. Patterns are therefore compiled with Google RE2, which runs in
time linear in the input and refuses the features that need backtracking (backreferences,
lookaround). Patterns are also capped in length and RE2 memory is bounded, so a rule can
neither hang nor exhaust the process.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from dsl.normalize import strip_accents


def _load_re2() -> ModuleType | None:
    """google-re2 is a dependency, but a host (an Odoo server) may lack it: then rules
    without ``matches`` still work and ``matches`` is refused at load time."""
    try:
        return importlib.import_module("re2")
    except ImportError:  # pragma: no cover
        return None


re2 = _load_re2()

MAX_PATTERN_LENGTH = 500
MAX_PROGRAM_MEMORY = 4 << 20  # bytes RE2 may use to compile one pattern


class RegexRejected(ValueError):
    """The pattern is not valid RE2 syntax or is too big; ``str()`` says why."""


def compile_regex(pattern: str) -> Any:
    """Compile ``pattern`` case-insensitively for accent-stripped text, or raise."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise RegexRejected(f"regex is longer than {MAX_PATTERN_LENGTH} characters")
    if not pattern:
        raise RegexRejected("regex is empty")
    if re2 is None:  # pragma: no cover
        raise RegexRejected("'matches' needs the google-re2 package (pip install google-re2)")
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = False
    options.max_mem = MAX_PROGRAM_MEMORY
    try:
        return re2.compile(strip_accents_in_pattern(pattern), options)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else "invalid pattern"
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise RegexRejected(_explain(str(detail))) from None


def strip_accents_in_pattern(pattern: str) -> str:
    """Accents are removed from the text a regex sees, so remove them from the pattern too.

    Whitespace in the pattern is kept as written (only the text's runs are collapsed).
    """
    if pattern.isascii():
        return pattern
    return "".join(strip_accents(ch) if not ch.isspace() else ch for ch in pattern)


def _explain(detail: str) -> str:
    if "invalid perl operator: (?=" in detail or "(?!" in detail or "(?<" in detail:
        return f"lookaround is not supported (RE2 engine): {detail}"
    if "invalid escape sequence: \\" in detail and detail[-1:].isdigit():
        return f"backreferences are not supported (RE2 engine): {detail}"
    return f"invalid regex: {detail}"


def required_literal(pattern: str) -> str | None:
    """A plain run of text every match must contain, or ``None`` when unsure.

    Used only to prefilter rules, so it is conservative: patterns with a top-level
    alternation, inline flags other than named/non-capturing groups, or ``\\Q`` quoting
    give ``None``. Only ASCII letters, digits and single spaces are collected.
    """
    if "\\Q" in pattern:
        return None
    runs: list[str] = []
    current: list[str] = []
    depth = 0
    in_class = False
    i = 0

    def close() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    while i < len(pattern):
        ch = pattern[i]
        if in_class:
            if ch == "\\":
                i += 1
            elif ch == "]":
                in_class = False
            i += 1
            continue
        if ch == "\\":
            close()
            i += 2
            continue
        if ch == "[":
            close()
            in_class = True
            i += 1
            continue
        if ch == "(":
            close()
            rest = pattern[i + 1 : i + 4]
            if rest.startswith("?") and not (rest.startswith("?P<") or rest.startswith("?:")):
                return None
            depth += 1
            i += 1
            continue
        if ch == ")":
            close()
            depth -= 1
            i += 1
            continue
        if ch == "|" and depth == 0:
            return None
        if depth == 0 and ((ch.isascii() and ch.isalnum()) or ch == " "):
            nxt = pattern[i + 1] if i + 1 < len(pattern) else ""
            if nxt in ("*", "?", "{"):
                close()  # this character is optional: the run ends before it
            elif nxt == "+":
                current.append(ch)
                close()
            else:
                current.append(ch)
            i += 1
            continue
        close()
        i += 1
    close()
    best = max((" ".join(r.split()) for r in runs), key=len, default="")
    return best.casefold() if len(best) >= 3 else None
