"""Parse one rule's text with the lark grammar in ``rules.lark``.

Syntax errors are turned into plain-language :class:`SyntaxProblem` values (position,
message, expected, suggestion) relative to the rule text; the caller maps them onto the
file. The parser is built once and is safe to share: lark's LALR parser keeps no state
between calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Tree
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)

from dsl.diagnostics import did_you_mean

# how each grammar terminal is named in an error message
TERMINAL_WORDS: dict[str, str] = {
    "STRING": "a quoted text",
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "WORD": "a name",
    "_OR": "'or'",
    "_AND": "'and'",
    "_NOT": "'not'",
    "CONTAINS": "'contains'",
    "STARTSWITH": "'startswith'",
    "ENDSWITH": "'endswith'",
    "MATCHES": "'matches'",
    "BETWEEN": "'between'",
    "IN": "'in'",
    "EQ": "'='",
    "NE": "'!='",
    "LE": "'<='",
    "LT": "'<'",
    "GE": "'>='",
    "GT": "'>'",
    "$END": "end of rule",
}
OPERATOR_TERMINALS = {"CONTAINS", "STARTSWITH", "ENDSWITH", "MATCHES", "BETWEEN", "IN", "EQ"}
OPERATOR_WORDS = ("contains", "startswith", "endswith", "matches", "between", "in", "not")


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A syntax error at (line, column) of the rule text, both 1-based."""

    line: int
    column: int
    message: str
    expected: str = ""
    suggestion: str = ""
    width: int = 1


def problem_at(at: Token, message: str, expected: str = "", suggestion: str = "") -> SyntaxProblem:
    """A problem found in a parsed rule, at the token ``at`` and as wide as it."""
    return SyntaxProblem(
        at.line or 1, at.column or 1, message, expected, suggestion, max(1, len(at))
    )


def unquote(token: str) -> str:
    """Text of a quoted literal.

    ``\\'``, ``\\"`` and ``\\\\`` are escapes; other backslashes stay (regexes need them).
    """
    body = token[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body) and body[i + 1] in "'\"\\":
            out.append(body[i + 1])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def literal_text(token: Token) -> str:
    """The text a value token stands for: a quoted literal unquoted, a word as written."""
    return unquote(str(token)) if token.type == "STRING" else str(token)


class RuleSyntaxError(Exception):
    """Raised by :func:`parse` with the problem found."""

    def __init__(self, problem: SyntaxProblem) -> None:
        self.problem = problem
        super().__init__(problem.message)


@lru_cache(maxsize=1)
def parser() -> Lark:
    """The shared LALR parser for one rule."""
    grammar = resources.files("dsl").joinpath("rules.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def parse(text: str) -> Tree[Token]:
    """Parse one rule; raise :class:`RuleSyntaxError` with a readable problem."""
    try:
        return parser().parse(text)
    except UnexpectedInput as exc:
        raise RuleSyntaxError(_problem(text, exc)) from None
    except LarkError as exc:  # pragma: no cover - lark raises UnexpectedInput for bad input
        raise RuleSyntaxError(SyntaxProblem(1, 1, f"cannot parse rule: {exc}")) from None


def _describe(names: Iterable[str]) -> str:
    lark = parser()
    words: list[str] = []
    order = list(TERMINAL_WORDS)
    for name in sorted(names, key=lambda n: (order.index(n) if n in order else -1, n)):
        if name in TERMINAL_WORDS:
            word = TERMINAL_WORDS[name]
        else:
            try:
                word = f"'{lark.get_terminal(name).pattern.value}'"
            except KeyError:
                word = name
        if word not in words:
            words.append(word)
    return ", ".join(words)


def _end_position(text: str) -> tuple[int, int]:
    lines = text.rstrip().split("\n")
    return len(lines), len(lines[-1]) + 1


def _problem(text: str, exc: UnexpectedInput) -> SyntaxProblem:
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        char = text[pos] if pos < len(text) else ""
        expected = _describe(exc.allowed) if exc.allowed else ""
        if char and char in "'\"":
            return SyntaxProblem(
                exc.line,
                exc.column,
                "text is not closed: the closing quote is missing",
                f"a closing {char} on the same line",
            )
        message = f"unexpected character {char!r}"
        hint = "use '=' to compare" if char == "=" else ""
        return SyntaxProblem(exc.line, exc.column, message, expected, hint)
    if isinstance(exc, UnexpectedEOF):
        line, column = _end_position(text)
        return SyntaxProblem(
            line, column, "rule ends too early", _describe(set(map(str, exc.expected)))
        )
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        expected_names = set(exc.accepts or exc.expected)
        expected = _describe(expected_names)
        if token.type == "$END":
            line, column = _end_position(text)
            if "__ANON_0" in expected_names or any(
                parser().get_terminal(n).pattern.value == "=>"
                for n in expected_names
                if n.startswith("__ANON")
            ):
                return SyntaxProblem(
                    line,
                    column,
                    "missing '=>' and the actions",
                    expected,
                    "write CONDITION => ACTION, e.g. label contains 'FEE' => ignore",
                )
            return SyntaxProblem(line, column, "rule ends too early", expected)
        width = len(str(token))
        line = token.line or 1
        column = token.column or 1
        if token.type == "WORD" and expected_names & OPERATOR_TERMINALS:
            return SyntaxProblem(
                line,
                column,
                f"unknown operator '{token}'",
                expected,
                did_you_mean(str(token), OPERATOR_WORDS),
                width,
            )
        if token.type in ("WORD", "STRING", "NUMBER") and "COMMA" in expected_names:
            return SyntaxProblem(
                line,
                column,
                f"unexpected {token.type.lower()} '{token}'",
                expected,
                "separate actions with ',' and quote names that contain spaces",
                width,
            )
        return SyntaxProblem(line, column, f"unexpected '{token}'", expected, "", width)
    return SyntaxProblem(1, 1, str(exc).splitlines()[0])  # pragma: no cover
