# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Bank Reconciliation Workspace (bankrec)",
    "summary": "A keyboard-first reconciliation workspace per bank journal: suggestions with "
    "their reasons, alternatives, bulk validation, undo, runs, learned rules and the dashboard",
    "version": "17.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bankrec/bankrec",
    "author": "bankrec contributors",
    "license": "LGPL-3",
    "depends": ["account_bank_reconcile_rules", "web"],
    "external_dependencies": {"python": ["bankrec", "openpyxl"]},
    "data": [
        "security/ir.model.access.csv",
        "views/bankrec_workspace_actions.xml",
        "views/account_journal_dashboard_views.xml",
        "views/bankrec_run_views.xml",
        "views/bankrec_learned_rule_views.xml",
        "wizards/bankrec_rule_preview_views.xml",
        "views/bankrec_workspace_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "account_bank_reconcile_workspace/static/src/workspace/*.js",
            "account_bank_reconcile_workspace/static/src/workspace/*.xml",
            "account_bank_reconcile_workspace/static/src/workspace/*.scss",
        ],
        "web.assets_tests": [
            "account_bank_reconcile_workspace/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
