"""The HTML report a finance person works from: ``bankrec match --html OUT``.

One self-contained page (inline CSS and JS, no external assets, works offline from
``file://``): a header with the run's context (statement, accounts, period, rules,
thresholds), totals per currency with money in, money out and net stated as such, then
the lines in tabs — To review first and selected, then Reconciled, Ignored, Unmatched and
All — with sortable columns, a search box and a shareable ``#tab=…&q=…`` link.

Design choices, and why:

* :func:`render_html` is pure — data in, text out. The caller passes what only it knows
  (file names, the time, the thresholds) in a :class:`ReportContext`, so the same decisions
  always give the same page and tests need no clock or files.
* Every piece of user text goes through :func:`_e`, so no ``<`` of it reaches the page;
  rows are HTML built from escaped text, never JSON a script evaluates; a
  Content-Security-Policy admits only the page's own style and script, by hash.
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

import datetime as dt
import html
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bankrec.matching.amounts import q as quantize
from bankrec.matching.config import MatchConfig
from bankrec.matching.engine import MatchResult
from bankrec.matching.normalize import number_keys, text_keys
from bankrec.matching.references import find_references, parse_reference
from bankrec.model import Decision, OpenItem, Status, Transaction
from bankrec.results.html_assets import CSP, CSS, JS, PAGE_SIZE
from bankrec.results.match_json import band

_DEFAULTS = MatchConfig()

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


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What the report shows about one rule, keyed by its ``file:line`` location.

    ``name`` is the YAML ``name:`` (for ``.rules`` files the location itself); ``text`` is
    the rule as written; ``actions`` are its ``(action, value)`` pairs, which let the
    report say which rule set a category or tag.
    """

    name: str
    text: str = ""
    actions: tuple[tuple[str, str], ...] = ()


def describe_rules(rule_set: object) -> dict[str, RuleInfo]:
    """``{location: RuleInfo}`` for a ``dsl.RuleSet`` (anything with ``.rules``), else ``{}``.

    Duck-typed so the report depends on no rule-language class and the matcher's ``Rules``
    protocol stays as small as it is.
    """
    out: dict[str, RuleInfo] = {}
    for rule in getattr(rule_set, "rules", ()) or ():
        location = str(getattr(rule, "location", ""))
        if not location:
            continue
        actions = tuple(
            (str(a.name), "" if a.value is None else str(a.value))
            for a in getattr(rule, "actions", ())
        )
        name = str(getattr(rule, "name", "") or location)
        out[location] = RuleInfo(name, str(getattr(rule, "text", "")), actions)
    return out


@dataclass(frozen=True)
class ReportContext:
    """The run's context for the report's header; every field has a default.

    ``generated_at`` is text the caller formats (the renderer never reads the clock);
    ``rules`` maps rule locations to :class:`RuleInfo` so hits show rule names.
    """

    title: str = "Bank reconciliation"
    statements: tuple[str, ...] = ()
    open_items: str = ""
    rule_files: tuple[str, ...] = ()
    rule_count: int | None = None
    rules: Mapping[str, RuleInfo] = field(default_factory=dict)
    config_file: str = ""
    auto_threshold: int = _DEFAULTS.auto_threshold
    suggest_threshold: int = _DEFAULTS.suggest_threshold
    tie_margin: int = _DEFAULTS.tie_margin
    generated_at: str = ""

    @classmethod
    def for_run(
        cls, config: MatchConfig, rule_set: object | None = None, **fields: object
    ) -> ReportContext:
        """A context with ``config``'s thresholds and ``rule_set``'s count and names.

        ``fields`` sets the remaining fields (title, statements, generated_at, ...).
        """
        rules = describe_rules(rule_set) if rule_set is not None else {}
        count = len(rule_set) if rule_set is not None and hasattr(rule_set, "__len__") else None
        values: dict[str, object] = {
            "auto_threshold": config.auto_threshold,
            "suggest_threshold": config.suggest_threshold,
            "tie_margin": config.tie_margin,
            "rules": rules,
            "rule_count": count,
        }
        values.update(fields)
        return cls(**values)  # type: ignore[arg-type]


