"""Entry points: compile rule text and load rule files or folders into a :class:`RuleSet`.

A file is refused as a whole: every problem of every file is collected into one
:class:`RuleFileError`, and no rule of a broken set is returned.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from lark import Token, Tree

from dsl.compiler import CompiledRule, compile_tree
from dsl.diagnostics import Diagnostic, RuleFileError
from dsl.ruleset import Rule, RuleSet
from dsl.rulesfile import split_rules_text
from dsl.source import RuleSource
from dsl.syntax import RuleSyntaxError, SyntaxProblem, parse
from dsl.yamlfile import read_yaml_rules

RULE_SUFFIXES = (".rules", ".yaml", ".yml")
FORMATS = ("rules", "yaml")


def compile_rules(text: str, source: str = "<text>", *, fmt: str = "rules") -> RuleSet:
    """Compile rule text (``fmt`` "rules" or "yaml"); raise RuleFileError on any problem."""
    rules, problems = _compile_text(text, source, fmt)
    if problems:
        raise RuleFileError(problems)
    return RuleSet(rules)


def load_rules(paths: Sequence[str | os.PathLike[str]]) -> RuleSet:
    """Load rule files and folders (their rule files sorted by name), in the order given.

    Locations keep each path as the user wrote it (``rules/fees.rules:3``).
    """
    rules: list[Rule] = []
    problems: list[Diagnostic] = []
    for path in paths:
        for file in _expand(path, problems):
            try:
                text = Path(file).read_text(encoding="utf-8-sig")
            except UnicodeDecodeError as exc:
                problems.append(
                    Diagnostic(
                        file, 1, 1, f"not UTF-8 text: {exc.reason}", "a UTF-8 encoded rules file"
                    )
                )
                continue
            except OSError as exc:
                problems.append(Diagnostic(file, 1, 1, f"cannot read file: {exc.strerror}"))
                continue
            fmt = "rules" if file.endswith(".rules") else "yaml"
            found, errors = _compile_text(text, file, fmt)
            rules.extend(found)
            problems.extend(errors)
    if problems:
        raise RuleFileError(problems)
    return RuleSet(rules)


def _expand(path: str | os.PathLike[str], problems: list[Diagnostic]) -> list[str]:
    name = os.fspath(path)
    if os.path.isdir(name):
        found = sorted(
            entry
            for entry in os.listdir(name)
            if entry.endswith(RULE_SUFFIXES) and os.path.isfile(os.path.join(name, entry))
        )
        if not found:
            problems.append(
                Diagnostic(
                    name, 1, 1, "folder holds no rule files", "*.rules, *.yaml or *.yml files"
                )
            )
        return [os.path.join(name, entry) for entry in found]
    if not os.path.exists(name):
        problems.append(Diagnostic(name, 1, 1, "no such file or folder"))
        return []
    if not name.endswith(RULE_SUFFIXES):
        problems.append(Diagnostic(name, 1, 1, "not a rules file", "*.rules, *.yaml or *.yml"))
        return []
    return [name]


def _compile_text(text: str, file: str, fmt: str) -> tuple[list[Rule], list[Diagnostic]]:
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems: list[Diagnostic] = []
    if fmt == "rules":
        sources = split_rules_text(text, file)
    else:
        sources, problems = read_yaml_rules(text, file)
    rules: list[Rule] = []
    for source in sources:
        compiled = compile_source(source)
        if isinstance(compiled, Rule):
            rules.append(compiled)
        else:
            problems.extend(compiled)
    problems.sort(key=lambda d: (d.line, d.column))
    return rules, problems


def compile_source(source: RuleSource) -> Rule | list[Diagnostic]:
    """Parse and compile one rule; return it or its problems placed in the file."""
    try:
        tree = parse(source.text)
    except RuleSyntaxError as exc:
        return [_place(source, exc.problem)]
    result = compile_tree(tree)
    if not isinstance(result, CompiledRule):
        return [_place(source, problem) for problem in result]
    return Rule(
        name=source.name,
        location=source.location,
        text=_display_text(source.text, tree),
        condition=result.condition,
        actions=result.actions,
        requirement=result.requirement,
        fields=result.fields,
        stop=result.stop,
        examples=source.examples,
    )


def _display_text(text: str, tree: Tree[Token]) -> str:
    """The rule on one line without its comments (``#`` outside quotes, to line end)."""
    end = getattr(tree.meta, "end_pos", None)
    body = text[:end] if isinstance(end, int) else text
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(body):
        ch = body[i]
        if quote:
            if ch == "\\" and i + 1 < len(body):
                out.append(body[i : i + 2])
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            newline = body.find("\n", i)
            i = len(body) if newline < 0 else newline
            continue
        out.append(ch)
        i += 1
    return " ".join("".join(out).split())


def _place(source: RuleSource, problem: SyntaxProblem) -> Diagnostic:
    line, column = source.locate(problem.line, problem.column)
    return Diagnostic(
        source.file,
        line,
        column,
        problem.message,
        problem.expected,
        problem.suggestion,
        source.source_line(line),
        problem.width,
    )
