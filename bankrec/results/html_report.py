"""The HTML report a finance person works from: ``bankrec match --html OUT``.

One self-contained page (inline CSS and JS, no external assets, works offline from
``file://``): a header with the run's context (statement, accounts, period, rules,
thresholds), totals per currency with money in, money out and net stated as such, then
the lines in tabs — To review first and selected, then Reconciled, Ignored, Unmatched and
All — with sortable columns, a search box and a shareable ``#tab=…&q=…`` link.

Design choices, and why:

* :func:`render_html` is pure — data in, text out. The caller passes what only it knows
  (file names, the time, the thresholds) in a :class:`ReportContext`
  (:mod:`bankrec.results.html_context`), so the same decisions always give the same page
  and tests need no clock or files.
* Every piece of user text goes through :func:`~bankrec.results.html_rows.escape`, so no
  ``<`` of it reaches the page; rows (:mod:`bankrec.results.html_rows`) are HTML built
  from escaped text, never JSON a script evaluates; a Content-Security-Policy admits only
  the page's own style and script, by hash.
* Rule hits name the rule: decisions carry the ``file:line`` of every rule that fired
  (``Decision.provenance``, in firing order) and their reasons cite those locations; the
  report adds the rule's name (YAML ``name:``) from :class:`RuleInfo`, says which rule
  set the category (first wins: the first fired rule with that value) and lists fired
  rules no reason cites. No new field on ``Decision`` was needed.
* The matcher never mixes currencies, so a payment naming an invoice in another currency
  is just "unmatched"; the report looks the named documents up and says so plainly.
* A 100,000-line report must open quickly: rows travel as HTML text in inert
  ``<script type="text/html">`` blocks and become DOM only when shown, 500 at a time
  (see :mod:`bankrec.results.html_assets`). Row text can never close such a block: user
  text is escaped, so no ``<`` of it reaches the page; :func:`_data_block` checks anyway.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from bankrec.matching.amounts import q as quantize
from bankrec.matching.engine import MatchResult
from bankrec.model import OpenItem, Status, Transaction
from bankrec.results.html_assets import CSP, CSS, JS, PAGE_SIZE
from bankrec.results.html_context import ReportContext, RuleInfo, describe_rules, local_timestamp
from bankrec.results.html_rows import NamedItems, RuleNames, currency_notes, escape, row

__all__ = [
    "COLUMNS",
    "TABS",
    "ReportContext",
    "RuleInfo",
    "describe_rules",
    "local_timestamp",
    "render_html",
]


# Tab order: what a person must act on first. Labels are what a finance person calls them.
TABS: tuple[tuple[str, str], ...] = (
    (Status.SUGGESTED.value, "To review"),
    (Status.RECONCILED.value, "Reconciled"),
    (Status.IGNORED.value, "Ignored"),
    (Status.UNMATCHED.value, "Unmatched"),
    ("all", "All"),
)

# (header, key in ``#sort=``, sort type, extra class); the type says how cells compare
COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("Date", "date", "date", ""),
    ("Amount", "amount", "num", "num"),
    ("Bank text", "text", "text", ""),
    ("Status", "status", "text", ""),
    ("Confidence", "confidence", "num", "num"),
    ("Settles / books", "settles", "text", ""),
    ("Why", "why", "text", ""),
)

_MAX_LISTED_ACCOUNTS = 12  # more accounts than this are summarised as "and N more"


def _count(n: int, noun: str) -> str:
    """``1 day``, ``2 days``, ``1,000 lines``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _money(amount: Decimal) -> str:
    """A total with thousands separators (row amounts stay as the bank wrote them)."""
    return f"{amount:,}"


# --------------------------------------------------------------------------- the page


