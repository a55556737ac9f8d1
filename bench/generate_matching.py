"""Generate seeded, hard matching data with ground truth.

``python -m bench.generate_matching --seed 1 --transactions 5000 --items 7500 --out DIR``
writes ``statement.csv`` and ``open_items.csv`` in bankrec's canonical formats,
``truth.json`` (what every line really is), ``rules.rules`` (rules for the fee and expense
lines) and ``known_ibans.json`` (IBAN → partner, as learned from earlier validated matches).

The same seed always gives byte-identical files, so a matcher change can be judged on
exactly the data the previous version saw.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bankrec.model import OpenItem, Transaction
from bankrec.open_items import read_open_items_csv
from bankrec.statements.canonical import read_statement_csv, write_statement_csv
from bench.matchgen import truth as T
from bench.matchgen.cases import ALL_CASES, CATALOGUE, CaseMaker, ItemDraft, TxDraft
from bench.matchgen.cases.documents import exact_number

ITEM_COLUMNS = (
    "id",
    "kind",
    "number",
    "partner",
    "date",
    "due_date",
    "amount",
    "residual",
    "currency",
    "reference",
    "partner_iban",
)

RULES_TEXT = """\
# Rules shipped with data made by bench.generate_matching.
# Bank fees are booked from the bank feed; nobody needs to match them.
label contains 'FRAIS' and amount < 0 => ignore
label contains 'COMMISSION' and amount < 0 => ignore
label contains 'GEBUHR' and amount < 0 => ignore
label contains 'SPESEN' and amount < 0 => ignore
label contains 'BANK CHARGE' and amount < 0 => ignore
label contains 'ACCOUNT FEE' and amount < 0 => ignore
# Recurring expenses are booked straight on an expense account.
label contains 'ELECTRICITE DE FRANCE' and amount < 0 => party EDF, account 606100, kind expense
label contains 'STATION' and amount < 0 => account 606140, kind expense
label contains 'TELEKOM' and amount < 0 => party 'Deutsche Telekom', account 626000, kind expense
label contains 'PROXIMUS' and amount < 0 => party Proximus, account 626000, kind expense
label contains 'SWISSCOM' and amount < 0 => party Swisscom, account 626000, kind expense
label contains 'HMRC' and amount < 0 => party HMRC, account 445000, kind expense
label contains 'BRITISH TELECOM' and amount < 0 => party BT, account 626000, kind expense
"""


@dataclass(slots=True)
class Dataset:
    """Generated (or loaded) data: what the matcher gets, and the truth to judge it by."""

    transactions: list[Transaction]
    items: list[OpenItem]
    truth: dict[str, T.TruthLine]
    rules_text: str = RULES_TEXT
    known_ibans: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    own_accounts: tuple[str, ...] = ()  # ``CODE=IBAN`` of our accounts, for MatchConfig


PROFILES = ("standard", "zoo")
# The fixed second evaluation set ("holdout"): chosen before any tuning on the zoo cases and
# never changed since. It is scored at the end of each change, never tuned on; see
# docs/evaluation.md. Changing these numbers invalidates every figure measured with them.
HOLDOUT_SEED = 20260611
HOLDOUT_TRANSACTIONS = 5000
HOLDOUT_PROFILE = "zoo"


def generate(
    seed: int, transactions: int, items: int | None = None, profile: str = "standard"
) -> Dataset:
    """Make ``transactions`` bank lines and at least ``items`` open items (default 1.5×).

    Cases are drawn by weight (see :data:`bench.matchgen.cases.CATALOGUE`) until the line
    count is reached; the open items the cases need come first, then unpaid "filler" items
    of the same partners fill up to ``items``. ``profile="zoo"`` adds the wording-zoo cases
    (:mod:`bench.matchgen.cases.zoo`) and names our accounts by journal code on the lines,
    their IBANs given to the matcher as ``own_accounts`` (``CODE=IBAN``).
    """
    if transactions < 1:
        raise ValueError("transactions must be at least 1")
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: {', '.join(PROFILES)}")
    catalogue = CATALOGUE if profile == "standard" else ALL_CASES
    target_items = items if items is not None else transactions * 3 // 2
    rng = random.Random(seed)
    maker = CaseMaker(rng, partner_count=max(60, transactions // 12))
    names = list(catalogue)
    weights = [catalogue[n][1] for n in names]
    drafts: list[TxDraft] = []
    # Every case at least once when there is room, so small sets still cover the catalogue.
    queue = names[:] if transactions >= 2 * len(names) else []
    while len(drafts) < transactions:
        name = queue.pop(0) if queue else rng.choices(names, weights=weights)[0]
        made = catalogue[name][0](maker)
        if len(drafts) + len(made) > transactions:
            made = exact_number(maker) if transactions - len(drafts) >= 1 else []
        drafts.extend(made)
    while len(maker.items) < target_items:
        maker.filler()
    return _finish(rng, maker, drafts, seed, coded=profile == "zoo")


def _finish(
    rng: random.Random, maker: CaseMaker, drafts: list[TxDraft], seed: int, coded: bool = False
) -> Dataset:
    """Shuffle, assign ids, and turn drafts into model objects and truth lines."""
    drafts.sort(key=lambda d: (d.date, d.order))
    for n, draft in enumerate(drafts, 1):
        draft.id = f"T{n:07d}"
    item_drafts: list[ItemDraft] = maker.items[:]
    rng.shuffle(item_drafts)
    for n, item in enumerate(item_drafts, 1):
        item.id = f"I{n:07d}"
    transactions = [
        Transaction(
            id=d.id,
            date=d.date,
            amount=d.amount,
            currency=d.account.currency,
            label=d.label,
            counterparty=d.counterparty,
            iban=d.iban,
            reference=d.reference,
            account=d.account.code if coded else d.account.iban,
        )
        for d in drafts
    ]
    open_items = [
        OpenItem(
            id=i.id,
            kind=i.kind,
            number=i.number,
            partner=i.partner.name,
            date=i.date,
            due_date=i.due_date,
            amount=i.amount,
            residual=i.residual,
            currency=i.currency,
            reference=i.reference,
            partner_ibans=(i.partner.iban,) if i.partner.iban_known else (),
        )
        for i in item_drafts
    ]
    truth = {d.id: _truth_line(d) for d in drafts}
    known = {i.partner.iban: i.partner.name for i in item_drafts if i.partner.iban_known}
    meta = {
        "generator": "bench.generate_matching",
        "seed": seed,
        "transactions": len(transactions),
        "items": len(open_items),
        "accounts": [a.iban for a in maker.all_accounts()],
    }
    own = tuple(f"{a.code}={a.iban}" for a in maker.all_accounts()) if coded else ()
    if own:
        meta["own_accounts"] = list(own)
    return Dataset(
        transactions, open_items, truth, RULES_TEXT, dict(sorted(known.items())), meta, own
    )


def _truth_line(d: TxDraft) -> T.TruthLine:
    expected = T.sorted_allocations([(item.id, amount) for item, amount in d.expected])
    options = d.alternatives or [d.expected]
    acceptable = tuple(T.sorted_allocations([(i.id, a) for i, a in alt]) for alt in options)
    return T.TruthLine(
        case=d.case,
        status_class=d.status_class,
        expected=expected,
        acceptable=acceptable if expected else (),
        unambiguous=d.unambiguous,
        writeoff=d.writeoff,
        transfer_with=d.transfer_with.id if d.transfer_with else "",
        account=d.book_account,
        currency=d.account.currency,
        amount=d.amount,
    )


def write_dataset(data: Dataset, out: Path) -> None:
    """Write the five files of a data set into ``out`` (created if missing)."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "statement.csv").open("w", encoding="utf-8", newline="") as fh:
        write_statement_csv(data.transactions, fh)
    with (out / "open_items.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(ITEM_COLUMNS)
        for item in data.items:
            writer.writerow(
                [
                    item.id,
                    item.kind.value,
                    item.number,
                    item.partner,
                    item.date.isoformat(),
                    item.due_date.isoformat() if item.due_date else "",
                    str(item.amount),
                    str(item.residual),
                    item.currency,
                    item.reference,
                    ";".join(item.partner_ibans),
                ]
            )
    T.write_truth(out / "truth.json", data.truth, data.meta)
    (out / "rules.rules").write_text(data.rules_text, encoding="utf-8")
    with (out / "known_ibans.json").open("w", encoding="utf-8") as fh:
        json.dump(data.known_ibans, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")


def load_dataset(directory: Path) -> Dataset:
    """Read a data set written by :func:`write_dataset` through bankrec's own readers."""
    transactions = read_statement_csv(directory / "statement.csv")
    items = read_open_items_csv(directory / "open_items.csv")
    truth = T.read_truth(directory / "truth.json")
    rules_path = directory / "rules.rules"
    rules_text = rules_path.read_text(encoding="utf-8") if rules_path.exists() else ""
    ibans_path = directory / "known_ibans.json"
    known = json.loads(ibans_path.read_text(encoding="utf-8")) if ibans_path.exists() else {}
    own = tuple(json.loads((directory / "truth.json").read_text("utf-8")).get("own_accounts", ()))
    missing = [t.id for t in transactions if t.id not in truth]
    if missing:
        raise ValueError(f"{directory / 'truth.json'}: no truth for transaction {missing[0]}")
    return Dataset(transactions, items, truth, rules_text, known, {"source": str(directory)}, own)


def add_size_arguments(parser: argparse.ArgumentParser) -> None:
    """``--seed``, ``--transactions`` and ``--items``: what to generate, for every bench CLI."""
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile", choices=PROFILES, default="standard",
        help="standard cases, or with the wording zoo (loose numbers, stated fees, ...)",
    )  # fmt: skip
    parser.add_argument("--transactions", type=int, default=5000)
    parser.add_argument(
        "--items", type=int, default=None,
        help="open items, default 1.5 × transactions (more when the cases need more)",
    )  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate_matching", description=__doc__.splitlines()[0]
    )
    add_size_arguments(parser)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    data = generate(args.seed, args.transactions, args.items, args.profile)
    write_dataset(data, args.out)
    counts: dict[str, int] = {}
    for line in data.truth.values():
        counts[line.case] = counts.get(line.case, 0) + 1
    print(
        f"wrote {len(data.transactions)} transactions, {len(data.items)} open items to {args.out}"
    )
    for case in CATALOGUE:
        print(f"  {case:<24} {counts.get(case, 0):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
