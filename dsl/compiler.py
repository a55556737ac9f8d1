"""Turn a parsed rule into plain Python closures, checking names, types and values.

Conditions become nested closures over pre-normalised literals (no ``eval``/``exec`` of
user text). Each condition also yields a *requirement*: literals one of which must be in
the transaction for the rule to possibly match, which the prefilter indexes so that most
rules are never tried on most lines. Every problem found is collected, not just the first.

This module checks conditions and decides which closure each becomes; the closures and
requirements themselves are in :mod:`dsl.conditions`, the checking of actions in
:mod:`dsl.actions`. ``Action`` and ``Requirement`` are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lark import Token, Tree

from dsl.actions import Action, check_actions
from dsl.conditions import (
    Cond,
    Requirement,
    compare,
    conjunction,
    disjunction,
    in_range,
    never,
    regex_match,
    selectivity,
)
from dsl.diagnostics import did_you_mean, one_of
from dsl.fields import DIRECTIONS, FIELDS, SPACELESS_FIELDS, FieldType, operators_for
from dsl.normalize import fold, fold_iban, fold_literal
from dsl.regex import RegexRejected, compile_regex, required_literal
from dsl.syntax import SyntaxProblem, literal_text, problem_at, unquote

__all__ = ["Action", "CompiledRule", "Requirement", "compile_tree", "unquote"]


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """Everything the rule set needs from one rule's text."""

    condition: Cond
    requirement: Requirement
    actions: tuple[Action, ...]
    stop: bool
    captures_invoice: bool
    fields: frozenset[str]  # text fields the condition reads (only these are folded)


def compile_tree(tree: Tree[Token]) -> CompiledRule | list[SyntaxProblem]:
    """Compile a parsed rule, or return every problem found in it."""
    compiler = _Compiler()
    condition_tree, actions_tree = tree.children
    assert isinstance(condition_tree, Tree | Token) and isinstance(actions_tree, Tree)
    condition, requirement = compiler.condition(condition_tree, negated=False)
    actions = check_actions(actions_tree, compiler.problems)
    if compiler.problems:
        return compiler.problems
    return CompiledRule(
        condition=condition,
        requirement=requirement,
        actions=tuple(actions),
        stop=any(a.name == "stop" for a in actions),
        captures_invoice=compiler.captures_invoice,
        fields=frozenset(compiler.fields),
    )


