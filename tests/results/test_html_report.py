"""The HTML report's content: context header, tabs, totals, rule hits, currency notes, escaping.

The page's behaviour in a browser (tabs, search) is checked in ``test_html_browser``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bankrec.cli.main import main
from bankrec.matching import MatchResult
from bankrec.matching.engine import summarise
from bankrec.model import Decision, Status
from bankrec.results import ReportContext, render_html
from bankrec.results.html_assets import CSP, CSS, JS, PAGE_SIZE, csp_hash
from bankrec.results.html_report import _data_block, local_timestamp
from tests.matching.helpers import tx

from .scenario import WHERE, data_rows, page, row_of, run

ROOT = Path(__file__).resolve().parents[2]
STATUSES = ("suggested", "reconciled", "ignored", "unmatched")  # the tabs' order


def _tabs(html: str) -> list[tuple[str, str, str, str]]:
    """(data-tab, aria-selected, label, count) of each tab button, in page order."""
    return re.findall(
        r'<button type="button" role="tab" data-tab="(\w+)" aria-selected="(\w+)">'
        r'([^<]+) <span class="n">([\d,]+)</span>',
        html,
    )


def _table(html: str) -> str:
    """The lines table's body as written in the HTML (before any script ran)."""
    start = html.index('<tbody id="rows">')
    return html[start : html.index("</tbody>", start)]


def test_header_states_the_runs_context() -> None:
    html = page(run())
    header = html[html.index('<dl class="ctx"') : html.index("</dl>")]
    assert "<code>in/&lt;b&gt;statement&lt;/b&gt;.csv</code>" in header  # escaped file name
    assert "<code>in/open_items.csv</code>" in header
    assert "2026-11-10 to 2026-11-10 (1 day, 7 lines)" in header
    assert "4 rules from <code>rules/fees.yaml</code>" in header
    assert "from confidence 88 when no other candidate is within 7 points" in header
    assert "suggested from 50" in header
    assert "<dt>Generated at</dt><dd>2026-12-01T09:15:00+01:00</dd>" in header
    # our accounts, from the transactions, sorted
    accounts = re.search(r"<dt>Accounts</dt><dd>(.*?)</dd>", header)
    assert accounts and accounts.group(1) == (
        "<code>FR7630006000011234567890189</code>, <code>US12345678</code>"
    )


def test_renderer_works_without_a_context_and_is_pure() -> None:
    r = run()
    bare = render_html(r.result, r.lines, r.items)
    assert "<title>Bank reconciliation</title>" in bare
    assert "Generated at" not in bare  # the renderer never reads the clock
    assert "<dt>Rules</dt><dd>none</dd>" in bare
    assert "from confidence 90 when no other candidate is within 5 points" in bare  # defaults
    assert render_html(r.result, r.lines, r.items) == bare
    assert page(r) == page(r)


def test_tabs_have_counts_and_to_review_comes_first_and_selected() -> None:
    r = run()
    html = page(r)
    statuses = [d.status.value for d in r.result.decisions]
    assert _tabs(html) == [
        ("suggested", "true", "To review", str(statuses.count("suggested"))),
        ("reconciled", "false", "Reconciled", str(statuses.count("reconciled"))),
        ("ignored", "false", "Ignored", str(statuses.count("ignored"))),
        ("unmatched", "false", "Unmatched", str(statuses.count("unmatched"))),
        ("all", "false", "All", "7"),
    ]
    assert statuses.count("suggested") == 2 and statuses.count("unmatched") == 2
    # each status's rows are in its own data block, in statement order
    assert [len(data_rows(html, s)) for s in STATUSES] == [2, 2, 1, 2]
    unmatched = "\n".join(data_rows(html, "unmatched"))
    assert re.findall(r'^<tr data-i="(\d+)">', unmatched, re.M) == ["2", "4"]
    # the To review rows are also in the table itself, so they show before the script runs
    table = _table(html)
    assert table.count("<tr ") == 2 and ">T2 · " in table and ">T7 · " in table


