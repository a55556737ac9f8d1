"""The workspace add-on (addon/account_bank_reconcile_workspace) on a REAL Odoo 17: it installs
on top of the rules add-on, its server tests pass (page data, counts and totals, the "why no
match" text, bulk actions, export, the preview of learned rules, the dashboard card), and
its browser tours pass on Debian's chromium -- Odoo's own tours driving Odoo's test browser
through the workspace: validate, ignore, book as expense, undo, undo a run, runs, learned
rules, dashboard.

``BANKREC_SCREENSHOTS=<folder>`` makes the tours save the screenshots in docs/screenshots/
(see docs/screenshots/README.md):

    BANKREC_SCREENSHOTS=$PWD/docs/screenshots .venv/bin/python -m pytest \\
        tests/addon/test_workspace_addon.py -q
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import need
from tests.odoo_server import (
    LocalOdoo,
    ModuleTestResult,
    OdooKit,
    install_bankrec,
    missing_settings,
)

pytestmark = pytest.mark.odoo

ADDON_DIR = Path(__file__).resolve().parents[2] / "addon"
WORKSPACE_MODULE = "account_bank_reconcile_workspace"
TOUR_CLASS = "TestWorkspaceTour"
TOURS = ("test_the_workspace_in_a_browser", "test_the_dashboard_leads_to_the_stale_lines")
SCREENSHOTS = ("workspace", "line_detail", "runs", "learned_rules", "dashboard")
# the browsers Odoo's test browser looks for (odoo.tests.common._find_executable)
BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")


def screenshots_folder() -> Path | None:
    value = os.environ.get("BANKREC_SCREENSHOTS", "").strip()
    return Path(value).expanduser().resolve() if value else None


@pytest.fixture(scope="module")
def workspace_addon() -> Iterator[tuple[LocalOdoo, ModuleTestResult]]:
    """A database with the workspace add-on (and the rules and API add-ons under it) on
    ``account`` with demo data; the add-on's own Odoo tests, tours included, run on it."""
    missing = missing_settings()
    if missing:
        need("odoo", f"no Odoo 17 to test against: set {', '.join(missing)} (.ci/run does)")
    kit = OdooKit.from_env()
    server = LocalOdoo(kit, addons=[ADDON_DIR], install=[WORKSPACE_MODULE])
    folder = screenshots_folder()
    saved = os.environ.get("BANKREC_SCREENSHOTS")
    try:
        if folder is not None:  # Odoo runs elsewhere: hand it an absolute folder
            os.environ["BANKREC_SCREENSHOTS"] = str(folder)
        install_bankrec(kit, server.log)
        server.create_database()
        yield server, server.run_module_tests(WORKSPACE_MODULE, timeout=1800)
    finally:
        if saved is not None:
            os.environ["BANKREC_SCREENSHOTS"] = saved
        server.close()


def test_the_workspace_addons_own_odoo_tests_pass(
    workspace_addon: tuple[LocalOdoo, ModuleTestResult],
) -> None:
    _server, result = workspace_addon
    assert result.total is not None, "Odoo printed no test result line; see the server log"
    assert result.total >= 40
    assert (result.failed, result.errors) == (0, 0), result.log[-8000:]


def test_the_workspace_tours_pass_in_chromium(
    workspace_addon: tuple[LocalOdoo, ModuleTestResult],
) -> None:
    if not any(shutil.which(name) for name in BROWSERS):
        need("chromium", "chromium not found: apt-get install chromium to run the workspace tours")
    _server, result = workspace_addon
    for tour in TOURS:
        assert f"Starting {TOUR_CLASS}.{tour} ..." in result.log, f"{tour} did not run"
    failed = re.findall(rf"(?:FAIL|ERROR): {TOUR_CLASS}\.\w+", result.log)
    assert not failed, result.log[-8000:]
    skipped = re.findall(rf"skipped {TOUR_CLASS}\.\w+ : .*", result.log)
    assert not skipped, f"the tours were skipped: {skipped}"
    folder = screenshots_folder()
    if folder is not None:
        missing = [name for name in SCREENSHOTS if not (folder / f"{name}.png").is_file()]
        assert not missing, f"screenshots not written to {folder}: {missing}"
