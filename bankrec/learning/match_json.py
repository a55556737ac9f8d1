"""Decisions read from the ``bankrec match --json`` output after a person edited it.

The person works on the report the matcher wrote and marks each line they checked:

* ``"validated": true`` -- the line's ``matches`` (possibly edited) are right;
* ``"rejected": true`` -- the line's ``matches`` (or its ``party`` when it has no matches)
  are wrong;
* ``"decision": "accept" | "reject"`` -- the same, spelled as in the CSV;
* an ``unmatched`` line whose ``matches`` the person filled in counts as validated;
* with the unedited output given as ``original``, a line whose set of matched items
  differs from the original counts as validated, and the original items as rejected.

A marked line with neither matches nor a party (a line a rule ignored, an expense)
teaches nothing about a payer and is passed over. An optional
``"decided_on": "YYYY-MM-DD"`` dates the verdict; otherwise the transaction date is used.
Lines nobody touched teach nothing: the matcher's own verdicts are not evidence.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from bankrec.errors import InputError, Location
from bankrec.learning.decisions import DECISION_WORDS, ValidatedDecision


def _load(path: Path) -> tuple[str, dict[str, Any]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Location(name)) from None
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text", Location(name, 1)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}", Location(name, exc.lineno, exc.colno)
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
        raise InputError(
            "no 'lines' list at the top level",
            Location(name, 1),
            "the `bankrec match --json` output",
        )
    return text, data


_ID_RE = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*")')


class _Locator:
    """Finds the text line of a match line by its id, so errors point into the file.

    One pass over the text maps each ``"id": "..."`` to its line (first occurrence).
    """

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.lines: dict[str, int] = {}
        line, pos = 1, 0
        for found in _ID_RE.finditer(text):
            line += text.count("\n", pos, found.start())
            pos = found.start()
            try:
                value = json.loads(found.group(1))
            except json.JSONDecodeError:
                continue
            self.lines.setdefault(value, line)

    def at(self, index: int, line_id: object) -> Location:
        path = f"lines[{index}]"
        line = self.lines.get(line_id) if isinstance(line_id, str) else None
        return Location(self.name, line, path=path)


def _items(line: dict[str, Any], where: Location) -> tuple[str, ...]:
    matches = line.get("matches", [])
    if not isinstance(matches, list):
        raise InputError("'matches' is not a list", where, 'a list of {"item": ID, "amount": N}')
    items: list[str] = []
    for match in matches:
        item = match.get("item") if isinstance(match, dict) else None
        if not isinstance(item, str) or not item.strip():
            raise InputError("a match has no item id", where, 'a list of {"item": ID, "amount": N}')
        items.append(item.strip())
    return tuple(dict.fromkeys(items))


def _verdict(line: dict[str, Any], where: Location) -> bool | None:
    """True/False when the person marked the line, None when they did not."""
    flags: list[bool] = []
    for key, meaning in (("validated", True), ("rejected", False)):
        value = line.get(key)
        if value is None or value is False:
            continue
        if value is not True:
            raise InputError(f"'{key}' is {value!r}", where, "true or false")
        flags.append(meaning)
    word = line.get("decision")
    if word is not None:
        if not isinstance(word, str) or word.lower() not in DECISION_WORDS:
            raise InputError(f"'decision' is {word!r}", where, '"accept" or "reject"')
        flags.append(DECISION_WORDS[word.lower()])
    if len(set(flags)) > 1:
        raise InputError("the line is marked both validated and rejected", where, "one verdict")
    return flags[0] if flags else None


def _date(line: dict[str, Any], where: Location) -> dt.date | None:
    value = line.get("decided_on")
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"'decided_on' {value!r} is not a date", where, "YYYY-MM-DD") from None


def _original_items(original: Path | None) -> dict[str, tuple[str, ...]]:
    if original is None:
        return {}
    text, data = _load(original)
    locator = _Locator(str(original), text)
    result: dict[str, tuple[str, ...]] = {}
    for index, line in enumerate(data["lines"]):
        if isinstance(line, dict) and isinstance(line.get("id"), str):
            result[line["id"]] = _items(line, locator.at(index, line["id"]))
    return result


def read_match_json_decisions(path: Path, original: Path | None = None) -> list[ValidatedDecision]:
    """The verdicts a person recorded in an edited ``bankrec match --json`` file."""
    text, data = _load(path)
    locator = _Locator(str(path), text)
    before = _original_items(original)
    decisions: list[ValidatedDecision] = []
    seen: dict[str, int] = {}
    for index, line in enumerate(data["lines"]):
        if not isinstance(line, dict):
            raise InputError("a line is not an object", locator.at(index, None), "a JSON object")
        tx_id = line.get("id")
        where = locator.at(index, tx_id)
        if not isinstance(tx_id, str) or not tx_id.strip():
            raise InputError("the line has no transaction 'id'", where, "a non-empty string")
        if tx_id in seen:
            raise InputError(f"id {tx_id!r} repeats line {seen[tx_id]}", where, "one line per id")
        seen[tx_id] = index
        verdict = _verdict(line, where)
        items = _items(line, where)
        party = line.get("party") or ""
        if not isinstance(party, str):
            raise InputError(f"'party' is {party!r}", where, "a string")
        decided = _date(line, where)
        old = before.get(tx_id)
        changed = old is not None and set(old) != set(items)
        if verdict is None and line.get("status") == "unmatched" and items and old is None:
            verdict = True  # the person filled in an unmatched line
        if verdict is None and changed:
            verdict = True
        if verdict is None:
            continue
        if not items and not party.strip():
            continue  # an ignored line or an expense: confirms nothing about a payer
        decisions.append(
            ValidatedDecision(
                tx_id, items, verdict, party.strip() if not items else "", decided, where
            )
        )
        if verdict and changed and old:
            decisions.append(ValidatedDecision(tx_id, old, False, "", decided, where))
    return decisions
