"""A real Odoo 17 with the bankrec add-ons installed (one database per session)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.addon.odoo_addons import install_odoo_addons
from tests.conftest import need
from tests.odoo_server import (
    LocalOdoo,
    ModuleTestResult,
    OdooKit,
    install_bankrec,
    missing_settings,
)

ADDON_DIR = Path(__file__).resolve().parents[2] / "addon"
RULES_MODULE = "account_bank_reconcile_rules"
QUEUE_MODULE = "account_bank_reconcile_queue"
FEEDS_MODULE = "account_bank_reconcile_feeds"


def _addon_with_its_tests(
    module: str, *, odoo_addons: bool = False
) -> Iterator[tuple[LocalOdoo, ModuleTestResult]]:
    """``account`` with demo data, bankrec installed into Odoo's Python (and, with
    ``odoo_addons``, OCA's add-ons pinned in requirements/odoo-addons.txt) and ``module`` on
    a database of its own; the module's own Odoo tests run on it first."""
    missing = missing_settings()
    if missing:
        need("odoo", f"no Odoo 17 to test against: set {', '.join(missing)} (.ci/run does)")
    kit = OdooKit.from_env()
    server = LocalOdoo(kit, addons=[ADDON_DIR], install=[module])
    try:
        install_bankrec(kit, server.log)
        if odoo_addons:
            install_odoo_addons(kit, server.log)
        server.create_database()
        result = server.run_module_tests(module)
        yield server, result
    finally:
        server.close()


@pytest.fixture(scope="session")
def rules_addon() -> Iterator[tuple[LocalOdoo, ModuleTestResult]]:
    """The rules add-on (with the API add-on it depends on), its Odoo tests run first."""
    yield from _addon_with_its_tests(RULES_MODULE)


@pytest.fixture(scope="session")
def queue_addon() -> Iterator[tuple[LocalOdoo, ModuleTestResult]]:
    """OCA's queue_job from PyPI in Odoo's Python, and ``account_bank_reconcile_queue``
    (with the rules add-on and queue_job); the glue add-on's Odoo tests run first. Skips,
    with one line naming queue_job, when queue_job cannot be installed (no network)."""
    yield from _addon_with_its_tests(QUEUE_MODULE, odoo_addons=True)


@pytest.fixture(scope="session")
def feeds_addon() -> Iterator[tuple[LocalOdoo, ModuleTestResult]]:
    """``account_bank_reconcile_feeds`` (with the rules and API add-ons); its Odoo tests run
    first, against the fake Enable Banking they start on 127.0.0.1 (nothing reaches the
    internet)."""
    yield from _addon_with_its_tests(FEEDS_MODULE)
