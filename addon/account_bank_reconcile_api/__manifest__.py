# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Bank Reconciliation API (bankrec)",
    "summary": "Public, batched, atomic RPC methods to reconcile, write off, book and undo "
    "bank statement lines, and a per-journal lock for concurrent syncs",
    "version": "17.0.1.2.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/bankrec/bankrec",
    "author": "bankrec contributors",
    "license": "LGPL-3",
    "depends": ["account"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
    "application": False,
}
