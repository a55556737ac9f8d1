"""The report in a real browser: headless Chromium runs the page's script, the DOM is read.

The page writes its state on ``<section id="lines">`` (``data-tab``, ``data-total``,
``data-matching``, ``data-shown``, ``data-ready``) and takes its view from the URL hash
(``#tab=…&q=…&sort=…``), so most tests drive it without clicks: one ``--dump-dom`` per
view. One test clicks and types through a small driver script, in a copy of the page
without its CSP (which would rightly block that script). Skips with one line when
Chromium is absent (CI installs it and requires it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import need, required

from .scenario import page, run

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--mute-audio", "--virtual-time-budget=5000",
)  # fmt: skip


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:  # one skip line for the whole module, or a failure where CI requires it
    MISSING = "chromium not found: apt-get install chromium to run the report's browser test"
    if "chromium" in required():
        need("chromium", MISSING)  # fails: CI promised a browser
    pytest.skip(MISSING, allow_module_level=True)


@pytest.fixture(scope="module")
def chromium() -> str:
    assert CHROMIUM is not None
    return CHROMIUM


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(page(run()), encoding="utf-8")
    return path


def dom(chromium: str, report: Path, fragment: str = "") -> str:
    """The DOM of ``report#fragment`` after its script ran."""
    profile = report.parent / "profile"
    proc = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", report.as_uri() + fragment],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def state(page_dom: str) -> dict[str, str]:
    """The attributes the script wrote on ``<section id="lines">``."""
    section = re.search(r'<section id="lines"([^>]*)>', page_dom)
    assert section is not None, page_dom[:500]
    return dict(re.findall(r'([\w-]+)="([^"]*)"', section.group(1)))


def shown(page_dom: str) -> list[str]:
    """Statement positions (``data-i``) of the rows in the table, in screen order."""
    start = page_dom.index('<tbody id="rows">')
    body = page_dom[start : page_dom.index("</tbody>", start)]
    return re.findall(r'<tr data-i="(\d+)"', body)


def test_to_review_is_the_default_tab_with_its_count(chromium: str, report: Path) -> None:
    view = dom(chromium, report)
    s = state(view)
    assert s["data-ready"] == "1"  # the script ran (and the CSP let it)
    assert (s["data-tab"], s["data-total"], s["data-matching"], s["data-shown"]) == (
        "suggested", "2", "2", "2",
    )  # fmt: skip
    assert shown(view) == ["1", "6"]  # T2 and T7, in statement order
    assert re.search(r'data-tab="suggested" aria-selected="true"', view)
    assert re.search(r'data-tab="all" aria-selected="false"', view)
    assert re.search(r'<span id="shown"[^>]*>2 lines</span>', view)


def test_searching_filters_the_rows(chromium: str, report: Path) -> None:
    view = dom(chromium, report, "#q=boulangerie")
    s = state(view)
    assert (s["data-tab"], s["data-total"], s["data-matching"], s["data-shown"]) == (
        "suggested", "2", "1", "1",
    )  # fmt: skip
    assert shown(view) == ["6"]
    # the search runs over all statuses in the All tab, rows pulled from their data blocks
    view = dom(chromium, report, "#tab=all&q=frais%20tenue")
    s = state(view)
    assert (s["data-tab"], s["data-total"], s["data-matching"]) == ("all", "7", "1")
    assert shown(view) == ["3"]
    assert "bank-fee-ignore" in view  # the ignored fee's rule, by name
    view = dom(chromium, report, "#tab=all&q=nothing-like-this")
    assert state(view)["data-matching"] == "0" and shown(view) == []
    assert re.search(r'<p id="empty">', view)  # "no line matches" is visible


def test_sorting_by_amount_sorts_numbers_as_numbers(chromium: str, report: Path) -> None:
    view = dom(chromium, report, "#tab=all&sort=-amount")
    # 1200.00, 500.00 (USD), 250.00, 200.00, -12.50, -54.90, -1890.00
    assert shown(view) == ["0", "4", "1", "6", "3", "2", "5"]
    assert 'aria-sort="descending"><button type="button" data-col="1" data-key="amount"' in view
    view = dom(chromium, report, "#tab=all&sort=amount")
    assert shown(view) == ["5", "2", "3", "6", "1", "4", "0"]


def test_hostile_text_stays_text_in_the_browser(chromium: str, report: Path) -> None:
    view = dom(chromium, report, "#tab=unmatched")
    assert state(view)["data-tab"] == "unmatched" and shown(view) == ["2", "4"]
    start = view.index('<tbody id="rows">')
    body = view[start : view.index("</tbody>", start)]
    assert "CB &lt;script&gt;alert(1)&lt;/script&gt; &lt;/SCRIPT&gt;&lt;!--" in body
    assert "<script" not in body.lower()
    assert "open item FA-2026-0114 is in EUR, the line is in USD" in body


DRIVER = """<script>
(function () {
  var out = {}, lines = document.getElementById("lines");
  function note(name) { out[name] = [lines.dataset.tab, lines.dataset.matching,
                                     lines.dataset.shown, location.hash]; }
  document.querySelector('#tabs [data-tab="reconciled"]').click();
  note("tab");
  document.getElementById("more").click();
  note("more");
  var amount = document.querySelector('#table button[data-key="amount"]');
  amount.click();
  amount.click();
  note("sorted");
  out.first = document.querySelector("#rows tr").getAttribute("data-i");
  var q = document.getElementById("q");
  q.value = "payer 51";
  q.dispatchEvent(new Event("input"));
  setTimeout(function () {
    note("search");
    document.body.setAttribute("data-driver", JSON.stringify(out));
  }, 1000);
})();
</script>"""


def test_clicks_and_typing_drive_the_page(chromium: str, tmp_path: Path) -> None:
    """Tabs, "show more", sort and the search box, used as a person would (by events)."""
    import datetime as dt
    import html
    import json

    from bankrec.matching import MatchResult
    from bankrec.matching.engine import summarise
    from bankrec.model import Decision, Status
    from bankrec.results import render_html
    from bankrec.results.html_assets import PAGE_SIZE
    from tests.matching.helpers import tx

    n = PAGE_SIZE + 20
    lines = [tx(f"T{i}", f"{i}.00", f"PAYER {i}", date=dt.date(2026, 1, 1)) for i in range(n)]
    decisions = [Decision(t.id, Status.RECONCILED, 95) for t in lines]
    text = render_html(MatchResult(decisions, summarise(lines, decisions)), lines, [])
    # the test's own script must run too: drop the page's CSP in this copy only
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    path = tmp_path / "driven.html"
    path.write_text(text.replace("</body>", DRIVER + "</body>"), encoding="utf-8")
    view = dom(chromium, path)
    found = re.search(r'<body data-driver="([^"]*)"', view)
    assert found is not None, view[-2000:]
    out = json.loads(html.unescape(found.group(1)))
    assert out["tab"] == ["reconciled", str(n), str(PAGE_SIZE), "#tab=reconciled"]
    assert out["more"][:3] == ["reconciled", str(n), str(n)]
    assert out["sorted"][3] == "#tab=reconciled&sort=-amount"
    assert out["first"] == str(n - 1)  # the largest amount first, compared as a number
    # every word must occur: "payer" is in every row, "51" in 51, 151, ..., 510-519
    expected = sum(1 for i in range(n) if "51" in str(i))
    assert 1 < expected < n
    assert out["search"] == [
        "reconciled", str(expected), str(expected), "#tab=reconciled&q=payer+51&sort=-amount",
    ]  # fmt: skip
