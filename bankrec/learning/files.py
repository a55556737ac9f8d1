"""``bankrec learn`` on files: read everything, learn, check, then write atomically.

Order matters for safety: the current rules file must compile before anything is learned
(a broken file is a person's work in progress, not something to overwrite); the new text
must compile before it is written; the rules file is replaced before the state file, so
an interruption between the two can only leave a rule the state does not know yet --
which the next run adopts -- never a state claiming a rule that is missing, which would
read as "deleted by a person" and block the key for good.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from bankrec.errors import InputError, Location
from bankrec.learning.decisions import read_decisions
from bankrec.learning.learn import LearnResult, learn
from bankrec.learning.state import read_state, state_path, write_atomic
from bankrec.open_items import read_open_items_csv
from bankrec.statements.loader import load_transactions
from dsl import RuleError, compile_rules

LEARN_STEPS = (
    "read decisions",
    "read statement",
    "read open items",
    "learned",
    "checked rules",
    "written",
)


def check_rules_text(text: str, source: str, what: str) -> None:
    """Refuse rules text the rule language does not accept, with its full report."""
    try:
        compile_rules(text, source)
    except RuleError as exc:
        raise InputError(f"{what}:\n{exc}", Location(source)) from None


def read_rules_text(path: Path) -> str:
    """The current learned rules file, or an empty text when it does not exist yet."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text", Location(str(path))) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Location(str(path))) from None


def learn_files(
    decisions: Path,
    statement: Path,
    open_items: Path,
    rules_out: Path,
    *,
    today: dt.date,
    original: Path | None = None,
    min_validations: int = 1,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> LearnResult:
    """Learn from a decisions file and update ``rules_out`` and its state file.

    ``progress`` is called with the name of each step (:data:`LEARN_STEPS`) once it is done.
    """
    step = progress or (lambda _name: None)
    verdicts = read_decisions(decisions, original)
    step(LEARN_STEPS[0])
    transactions = load_transactions(statement)
    step(LEARN_STEPS[1])
    items = read_open_items_csv(open_items)
    step(LEARN_STEPS[2])
    current = read_rules_text(rules_out)
    if current.strip():
        check_rules_text(current, str(rules_out), "the learned rules file has errors; fix it first")
    sidecar = state_path(rules_out)
    previous = read_state(sidecar)
    result = learn(
        verdicts,
        transactions,
        items,
        today=today,
        rules_text=current,
        state=previous,
        rules_source=str(rules_out),
        min_validations=min_validations,
    )
    step(LEARN_STEPS[3])
    check_rules_text(result.text, str(rules_out), "bankrec produced rules the language refuses")
    step(LEARN_STEPS[4])
    if not dry_run:
        if result.text != current:
            write_atomic(rules_out, result.text)
        if result.state.keys != previous.keys or not sidecar.exists():
            write_atomic(sidecar, result.state.to_json())  # no churn when nothing was learned
    step(LEARN_STEPS[5])
    return result
