# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Bank Reconciliation Rules (bankrec)",
    "summary": "Rule sets, automatic reconciliation runs, review of suggestions and undo of "
    "whole runs, with bankrec's matcher running inside Odoo",
    "version": "17.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bankrec/bankrec",
    "author": "bankrec contributors",
    "license": "LGPL-3",
    "depends": ["account", "account_bank_reconcile_api"],
    "external_dependencies": {"python": ["bankrec"]},
    "data": [
        "security/bankrec_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "views/bankrec_rule_set_views.xml",
        "views/bankrec_run_views.xml",
        "views/account_bank_statement_line_views.xml",
        "views/account_journal_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/bankrec_statement_import_views.xml",
        "wizards/bankrec_review_wizard_views.xml",
        "views/bankrec_learned_rule_views.xml",
        "views/bankrec_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "account_bank_reconcile_rules/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
