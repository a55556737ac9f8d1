"""Shared fixtures: where the real statement samples and the Odoo kit are found."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def samples_dir() -> Path | None:
    """Real public bank statements: $BANKREC_SAMPLES, else ../shared/statements."""
    env = os.environ.get("BANKREC_SAMPLES")
    candidates = [Path(env)] if env else []
    candidates += [ROOT.parent / "shared" / "statements", Path("/work/shared/statements")]
    for path in candidates:
        if path.is_dir():
            return path
    return None


@pytest.fixture(scope="session")
def samples() -> Path:
    """The real statement samples folder; tests using it skip when it is absent."""
    path = samples_dir()
    if path is None:
        pytest.skip(
            "real statement samples not found (set BANKREC_SAMPLES or ../shared/statements)"
        )
    return path
