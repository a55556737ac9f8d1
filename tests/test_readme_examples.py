"""The README's Python example runs as written, from the checkout, and prints one line per
statement line: a user who copies it gets what the README promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_python_example_runs_on_the_bundled_samples() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    example = next(b for b in blocks if "load_transactions" in b and "match(" in b)
    result = subprocess.run(
        [sys.executable, "-c", example], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    statement_lines = (ROOT / "samples" / "statement.csv").read_text().strip().count("\n")
    printed = result.stdout.strip().splitlines()
    assert len(printed) == statement_lines
    assert any(" reconciled " in line for line in printed)
