"""Writing and surgically editing the one-line rules bankrec learns.

Learned rules are ordinary rule-language lines, so people read and edit them like any
other rule. bankrec therefore never re-generates a rule a person may have touched; it
only swaps the number of its ``confidence±N`` action. The small scanner here knows just
enough of the syntax for that -- quoted strings, the ``=>`` arrow, comma-separated actions
-- and the result is always re-checked by the real parser (:func:`dsl.compile_rules`).
"""

from __future__ import annotations

import re

from bankrec.learning.confidence import format_delta
from bankrec.learning.keys import KeyKind, LearnKey
from dsl import quote as dsl_quote

_CONFIDENCE_RE = re.compile(r"^confidence\s*[+-]\s*\d+$", re.IGNORECASE)
_PARTY_RE = re.compile(r"^party\s+(?P<value>.+)$", re.IGNORECASE | re.DOTALL)


def quote(text: str) -> str:
    """A rule-language text literal; line breaks (impossible in a rule) become spaces."""
    return dsl_quote(" ".join(text.split()))


def unquote(text: str) -> str:
    """The value of a quoted string (``'O\\'Neil'`` -> ``O'Neil``) or a bare word."""
    text = text.strip()
    if len(text) >= 2 and text[0] in "'\"" and text[-1] == text[0]:
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def condition(key: LearnKey) -> str:
    """The condition of a rule learned for ``key``."""
    if key.kind is KeyKind.IBAN:
        return f"iban = {quote(key.value)}"
    literal = " ".join((key.literal or key.value).split())
    if key.bounded:  # a closing legal form: followed by a space, a dot or the end
        tests = [f"counterparty contains {dsl_quote(literal + ' ')}"]
        if not literal.endswith("."):  # ``ACME PLC`` fires on ``Acme plc.`` too
            tests.append(f"counterparty contains {dsl_quote(literal + '.')}")
        tests.append(f"counterparty endswith {dsl_quote(literal)}")
        return "(" + " or ".join(tests) + ")"
    return f"counterparty contains {quote(literal)}"


def render_rule(key: LearnKey, party: str, delta: int) -> str:
    """A new learned rule, e.g. ``iban = 'CH93…' => party 'Müller AG', confidence+5``."""
    return f"{condition(key)} => party {quote(party)}, {format_delta(delta)}"


# A quoted string (skipped whole, escapes included) or a separator outside quotes.
_TOP_LEVEL_RE = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|=>|,|#""")


def _actions(rule: str) -> tuple[int, list[tuple[int, int]]] | None:
    """Offset of the action part and the spans of each action, or None without ``=>``."""
    arrow = -1
    commas: list[int] = []
    end = len(rule)
    for match in _TOP_LEVEL_RE.finditer(rule):
        token = match.group()
        if token == "#":  # a trailing comment is not an action
            end = match.start()
            break
        if token == "=>" and arrow < 0:
            arrow = match.end()
        elif token == "," and arrow >= 0:
            commas.append(match.start())
    if arrow < 0:
        return None
    starts = [arrow] + [c + 1 for c in commas]
    ends = [*commas, end]
    return arrow, list(zip(starts, ends, strict=True))


def rule_party(rule: str) -> str | None:
    """The party a rule line sets, or None when it sets none."""
    found = _actions(rule)
    if found is None:
        return None
    for start, end in found[1]:
        match = _PARTY_RE.match(rule[start:end].strip())
        if match:
            return unquote(match.group("value"))
    return None


def with_confidence(rule: str, delta: int) -> str:
    """``rule`` with its ``confidence±N`` action set to ``delta``; all else byte for byte.

    A rule whose confidence action a person removed is returned unchanged: they chose
    to let the rule name the party without weighing in on the score.
    """
    found = _actions(rule)
    if found is None:
        return rule
    for start, end in found[1]:
        action = rule[start:end]
        if _CONFIDENCE_RE.match(action.strip()):
            lead = len(action) - len(action.lstrip())
            trail = len(action.rstrip())
            return rule[: start + lead] + format_delta(delta) + rule[start + trail :]
    return rule