def test_to_review_rows_in_the_table_are_one_page() -> None:
    lines = [tx(f"T{i}", f"{100 + i}.00", f"PAYER {i}") for i in range(PAGE_SIZE + 3)]
    decisions = [Decision(t.id, Status.SUGGESTED, 60) for t in lines]
    html = render_html(MatchResult(decisions, summarise(lines, decisions)), lines, [])
    table = _table(html)
    assert _tabs(html)[0] == ("suggested", "true", "To review", f"{PAGE_SIZE + 3:,}")
    assert table.count("<tr ") == PAGE_SIZE
    assert len(data_rows(html, "suggested")) == PAGE_SIZE + 3


def test_hostile_text_is_escaped_everywhere() -> None:
    html = page(run(), title="<script>alert('title')</script>")
    assert "<script>alert" not in html and "</SCRIPT>" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html  # title
    assert "CB &lt;script&gt;alert(1)&lt;/script&gt; &lt;/SCRIPT&gt;&lt;!--" in html  # label
    assert "ACME &lt;SA&gt;" in html  # counterparty and partner
    assert "<b>&lt;script&gt;alert(&#x27;rule&#x27;)&lt;/script&gt;</b>" in html  # rule name
    # the only script elements are the page's own: four inert data blocks and one script
    opened = re.findall(r"<script[^>]*>", html, re.I)
    blocks = [f'<script type="text/html" id="d-{s}">' for s in STATUSES]
    assert opened == [*blocks, "<script>"]
    assert len(re.findall("</script", html, re.I)) == 5
    assert "<!--" not in html
    # a line break in user text cannot split a row: each data line is one whole row
    row = row_of(html, "T3")
    assert row.startswith('<tr data-i="2">') and row.endswith("</tr>")
    assert "&#10;second line" in row
    # no external anything: the page works offline from file://
    assert "http://" not in html and "https://" not in html and "src=" not in html


def test_only_the_pages_own_style_and_script_may_run() -> None:
    html = page(run())
    assert f'content="{CSP}"' in html
    assert f"script-src {csp_hash(JS)};" in CSP and f"style-src {csp_hash(CSS)};" in CSP
    assert "default-src 'none'" in CSP
    assert f"<script>{JS}</script>" in html and f"<style>{CSS}</style>" in html


def test_a_data_block_refuses_text_that_could_end_it() -> None:
    assert _data_block("ignored", ["<tr><td>a</td></tr>"]).endswith("</td></tr></script>")
    for bad in ("<tr><td></SCRIPT ></td></tr>", "<tr><td><!--</td></tr>"):
        with pytest.raises(ValueError, match="could end its data block"):
            _data_block("ignored", [bad])


def test_rule_hits_name_the_rule_and_its_file_and_line() -> None:
    html = page(run())
    fee = row_of(html, "T4")  # a bank fee a rule ignored
    assert 'class="st ignored"' in fee
    assert (
        f'ignored by rule <span class="rule" title="label contains &#x27;frais tenue&#x27; and '
        f'amount &lt; 0 =&gt; ignore, tag bank"><b>bank-fee-ignore</b> '
        f"<code>{WHERE['bank-fee-ignore']}</code></span>"
    ) in fee
    assert "also fired" not in fee and "rules that fired" not in fee  # nothing uncited
    rent = row_of(html, "T6")  # an expense: account and category from one rule, tag from another
    assert "by rule <span" in rent and f"<b>rent</b> <code>{WHERE['rent']}</code>" in rent
    account = re.search(
        r'<div>expense on account 613200<small class="sub">set by (.*?)</small>', rent
    )
    assert account and f"<b>rent</b> <code>{WHERE['rent']}</code>" in account.group(1)
    category = re.search(r'<div>category rent<small class="sub">set by (.*?)</small></div>', rent)
    assert category and f"<b>rent</b> <code>{WHERE['rent']}</code>" in category.group(1)
    also = re.search(r"also fired: (.*?)</li>", rent)
    assert also and also.group(1).endswith(
        f"<b>rent-tag</b> <code>{WHERE['rent-tag']}</code></span>"
    )
    assert "<b>rent</b>" not in also.group(1)  # cited in the reasons already
    garage = row_of(html, "T2")  # a confidence adjustment on a payment
    hostile = "<b>&lt;script&gt;alert(&#x27;rule&#x27;)&lt;/script&gt;</b>"
    assert (
        'rule <span class="rule" title="label contains &#x27;garage&#x27; =&gt; confidence-5">'
        f"{hostile} <code>{WHERE['hostile']}</code></span>: confidence -5"
    ) in garage


