"""The HTML report's inline stylesheet and script, as constants.

They are Python strings rather than package files so the report needs no package data and
no file reads: the page is one self-contained file that works offline from ``file://``.
The page's Content-Security-Policy allows exactly these two blocks by their SHA-256, so
even text that escaped escaping could neither run a script nor load anything.

The script expects the markup :mod:`bankrec.results.html_report` writes:

* ``#lines`` (the section) carries the state for people and tests alike: ``data-tab``,
  ``data-total`` (lines in the tab), ``data-matching`` (after the search),
  ``data-shown`` (rows on screen) and ``data-ready`` once the script has run;
* every status's rows are in a ``<script type="text/html" id="d-STATUS">`` block, one row
  of HTML per line of text: never executed, and parsed by the browser as plain text, not
  as DOM. A 100,000-line report as live rows (or ``<template>`` rows) took minutes to
  open in Chromium; as text it opens in seconds. The script turns only the rows on
  screen into DOM, ``PAGE_SIZE`` at a time; ``tbody#rows`` holds the first page of the To
  review tab in the HTML itself, so it shows before (and without) the script;
* sort buttons in the header carry ``data-col``, ``data-key`` and ``data-type``: ``num``
  cells sort by their raw value in ``data-v`` (amounts as numbers, not text); ``date``
  and ``text`` cells by their text (dates are ISO, so text order is date order);
* the URL hash ``#tab=unmatched&q=acme&sort=-amount`` selects a tab, a search and a sort
  (``-`` for descending, keys from the buttons' ``data-key``), so a view can be shared as
  a link (and a headless browser test can drive the page).
"""

from __future__ import annotations

import base64
import hashlib

PAGE_SIZE = 500  # rows a tab shows at once; "show more" adds as many
ALL_AT_ONCE = 5000  # "show all" is offered only when at most this many rows are left

CSS = """
:root{--line:#e2e5ea;--muted:#5b6472;--ink:#1d2330;--accent:#2d5f9a}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem 2rem;color:var(--ink)}
h1{font-size:1.4rem;margin:0 0 .6rem}h2{font-size:1.1rem;margin:1.6rem 0 .6rem}
dl.ctx{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0;font-size:.9rem}
dl.ctx dt{color:var(--muted)}dl.ctx dd{margin:0}
table{border-collapse:collapse;width:100%;font-size:.86rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6f8;position:sticky;top:0;z-index:1}
th small{display:block;font-weight:400;color:var(--muted)}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td small{color:var(--muted)}td .sub{display:block}
td:first-child{white-space:nowrap}
.cards{display:flex;gap:1rem;flex-wrap:wrap;margin-top:1rem}
.card{border:1px solid var(--line);border-radius:6px;padding:.6rem 1rem;min-width:11rem}
.card b{display:block;font-size:1.3rem}.card small{color:var(--muted)}
.st{font-weight:600;border-radius:4px;padding:0 .35rem;white-space:nowrap}
.reconciled{background:#e3f5e8;color:#17632d}.suggested{background:#fff4d6;color:#7a5600}
.unmatched{background:#fde7e7;color:#8a1c1c}.ignored{background:#eceff3;color:#4a5260}
.b-high{color:#17632d}.b-probable{color:#2d5f9a}.b-possible{color:#7a5600}.b-low{color:#8a1c1c}
ul{margin:0;padding-left:1.1rem}li.warn{color:#8a1c1c;font-weight:600}
li.alt,li.rules{color:var(--muted)}
.rule b{font-weight:600}code{font-size:.82rem;background:#f4f6f8;padding:0 .2rem;border-radius:3px}
.tabs{display:flex;gap:.3rem;flex-wrap:wrap;align-items:center;margin:.4rem 0}
.tabs button{font:inherit;border:1px solid var(--line);background:#fff;border-radius:6px 6px 0 0;
padding:.35rem .8rem;cursor:pointer}
.tabs button[aria-selected=true]{background:var(--accent);color:#fff;border-color:var(--accent)}
.tabs .n{font-variant-numeric:tabular-nums;font-weight:600;margin-left:.2rem}
.tools{display:flex;gap:1rem;align-items:center;margin:.4rem 0;flex-wrap:wrap}
.tools input{font:inherit;padding:.3rem .5rem;min-width:20rem;border:1px solid #b8bec8;
border-radius:4px}
#shown{color:var(--muted)}
th button{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer;
color:inherit}
th[aria-sort=ascending] button::after{content:" \\25B2"}
th[aria-sort=descending] button::after{content:" \\25BC"}
.pager{margin:.8rem 0}.pager button{font:inherit;margin-right:.5rem}
@media print{.tabs,.tools,.pager{display:none}th{position:static}}
"""

