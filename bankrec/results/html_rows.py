"""The report's table rows: one statement line as HTML, every piece of user text escaped.

Separate from the page assembly in :mod:`bankrec.results.html_report` because a row is
where the report explains a decision -- what it settles or books, why, which rules fired
and which rule set a category (:class:`RuleNames`), and that a line names an open item in
another currency (:class:`NamedItems`) -- while the page only lays rows out in tabs and
adds the header and totals. Every user text goes through :func:`escape`, which the page
uses too, so no ``<`` of it reaches the page.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from bankrec.matching.normalize import number_keys, text_keys
from bankrec.matching.references import find_references, parse_reference
from bankrec.model import Decision, OpenItem, Transaction
from bankrec.results.html_context import RuleInfo
from bankrec.results.match_json import band

_RAW = str.maketrans({"\n": "&#10;", "\r": "&#13;", "\0": "\ufffd"})


def escape(text: object) -> str:
    """Escape for HTML text and attribute values alike (quotes included).

    Line breaks become character references so a row is always one line of text in its
    data block (and CR is not folded into LF by the parser); NUL, which HTML drops, is
    shown as the replacement character.
    """
    return html.escape(str(text), quote=True).translate(_RAW)


# ---------------------------------------------------------------------------- rule hits


class RuleNames:
    """Names rules in reason text ("name file:line"); one pattern per set of fired rules."""

    def __init__(self, rules: Mapping[str, RuleInfo]) -> None:
        self.rules = rules
        self._patterns: dict[tuple[str, ...], re.Pattern[str]] = {}

    def label(self, location: str) -> str:
        """The rule as the report names it: bold name and ``file:line``, text on hover."""
        info = self.rules.get(location)
        title = f' title="{escape(info.text)}"' if info and info.text else ""
        if info and info.name != location:
            return (
                f'<span class="rule"{title}><b>{escape(info.name)}</b> '
                f"<code>{escape(location)}</code></span>"
            )
        return f'<span class="rule"{title}><code>{escape(location)}</code></span>'

    def annotate(self, reason: str, provenance: tuple[str, ...]) -> str:
        """Escaped ``reason`` with each rule location it cites replaced by the rule's label."""
        text = escape(reason)
        if not provenance:
            return text
        pattern = self._patterns.get(provenance)
        if pattern is None:
            # longest first, and never followed by a digit: "r.rules:2" must not eat ":23"
            alternatives = sorted({escape(p) for p in provenance}, key=len, reverse=True)
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


class NamedItems:
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


def row(
    i: int,
    d: Decision,
    tx: Transaction,
    items: Mapping[str, OpenItem],
    names: RuleNames,
    notes: Sequence[str],
) -> str:
    """One line of the statement as a table row; every user text escaped."""
    level, status = band(d.confidence), d.status.value
    text = escape(tx.label) or "<i>no label</i>"
    if tx.counterparty:
        text += f'<small class="sub">{escape(tx.counterparty)}</small>'
    where = escape(tx.id) + (f" · {escape(tx.account)}" if tx.account else "")
    text += f'<small class="sub">{where}</small>'
    return (
        f'<tr data-i="{i}"><td>{tx.date.isoformat()}</td>'
        f'<td class="num" data-v="{escape(tx.amount)}">'
        f"{escape(tx.amount)} {escape(tx.currency)}</td>"
        f"<td>{text}</td>"
        f'<td><span class="st {escape(status)}">{escape(status)}</span></td>'
        f'<td class="num b-{level}" data-v="{d.confidence}">'
        f'{d.confidence}<small class="sub">{level}</small></td>'
        f"<td>{_settles(d, items, names)}</td><td>{_why(d, items, names, notes)}</td></tr>"
    )


def _item_text(item_id: str, items: Mapping[str, OpenItem]) -> str:
    item = items.get(item_id)
    if item is None or not item.number or item.number == item_id:
        return escape(item_id)
    return f"{escape(item.number)} <small>{escape(item_id)}</small>"


def _settles(d: Decision, items: Mapping[str, OpenItem], names: RuleNames) -> str:
    """What booking the line would make: items and amounts, account, write-off, category."""
    out = [f"<div>{_item_text(a.item_id, items)} {escape(a.amount)}</div>" for a in d.allocations]
    if d.party:
        out.append(f"<div>party {escape(d.party)}</div>")
    if d.transfer_with:
        out.append(f"<div>transfer with {escape(d.transfer_with)}</div>")
    if d.account:
        by = _set_by(names, "account", d.account, d.provenance)
        out.append(f"<div>{escape(d.booking.value)} on account {escape(d.account)}{by}</div>")
    elif d.booking.value in ("fee", "expense"):
        out.append(f"<div>{escape(d.booking.value)}, account to choose</div>")
    if d.writeoff:
        out.append(f"<div>write-off {escape(d.writeoff)}</div>")
    if d.category:
        by = _set_by(names, "category", d.category, d.provenance)
        out.append(f"<div>category {escape(d.category)}{by}</div>")
    if d.tags:
        out.append(f"<div>tags {escape(', '.join(d.tags))}</div>")
    return "".join(out)


def _set_by(names: RuleNames, action: str, value: str, provenance: tuple[str, ...]) -> str:
    """The "set by RULE" note when a fired rule applies ``action value``, else nothing."""
    by = names.setter(action, value, provenance)
    return f'<small class="sub">set by {names.label(by)}</small>' if by else ""


def _why(d: Decision, items: Mapping[str, OpenItem], names: RuleNames, notes: Sequence[str]) -> str:
    """Reasons (rule locations named), currency notes, other rules that fired, alternatives."""
    lines = [f"<li>{names.annotate(r, d.provenance)}</li>" for r in d.reasons]
    lines.extend(f'<li class="warn">{escape(n)}</li>' for n in notes)
    cited = " ".join(d.reasons)
    # a fired rule no reason cites (it set a tag or category, or lost a first-wins race)
    others = [p for p in d.provenance if not re.search(re.escape(p) + r"(?!\d)", cited)]
    if others:
        label = "also fired" if len(others) < len(d.provenance) else "rules that fired"
        fired = ", ".join(names.label(p) for p in others)
        lines.append(f'<li class="rules">{label}: {fired}</li>')
    for c in d.alternatives:
        settles = ", ".join(
            f"{_item_text(a.item_id, items)} {escape(a.amount)}" for a in c.allocations
        )
        lines.append(f'<li class="alt">alternative: {settles} ({c.confidence})</li>')
    return f"<ul>{''.join(lines)}</ul>" if lines else ""
