# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Bank Reconciliation Rules: queue jobs (bankrec)",
    "summary": "Book bankrec runs in queue jobs, one per journal and batch, spread over "
    "Odoo's workers and servers",
    "version": "17.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bankrec/bankrec",
    "author": "bankrec contributors",
    "license": "LGPL-3",
    "depends": ["account_bank_reconcile_rules", "queue_job"],
    "data": ["data/queue_job_data.xml"],
    "installable": True,
    "auto_install": True,
    "application": False,
}
