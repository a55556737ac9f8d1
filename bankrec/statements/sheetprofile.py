"""Mapping profiles for CSV/XLSX bank exports: which column is what, and how to read it.

A profile is a small YAML file (see ``docs/import-sheets.md``). Banks' spreadsheet exports
have no standard, so the profile is the contract: it names the columns (by header text or
by 1-based position), the date format, the decimal style, the sign convention and the
text encoding. A profile with a mistake is refused with the file and line of the mistake,
before any statement is read with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bankrec.errors import Location, StatementError
from bankrec.money import check_currency
from bankrec.statements.textfile import read_text

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"

# roles a column can play; "label" may list several columns, concatenated
ROLES = ("date", "value_date", "amount", "debit", "credit", "direction", "label",
         "counterparty", "iban", "bic", "reference", "currency", "balance", "id", "charges",
         "account")  # fmt: skip
# roles read from exactly one column; text roles may list several (first non-empty wins,
# label concatenates them all)
SINGLE_ROLES = ("date", "value_date", "amount", "debit", "credit", "direction", "currency",
                "balance", "charges", "account")  # fmt: skip
KEYS = ("name", "description", "match_header", "match_first_row", "encoding", "delimiter",
        "quotechar", "header_row", "skip_footer", "sheet", "date_format", "decimal",
        "thousands", "sign", "debit_values", "credit_values", "currency", "account",
        "label_separator", "preamble_account", "columns")  # fmt: skip
DELIMITERS = (",", ";", "\t", "|")


def norm(text: str) -> str:
    """Header text compared without case, BOM or extra spaces."""
    return " ".join(text.replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True, slots=True)
class Column:
    """One column reference: header text or 1-based position."""

    name: str = ""
    index: int = 0
    optional: bool = False

    def __str__(self) -> str:
        return repr(self.name) if self.name else f"column {self.index}"


@dataclass(frozen=True, slots=True)
class Profile:
    """A validated mapping profile (see the module docstring and docs/import-sheets.md)."""

    name: str
    source: str = ""
    description: str = ""
    match_header: tuple[str, ...] = ()
    match_first_row: re.Pattern[str] | None = None
    encoding: str = ""  # empty: detect
    delimiter: str = ""  # empty: detect
    quotechar: str = '"'
    header_row: int | None = None  # 1-based; 0 = no header row; None = find match_header
    skip_footer: int = 0
    sheet: str = ""
    date_format: str = "%Y-%m-%d"
    decimal: str = "."
    thousands: str = ""
    sign: str = "normal"  # or "inverted": the file shows money paid as positive
    debit_values: tuple[str, ...] = ("D", "DEBIT", "S", "SOLL", "DR", "-")
    credit_values: tuple[str, ...] = ("C", "CREDIT", "H", "HABEN", "CR", "+")
    currency: str = ""  # fixed currency when no currency column
    account: str = ""  # fixed own account when no account column
    label_separator: str = " "
    preamble_account: str = ""  # label of a preamble row holding our account (ING DE "IBAN")
    columns: dict[str, tuple[Column, ...]] = field(default_factory=dict)


class _Checker:
    """Turns the YAML node tree into a Profile, failing with the line of the bad entry."""

    def __init__(self, file: str, root: yaml.Node) -> None:
        self.file = file
        self.root = root

    def fail(self, node: yaml.Node, message: str, expected: str = "") -> StatementError:
        mark = node.start_mark
        return StatementError(message, Location(self.file, mark.line + 1, mark.column + 1),
                              expected)  # fmt: skip

    def value(self, node: yaml.Node) -> Any:
        loader = yaml.SafeLoader("")
        try:
            return loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise self.fail(node, f"cannot read this value: {exc}", "plain YAML values") from None
        finally:
            loader.dispose()

    def text(self, node: yaml.Node, key: str) -> str:
        val = self.value(node)
        if not isinstance(val, str | int) or isinstance(val, bool):
            raise self.fail(node, f"{key} must be text", "a string")
        return str(val)

    def texts(self, node: yaml.Node, key: str) -> tuple[str, ...]:
        val = self.value(node)
        if isinstance(val, str):
            return (val,)
        if not isinstance(val, list) or not all(isinstance(v, str) for v in val):
            raise self.fail(node, f"{key} must be a list of texts", "[text, text, ...]")
        return tuple(val)

    def integer(self, node: yaml.Node, key: str, low: int = 0) -> int:
        val = self.value(node)
        if not isinstance(val, int) or isinstance(val, bool) or val < low:
            raise self.fail(node, f"{key} must be a whole number >= {low}", "a number")
        return val

    def column(self, node: yaml.Node, role: str) -> Column:
        val = self.value(node)
        if isinstance(val, dict):
            col = val.get("column")
            optional = val.get("optional", False)
            if set(val) - {"column", "optional"} or not isinstance(optional, bool):
                raise self.fail(node, f"column spec of {role} has unknown keys",
                                "{column: NAME_OR_NUMBER, optional: true|false}")  # fmt: skip
            val = col
        else:
            optional = False
        if isinstance(val, bool) or not isinstance(val, str | int):
            raise self.fail(node, f"column of {role} must be a header name or a position",
                            "a header text or a 1-based number")  # fmt: skip
        if isinstance(val, int):
            if val < 1:
                raise self.fail(node, f"column position {val} of {role}", "1 or more")
            return Column(index=val, optional=optional)
        if not val.strip():
            raise self.fail(node, f"column of {role} is empty", "a header text")
        return Column(name=val, optional=optional)

    def columns(self, node: yaml.Node) -> dict[str, tuple[Column, ...]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, "columns must be a mapping of role to column",
                            "role: column lines")  # fmt: skip
        out: dict[str, tuple[Column, ...]] = {}
        for key_node, val_node in node.value:
            role = str(self.value(key_node))
            if role not in ROLES:
                raise self.fail(key_node, f"unknown column role {role!r}", ", ".join(ROLES))
            if isinstance(val_node, yaml.SequenceNode):
                if role in SINGLE_ROLES:
                    raise self.fail(val_node, f"{role} takes one column",
                                    "a list only for text roles (label, iban...)")  # fmt: skip
                cols = tuple(self.column(v, role) for v in val_node.value)
                if not cols:
                    raise self.fail(val_node, f"{role} lists no column", "one column or more")
            else:
                cols = (self.column(val_node, role),)
            out[role] = cols
        return out

    def profile(self) -> Profile:
        if not isinstance(self.root, yaml.MappingNode):
            raise self.fail(self.root, "a profile must be a YAML mapping", "key: value lines")
        nodes: dict[str, yaml.Node] = {}
        for key_node, val_node in self.root.value:
            key = str(self.value(key_node))
            if key not in KEYS:
                raise self.fail(key_node, f"unknown key {key!r}", ", ".join(KEYS))
            if key in nodes:
                raise self.fail(key_node, f"key {key!r} appears twice", "each key once")
            nodes[key] = val_node
        kw: dict[str, Any] = {"source": self.file}
        for key in ("name", "description", "encoding", "sheet", "date_format", "account",
                    "label_separator", "preamble_account"):  # fmt: skip
            if key in nodes:
                kw[key] = self.text(nodes[key], key)
        if "name" not in kw:
            kw["name"] = Path(self.file).stem
        if "encoding" in nodes:
            import codecs

            try:
                codecs.lookup(kw["encoding"])
            except LookupError:
                raise self.fail(nodes["encoding"], f"unknown encoding {kw['encoding']!r}",
                                "utf-8, cp1252, latin-1 ...") from None  # fmt: skip
        for key in ("match_header", "debit_values", "credit_values"):
            if key in nodes:
                values = self.texts(nodes[key], key)
                kw[key] = tuple(v.upper() for v in values) if key != "match_header" else values
        if "match_first_row" in nodes:
            pattern = self.text(nodes["match_first_row"], "match_first_row")
            try:
                kw["match_first_row"] = re.compile(pattern)
            except re.error as exc:
                raise self.fail(nodes["match_first_row"], f"bad regular expression: {exc}",
                                "a Python regular expression") from None  # fmt: skip
        if "delimiter" in nodes:
            delim = self.text(nodes["delimiter"], "delimiter")
            if delim == "\\t" or delim.lower() == "tab":
                delim = "\t"
            if len(delim) != 1:
                raise self.fail(nodes["delimiter"], f"delimiter {delim!r}", "one character")
            kw["delimiter"] = delim
        if "quotechar" in nodes:
            quote = self.text(nodes["quotechar"], "quotechar")
            if len(quote) != 1:
                raise self.fail(nodes["quotechar"], f"quotechar {quote!r}", "one character")
            kw["quotechar"] = quote
        if "header_row" in nodes:
            raw = self.value(nodes["header_row"])
            if raw in ("auto", None):
                kw["header_row"] = None
            elif raw in ("none", False):
                kw["header_row"] = 0
            else:
                kw["header_row"] = self.integer(nodes["header_row"], "header_row")
        if "skip_footer" in nodes:
            kw["skip_footer"] = self.integer(nodes["skip_footer"], "skip_footer")
        if "decimal" in nodes:
            kw["decimal"] = self.text(nodes["decimal"], "decimal")
            if kw["decimal"] not in (".", ","):
                raise self.fail(nodes["decimal"], f"decimal {kw['decimal']!r}", "'.' or ','")
        if "thousands" in nodes:
            kw["thousands"] = self.text(nodes["thousands"], "thousands")
            if kw["thousands"] not in ("", ".", ",", "'", " ", "\u00a0", "\u202f"):
                raise self.fail(nodes["thousands"], f"thousands {kw['thousands']!r}",
                                "'', '.', ',', \"'\" or ' '")  # fmt: skip
        if kw.get("thousands") and kw["thousands"] == kw.get("decimal", "."):
            raise self.fail(nodes["thousands"], "thousands separator equals the decimal mark",
                            "two different characters")  # fmt: skip
        if "sign" in nodes:
            kw["sign"] = self.text(nodes["sign"], "sign")
            if kw["sign"] not in ("normal", "inverted"):
                raise self.fail(nodes["sign"], f"sign {kw['sign']!r}", "normal or inverted")
        if "currency" in nodes:
            try:
                kw["currency"] = check_currency(self.text(nodes["currency"], "currency"))
            except ValueError:
                raise self.fail(nodes["currency"], "currency is not an ISO 4217 code",
                                "a code like EUR") from None  # fmt: skip
        if "date_format" in nodes and "%" not in kw["date_format"]:
            raise self.fail(nodes["date_format"], f"date_format {kw['date_format']!r}",
                            "strftime codes such as %d.%m.%Y")  # fmt: skip
        if "columns" not in nodes:
            raise self.fail(self.root, "profile has no columns", "a columns: mapping")
        cols = self.columns(nodes["columns"])
        where = nodes["columns"]
        if "date" not in cols:
            raise self.fail(where, "columns lack date", "a date column")
        has_amount = "amount" in cols
        has_split = "debit" in cols or "credit" in cols
        if has_amount == has_split or (has_split and not ("debit" in cols and "credit" in cols)):
            raise self.fail(where, "columns must give amount, or both debit and credit",
                            "amount: COLUMN, or debit: COLUMN and credit: COLUMN")  # fmt: skip
        if kw.get("header_row") == 0 and any(c.name for cs in cols.values() for c in cs):
            raise self.fail(where, "header_row is 0 (no header) but columns are named",
                            "column positions (1, 2, ...) when the file has no header")  # fmt: skip
        if kw.get("header_row") == 0 and "match_first_row" not in kw and "match_header" in kw:
            raise self.fail(nodes["match_header"], "match_header needs a header row",
                            "match_first_row for files without a header")  # fmt: skip
        kw["columns"] = cols
        return Profile(**kw)


def load_profile(path: Path) -> Profile:
    """Read and validate a profile; StatementError naming file:line on any mistake."""
    name = str(path)
    text = read_text(path, what="profile")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise StatementError(f"profile is not valid YAML: {problem}",
                             Location(name, line, column)) from None  # fmt: skip
    if root is None:
        raise StatementError("profile is empty", Location(name, 1), "key: value lines")
    _check_size(name, root)
    return _Checker(name, root).profile()


def _check_size(file: str, root: yaml.Node, limit: int = 5000) -> None:
    """Refuse profiles whose aliases expand to a huge tree (a YAML "billion laughs")."""
    seen, stack = 0, [root]
    while stack:
        node = stack.pop()
        seen += 1
        if seen > limit:
            mark = node.start_mark
            raise StatementError(
                "profile is too large once its aliases are expanded",
                Location(file, mark.line + 1),
                f"under {limit} values",
            )
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def shipped_profiles() -> list[Profile]:
    """The profiles bundled with bankrec, most specific first.

    A longer header signature, or a first-row pattern, is more specific than a short one,
    so the generic ``date, amount, label`` profile is tried last.
    """
    profiles = [load_profile(p) for p in sorted(PROFILES_DIR.glob("*.yaml"))]
    return sorted(profiles, key=lambda p: -len(p.match_header) - 10 * bool(p.match_first_row))
