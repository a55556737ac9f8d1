# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The workspace in a real browser: Odoo's tours on Chrome/Chromium (Odoo's test browser).

``BANKREC_SCREENSHOTS=<folder>`` makes the tours save PNGs of the workspace, an opened
line, the runs, the learned rules and the dashboard into that folder: a tour step logs
``bankrec-screenshot:<name>``, the test captures the page through the Chrome DevTools
protocol (``Page.captureScreenshot``) and tells the page when the file is written, so the
tour waits for it. Without the variable nothing is saved.
"""

import base64
import contextlib
import json
import os
import re
import threading
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from .common import WorkspaceCommon

SHOT_RE = re.compile(r"^bankrec-screenshot:(\w+)$")


def screenshots_dir():
    """The folder named by BANKREC_SCREENSHOTS (created), or None."""
    value = os.environ.get("BANKREC_SCREENSHOTS", "").strip()
    if not value:
        return None
    folder = Path(value).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def capture_screenshots(folder, taken):
    """Save a PNG whenever the page logs ``bankrec-screenshot:<name>``; ``taken`` collects
    the names saved."""
    original = ChromeBrowser._handle_console
    lock = threading.Lock()

    def save(browser, name):
        def done(future):
            try:
                data = future.result(timeout=0)["data"]
                (folder / f"{name}.png").write_bytes(base64.b64decode(data))
                with lock:
                    taken.append(name)
            finally:  # the tour waits for this mark, written or not
                browser._websocket_send(
                    "Runtime.evaluate",
                    params={
                        "expression": f"document.body.dataset.bankrecShot = {json.dumps(name)}"
                    },
                )

        shot = browser._websocket_send(
            "Page.captureScreenshot", params={"format": "png"}, with_future=True
        )
        shot.add_done_callback(done)

    def handle_console(browser, type, args=None, stackTrace=None, **kw):
        if type == "log" and args:
            found = SHOT_RE.match(str(browser._from_remoteobject(args[0])))
            if found:
                save(browser, found.group(1))
                return None
        return original(browser, type, args=args, stackTrace=stackTrace, **kw)

    with patch.object(ChromeBrowser, "_handle_console", handle_console):
        yield


@tagged("post_install", "-at_install")
class TestWorkspaceTour(WorkspaceCommon, HttpCase):
    browser_size = "1600x1000"

    @classmethod
    def setUpClass(cls, chart_template_ref=None):
        super().setUpClass(chart_template_ref=chart_template_ref)
        cls.shots = []
        cls.company.name = "Alpenblick Handel AG"
        cls.bank.name = "Alpenbank"
        cls.reviewer.name = "Anna Keller"
        cls.office = cls.env["account.account"].create(
            {
                "code": "612345",
                "name": "Office supplies",
                "account_type": "expense",
                "company_id": cls.company.id,
            }
        )
        Learned = cls.env["bankrec.learned.rule"].sudo()
        for key, party, text, validations in (
            ("name:HAFEN LOGISTIK", "Hafen Logistik GmbH",
             "counterparty contains 'HAFEN LOGISTIK' => party 'Hafen Logistik GmbH', "
             "confidence+15", 4),
            ("name:GLETSCHER BERGBAHNEN", "Gletscher Bergbahnen AG",
             "counterparty contains 'GLETSCHER BERGBAHNEN' => party 'Gletscher Bergbahnen AG', "
             "confidence+10", 3),
        ):  # fmt: skip
            Learned.create(
                {
                    "company_id": cls.company.id,
                    "key": key,
                    "party": party,
                    "state": "learned",
                    "rule_text": text,
                    "validations": validations,
                    "track_record": f"{validations} validations, 0 rejections",
                    "last_used": fields.Datetime.now(),
                    "last_validation": fields.Date.today() - timedelta(days=validations),
                }
            )

    def setUp(self):
        super().setUp()
        today = fields.Date.context_today(self.env.user)
        recent = str(today - timedelta(days=2))
        self.sure_invoice = self.invoice(1000.0, date=recent)
        self.line(
            1000.0, f"Payment {self.sure_invoice.name}", "Gletscher Bergbahnen AG", date=recent
        )
        self.invoice(500.0, self.partner_b, date=recent)
        self.invoice(500.0, self.partner_b, date=recent)
        self.line(500.0, "Transfer", "Hafen Logistik GmbH", date=recent)
        self.line(-12.5, "FRAIS TENUE DE COMPTE", "", date=recent)
        self.init_invoice(
            "out_invoice", partner=self.partner_a, amounts=[777.0], taxes=[], post=True,
            invoice_date=recent, currency=self.currency_data["currency"],
        )  # fmt: skip
        old = str(today - timedelta(days=30))
        self.line(777.0, "Zahlung Auftrag 4711", "Kunde ohne Namen", date=old)
        self.line(-80.0, "Office supplies", "Papeterie Muster", date=recent)
        self.bankrec_run()

    def tour(self, url, name):
        folder = screenshots_dir()
        options = json.dumps({"stepDelay": 0, "keepWatchBrowser": False, "startUrl": url})
        code = f"odoo.startTour({json.dumps(name)}, {options})"
        if folder is None:
            return self.start_tour(url, name, login="bankrec_reviewer", timeout=180)
        with capture_screenshots(folder, self.shots):
            code = "window.sessionStorage.setItem('bankrec_screenshots', '1'); " + code
            return self.start_tour(url, name, login="bankrec_reviewer", timeout=180, code=code)

    def test_the_workspace_in_a_browser(self):
        url = f"/web#action=bankrec_workspace&journal_id={self.bank.id}"
        self.tour(url, "bankrec_workspace_tour")
        lines = {
            line.payment_ref: line
            for line in self.StLine.search([("journal_id", "=", self.bank.id)])
        }
        self.assertEqual(lines["FRAIS TENUE DE COMPTE"].bankrec_state, "ignored")
        self.assertFalse(lines["Office supplies"].is_reconciled, "booked as expense, then undone")
        self.assertFalse(lines["Transfer"].is_reconciled, "validated, then undone with its run")
        self.assertTrue(lines[f"Payment {self.sure_invoice.name}"].is_reconciled, "rematched")
        runs = self.env["bankrec.run"].search([("journal_id", "=", self.bank.id)], order="id")
        self.assertEqual(runs.mapped("state"), ["undone", "done"])
        if screenshots_dir():
            for name in ("workspace", "line_detail", "runs", "learned_rules"):
                self.assertIn(name, self.shots)

    def test_the_dashboard_leads_to_the_stale_lines(self):
        self.tour(
            "/web#action=account.open_account_journal_dashboard_kanban", "bankrec_dashboard_tour"
        )
        if screenshots_dir():
            self.assertIn("dashboard", self.shots)
