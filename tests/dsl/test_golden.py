"""Golden error reports: each ``golden/NAME`` rule file is refused with exactly the report
in ``golden/NAME.expected``. Set BANKREC_UPDATE_GOLDEN=1 to rewrite the expected files
after a deliberate change of wording (then review the diff)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dsl import RuleFileError, load_rules

HERE = Path(__file__).parent
CASES = sorted(p.name for p in (HERE / "golden").iterdir() if not p.name.endswith(".expected"))


@pytest.mark.parametrize("name", CASES)
def test_golden_report(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HERE)
    with pytest.raises(RuleFileError) as info:
        load_rules([f"golden/{name}"])
    report = str(info.value) + "\n"
    expected_file = HERE / "golden" / f"{name}.expected"
    if os.environ.get("BANKREC_UPDATE_GOLDEN"):
        expected_file.write_text(report, encoding="utf-8")
    assert report == expected_file.read_text(encoding="utf-8")


def test_every_golden_case_has_an_expected_report() -> None:
    assert CASES
    for name in CASES:
        assert (HERE / "golden" / f"{name}.expected").is_file(), name
