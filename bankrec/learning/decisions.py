"""Validated decisions: what a person confirmed or refused, read from a file.

Two shapes are accepted, detected by content (a JSON object, else CSV):

* a CSV ``transaction_id,items,decision[,party][,date]`` -- ``items`` are ``;``-separated
  open item ids, ``decision`` is ``accept`` or ``reject``, ``party`` (optional) names the
  party when it is not the items' partner, ``date`` (optional, YYYY-MM-DD) is when the
  person decided (the transaction date is used otherwise);
* the ``bankrec match --json`` output after a person edited it (see
  :mod:`bankrec.results.match_json`).

A file with any bad row is refused whole: nothing is learned from half a file.
"""

from __future__ import annotations

from pathlib import Path

from bankrec.csvfields import read_rows
from bankrec.errors import InputError, Location
from bankrec.results.match_json import read_match_json_decisions
from bankrec.results.verdicts import DECISION_WORDS, ValidatedDecision

__all__ = ["DECISION_WORDS", "ValidatedDecision", "read_decisions", "read_decisions_csv"]


def read_decisions(path: Path, original: Path | None = None) -> list[ValidatedDecision]:
    """Read validated decisions from a CSV or an edited ``bankrec match --json`` file.

    ``original`` is the unedited match JSON; with it, lines whose ``matches`` a person
    changed count as validated even without a ``"validated": true`` flag.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", Location(str(path))) from None
    if head.startswith(b"{"):
        return read_match_json_decisions(path, original)
    if original is not None:
        raise InputError(
            "an original match JSON only makes sense with a JSON decisions file",
            Location(str(path), 1),
            "the edited `bankrec match --json` output",
        )
    return read_decisions_csv(path)


def read_decisions_csv(path: Path) -> list[ValidatedDecision]:
    """Read the decisions CSV; refuse the whole file on the first bad row."""
    decisions: list[ValidatedDecision] = []
    seen: dict[str, tuple[bool, int]] = {}
    for row in read_rows(path, ("transaction_id", "items", "decision")):
        where = Location(row.file, row.line)
        tx_id = row.required("transaction_id")
        word = row.text("decision").lower()
        if word not in DECISION_WORDS:
            raise InputError(
                f"decision {row.text('decision')!r} is unknown",
                where,
                "accept or reject",
            )
        items = tuple(dict.fromkeys(i.strip() for i in row.text("items").split(";") if i.strip()))
        party = row.text("party")
        if not items and not party:
            raise InputError(
                "the decision names neither items nor a party",
                where,
                "open item ids separated by ';' in column items, or a party",
            )
        decision = ValidatedDecision(
            transaction_id=tx_id,
            items=items,
            accepted=DECISION_WORDS[word],
            party=party,
            date=row.date("date", optional=True),
            source=where,
        )
        earlier = seen.get(decision.record_id)
        if earlier is not None:
            if earlier[0] != decision.accepted:
                raise InputError(
                    f"transaction {tx_id!r} with the same items is both accepted and rejected "
                    f"(see line {earlier[1]})",
                    where,
                    "one verdict per transaction and items",
                )
            continue
        seen[decision.record_id] = (decision.accepted, row.line)
        decisions.append(decision)
    return decisions