_RAW = str.maketrans({"\n": "&#10;", "\r": "&#13;", "\0": "\ufffd"})


def _e(text: object) -> str:
    """Escape for HTML text and attribute values alike (quotes included).

    Line breaks become character references so a row is always one line of text in its
    data block (and CR is not folded into LF by the parser); NUL, which HTML drops, is
    shown as the replacement character.
    """
    return html.escape(str(text), quote=True).translate(_RAW)


def _count(n: int, noun: str) -> str:
    """``1 day``, ``2 days``, ``1,000 lines``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _money(amount: Decimal) -> str:
    """A total with thousands separators (row amounts stay as the bank wrote them)."""
    return f"{amount:,}"


# ---------------------------------------------------------------------------- rule hits


class _RuleNames:
    """Names rules in reason text ("name file:line"); one pattern per set of fired rules."""

    def __init__(self, rules: Mapping[str, RuleInfo]) -> None:
        self.rules = rules
        self._patterns: dict[tuple[str, ...], re.Pattern[str]] = {}

    def label(self, location: str) -> str:
        """The rule as the report names it: bold name and ``file:line``, text on hover."""
        info = self.rules.get(location)
        title = f' title="{_e(info.text)}"' if info and info.text else ""
        if info and info.name != location:
            return (
                f'<span class="rule"{title}><b>{_e(info.name)}</b> '
                f"<code>{_e(location)}</code></span>"
            )
        return f'<span class="rule"{title}><code>{_e(location)}</code></span>'

    def annotate(self, reason: str, provenance: tuple[str, ...]) -> str:
        """Escaped ``reason`` with each rule location it cites replaced by the rule's label."""
        text = _e(reason)
        if not provenance:
            return text
        pattern = self._patterns.get(provenance)
        if pattern is None:
            # longest first, and never followed by a digit: "r.rules:2" must not eat ":23"
            alternatives = sorted({_e(p) for p in provenance}, key=len, reverse=True)
            pattern = re.compile("(" + "|".join(map(re.escape, alternatives)) + r")(?!\d)")
            self._patterns[provenance] = pattern
        return pattern.sub(lambda m: self.label(html.unescape(m.group(1))), text)

    def setter(self, action: str, value: str, provenance: tuple[str, ...]) -> str | None:
        """The first fired rule that applies ``action value`` (first wins), if known."""
        for location in provenance:
            info = self.rules.get(location)
            if info and (action, value) in info.actions:
                return location
        return None


# ---------------------------------------------------------------- currency mismatches


class _NamedItems:
    """Open items by document number and structured reference, across all currencies.

    The matcher only looks at items in the line's currency, so a line naming an invoice
    in another currency ends up unmatched with no word about it; this index lets the
    report say "open item X is in EUR, the line is in USD". Built only when some line is
    unmatched, with the matcher's own normalisation.
    """

    def __init__(self, items: Sequence[OpenItem]) -> None:
        self.items = items
        self.by_number: dict[str, list[int]] = defaultdict(list)
        self.by_reference: dict[str, list[int]] = defaultdict(list)
        for i, item in enumerate(items):
            ref = parse_reference(item.reference)
            if ref is not None:
                self.by_reference[ref.value].append(i)
            for key in number_keys(item.number):
                self.by_number[key].append(i)

    def foreign(self, tx: Transaction) -> list[OpenItem]:
        """Items the line names (reference or number) whose currency is not the line's."""
        found: dict[int, None] = {}
        for ref in find_references(f"{tx.reference} {tx.label}"):
            found.update(dict.fromkeys(self.by_reference.get(ref.value, ())))
        for text in (tx.reference, tx.label):
            for key in text_keys(text):
                found.update(dict.fromkeys(self.by_number.get(key, ())))
        return [self.items[i] for i in found if self.items[i].currency != tx.currency]


