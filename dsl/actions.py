"""Checking a rule's actions: names, values and their types, into :class:`Action` values.

Separate from the condition compiler (:mod:`dsl.compiler`) because actions build no
closures and need no requirement: each is checked once and becomes a plain value that the
rule set (:mod:`dsl.ruleset`) applies. What an action may say lives in :mod:`dsl.fields`
(``ACTIONS``, ``FLAG_ACTIONS``, ``KINDS``); a new action is checked here. Every problem
found is added to the caller's list, after those of the condition.
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Token, Tree

from dsl.diagnostics import did_you_mean, one_of
from dsl.fields import ACTIONS, FLAG_ACTIONS, KINDS
from dsl.syntax import SyntaxProblem, literal_text, problem_at

MAX_CONFIDENCE_DELTA = 100


@dataclass(frozen=True, slots=True)
class Action:
    """One action of a rule, validated: ``value`` is text, a signed int or ``None``."""

    name: str
    value: str | int | None = None


def check_actions(node: Tree[Token], problems: list[SyntaxProblem]) -> list[Action]:
    """The valid actions of an ``actions`` tree; a problem in ``problems`` for each other."""
    out: list[Action] = []
    for action in (child for child in node.children if isinstance(child, Tree)):
        name_token = action.children[0]
        assert isinstance(name_token, Token)
        name = name_token.lower()
        arg: Token | None = None
        if len(action.children) > 1:
            arg_tree = action.children[1]
            assert isinstance(arg_tree, Tree)
            first = arg_tree.children[0]
            assert isinstance(first, Token)
            arg = first
        if name.startswith("confidence") and name != "confidence" and arg is None:
            problems.append(
                problem_at(
                    name_token,
                    f"unknown action '{name_token}'",
                    one_of(ACTIONS),
                    "write confidence+10 or confidence-10",
                )
            )
            continue
        if name not in ACTIONS:
            problems.append(
                problem_at(
                    name_token,
                    f"unknown action '{name_token}'",
                    one_of(ACTIONS),
                    did_you_mean(name, ACTIONS),
                )
            )
            continue
        checked = _check_action(name, name_token, arg, problems)
        if checked is not None:
            out.append(checked)
    return out


def _check_action(
    name: str, at: Token, arg: Token | None, problems: list[SyntaxProblem]
) -> Action | None:
    if name in FLAG_ACTIONS:
        if arg is not None:
            problems.append(problem_at(arg, f"'{name}' takes no value", f"'{name}' alone"))
            return None
        return Action(name)
    if arg is None:
        expected = {
            "confidence": "a signed whole number: confidence+10 or confidence-10",
            "kind": one_of(KINDS),
        }.get(name, f"a value, e.g. {name} 'Some Name'")
        problems.append(problem_at(at, f"'{name}' needs a value", expected))
        return None
    if name == "confidence":
        text = str(arg)
        if arg.type != "NUMBER" or text[0] not in "+-" or not text[1:].isdigit():
            problems.append(
                problem_at(
                    arg,
                    f"confidence needs a signed whole number, got {text}",
                    "confidence+N or confidence-N, e.g. confidence+20",
                )
            )
            return None
        delta = int(text)
        if abs(delta) > MAX_CONFIDENCE_DELTA:
            problems.append(
                problem_at(
                    arg,
                    f"confidence change {text} is outside -100..+100",
                    "a change between -100 and +100",
                )
            )
            return None
        return Action(name, delta)
    value = literal_text(arg).strip()
    if not value:
        problems.append(problem_at(arg, f"'{name}' needs a non-empty value", f"{name} NAME"))
        return None
    if name == "kind":
        if value.lower() not in KINDS:
            problems.append(
                problem_at(
                    arg, f"unknown kind '{value}'", one_of(KINDS), did_you_mean(value, KINDS)
                )
            )
            return None
        value = value.lower()
    return Action(name, value)
