# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Screenshots of the bankrec add-ons' browser tours, shared by their ``test_tour.py``.

``BANKREC_SCREENSHOTS=<folder>`` makes the tours save PNGs into that folder: a tour step
logs ``bankrec-screenshot:<name>``, the test captures the page through the Chrome DevTools
protocol (``Page.captureScreenshot``) and tells the page when the file is written, so the
tour waits for it. Without the variable nothing is saved. It lives here, in the add-on
the workspace and the feeds add-ons both depend on, so each tour test uses the same code.
"""

import base64
import contextlib
import json
import os
import re
import threading
from pathlib import Path
from unittest.mock import patch

from odoo.tests.common import ChromeBrowser

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


def start_tour(case, url, name, login, taken, timeout=180):
    """``case.start_tour(url, name)`` as ``login``; with BANKREC_SCREENSHOTS set, the tour
    is told to take its screenshots (``sessionStorage.bankrec_screenshots``, which outlives
    the tour's page loads) and ``taken`` collects their names."""
    folder = screenshots_dir()
    if folder is None:
        return case.start_tour(url, name, login=login, timeout=timeout)
    options = json.dumps({"stepDelay": 0, "keepWatchBrowser": False, "startUrl": url})
    code = (
        "window.sessionStorage.setItem('bankrec_screenshots', '1'); "
        f"odoo.startTour({json.dumps(name)}, {options})"
    )
    with capture_screenshots(folder, taken):
        return case.start_tour(url, name, login=login, timeout=timeout, code=code)