def currency_notes(tx: Transaction, named: Iterable[OpenItem]) -> list[str]:
    """One plain sentence per named open item in another currency than the line."""
    return [
        f"open item {item.number or item.id} is in {item.currency}, the line is in "
        f"{tx.currency}: lines are never matched across currencies, book it by hand"
        for item in named
    ]


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
    names = _RuleNames(ctx.rules)
    decisions = result.decisions
    named = _NamedItems(items) if any(d.status is Status.UNMATCHED for d in decisions) else None
    groups: dict[str, list[str]] = {status: [] for status, _ in TABS[:-1]}
    for i, (d, tx) in enumerate(zip(decisions, transactions, strict=True)):
        notes: list[str] = []
        if named is not None and d.status is Status.UNMATCHED:
            notes = currency_notes(tx, named.foreign(tx))
        groups[d.status.value].append(_row(i, d, tx, by_id, names, notes))
    counts = {status: len(rows) for status, rows in groups.items()}
    counts["all"] = len(decisions)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        '<meta name="generator" content="bankrec">',
        f"<title>{_e(ctx.title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{_e(ctx.title)}</h1>",
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
            f'data-key="{key}" data-type="{kind}">{_e(label)}</button></th>'
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
        rows.append((label, ", ".join(f"<code>{_e(s)}</code>" for s in ctx.statements)))
    if ctx.open_items:
        rows.append(("Open items", f"<code>{_e(ctx.open_items)}</code>"))
    accounts = sorted({tx.account for tx in transactions if tx.account})
    if accounts:
        listed = ", ".join(f"<code>{_e(a)}</code>" for a in accounts[:_MAX_LISTED_ACCOUNTS])
        if len(accounts) > _MAX_LISTED_ACCOUNTS:
            listed += f" and {len(accounts) - _MAX_LISTED_ACCOUNTS} more"
        rows.append(("Accounts" if len(accounts) > 1 else "Account", listed))
    else:
        rows.append(("Account", "not stated in the statement"))
    if transactions:
        first = min(tx.date for tx in transactions)
        last = max(tx.date for tx in transactions)
        rows.append(
            ("Period", f"{_e(first.isoformat())} to {_e(last.isoformat())} "
                       f"({_count((last - first).days + 1, 'day')}, "
                       f"{_count(len(transactions), 'line')})")
        )  # fmt: skip
    rules = "none"
    if ctx.rule_files or ctx.rule_count is not None:
        count = "" if ctx.rule_count is None else f"{ctx.rule_count:,} rules"
        files = ", ".join(f"<code>{_e(f)}</code>" for f in ctx.rule_files)
        rules = f"{count} from {files}" if count and files else count or files
    rows.append(("Rules", rules))
    thresholds = (
        f"reconciled without a person from confidence {_e(ctx.auto_threshold)} when no "
        f"other candidate is within {_e(ctx.tie_margin)} points (tie margin); suggested "
        f"from {_e(ctx.suggest_threshold)}; below that unmatched"
    )
    if ctx.config_file:
        thresholds += f" <small>(from <code>{_e(ctx.config_file)}</code>)</small>"
    rows.append(("Thresholds", thresholds))
    if ctx.generated_at:
        rows.append(("Generated at", _e(ctx.generated_at)))
    body = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows)
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
            f"<tr><td>{_e(cur)}</td>" + "".join(f"<td class='num'>{c}</td>" for c in cells)
            + "</tr>"
        )  # fmt: skip
    return f'<table id="totals"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _tabs(counts: Mapping[str, int]) -> str:
    buttons = "".join(
        f'<button type="button" role="tab" data-tab="{key}" '
        f'aria-selected="{"true" if key == Status.SUGGESTED.value else "false"}">'
        f'{_e(label)} <span class="n">{counts[key]:,}</span></button>'
        for key, label in TABS
    )
    return f'<nav class="tabs" id="tabs" role="tablist" aria-label="Lines">{buttons}</nav>'