JS = """
(function () {
  "use strict";
  var PAGE = %(page)d, ALL_AT_ONCE = %(all_at_once)d;
  var STATUSES = ["suggested", "reconciled", "ignored", "unmatched"];
  var TABS = STATUSES.concat(["all"]);
  var ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'",
                  "&#10;": " ", "&#13;": " "};
  var root = document.getElementById("lines"), body = document.getElementById("rows");
  var search = document.getElementById("q"), info = document.getElementById("shown");
  var more = document.getElementById("more"), all = document.getElementById("show-all");
  var empty = document.getElementById("empty");
  var tabs = [].slice.call(document.querySelectorAll("#tabs [data-tab]"));
  var sorts = [].slice.call(document.querySelectorAll("#table th button"));
  var pools = {}, keys = {};
  var state = {tab: "suggested", q: "", col: -1, type: "", dir: 1, limit: PAGE};

  // A row is {h: its HTML, i: its statement position}; the HTML stays a string until shown.
  function pool(status) {
    if (!pools[status]) {
      var block = document.getElementById("d-" + status), text = block ? block.textContent : "";
      pools[status] = text ? text.split("\\n").map(function (h) {
        return {h: h, i: +h.slice(12, h.indexOf('"', 12))};
      }) : [];
    }
    return pools[status];
  }
  function rowsOf(tab) {
    if (tab !== "all") return pool(tab).slice();
    var rows = [];
    STATUSES.forEach(function (s) { rows = rows.concat(pool(s)); });
    return rows.sort(function (a, b) { return a.i - b.i; });
  }
  function plain(html) {
    return html.replace(/<[^>]*>/g, " ").replace(/&(?:amp|lt|gt|quot|#x27|#10|#13);/g,
      function (e) { return ENTITIES[e]; });
  }
  function text(r) {
    if (r.t === undefined) r.t = plain(r.h).toLowerCase();
    return r.t;
  }
  function key(r) {
    var cache = keys[state.col] || (keys[state.col] = new Map()), k = cache.get(r);
    if (k !== undefined) return k;
    var cell = r.h.split("</td>")[state.col] || "";
    if (state.type === "num") {
      var m = /data-v="([^"]*)"/.exec(cell);
      k = m ? parseFloat(m[1]) : NaN;
      if (isNaN(k)) k = -Infinity;
    } else {
      k = plain(cell).trim().toLowerCase();
    }
    cache.set(r, k);
    return k;
  }
  function sorted(rows) {
    var dir = state.dir;
    return rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      return x < y ? -dir : x > y ? dir : a.i - b.i;
    });
  }
  function render() {
    var rows = rowsOf(state.tab), total = rows.length;
    var terms = state.q.toLowerCase().split(/\\s+/).filter(Boolean);
    if (terms.length) {
      rows = rows.filter(function (r) {
        var t = text(r);
        return terms.every(function (w) { return t.indexOf(w) >= 0; });
      });
    }
    if (state.col >= 0) rows = sorted(rows);
    var shown = Math.min(rows.length, state.limit), html = [];
    for (var i = 0; i < shown; i++) html.push(rows[i].h);
    body.innerHTML = html.join("");
    root.setAttribute("data-tab", state.tab);
    root.setAttribute("data-total", total);
    root.setAttribute("data-matching", rows.length);
    root.setAttribute("data-shown", shown);
    var n = function (x) { return x.toLocaleString("en"); }, left = rows.length - shown;
    info.textContent = (terms.length ? n(rows.length) + " of " + n(total) + " lines match" :
      n(total) + " lines") + (left ? ", showing the first " + n(shown) : "");
    empty.hidden = rows.length > 0;
    more.hidden = !left;
    all.hidden = !left || left > ALL_AT_ONCE;
    more.textContent = "Show " + n(Math.min(PAGE, left)) + " more";
    all.textContent = "Show all " + n(rows.length);
    tabs.forEach(function (t) {
      var on = t.getAttribute("data-tab") === state.tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
    });
    sorts.forEach(function (b) {
      var th = b.parentNode, on = +b.getAttribute("data-col") === state.col;
      th.setAttribute("aria-sort", on ? (state.dir > 0 ? "ascending" : "descending") : "none");
    });
  }
  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    var tab = p.get("tab");
    state.tab = TABS.indexOf(tab) >= 0 ? tab : "suggested";
    state.q = p.get("q") || "";
    state.limit = PAGE;
    search.value = state.q;
    var sort = p.get("sort") || "", by = sort.replace(/^-/, ""), col = -1;
    sorts.forEach(function (b, i) { if (b.getAttribute("data-key") === by) col = i; });
    state.col = col;
    state.dir = sort.charAt(0) === "-" ? -1 : 1;
    state.type = col >= 0 ? sorts[col].getAttribute("data-type") : "";
  }
  function writeHash() {
    var p = new URLSearchParams();
    if (state.tab !== "suggested") p.set("tab", state.tab);
    if (state.q) p.set("q", state.q);
    if (state.col >= 0) {
      p.set("sort", (state.dir < 0 ? "-" : "") + sorts[state.col].getAttribute("data-key"));
    }
    var h = p.toString();
    try {
      history.replaceState(null, "", h ? "#" + h : location.pathname + location.search);
    } catch (e) { /* some browsers refuse it on file:// pages: the view still works */ }
  }
  tabs.forEach(function (t) {
    t.addEventListener("click", function () {
      state.tab = t.getAttribute("data-tab");
      state.limit = PAGE;
      writeHash();
      render();
    });
    t.addEventListener("keydown", function (e) {
      var step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      var next = tabs[(tabs.indexOf(t) + step + tabs.length) %% tabs.length];
      next.focus();
      next.click();
    });
  });
  sorts.forEach(function (b) {
    b.addEventListener("click", function () {
      var col = +b.getAttribute("data-col");
      state.dir = state.col === col ? -state.dir : 1;
      state.col = col;
      state.type = b.getAttribute("data-type");
      state.limit = PAGE;
      writeHash();
      render();
    });
  });
  var timer = 0;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      state.q = search.value;
      state.limit = PAGE;
      writeHash();
      render();
    }, 200);
  });
  more.addEventListener("click", function () { state.limit += PAGE; render(); });
  all.addEventListener("click", function () { state.limit = Infinity; render(); });
  window.addEventListener("hashchange", function () { readHash(); render(); });
  readHash();
  render();
  root.setAttribute("data-ready-ms", Math.round(performance.now()));
  root.setAttribute("data-ready", "1");
})();
""" % {"page": PAGE_SIZE, "all_at_once": ALL_AT_ONCE}  # noqa: UP031 - a JS body full of braces reads better with %


def csp_hash(block: str) -> str:
    """The CSP source expression that allows exactly this inline ``<style>``/``<script>``."""
    digest = hashlib.sha256(block.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


CSP = (
    "default-src 'none'; "
    f"style-src {csp_hash(CSS)}; "
    f"script-src {csp_hash(JS)}; "
    "base-uri 'none'; form-action 'none'"
)
