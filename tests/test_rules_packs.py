"""The starter rule packs in rules/ are valid and their examples pass, alone and together."""

from __future__ import annotations

from pathlib import Path

import pytest

from bankrec.cli.main import main
from dsl import check_examples, load_rules

RULES = Path(__file__).resolve().parent.parent / "rules"
PACKS = sorted(p for p in RULES.iterdir() if p.suffix in (".rules", ".yaml", ".yml"))


def test_packs_exist() -> None:
    names = " ".join(p.name for p in PACKS)
    for topic in ("bank-fees", "card-fees", "interest", "taxes"):
        assert topic in names


def test_rules_check_passes_on_all_packs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check", str(RULES)]) == 0
    assert "examples passed" in capsys.readouterr().out


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_each_pack_alone_has_passing_examples(pack: Path) -> None:
    ruleset = load_rules([pack])
    ran, failures = check_examples(ruleset)
    assert ran >= 2 * len(ruleset.rules)  # every rule shows at least two examples
    assert failures == []


def test_packs_cover_three_languages() -> None:
    text = " ".join(p.read_text(encoding="utf-8").lower() for p in PACKS)
    for word in (
        "fee",
        "frais",
        "entgelt",
        "interest",
        "interets",
        "zinsen",
        "urssaf",
        "finanzamt",
    ):
        assert word in text