class _Compiler:
    def __init__(self) -> None:
        self.problems: list[SyntaxProblem] = []
        self.captures_invoice = False
        self.fields: set[str] = set()

    # -- reporting -----------------------------------------------------------------------
    def problem(self, at: Token, message: str, expected: str = "", suggestion: str = "") -> None:
        self.problems.append(problem_at(at, message, expected, suggestion))

    # -- conditions ----------------------------------------------------------------------
    def condition(self, node: Tree[Token] | Token, negated: bool) -> tuple[Cond, Requirement]:
        assert isinstance(node, Tree)
        kind = node.data
        if kind == "or_expr":
            parts = [self.condition(child, negated) for child in _trees(node)]
            conds = [c for c, _ in parts]
            reqs = [r for _, r in parts]
            merged: Requirement = None
            if all(r for r in reqs):
                merged = tuple(need for r in reqs if r for need in r)
            return disjunction(conds), merged
        if kind == "and_expr":
            parts = [self.condition(child, negated) for child in _trees(node)]
            best = max((r for _, r in parts), key=selectivity)
            return conjunction([c for c, _ in parts]), best if selectivity(best) else None
        if kind == "negation":
            (child,) = _trees(node)
            inner, _ = self.condition(child, not negated)
            return (lambda s: not inner(s)), None
        if kind in ("comparison", "between"):
            return self.comparison(node, negated)
        raise AssertionError(f"unexpected node {kind}")  # pragma: no cover

    def comparison(self, node: Tree[Token], in_not: bool) -> tuple[Cond, Requirement]:
        children = list(node.children)
        field_token = children.pop(0)
        assert isinstance(field_token, Token)
        negated = False
        if children and isinstance(children[0], Tree) and children[0].data == "negated":
            negated = True
            children.pop(0)
        if node.data == "between":
            op_token = children[0]
            values = children[1:]
        else:
            op_tree = children[0]
            assert isinstance(op_tree, Tree)
            op_token = op_tree.children[0]
            values = children[1:]
        assert isinstance(op_token, Token)
        op = op_token.lower() if op_token.type != "NE" else "!="
        field = field_token.lower()
        self.fields.add(field)
        ftype = FIELDS.get(field)
        if ftype is None:
            self.problem(
                field_token,
                f"unknown field '{field_token}'",
                one_of(FIELDS),
                did_you_mean(field_token, FIELDS),
            )
            return never, None
        if negated and op not in ("contains", "startswith", "endswith", "matches", "in"):
            self.problem(
                op_token,
                f"'not {op}' is not an operator",
                "not contains, not startswith, not endswith, not matches, not in",
                "use '!=' for 'not ='" if op == "=" else "",
            )
            return never, None
        if op not in operators_for(ftype):
            self.type_problem(field, ftype, op_token, op)
            return never, None
        if ftype is FieldType.TEXT:
            cond, req = self.text_comparison(field, op, op_token, values, in_not != negated)
        elif ftype is FieldType.DIRECTION:
            cond, req = self.direction_comparison(op, values)
        else:
            cond, req = self.ordered_comparison(field, ftype, op, op_token, values)
        if negated:
            inner = cond
            return (lambda s: not inner(s)), None
        return cond, req

    def type_problem(self, field: str, ftype: FieldType, at: Token, op: str) -> None:
        what = {
            FieldType.TEXT: "text",
            FieldType.NUMBER: "a number",
            FieldType.DATE: "a date",
            FieldType.DIRECTION: "a direction (in/out)",
        }[ftype]
        allowed = operators_for(ftype)
        self.problem(
            at,
            f"'{op}' does not work on {field}, which is {what}",
            f"for {field}: " + ", ".join(allowed),
            did_you_mean(op, allowed) if op not in allowed else "",
        )

    # -- values --------------------------------------------------------------------------
    def value_tokens(self, values: Sequence[Tree[Token] | Token]) -> list[Token]:
        tokens: list[Token] = []
        for value in values:
            if isinstance(value, Token):
                tokens.append(value)
            elif value.data == "word_in":
                token = value.children[0]
                assert isinstance(token, Token)
                tokens.append(Token("WORD", str(token), token.start_pos, token.line, token.column))
            elif value.data == "list_value":
                tokens.extend(self.value_tokens(value.children))
        return tokens

    @staticmethod
    def is_list(values: Sequence[Tree[Token] | Token]) -> bool:
        return len(values) == 1 and isinstance(values[0], Tree) and values[0].data == "list_value"

    def check_shape(self, op: str, op_token: Token, values: Sequence[Tree[Token] | Token]) -> bool:
        if op == "in" and not self.is_list(values):
            self.problem(op_token, "'in' needs a list", "[value, value, ...]")
            return False
        if op != "in" and self.is_list(values):
            self.problem(
                op_token,
                f"'{op}' takes one value, not a list",
                "a single value",
                "use 'in [...]' to test several values",
            )
            return False
        return True

    def text_comparison(
        self,
        field: str,
        op: str,
        op_token: Token,
        values: Sequence[Tree[Token] | Token],
        in_not: bool,
    ) -> tuple[Cond, Requirement]:
        if not self.check_shape(op, op_token, values):
            return never, None
        tokens = self.value_tokens(values)
        norm = fold_iban if field in SPACELESS_FIELDS else fold_literal
        if op == "matches":
            token = tokens[0]
            if token.type != "STRING":
                self.problem(token, "a regex must be quoted", "a quoted regex like '^CB .*'")
                return never, None
            pattern = unquote(str(token))
            try:
                regex = compile_regex(pattern)
            except RegexRejected as exc:
                self.problem(token, str(exc), "an RE2 regular expression")
                return never, None
            capture = "invoice" in regex.groupindex and not in_not
            self.captures_invoice = self.captures_invoice or capture
            literal = required_literal(pattern)
            spaced = field not in SPACELESS_FIELDS
            req: Requirement = (("sub", field, literal),) if literal and spaced else None
            return regex_match(field, regex, capture), req
        literals = [norm(literal_text(t)) for t in tokens]
        lit = literals[0]
        if op == "in":
            options = frozenset(literals)
            need = tuple(("eq", field, v) for v in sorted(options) if v)
            cond: Cond = lambda s: s.folded[field] in options  # noqa: E731
            return cond, need if len(need) == len(options) else None
        sub_req: Requirement = (("sub", field, lit),) if lit else None
        if op == "contains":
            return (lambda s: lit in s.folded[field]), sub_req
        if op == "startswith":
            return (lambda s: s.folded[field].startswith(lit)), sub_req
        if op == "endswith":
            return (lambda s: s.folded[field].endswith(lit)), sub_req
        if op == "=":
            return (lambda s: s.folded[field] == lit), ((("eq", field, lit),) if lit else None)
        return (lambda s: s.folded[field] != lit), None  # "!="

    def direction_comparison(
        self, op: str, values: Sequence[Tree[Token] | Token]
    ) -> tuple[Cond, Requirement]:
        tokens = self.value_tokens(values)
        wanted: set[str] = set()
        for token in tokens:
            value = fold(literal_text(token))
            if value not in DIRECTIONS:
                self.problem(
                    token,
                    f"direction is 'in' or 'out', not '{token}'",
                    one_of(DIRECTIONS),
                    did_you_mean(value, DIRECTIONS),
                )
            wanted.add(value)
        if op == "in" and not self.is_list(values):
            self.problem(tokens[0], "'in' needs a list", "[in, out]")
        options = frozenset(wanted)
        if op == "!=":
            return (lambda s: s.folded["direction"] not in options), None
        return (lambda s: s.folded["direction"] in options), None

    def ordered_comparison(
        self,
        field: str,
        ftype: FieldType,
        op: str,
        op_token: Token,
        values: Sequence[Tree[Token] | Token],
    ) -> tuple[Cond, Requirement]:
        if op != "between" and not self.check_shape(op, op_token, values):
            return never, None
        tokens = self.value_tokens(values)
        parsed: list[Decimal | dt.date] = []
        for token in tokens:
            value = self.ordered_value(field, ftype, token)
            if value is None:
                return never, None
            parsed.append(value)
        attr = "amount" if ftype is FieldType.NUMBER else "date"
        if op == "between":
            lo, hi = parsed
            if lo > hi:  # type: ignore[operator]
                self.problem(
                    tokens[0],
                    f"empty range: {tokens[0]} is greater than {tokens[1]}",
                    "between LOW and HIGH with LOW <= HIGH",
                    f"write 'between {tokens[1]} and {tokens[0]}'",
                )
                return never, None
            return in_range(attr, lo, hi), None
        if op == "in":
            options = frozenset(parsed)
            return (lambda s: (v := getattr(s, attr)) is not None and v in options), None
        return compare(attr, op, parsed[0]), None

    def ordered_value(self, field: str, ftype: FieldType, token: Token) -> Decimal | dt.date | None:
        if ftype is FieldType.NUMBER:
            if token.type != "NUMBER":
                self.problem(
                    token,
                    f"{field} needs a number, got {token.type.lower()} {token}",
                    "a number like -84.20 (no quotes)",
                )
                return None
            try:
                return Decimal(str(token))
            except InvalidOperation:  # pragma: no cover - the grammar only lets numbers through
                self.problem(token, f"not a number: {token}", "a number like -84.20")
                return None
        if token.type != "DATE":
            self.problem(
                token,
                f"{field} needs a date, got {token.type.lower()} {token}",
                "an ISO date like 2026-03-15 (no quotes)",
            )
            return None
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError:
            self.problem(token, f"not a valid date: {token}", "an existing date YYYY-MM-DD")
            return None


def _trees(node: Tree[Token]) -> list[Tree[Token]]:
    return [child for child in node.children if isinstance(child, Tree)]
