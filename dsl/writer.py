"""Write rules as text: how the learner stores what it learned as ordinary ``.rules`` lines.

Learned rules are plain rules so people can read, edit, reorder or delete them; the
writer compiles what it produces, so it can never write a rule the loader would refuse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from dsl.diagnostics import RuleFileError

Condition = tuple[str, str, object]  # (field, operator, value)


def quote(text: str) -> str:
    """A rule-language text literal for ``text`` (single quotes, escapes as needed)."""
    if "\n" in text or "\r" in text:
        raise ValueError("rule texts cannot contain line breaks")
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _literal(value: object) -> str:
    if isinstance(value, bool):
        raise ValueError("booleans are not rule values")
    if isinstance(value, Decimal | int):
        return str(value)
    if isinstance(value, float):
        raise ValueError("use Decimal, not float, for amounts")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return quote(str(value))


def format_rule(
    conditions: Mapping[str, object] | Sequence[Condition],
    *,
    party: str | None = None,
    account: str | None = None,
    category: str | None = None,
    kind: str | None = None,
    confidence: int = 0,
    tags: Iterable[str] = (),
    ignore: bool = False,
    stop: bool = False,
    comment: str | None = None,
) -> str:
    """One rule as ``.rules`` text, optionally preceded by a ``# comment`` line.

    ``conditions`` is either ``{field: value}`` (each tested with ``=``) or a sequence of
    ``(field, operator, value)``; they are joined with ``and``. Example::

        format_rule({"iban": "CH9300762011623852957"}, party="Müller AG", confidence=10,
                    comment="learned: 4 validations, last 2026-11-02")

    gives ``# learned: 4 validations, last 2026-11-02`` and
    ``iban = 'CH9300762011623852957' => party 'Müller AG', confidence+10``.
    Raises ``ValueError`` when the result would not compile.
    """
    items: Sequence[Condition]
    if isinstance(conditions, Mapping):
        items = [(name, "=", value) for name, value in conditions.items()]
    else:
        items = conditions
    if not items:
        raise ValueError("a rule needs at least one condition")
    parts = []
    for name, op, value in items:
        if op == "between":
            if not isinstance(value, list | tuple) or len(value) != 2:
                raise ValueError("'between' needs a (low, high) pair")
            low, high = value
            parts.append(f"{name} between {_literal(low)} and {_literal(high)}")
        else:
            parts.append(f"{name} {op} {_literal(value)}")
    actions: list[str] = []
    for action, text in (("party", party), ("account", account), ("category", category)):
        if text is not None:
            actions.append(f"{action} {quote(text)}")
    if kind is not None:
        actions.append(f"kind {kind}")
    if confidence:
        actions.append(f"confidence{confidence:+d}")
    actions.extend(f"tag {quote(tag)}" for tag in tags)
    if ignore:
        actions.append("ignore")
    if stop:
        actions.append("stop")
    if not actions:
        raise ValueError("a rule needs at least one action")
    line = " and ".join(parts) + " => " + ", ".join(actions)
    text = line if comment is None else f"# {comment.strip()}\n{line}"
    from dsl.loader import compile_rules  # the loader imports the rule set, not the writer

    try:
        compile_rules(text, "<format_rule>")
    except RuleFileError as exc:
        raise ValueError(f"rule would not compile: {exc}") from None
    return text
