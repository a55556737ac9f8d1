"""The real Odoo 17 servers of the integration tests (one database per session each)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.odoo.addon_protocol import ADDON_MODULE
from tests.conftest import need
from tests.odoo_server import LocalOdoo, ModuleTestResult, OdooKit, missing_settings

ADDON_DIR = Path(__file__).resolve().parents[2] / "addon"


def _kit_or_skip() -> OdooKit:
    missing = missing_settings()
    if missing:
        need("odoo", f"no Odoo 17 to test against: set {', '.join(missing)} (.ci/run does)")
    return OdooKit.from_env()


@pytest.fixture(scope="session")
def odoo() -> Iterator[LocalOdoo]:
    """``account`` with demo data, served on 127.0.0.1."""
    with LocalOdoo(_kit_or_skip()) as server:
        yield server


@pytest.fixture(scope="session")
def odoo_addon() -> Iterator[tuple[LocalOdoo, ModuleTestResult]]:
    """``account``, demo data and the bankrec add-on; the add-on's own Odoo tests run on it
    before it is served (their result comes with the server)."""
    server = LocalOdoo(_kit_or_skip(), addons=[ADDON_DIR], install=[ADDON_MODULE])
    try:
        server.create_database()
        result = server.run_module_tests(ADDON_MODULE)
        server.start()
        server.make_admin_accountant()
        yield server, result
    finally:
        server.close()