def render_html(
    result: MatchResult,
    transactions: Sequence[Transaction],
    items: Sequence[OpenItem],
    context: ReportContext | None = None,
) -> str:
    """The report page for one run; pure: the same inputs always give the same text."""
    ctx = context or ReportContext()
    by_id = {item.id: item for item in items}
    names = RuleNames(ctx.rules)
    decisions = result.decisions
    named = NamedItems(items) if any(d.status is Status.UNMATCHED for d in decisions) else None
    groups: dict[str, list[str]] = {status: [] for status, _ in TABS[:-1]}
    for i, (d, tx) in enumerate(zip(decisions, transactions, strict=True)):
        notes: list[str] = []
        if named is not None and d.status is Status.UNMATCHED:
            notes = currency_notes(tx, named.foreign(tx))
        groups[d.status.value].append(row(i, d, tx, by_id, names, notes))
    counts = {status: len(rows) for status, rows in groups.items()}
    counts["all"] = len(decisions)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        '<meta name="generator" content="bankrec">',
        f"<title>{escape(ctx.title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{escape(ctx.title)}</h1>",
        _context(ctx, transactions),
        "</header>",
        _cards(counts),
        "<h2>Totals per currency</h2>",
        _totals(result, transactions),
        '<section id="lines" data-tab="suggested"><h2>Lines</h2>',
        _tabs(counts),
        '<div class="tools"><input type="search" id="q" placeholder="Search text, amount, '
        'invoice, rule…" aria-label="Search the lines of this tab" autocomplete="off">'
        '<span id="shown" aria-live="polite"></span></div>',
        '<table id="table"><thead><tr>',
        *(
            f'<th class="{cls}" aria-sort="none"><button type="button" data-col="{col}" '
            f'data-key="{key}" data-type="{kind}">{escape(label)}</button></th>'
            for col, (label, key, kind, cls) in enumerate(COLUMNS)
        ),
        '</tr></thead><tbody id="rows">',
        *groups[Status.SUGGESTED.value][:PAGE_SIZE],
        "</tbody></table>",
        '<p id="empty" hidden>No line in this tab matches the search.</p>',
        '<div class="pager"><button type="button" id="more" hidden></button>'
        '<button type="button" id="show-all" hidden></button></div>',
        "<noscript><p>The tabs, sorting, search and lines beyond the first "
        f"{PAGE_SIZE} to review need JavaScript.</p></noscript>",
    ]
    parts.extend(_data_block(status, groups[status]) for status, _ in TABS[:-1])
    parts.append(f"</section><script>{JS}</script></body></html>")
    return "\n".join(parts) + "\n"


def _data_block(status: str, rows: Sequence[str]) -> str:
    """One status's rows as inert text: one row of HTML per line, turned into DOM on demand.

    The browser reads a ``<script>`` of an unknown type as raw text up to ``</script``,
    and treats ``<!--`` inside it specially; rows hold only escaped user text, so neither
    can occur, and this check makes sure it never silently does.
    """
    text = "\n".join(rows)
    folded = text.lower()
    if "</script" in folded or "<!--" in text:
        raise ValueError("a report row holds markup that could end its data block")
    return f'<script type="text/html" id="d-{status}">{text}</script>'


def _context(ctx: ReportContext, transactions: Sequence[Transaction]) -> str:
    """The header's facts: what was matched, over which accounts and period, with what."""
    rows: list[tuple[str, str]] = []
    if ctx.statements:
        label = "Statement" if len(ctx.statements) == 1 else "Statements"
        rows.append((label, ", ".join(f"<code>{escape(s)}</code>" for s in ctx.statements)))
    if ctx.open_items:
        rows.append(("Open items", f"<code>{escape(ctx.open_items)}</code>"))
    accounts = sorted({tx.account for tx in transactions if tx.account})
    if accounts:
        listed = ", ".join(f"<code>{escape(a)}</code>" for a in accounts[:_MAX_LISTED_ACCOUNTS])
        if len(accounts) > _MAX_LISTED_ACCOUNTS:
            listed += f" and {len(accounts) - _MAX_LISTED_ACCOUNTS} more"
        rows.append(("Accounts" if len(accounts) > 1 else "Account", listed))
    else:
        rows.append(("Account", "not stated in the statement"))
    if transactions:
        first = min(tx.date for tx in transactions)
        last = max(tx.date for tx in transactions)
        rows.append(
            ("Period", f"{escape(first.isoformat())} to {escape(last.isoformat())} "
                       f"({_count((last - first).days + 1, 'day')}, "
                       f"{_count(len(transactions), 'line')})")
        )  # fmt: skip
    rules = "none"
    if ctx.rule_files or ctx.rule_count is not None:
        count = "" if ctx.rule_count is None else f"{ctx.rule_count:,} rules"
        files = ", ".join(f"<code>{escape(f)}</code>" for f in ctx.rule_files)
        rules = f"{count} from {files}" if count and files else count or files
    rows.append(("Rules", rules))
    thresholds = (
        f"reconciled without a person from confidence {escape(ctx.auto_threshold)} when no "
        f"other candidate is within {escape(ctx.tie_margin)} points (tie margin); suggested "
        f"from {escape(ctx.suggest_threshold)}; below that unmatched"
    )
    if ctx.config_file:
        thresholds += f" <small>(from <code>{escape(ctx.config_file)}</code>)</small>"
    rows.append(("Thresholds", thresholds))
    if ctx.generated_at:
        rows.append(("Generated at", escape(ctx.generated_at)))
    body = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<dl class="ctx" id="context">{body}</dl>'


