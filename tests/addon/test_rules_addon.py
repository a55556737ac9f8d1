"""The rules add-on (addon/account_bank_reconcile_rules) on a REAL Odoo 17: it installs with
bankrec in Odoo's Python, and its own Odoo tests (TransactionCase, post_install) pass --
rule sets, runs, review actions, undo of lines and runs, statement import, access rights
and multi-company isolation."""

from __future__ import annotations

import pytest

from tests.odoo_server import LocalOdoo, ModuleTestResult

pytestmark = pytest.mark.odoo


def test_the_rules_addons_own_odoo_tests_pass(
    rules_addon: tuple[LocalOdoo, ModuleTestResult],
) -> None:
    _server, result = rules_addon
    assert result.total is not None, "Odoo printed no test result line; see the server log"
    assert result.total >= 20
    assert (result.failed, result.errors) == (0, 0), result.log[-6000:]