def _row(
    i: int,
    d: Decision,
    tx: Transaction,
    items: Mapping[str, OpenItem],
    names: _RuleNames,
    notes: Sequence[str],
) -> str:
    """One line of the statement as a table row; every user text escaped."""
    level, status = band(d.confidence), d.status.value
    text = _e(tx.label) or "<i>no label</i>"
    if tx.counterparty:
        text += f'<small class="sub">{_e(tx.counterparty)}</small>'
    where = _e(tx.id) + (f" · {_e(tx.account)}" if tx.account else "")
    text += f'<small class="sub">{where}</small>'
    return (
        f'<tr data-i="{i}"><td>{tx.date.isoformat()}</td>'
        f'<td class="num" data-v="{_e(tx.amount)}">{_e(tx.amount)} {_e(tx.currency)}</td>'
        f"<td>{text}</td>"
        f'<td><span class="st {_e(status)}">{_e(status)}</span></td>'
        f'<td class="num b-{level}" data-v="{d.confidence}">'
        f'{d.confidence}<small class="sub">{level}</small></td>'
        f"<td>{_settles(d, items, names)}</td><td>{_why(d, items, names, notes)}</td></tr>"
    )


def _item_text(item_id: str, items: Mapping[str, OpenItem]) -> str:
    item = items.get(item_id)
    if item is None or not item.number or item.number == item_id:
        return _e(item_id)
    return f"{_e(item.number)} <small>{_e(item_id)}</small>"


def _settles(d: Decision, items: Mapping[str, OpenItem], names: _RuleNames) -> str:
    """What booking the line would make: items and amounts, account, write-off, category."""
    out = [f"<div>{_item_text(a.item_id, items)} {_e(a.amount)}</div>" for a in d.allocations]
    if d.party:
        out.append(f"<div>party {_e(d.party)}</div>")
    if d.transfer_with:
        out.append(f"<div>transfer with {_e(d.transfer_with)}</div>")
    if d.account:
        by = _set_by(names, "account", d.account, d.provenance)
        out.append(f"<div>{_e(d.booking.value)} on account {_e(d.account)}{by}</div>")
    elif d.booking.value in ("fee", "expense"):
        out.append(f"<div>{_e(d.booking.value)}, account to choose</div>")
    if d.writeoff:
        out.append(f"<div>write-off {_e(d.writeoff)}</div>")
    if d.category:
        by = _set_by(names, "category", d.category, d.provenance)
        out.append(f"<div>category {_e(d.category)}{by}</div>")
    if d.tags:
        out.append(f"<div>tags {_e(', '.join(d.tags))}</div>")
    return "".join(out)


def _set_by(names: _RuleNames, action: str, value: str, provenance: tuple[str, ...]) -> str:
    """The "set by RULE" note when a fired rule applies ``action value``, else nothing."""
    by = names.setter(action, value, provenance)
    return f'<small class="sub">set by {names.label(by)}</small>' if by else ""


def _why(
    d: Decision, items: Mapping[str, OpenItem], names: _RuleNames, notes: Sequence[str]
) -> str:
    """Reasons (rule locations named), currency notes, other rules that fired, alternatives."""
    lines = [f"<li>{names.annotate(r, d.provenance)}</li>" for r in d.reasons]
    lines.extend(f'<li class="warn">{_e(n)}</li>' for n in notes)
    cited = " ".join(d.reasons)
    # a fired rule no reason cites (it set a tag or category, or lost a first-wins race)
    others = [p for p in d.provenance if not re.search(re.escape(p) + r"(?!\d)", cited)]
    if others:
        label = "also fired" if len(others) < len(d.provenance) else "rules that fired"
        fired = ", ".join(names.label(p) for p in others)
        lines.append(f'<li class="rules">{label}: {fired}</li>')
    for c in d.alternatives:
        settles = ", ".join(f"{_item_text(a.item_id, items)} {_e(a.amount)}" for a in c.allocations)
        lines.append(f'<li class="alt">alternative: {settles} ({c.confidence})</li>')
    return f"<ul>{''.join(lines)}</ul>" if lines else ""


def local_timestamp(now: dt.datetime | None = None) -> str:
    """Local time, ISO format to the second with its UTC offset: the header's "generated at".

    Kept here so every caller formats it the same way; the renderer never calls it.
    """
    moment = now or dt.datetime.now().astimezone()
    return moment.replace(microsecond=0).isoformat()
