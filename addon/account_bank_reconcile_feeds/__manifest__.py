# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Bank Reconciliation: live bank feeds (bankrec)",
    "summary": "Connect a bank once through Enable Banking or Bridge: transactions arrive "
    "every hour as statement lines and go straight into an automatic reconciliation run",
    "version": "17.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bankrec/bankrec",
    "author": "bankrec contributors",
    "license": "LGPL-3",
    "depends": ["account_bank_reconcile_rules", "mail"],
    "external_dependencies": {"python": ["bankrec", "requests", "jwt", "cryptography"]},
    "data": [
        "security/bankrec_feeds_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "views/bankrec_feed_connection_views.xml",
        "views/account_journal_views.xml",
        "views/account_journal_dashboard_views.xml",
        "views/res_config_settings_views.xml",
        "views/bankrec_feed_templates.xml",
        "wizards/bankrec_feed_connect_views.xml",
        "views/bankrec_feed_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "account_bank_reconcile_feeds/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