def _cards(counts: Mapping[str, int]) -> str:
    handled = counts[Status.RECONCILED.value] + counts[Status.IGNORED.value]
    waiting = counts[Status.SUGGESTED.value] + counts[Status.UNMATCHED.value]
    return (
        '<div class="cards">'
        f'<div class="card">Settled without a person<b>{handled:,} / {counts["all"]:,}</b>'
        f"<small>{counts['reconciled']:,} reconciled, {counts['ignored']:,} ignored</small></div>"
        f'<div class="card">Awaiting a person<b>{waiting:,}</b>'
        f"<small>{counts['suggested']:,} to review, {counts['unmatched']:,} unmatched</small></div>"
        "</div>"
    )


def _totals(result: MatchResult, transactions: Sequence[Transaction]) -> str:
    """Per currency: money in, money out and net, then gross amounts per status.

    Status amounts are gross (money in + |money out|) because a reconciled refund and a
    reconciled receipt are both work done; the header cells say so, so nobody reads a
    gross figure as a balance.
    """
    money_in: dict[str, Decimal] = defaultdict(Decimal)
    money_out: dict[str, Decimal] = defaultdict(Decimal)
    for tx in transactions:
        amount = quantize(tx.amount, tx.currency)
        if amount >= 0:
            money_in[tx.currency] += amount
        else:
            money_out[tx.currency] -= amount
    head = (
        "<tr><th>Currency</th><th class='num'>Lines</th>"
        "<th class='num'>Money in</th><th class='num'>Money out</th>"
        "<th class='num'>Net<small>in − out</small></th>"
        "<th class='num'>Total moved<small>gross: in + |out|</small></th>"
        "<th class='num'>Reconciled<small>gross</small></th>"
        "<th class='num'>Reconciled share<small>of gross</small></th>"
        "<th class='num'>To review<small>gross</small></th>"
        "<th class='num'>Unmatched<small>gross</small></th>"
        "<th class='num'>Ignored<small>gross</small></th></tr>"
    )
    rows = []
    for cur, t in result.summary.currencies.items():
        share = (t.reconciled / t.total * 100) if t.total else Decimal(0)
        cin, cout = quantize(money_in[cur], cur), quantize(money_out[cur], cur)
        cells = [
            f"{t.lines:,}", _money(cin), _money(cout), _money(cin - cout),
            _money(quantize(t.total, cur)), _money(quantize(t.reconciled, cur)),
            f"{share.quantize(Decimal('0.1'))} %", _money(quantize(t.suggested, cur)),
            _money(quantize(t.unmatched, cur)), _money(quantize(t.ignored, cur)),
        ]  # fmt: skip
        rows.append(
            f"<tr><td>{escape(cur)}</td>" + "".join(f"<td class='num'>{c}</td>" for c in cells)
            + "</tr>"
        )  # fmt: skip
    return f'<table id="totals"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _tabs(counts: Mapping[str, int]) -> str:
    buttons = "".join(
        f'<button type="button" role="tab" data-tab="{key}" '
        f'aria-selected="{"true" if key == Status.SUGGESTED.value else "false"}">'
        f'{escape(label)} <span class="n">{counts[key]:,}</span></button>'
        for key, label in TABS
    )
    return f'<nav class="tabs" id="tabs" role="tablist" aria-label="Lines">{buttons}</nav>'
