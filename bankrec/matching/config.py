"""Matcher settings: score weights, thresholds and search bounds, loadable from YAML.

Finance users tune a matcher by its weights ("a partner match counts for half") and its
auto-reconcile threshold, so those live in one frozen object with defaults that follow
common practice; ``MatchConfig.from_yaml`` refuses unknown keys and wrong types with the
file and key named, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from bankrec.errors import InputError, Location
from bankrec.matching.normalize import fold
from bankrec.matching.wording import DEPOSIT_WORDS, FEE_WORDS, INSTALMENT_WORDS, ORDER_WORDS


@dataclass(frozen=True, slots=True)
class Weights:
    """Points each piece of evidence adds to a candidate's confidence (clamped 0..100)."""

    partner: int = 50  # the item's partner was recognised in the transaction
    amount: int = 30  # the amount settles the residual exactly (within amount_tolerance)
    invoice: int = 15  # the item's number appears in the label / reference
    date: int = 5  # paid between the document date and due date + date_window_days
    reference: int = 60  # a validated structured reference (QR / RF / +++…+++) equals the item's
    unique: int = 5  # the only open item of that partner with that amount
    other_document: int = 10  # taken off when the line names a different document
    # the number as written belongs to this one open item only and the amount settles it
    # exactly (or with the fee the line states): near-certain even without a partner
    unique_number: int = 45
    deposit: int = 25  # taken off when the line speaks of a deposit / advance / prepayment


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Everything the matcher can be tuned with; the defaults are the documented behaviour."""

    weights: Weights = field(default_factory=Weights)
    auto_threshold: int = 90  # confidence from which a line is reconciled without a person
    suggest_threshold: int = 50  # below this a line stays unmatched
    tie_margin: int = 5  # a runner-up this close to the best makes the line a suggestion
    amount_tolerance: Decimal = Decimal("0.01")  # "exact amount" means within this
    writeoff_max: Decimal = Decimal("50")  # largest difference offered as a write-off
    writeoff_ratio: Decimal = Decimal("0.02")  # ... and at most this share of the residual
    # A write-off up to this amount (and writeoff_ratio of the residual) is booked without a
    # person when it is all that kept a sure match from being automatic; 0 = never. Set it
    # only where a write-off account exists (the Odoo connector does, from --max-writeoff).
    auto_writeoff_max: Decimal = Decimal("0")
    date_window_days: int = 60  # paid up to this many days after the due date is "on time"
    partner_min_similarity: int = 75  # below this a name is not the partner at all
    partner_full_similarity: int = 90  # from this similarity the partner gets full points
    partner_cited_similarity: int = 85  # ... or from this one for a document the line names
    truncation_lengths: tuple[int, ...] = (35, 70)  # banks cut names at these lengths
    max_amount_candidates: int = 30  # an amount shared by more items says nothing
    max_partner_items: int = 200  # partner-only candidates considered per partner
    subset_max_items: int = 16  # open items of one partner a subset-sum looks at
    subset_max_size: int = 4  # at most this many invoices paid by one transaction
    subset_max_steps: int = 5000  # search budget per transaction (bounded time)
    transfer_days: int = 4  # the two sides of an internal transfer are this close in time
    rule_booking_confidence: int = 95  # confidence of an expense / fee a rule books
    own_accounts: tuple[str, ...] = ()  # our own accounts (IBANs), for internal transfers
    # Words of bank lines, matched as whole words with case and accents ignored; a YAML
    # list replaces the default whole (bankrec.matching.wording explains each list).
    fee_words: tuple[str, ...] = FEE_WORDS  # "<word> 5,66": the fee deducted, stated
    deposit_words: tuple[str, ...] = DEPOSIT_WORDS  # money on account: never booked alone
    instalment_words: tuple[str, ...] = INSTALMENT_WORDS  # "Rate", "échéance" (or n/m)
    order_words: tuple[str, ...] = ORDER_WORDS  # a deposit naming an order stays a deposit

    @classmethod
    def from_yaml(cls, path: str | os.PathLike[str]) -> MatchConfig:
        """Read a ``match.yaml``; unknown keys and wrong types fail with file and key."""
        file = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read config: {exc.strerror}", Location(file)) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            column = mark.column + 1 if mark is not None else None
            raise InputError(
                f"not valid YAML: {getattr(exc, 'problem', exc)}", Location(file, line, column)
            ) from None
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise InputError("the config must be a mapping of keys", Location(file), "key: value")
        return cls.from_mapping(data, file)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], source: str = "<config>") -> MatchConfig:
        """Build a config from plain data (the parsed YAML), checking every key and type."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, raw in data.items():
            if key not in known:
                raise InputError(
                    f"unknown key {key!r}",
                    Location(source, path=str(key)),
                    ", ".join(sorted(known)),
                )
            if key == "weights":
                values[key] = _weights(raw, source)
            else:
                values[key] = _convert(getattr(cls(), key), raw, source, key)
        return cls(**values)


def _weights(raw: object, source: str) -> Weights:
    if not isinstance(raw, dict):
        raise InputError(
            "weights must be a mapping", Location(source, path="weights"), "name: points"
        )
    names = {f.name for f in dataclasses.fields(Weights)}
    values: dict[str, int] = {}
    for key, value in raw.items():
        if key not in names:
            raise InputError(
                f"unknown weight {key!r}",
                Location(source, path=f"weights.{key}"),
                ", ".join(sorted(names)),
            )
        values[key] = _convert(0, value, source, f"weights.{key}")
    return Weights(**values)


def _convert(default: object, raw: object, source: str, key: str) -> Any:
    """Coerce ``raw`` to the type of ``default`` or fail naming the key."""
    where = Location(source, path=key)
    if isinstance(default, bool) or isinstance(raw, bool):
        raise InputError(f"{key} has a wrong type", where, type(default).__name__)
    if isinstance(default, int):
        if not isinstance(raw, int):
            raise InputError(f"{key} must be a whole number, got {raw!r}", where, "an integer")
        if raw < 0:
            raise InputError(f"{key} must not be negative", where, "0 or more")
        return raw
    if isinstance(default, Decimal):
        if not isinstance(raw, int | float | str):
            raise InputError(f"{key} must be a number, got {raw!r}", where, "a decimal number")
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise InputError(f"{key} must be a number, got {raw!r}", where, "a decimal") from None
        if not value.is_finite() or value < 0:
            raise InputError(f"{key} must be a positive number", where, "0 or more")
        return value
    if isinstance(default, tuple):
        if not isinstance(raw, list):
            raise InputError(f"{key} must be a list, got {raw!r}", where, "a YAML list")
        kind = int if key == "truncation_lengths" else str
        if not all(isinstance(v, kind) and not isinstance(v, bool) for v in raw):
            raise InputError(
                f"{key} has an item of the wrong type", where, f"{kind.__name__} items"
            )
        if kind is str and key.endswith("_words"):  # words: folded, single spaces kept
            return tuple(" ".join(fold(v).split()) for v in raw if v.strip())
        if kind is str:
            return tuple(v.replace(" ", "").upper() for v in raw)
        return tuple(raw)
    raise InputError(f"{key} cannot be set", where)  # pragma: no cover - every field typed above
