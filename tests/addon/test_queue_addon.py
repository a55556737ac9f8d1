"""The queue glue add-on (addon/account_bank_reconcile_queue) on a REAL Odoo 17 with OCA's
queue_job installed from PyPI: it installs (auto_install, beside the rules add-on), and its
own Odoo tests pass -- one job per journal and batch on channel root.bankrec, nothing booked
by the request, the same batch never enqueued twice, a job performed twice books nothing
twice, a locked journal retried later."""

from __future__ import annotations

import pytest

from tests.odoo_server import LocalOdoo, ModuleTestResult

pytestmark = pytest.mark.odoo


def test_the_queue_addons_own_odoo_tests_pass(
    queue_addon: tuple[LocalOdoo, ModuleTestResult],
) -> None:
    _server, result = queue_addon
    assert result.total is not None, "Odoo printed no test result line; see the server log"
    assert result.total >= 5
    assert (result.failed, result.errors) == (0, 0), result.log[-6000:]
