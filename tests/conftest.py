"""Shared fixtures: where the real statement samples are, and which outside parts are required.

Tests that need something the machine may lack (a real Odoo, Debian's chromium, the real
statement samples) call :func:`need`: on a user's machine they skip with one clear line;
when CI says the part is there (``BANKREC_REQUIRE=odoo,chromium,samples``, set by
``.ci/run`` after it installed them), a missing part fails the test instead, so CI can
never go green by skipping what it was meant to run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# Property and fuzz tests explore new inputs on every developer run; in CI (where
# BANKREC_REQUIRE is set by .ci/run) they replay a fixed sequence, so a landing is never
# refused by an input no one has seen -- new findings come from local runs, and become
# tests of their own (e.g. test_a_namespace_lxml_cannot_name_is_refused_as_a_statement_error).
settings.register_profile("ci", derandomize=True)
if os.environ.get("BANKREC_REQUIRE"):
    settings.load_profile("ci")


def required() -> set[str]:
    """The outside parts CI promised (``BANKREC_REQUIRE``, comma-separated)."""
    return {p.strip() for p in os.environ.get("BANKREC_REQUIRE", "").split(",") if p.strip()}


def need(part: str, reason: str) -> NoReturn:
    """Skip for ``reason``, or fail when ``part`` is required by ``BANKREC_REQUIRE``."""
    if part in required():
        pytest.fail(f"{reason} -- but BANKREC_REQUIRE lists {part!r}", pytrace=False)
    pytest.skip(reason)


def shared_dir() -> Path:
    """The shared material folder: $BANKREC_SHARED, else ``../shared`` beside the checkout."""
    env = os.environ.get("BANKREC_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def samples_dir() -> Path | None:
    """Real public bank statements: $BANKREC_SAMPLES, else ``statements/`` in the shared folder."""
    env = os.environ.get("BANKREC_SAMPLES")
    path = Path(env) if env else shared_dir() / "statements"
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def samples() -> Path:
    """The real statement samples folder; tests using it skip when it is absent."""
    path = samples_dir()
    if path is None:
        need("samples", "real statement samples not found (set BANKREC_SAMPLES or ../shared)")
    return path
