"""The sidecar state file ``<rules file>.state.json``: what bankrec has learned and written.

The ``.rules`` file is for people; this file is bankrec's memory, for three things the
rules file cannot say:

* which keys bankrec ever wrote a rule for -- a key listed here as ``"written": true``
  whose rule is gone from the rules file was deleted by a person and is never re-created;
* every verdict counted, by transaction and items -- learning the same decisions twice
  counts them once, and a changed verdict replaces the earlier one;
* the party bankrec learned, so a person may rename it in the rule without breaking
  the link to the evidence.

Format (version 1)::

    {"version": 1, "updated": "2026-11-23",
     "keys": {"iban:CH9300762011623852957": {
        "party": "Müller AG", "written": true,
        "carried": {"validations": 0, "rejections": 0, "last": null},
        "decisions": {"T1|I1": {"accepted": true, "party": "Müller AG",
                                "date": "2026-11-02"}}}}}

``carried`` holds counts read from a ``# learned:`` line when a rule exists without a
state entry (state file lost, or rule block copied from another file).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bankrec.errors import InputError, Location
from bankrec.learning.store import Counts

STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class Verdict:
    """One counted verdict on a key: accepted or not, for which party, when."""

    accepted: bool
    party: str
    date: dt.date


@dataclass(slots=True)
class KeyState:
    """Everything bankrec remembers about one key."""

    party: str = ""
    written: bool = False
    carried: Counts = field(default_factory=Counts)
    decisions: dict[str, Verdict] = field(default_factory=dict)


@dataclass(slots=True)
class LearnState:
    """The whole state file."""

    keys: dict[str, KeyState] = field(default_factory=dict)
    updated: dt.date | None = None

    def copy(self) -> LearnState:
        """An independent copy to update (verdicts and counts are immutable, so shared)."""
        return LearnState(
            {
                name: KeyState(ks.party, ks.written, ks.carried, dict(ks.decisions))
                for name, ks in self.keys.items()
            },
            self.updated,
        )

    def to_json(self) -> str:
        """Stable, diff-friendly JSON (sorted keys, one level of indentation per level)."""
        data: dict[str, Any] = {
            "version": STATE_VERSION,
            "updated": self.updated.isoformat() if self.updated else None,
            "keys": {
                name: {
                    "party": ks.party,
                    "written": ks.written,
                    "carried": {
                        "validations": ks.carried.validations,
                        "rejections": ks.carried.rejections,
                        "last": ks.carried.last.isoformat() if ks.carried.last else None,
                    },
                    "decisions": {
                        rid: {"accepted": v.accepted, "party": v.party, "date": v.date.isoformat()}
                        for rid, v in sorted(ks.decisions.items())
                    },
                }
                for name, ks in sorted(self.keys.items())
            },
        }
        return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def state_path(rules_path: Path) -> Path:
    """Where the state of ``rules_path`` lives: next to it, ``<name>.state.json``."""
    return rules_path.with_name(rules_path.name + ".state.json")


def _bad(path: str, what: str) -> InputError:
    return InputError(
        f"state file is damaged: {what}",
        Location(path),
        "the JSON bankrec wrote (delete the file to start over; learned rules are kept)",
    )


def _date(value: object, path: str, where: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _bad(path, f"{where} {value!r} is not a date") from None


def parse_state(text: str, path: str = "<state>") -> LearnState:
    """Read a state file's text; any damage is an error, never a silent reset."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"state file is not JSON: {exc.msg}", Location(path, exc.lineno, exc.colno)
        ) from None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise _bad(path, f"expected an object with version {STATE_VERSION}")
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise _bad(path, "no 'keys' object")
    state = LearnState(updated=_date(data.get("updated"), path, "updated"))
    for name, entry in keys.items():
        try:
            carried = entry.get("carried") or {}
            decisions = {
                rid: Verdict(
                    bool(v["accepted"]),
                    str(v["party"]),
                    _date(v["date"], path, f"keys.{name}.decisions.{rid}.date") or dt.date.min,
                )
                for rid, v in entry.get("decisions", {}).items()
            }
            state.keys[str(name)] = KeyState(
                party=str(entry.get("party", "")),
                written=bool(entry.get("written", False)),
                carried=Counts(
                    int(carried.get("validations", 0)),
                    int(carried.get("rejections", 0)),
                    _date(carried.get("last"), path, f"keys.{name}.carried.last"),
                ),
                decisions=decisions,
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, InputError):
                raise
            raise _bad(path, f"entry {name!r} is malformed ({exc})") from None
    return state


def read_state(path: Path) -> LearnState:
    """The state next to a rules file; an empty state when there is none yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LearnState()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Location(str(path))) from None
    return parse_state(text, str(path))


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` all at once: readers see the old or the new file.

    The text goes to a temporary file in the same directory (same file system), is
    flushed to disk, then renamed over the target with :func:`os.replace`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644  # mkstemp's 0600 would hide a rules file from colleagues
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
