"""Turning validated decisions into learned rules: the pure core of ``bankrec learn``.

Plain data in (decisions, transactions, open items, the current rules text and state,
``today``), plain data out (the new rules text, the new state, what changed). No file is
touched here and no clock is read, so the Odoo add-on can call it in-process and tests
can replay any history. :mod:`bankrec.learning.files` does the reading and writing.

What is rewritten in an existing rules file, exactly:

* the ``# learned:`` line above each ``# learned-key:`` marker whose key got new verdicts;
* the number of the ``confidence±N`` action of that rule, if the rule is live and still
  has one;
* a live rule whose rejections now outnumber its validations is commented out (``# ``
  prefixed) -- dropped;
* new rules are appended at the end (with the header when the file is new).

Nothing else changes: not the condition, not the party a person typed, not other actions,
not comments or hand-written rules, not rules whose keys got no new verdicts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bankrec.errors import InputError
from bankrec.learning.confidence import learned_confidence, should_drop
from bankrec.learning.decisions import ValidatedDecision
from bankrec.learning.keys import (
    KeyKind,
    LearnKey,
    derive_key,
    legacy_name_key,
    party_norm,
    same_party,
    why_no_key,
)
from bankrec.learning.ruletext import render_rule, with_confidence
from bankrec.learning.state import KeyState, LearnState, Verdict
from bankrec.learning.store import HEADER, Block, Counts, LearnedFile, parse_learned_file
from bankrec.model import OpenItem, Transaction


class ChangeKind(StrEnum):
    """What ``bankrec learn`` did with one key (or one decision it could not use)."""

    CREATED = "created"  # a new rule was written
    UPDATED = "updated"  # counts and confidence of an existing rule were rewritten
    UNCHANGED = "unchanged"  # the verdicts were already counted
    DROPPED = "dropped"  # more rejections than validations: the rule was commented out
    DELETED = "deleted"  # a person deleted the rule: tombstone, never re-created
    DISABLED = "disabled"  # the rule is commented out: counts kept, rule left off
    PENDING = "pending"  # evidence recorded, not (yet) enough for a rule
    SKIPPED = "skipped"  # a decision teaches nothing (no stable key, no single party)


@dataclass(frozen=True, slots=True)
class Change:
    """One line of the ``bankrec learn`` report."""

    kind: ChangeKind
    key: str  # ``iban:…`` / ``name:…``, or the transaction id for a skipped decision
    party: str = ""
    counts: Counts = field(default_factory=Counts)
    confidence: int | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class LearnResult:
    """The new rules text and state, and what changed (in key order)."""

    text: str
    state: LearnState
    changes: tuple[Change, ...]

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for c in self.changes if c.kind is kind)


@dataclass(frozen=True, slots=True)
class _Observation:
    key: LearnKey
    record_id: str
    verdict: Verdict
    legacy: LearnKey | None = None  # the key before legal forms were kept, if different


def _party_of(decision: ValidatedDecision, items: dict[str, OpenItem]) -> tuple[str | None, str]:
    """The party a decision is about, or None with the reason it has no single one."""
    if decision.party:
        return decision.party, ""
    partners: dict[str, str] = {}
    for item_id in decision.items:
        partner = items[item_id].partner.strip()
        if partner:
            partners.setdefault(party_norm(partner), partner)
    if len(partners) == 1:
        return next(iter(partners.values())), ""
    if not partners:
        return None, "its items have no partner"
    return None, "its items belong to several partners: " + ", ".join(sorted(partners.values()))


def _observe(
    decisions: Iterable[ValidatedDecision],
    transactions: Sequence[Transaction],
    items: Sequence[OpenItem],
    today: dt.date,
) -> tuple[list[_Observation], list[Change]]:
    """Check every decision against the statement and items; refuse the file on the first
    decision that does not fit, and list those that fit but teach nothing."""
    tx_by_id = {t.id: t for t in transactions}
    item_by_id = {i.id: i for i in items}
    observations: list[_Observation] = []
    skipped: list[Change] = []
    for decision in decisions:
        tx = tx_by_id.get(decision.transaction_id)
        if tx is None:
            raise InputError(
                f"transaction {decision.transaction_id!r} is not in the statement",
                decision.source,
                "an id of the statement file",
            )
        for item_id in decision.items:
            if item_id not in item_by_id:
                raise InputError(
                    f"open item {item_id!r} is not in the open items file",
                    decision.source,
                    "ids of the open items file",
                )
        day = decision.date or tx.date
        if day > today:
            raise InputError(
                f"decision date {day.isoformat()} is after today ({today.isoformat()})",
                decision.source,
                "a date not in the future",
            )
        key = derive_key(tx)
        if key is None:
            skipped.append(Change(ChangeKind.SKIPPED, tx.id, detail=why_no_key(tx)))
            continue
        party, why = _party_of(decision, item_by_id)
        if party is None:
            skipped.append(Change(ChangeKind.SKIPPED, tx.id, detail=why))
            continue
        verdict = Verdict(decision.accepted, party, day)
        legacy = legacy_name_key(tx.counterparty) if key.kind is KeyKind.NAME else None
        legacy = legacy if legacy is not None and legacy != key else None
        observations.append(_Observation(key, decision.record_id, verdict, legacy))
    return observations, skipped


def tally(
    key_state: KeyState, parties: Sequence[str], verdicts: Iterable[Verdict] | None = None
) -> Counts:
    """A rule's track record for the party it sets (a person may have renamed it).

    A verdict for the rule's party counts as a validation or a rejection; an accepted
    settlement with *another* party for the same key is a rejection too (the rule would
    have named the wrong party). Rejections of other parties' settlements say nothing
    about this rule and are not counted. ``verdicts`` replaces the key's own (to tally an
    earlier point in time).
    """
    validations = key_state.carried.validations
    rejections = key_state.carried.rejections
    last = key_state.carried.last
    for verdict in key_state.decisions.values() if verdicts is None else verdicts:
        mine = any(same_party(verdict.party, p) for p in parties)
        if verdict.accepted and mine:
            validations += 1
        elif verdict.accepted or mine:
            rejections += 1
        else:
            continue
        last = verdict.date if last is None else max(last, verdict.date)
    return Counts(validations, rejections, last)


def _choose_party(key_state: KeyState) -> str | None:
    """The party most often validated for a key (latest, then alphabetical, on a tie)."""
    best: dict[str, tuple[int, dt.date, str]] = {}
    for verdict in key_state.decisions.values():
        if not verdict.accepted:
            continue
        norm = party_norm(verdict.party)
        n, day, name = best.get(norm, (0, dt.date.min, verdict.party))
        if verdict.date >= day:
            day, name = verdict.date, verdict.party
        best[norm] = (n + 1, day, name)
    if not best:
        return None
    return max(best.values(), key=lambda t: (t[0], t[1], t[2]))[2]


def learn(
    decisions: Iterable[ValidatedDecision],
    transactions: Sequence[Transaction],
    items: Sequence[OpenItem],
    *,
    today: dt.date,
    rules_text: str = "",
    state: LearnState | None = None,
    rules_source: str = "learned.rules",
    min_validations: int = 1,
) -> LearnResult:
    """Learn from validated decisions; return the new rules text, state and report.

    ``rules_text``/``state`` are the current learned rules file and its sidecar state
    (empty for a first run). A key needs ``min_validations`` validations, and more
    validations than rejections, before a rule is written for it.
    """
    observations, skipped = _observe(decisions, transactions, items, today)
    new_state = state.copy() if state is not None else LearnState()
    new_state.updated = today
    learned = parse_learned_file(rules_text, rules_source)
    blocks = learned.blocks
    for name, block in blocks.items():  # rules without state: adopt their stated counts
        if name not in new_state.keys:
            new_state.keys[name] = KeyState(
                party=block.party or "", written=True, carried=Counts.parse(block.stats or "")
            )

    touched: dict[str, LearnKey] = {}
    before: dict[str, list[Verdict]] = {}
    for obs in observations:
        key = _kept_key(obs, new_state)
        name = str(key)
        key_state = new_state.keys.setdefault(name, KeyState())
        before.setdefault(name, list(key_state.decisions.values()))
        key_state.decisions[obs.record_id] = obs.verdict
        touched[name] = key

    changes = list(skipped)
    for name in sorted(touched):
        changes.append(
            _apply(touched[name], new_state.keys[name], blocks.get(name), before[name],
                   learned, min_validations)
        )  # fmt: skip
    rewritten = {ChangeKind.CREATED, ChangeKind.UPDATED, ChangeKind.DROPPED, ChangeKind.DISABLED}
    if rules_text.strip() and not any(c.kind in rewritten for c in changes):
        text = rules_text  # nothing to rewrite: not even line ends or a final newline
    else:
        text = learned.render("\r\n" if "\r\n" in rules_text else "\n")
        if not text.strip():
            text = HEADER
        elif not rules_text.strip() and any(c.kind is ChangeKind.CREATED for c in changes):
            text = HEADER + "\n" + text
    return LearnResult(text, new_state, tuple(changes))


def _kept_key(obs: _Observation, state: LearnState) -> LearnKey:
    """The key an observation is counted on: its own, or -- when only a rule learned
    before legal forms were kept exists for the payer (``name:ACME`` for ``ACME PLC``) --
    that older key, so an existing rule keeps its track record instead of getting a twin."""
    if obs.legacy is None or str(obs.key) in state.keys:
        return obs.key
    return obs.legacy if str(obs.legacy) in state.keys else obs.key


def _apply(
    key: LearnKey,
    key_state: KeyState,
    block: Block | None,
    before: list[Verdict],
    learned: LearnedFile,
    min_validations: int,
) -> Change:
    """Bring one key's rule in line with its verdicts; say what was done."""
    name = str(key)
    if block is None and key_state.written:
        counts = tally(key_state, [key_state.party])
        return Change(ChangeKind.DELETED, name, key_state.party, counts, None,
                      "rule deleted by a person; not re-created")  # fmt: skip
    if block is not None:
        parties = [p for p in (block.party, key_state.party) if p]
        counts = tally(key_state, parties)
        delta = learned_confidence(key.kind, counts.validations, counts.rejections)
        party = block.party or key_state.party or ""
        if not block.active or block.rule is None:
            block.stats = counts.comment(dropped=should_drop(counts.validations, counts.rejections))
            return Change(ChangeKind.DISABLED, name, party, counts, None,
                          "rule is commented out; left off")  # fmt: skip
        was = tally(KeyState(key_state.party, True, key_state.carried, {}), parties, before)
        if should_drop(counts.validations, counts.rejections) and not should_drop(
            was.validations, was.rejections
        ):
            block.rule = "# " + with_confidence(block.rule, delta)
            block.stats = counts.comment(dropped=True)
            return Change(ChangeKind.DROPPED, name, party, counts, delta,
                          "more rejections than validations; rule commented out")  # fmt: skip
        new_rule, new_stats = with_confidence(block.rule, delta), counts.comment()
        kind = ChangeKind.UPDATED
        if (new_rule, new_stats) == (block.rule, block.stats):
            kind = ChangeKind.UNCHANGED
        block.rule, block.stats = new_rule, new_stats
        return Change(kind, name, party, counts, delta)
    chosen = _choose_party(key_state)
    if chosen is None:
        refused = [v for v in key_state.decisions.values() if not v.accepted]
        counts = Counts(0, len(refused), max((v.date for v in refused), default=None))
        return Change(ChangeKind.PENDING, name, "", counts, None, "only rejections so far")
    counts = tally(key_state, [chosen])
    if counts.validations < min_validations or counts.validations <= counts.rejections:
        return Change(ChangeKind.PENDING, name, chosen, counts, None,
                      "not enough validations for a rule")  # fmt: skip
    delta = learned_confidence(key.kind, counts.validations, counts.rejections)
    learned.append(
        Block(key, f"# learned-key: {name}", counts.comment(), render_rule(key, chosen, delta))
    )
    key_state.written = True
    key_state.party = chosen
    return Change(ChangeKind.CREATED, name, chosen, counts, delta)
