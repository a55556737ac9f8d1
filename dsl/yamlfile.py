"""Read rules from YAML, keeping the file position of every rule string and example.

YAML is read with ``yaml.compose`` (nodes with marks, no implicit conversion), so numbers
such as ``amount: -84.20`` are turned into ``Decimal`` from their text (never a float) and
every error can point at the right line and column of the YAML file.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import yaml

from dsl.diagnostics import Diagnostic, did_you_mean, one_of
from dsl.examples import EXPECT_KEYS, Example
from dsl.fields import DIRECTIONS, FIELDS, KINDS
from dsl.source import RuleSource

RULE_KEYS = ("name", "rule", "examples", "description")
TRUE = ("true", "yes", "on")
FALSE = ("false", "no", "off")


class _Reader:
    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.lines = text.split("\n")
        self.problems: list[Diagnostic] = []

    def error(
        self, node: yaml.Node, message: str, expected: str = "", suggestion: str = ""
    ) -> None:
        mark = node.start_mark
        width = 1
        if node.end_mark.line == mark.line:
            width = max(1, node.end_mark.column - mark.column)
        self.problems.append(
            Diagnostic(
                self.file,
                mark.line + 1,
                mark.column + 1,
                message,
                expected,
                suggestion,
                self._line(mark.line + 1),
                width,
            )
        )

    def _line(self, number: int) -> str:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping", f"{what} as 'key: value' lines")
            return None
        seen: set[str] = set()
        items: list[tuple[str, yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, "keys must be plain names")
                continue
            key = str(key_node.value)
            if key in seen:
                self.error(key_node, f"duplicate key '{key}'", "each key once")
                continue
            seen.add(key)
            items.append((key, key_node, value_node))
        return items

    # -- rules ---------------------------------------------------------------------------
    def read(self, text: str) -> list[RuleSource]:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            column = mark.column + 1 if mark else 1
            message = f"YAML syntax error: {exc.problem or exc.context}"
            context = f"{exc.context}" if exc.context and exc.problem else ""
            self.problems.append(
                Diagnostic(
                    self.file, line, column, message, "valid YAML", context, self._line(line)
                )
            )
            return []
        except yaml.YAMLError as exc:
            self.problems.append(Diagnostic(self.file, 1, 1, f"YAML error: {exc}"))
            return []
        if root is None:
            return []
        items = self.mapping(root, "a rules file")
        if items is None:
            return []
        sources: list[RuleSource] = []
        found = False
        for key, key_node, value in items:
            if key != "rules":
                self.error(
                    key_node,
                    f"unknown key '{key}'",
                    "a top-level 'rules:' list",
                    did_you_mean(key, ["rules"]),
                )
                continue
            found = True
            if isinstance(value, yaml.ScalarNode) and value.value == "":
                continue
            if not isinstance(value, yaml.SequenceNode):
                self.error(value, "'rules' must be a list", "'- ' items, one per rule")
                continue
            for entry in value.value:
                source = self.rule(entry)
                if source is not None:
                    sources.append(source)
        if not found:
            self.error(root, "no 'rules:' list in this file", "a top-level 'rules:' list")
        return sources

    def rule(self, node: yaml.Node) -> RuleSource | None:
        if isinstance(node, yaml.ScalarNode):
            return self.rule_text(node, None)
        items = self.mapping(node, "a rule")
        if items is None:
            return None
        by_key = {key: (key_node, value) for key, key_node, value in items}
        for key, key_node, _ in items:
            if key not in RULE_KEYS:
                self.error(
                    key_node,
                    f"unknown key '{key}' in rule",
                    one_of(RULE_KEYS),
                    did_you_mean(key, RULE_KEYS),
                )
        if "rule" not in by_key:
            self.error(node, "rule entry has no 'rule:'", 'rule: "CONDITION => ACTIONS"')
            return None
        name: str | None = None
        if "name" in by_key:
            name_node = by_key["name"][1]
            if isinstance(name_node, yaml.ScalarNode) and str(name_node.value).strip():
                name = str(name_node.value).strip()
            else:
                self.error(name_node, "'name' must be a non-empty text")
        source = self.rule_text(by_key["rule"][1], name)
        if source is not None and "examples" in by_key:
            source.examples = self.examples(by_key["examples"][1], source.location)
        return source

    def rule_text(self, node: yaml.Node, name: str | None) -> RuleSource | None:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            self.error(node, "a rule must be a text", '"CONDITION => ACTIONS"')
            return None
        text = str(node.value)
        line = node.start_mark.line + 1
        location = f"{self.file}:{line}"
        return RuleSource(
            self.file,
            line,
            text,
            name or location,
            self.lines,
            positions=_positions(node, self.lines),
            column=node.start_mark.column + 1,
        )

    # -- examples ------------------------------------------------------------------------
    def examples(self, node: yaml.Node, rule_location: str) -> tuple[Example, ...]:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, "'examples' must be a list", "'- {label: ..., expect: {...}}' items")
            return ()
        out: list[Example] = []
        for number, entry in enumerate(node.value, start=1):
            example = self.example(entry, number, rule_location)
            if example is not None:
                out.append(example)
        return tuple(out)

    def example(self, node: yaml.Node, number: int, rule_location: str) -> Example | None:
        items = self.mapping(node, "an example")
        if items is None:
            return None
        fields: dict[str, object] = {}
        expect: dict[str, object] = {}
        ok = True
        has_expect = False
        for key, key_node, value in items:
            if key == "expect":
                has_expect = True
                parsed = self.expect(value)
                if parsed is None:
                    ok = False
                else:
                    expect = parsed
                continue
            if key not in FIELDS:
                self.error(
                    key_node,
                    f"unknown field '{key}' in example",
                    one_of([*FIELDS, "expect"]),
                    did_you_mean(key, [*FIELDS, "expect"]),
                )
                ok = False
                continue
            field_value = self.field_value(key, value)
            if field_value is None:
                ok = False
            else:
                fields[key] = field_value
        if not has_expect:
            self.error(node, "example has no 'expect:'", "expect: {party: ..., ...}")
            ok = False
        if not ok:
            return None
        mark = node.start_mark
        return Example(
            fields,
            expect,
            self.file,
            mark.line + 1,
            mark.column + 1,
            self._line(mark.line + 1),
            number,
            rule_location,
        )

    def scalar(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{what} must be a single value")
            return None
        return str(node.value)

    def field_value(self, key: str, node: yaml.Node) -> object | None:
        text = self.scalar(node, key)
        if text is None:
            return None
        if key == "amount":
            try:
                return Decimal(text.strip())
            except InvalidOperation:
                self.error(node, f"amount is not a number: {text!r}", "a number like -84.20")
                return None
        if key == "date":
            try:
                return dt.date.fromisoformat(text.strip())
            except ValueError:
                self.error(node, f"date is not an ISO date: {text!r}", "a date like 2026-03-15")
                return None
        if key == "direction" and text.strip().lower() not in DIRECTIONS:
            self.error(node, f"direction is 'in' or 'out', not {text!r}", one_of(DIRECTIONS))
            return None
        return text

    def expect(self, node: yaml.Node) -> dict[str, object] | None:
        items = self.mapping(node, "'expect'")
        if items is None:
            return None
        out: dict[str, object] = {}
        ok = True
        for key, key_node, value in items:
            kind = EXPECT_KEYS.get(key)
            if kind is None:
                self.error(
                    key_node,
                    f"unknown key '{key}' in expect",
                    one_of(EXPECT_KEYS),
                    did_you_mean(key, EXPECT_KEYS),
                )
                ok = False
                continue
            parsed = self.expect_value(key, kind, value)
            if parsed is _INVALID:
                ok = False
            else:
                out[key] = parsed
        return out if ok else None

    def expect_value(self, key: str, kind: str, node: yaml.Node) -> object:
        if kind == "list":
            if isinstance(node, yaml.ScalarNode):
                return [str(node.value)]
            if isinstance(node, yaml.SequenceNode) and all(
                isinstance(n, yaml.ScalarNode) for n in node.value
            ):
                return [str(n.value) for n in node.value]
            self.error(node, f"'{key}' must be a list of names", "[name, name]")
            return _INVALID
        text = self.scalar(node, key)
        if text is None:
            return _INVALID
        if kind == "text":
            if node.tag == "tag:yaml.org,2002:null":
                return None
            if key == "kind" and text not in KINDS:
                self.error(node, f"unknown kind '{text}'", one_of(KINDS))
                return _INVALID
            return text
        if kind == "bool":
            if text.lower() in TRUE:
                return True
            if text.lower() in FALSE:
                return False
            self.error(node, f"'{key}' must be true or false, not {text!r}", "true or false")
            return _INVALID
        try:
            return int(text)
        except ValueError:
            self.error(node, f"'{key}' must be a whole number, not {text!r}", "e.g. 20 or -10")
            return _INVALID


_INVALID = object()


def read_yaml_rules(text: str, file: str) -> tuple[list[RuleSource], list[Diagnostic]]:
    """Rule sources of a YAML rules file and every structural problem found in it."""
    reader = _Reader(text, file)
    sources = reader.read(text)
    return sources, reader.problems


def _positions(node: yaml.ScalarNode, lines: list[str]) -> list[tuple[int, int]]:
    """File (line, column) of each character of a scalar's value, 1-based."""
    value = str(node.value)
    start, end = node.start_mark, node.end_mark
    fallback = [(start.line + 1, start.column + 1)] * max(1, len(value))
    style = node.style
    if start.line == end.line and start.line < len(lines):
        raw = lines[start.line]
        if style is None:
            return [(start.line + 1, start.column + 1 + i) for i in range(len(value))]
        if style in ("'", '"'):
            out: list[tuple[int, int]] = []
            i = start.column + 1
            stop = end.column - 1
            while i < stop:
                out.append((start.line + 1, i + 1))
                if style == "'" and raw[i : i + 2] == "''":
                    i += 2
                elif style == '"' and raw[i] == "\\":
                    i += {"x": 4, "u": 6, "U": 10}.get(raw[i + 1 : i + 2], 2)
                else:
                    i += 1
            return out if len(out) == len(value) else fallback
    if style in ("|", ">"):
        # block scalars: content starts on the line after the indicator; each source line
        # gives its characters past the indentation plus one separator (space or newline)
        out = []
        indent: int | None = None
        last = end.line if end.column > 0 else end.line - 1
        for line_index in range(start.line + 1, min(last + 1, len(lines))):
            text = lines[line_index]
            if not text.strip():
                return fallback  # blank lines fold differently; keep the simple answer
            if indent is None:
                indent = len(text) - len(text.lstrip(" "))
            out.extend((line_index + 1, column + 1) for column in range(indent, len(text) + 1))
        out = out[: len(value)]
        return out if len(out) == len(value) else fallback
    return fallback