def test_rule_locations_are_shown_even_without_rule_names() -> None:
    r = run()
    html = render_html(r.result, r.lines, r.items)  # no context: names unknown
    assert f"ignored by rule <span class=\"rule\"><code>{WHERE['bank-fee-ignore']}</code></span>" \
        in row_of(html, "T4")  # fmt: skip


def test_a_location_is_not_mistaken_for_a_longer_one() -> None:
    from bankrec.results.html_report import RuleInfo
    from bankrec.results.html_rows import RuleNames

    names = RuleNames({"a.rules:2": RuleInfo("two"), "a.rules:23": RuleInfo("twenty-three")})
    text = names.annotate("by rule a.rules:23 and a.rules:2", ("a.rules:2", "a.rules:23"))
    assert text == (
        'by rule <span class="rule"><b>twenty-three</b> <code>a.rules:23</code></span> and '
        '<span class="rule"><b>two</b> <code>a.rules:2</code></span>'
    )


def test_currency_mismatch_is_said_as_such() -> None:
    html = page(run())
    row = row_of(html, "T5")
    assert 'class="st unmatched"' in row
    assert '<li class="warn">open item FA-2026-0114 is in EUR, the line is in USD' in row
    assert "is in EUR" not in row_of(html, "T3")  # an ordinary unmatched line says nothing


def test_totals_say_gross_and_net() -> None:
    html = page(run())
    totals = html[html.index('<table id="totals">') : html.index("</table>")]
    for header in ("Money in", "Money out", "Net<small>in − out</small>",
                   "Total moved<small>gross: in + |out|</small>", "Reconciled<small>gross</small>",
                   "Reconciled share<small>of gross</small>"):  # fmt: skip
        assert f"'>{header}</th>" in totals, header
    eur = re.search(r"<tr><td>EUR</td>(.*?)</tr>", totals)
    assert eur is not None
    cells = re.findall(r"<td class='num'>([^<]*)</td>", eur.group(1))
    # in: 1200 + 250 + 200; out: 54.90 + 12.50 + 1890; reconciled: 1200 + 1890 of 3607.40
    assert cells[:6] == ["6", "1,650.00", "1,957.40", "-307.40", "3,607.40", "3,090.00"]
    assert cells[6] == "85.7 %"
    assert "Settled without a person<b>3 / 7</b><small>2 reconciled, 1 ignored</small>" in html
    assert "Awaiting a person<b>4</b><small>2 to review, 2 unmatched</small>" in html


def test_match_cli_writes_the_report_with_its_context(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = ROOT / "samples"
    out = tmp_path / "report.html"
    status = main([
        "match", "--statement", str(samples / "statement.csv"),
        "--open-items", str(samples / "open_items.csv"), "--rules", str(ROOT / "rules"),
        "--config", str(samples / "match.yaml"), "--html", str(out),
    ])  # fmt: skip
    assert status == 0
    html = out.read_text(encoding="utf-8")
    assert "<title>Bank reconciliation — statement.csv</title>" in html
    assert f"<code>{samples / 'statement.csv'}</code>" in html
    assert f"13 rules from <code>{ROOT / 'rules'}</code>" in html
    assert f"(from <code>{samples / 'match.yaml'}</code>)" in html
    generated = re.search(r"<dt>Generated at</dt><dd>([^<]+)</dd>", html)
    assert generated and re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", generated.group(1)
    )
    assert "open item FA-2026-0114 is in EUR, the line is in USD" in html  # T25 of the samples
    capsys.readouterr()


def test_local_timestamp_is_iso_to_the_second() -> None:
    import datetime as dt

    moment = dt.datetime(2026, 12, 1, 9, 15, 30, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert local_timestamp(moment) == "2026-12-01T09:15:30+01:00"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", local_timestamp())


def test_context_defaults_follow_the_match_config() -> None:
    from bankrec.matching import MatchConfig

    ctx = ReportContext()
    config = MatchConfig()
    assert (ctx.auto_threshold, ctx.tie_margin, ctx.suggest_threshold) == (
        config.auto_threshold, config.tie_margin, config.suggest_threshold,
    )  # fmt: skip
    assert ctx.rule_count is None and ctx.rules == {} and ctx.generated_at == ""
