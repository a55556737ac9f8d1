"""Odoo add-ons from PyPI (OCA's queue_job) installed into the Odoo kit's Python for the
tests, at the versions and hashes pinned in ``requirements/odoo-addons.txt``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, need
from tests.odoo_server import OdooKit, install_pinned_wheels

REQUIREMENTS = ROOT / "requirements" / "odoo-addons.txt"


def install_odoo_addons(kit: OdooKit, log: Path) -> None:
    """``pip install --no-deps --require-hashes -r requirements/odoo-addons.txt`` with the
    kit's Python (a second or two when they are installed already, no network then).

    Without network (or an index) the calling test skips with one line naming queue_job;
    a wheel whose hash differs from the pinned one fails it: that is never an accident.
    """
    status, text = install_pinned_wheels(kit, REQUIREMENTS, log)
    if status == 0:
        return
    if "DO NOT MATCH THE HASHES" in text:
        pytest.fail(f"a wheel does not match its hash in {REQUIREMENTS}:\n{text}", pytrace=False)
    need(
        "queue_job",
        "OCA queue_job (odoo-addon-queue_job) could not be installed into Odoo's Python "
        f"(no network?); see {log}",
    )
