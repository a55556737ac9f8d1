"""Self-tests written next to rules (YAML ``examples``) and how they are checked.

An example gives transaction fields and what the *whole* rule set (all files, in the
order given) must produce for them under ``expect``. Checking against the whole set is
deliberate: a rule that an earlier ``stop`` shadows fails its example, which is exactly
what the author needs to know.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dsl.diagnostics import Diagnostic
from dsl.outcome import Outcome

if TYPE_CHECKING:
    from dsl.ruleset import RuleSet

# keys allowed under ``expect`` and the type of value each takes
EXPECT_KEYS: dict[str, str] = {
    "party": "text",
    "account": "text",
    "category": "text",
    "kind": "text",
    "invoice": "text",
    "ignore": "bool",
    "fires": "bool",
    "confidence": "int",
    "tags": "list",
}


@dataclass(frozen=True)
class Example:
    """Fields of one made-up transaction and the expected outcome, with its position."""

    fields: Mapping[str, object]
    expect: Mapping[str, object]
    file: str
    line: int
    column: int
    source_line: str = ""
    number: int = 1  # 1-based position among its rule's examples
    rule_location: str = field(default="")

    def check(self, outcome: Outcome) -> list[str]:
        """The differences between ``outcome`` and what is expected (empty when it passes)."""
        problems: list[str] = []
        fires = self.expect.get("fires", True)
        fired = self.rule_location in outcome.matched
        if fires != fired:
            verb = "to fire but it did not" if fires else "not to fire but it did"
            problems.append(f"expected the rule {verb}")
        for key, wanted in self.expect.items():
            if key == "fires":
                continue
            if key == "tags":
                assert isinstance(wanted, list)
                missing = [t for t in wanted if t not in outcome.tags]
                if missing:
                    problems.append(f"expected tags {missing}, got {list(outcome.tags)}")
                continue
            got = getattr(outcome, key)
            if got != wanted:
                problems.append(f"expected {key} {wanted!r}, got {got!r}")
        return problems


def check_examples(ruleset: RuleSet) -> tuple[int, list[Diagnostic]]:
    """Run every rule's examples against the whole rule set.

    Returns how many examples ran and a diagnostic per failing example.
    """
    ran = 0
    failures: list[Diagnostic] = []
    for rule in ruleset.rules:
        for example in rule.examples:
            ran += 1
            outcome = ruleset.evaluate(example.fields)
            problems = example.check(outcome)
            if problems:
                fired = ", ".join(outcome.matched) or "none"
                failures.append(
                    Diagnostic(
                        example.file,
                        example.line,
                        example.column,
                        f"example {example.number} of rule {rule.name!r} fails: "
                        + "; ".join(problems),
                        source_line=example.source_line,
                        suggestion=f"rules that fired: {fired}",
                    )
                )
    return ran, failures
