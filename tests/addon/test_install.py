"""The rules add-on installs, upgrades and uninstalls cleanly on a REAL Odoo 17 without demo
data (the session's other database has demo data and runs the add-on's own tests)."""

from __future__ import annotations

import re

import pytest

from tests.addon.conftest import ADDON_DIR, RULES_MODULE
from tests.conftest import need
from tests.odoo_server import LocalOdoo, OdooKit, install_bankrec, missing_settings

pytestmark = pytest.mark.odoo
ERROR_LINE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ", re.M)


def test_install_upgrade_uninstall_and_reinstall_without_demo_data() -> None:
    missing = missing_settings()
    if missing:
        need("odoo", f"no Odoo 17 to test against: set {', '.join(missing)} (.ci/run does)")
    kit = OdooKit.from_env()
    server = LocalOdoo(kit, addons=[ADDON_DIR], install=[RULES_MODULE], demo=False)
    try:
        install_bankrec(kit, server.log)
        server.create_database()
        assert not ERROR_LINE.findall(server.log_text()), server.log_text()[-4000:]
        status, text = server.update(RULES_MODULE)
        assert status == 0 and not ERROR_LINE.findall(text), text[-4000:]
        server.start()
        t = server.transport()
        (module,) = t.execute_kw(
            "ir.module.module",
            "search_read",
            [[("name", "=", RULES_MODULE)]],
            {"fields": ["state"]},
        )
        assert module["state"] == "installed"
        ours = [("model", "in", ["bankrec.rule.set", "bankrec.run", "bankrec.run.line"])]
        assert t.execute_kw("ir.model", "search_count", [ours]) == 3
        t.execute_kw("ir.module.module", "button_immediate_uninstall", [[module["id"]]])
        (after,) = t.execute_kw("ir.module.module", "read", [[module["id"]]], {"fields": ["state"]})
        assert after["state"] == "uninstalled"
        assert t.execute_kw("ir.model", "search_count", [ours]) == 0
        fields = [("name", "like", "bankrec_%"), ("model", "=", "account.bank.statement.line")]
        assert t.execute_kw("ir.model.fields", "search_count", [fields]) == 0
        t.execute_kw("ir.module.module", "button_immediate_install", [[module["id"]]])
        (again,) = t.execute_kw("ir.module.module", "read", [[module["id"]]], {"fields": ["state"]})
        assert again["state"] == "installed"
        assert not ERROR_LINE.findall(server.log_text()), server.log_text()[-4000:]
    finally:
        server.close()
