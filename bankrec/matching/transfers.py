"""Internal transfers: money moved between two of our own accounts shows twice.

Both sides must be recognised as one transfer, not matched against customer invoices:
an outgoing line on one of our accounts and an incoming line of the same amount and
currency on another of our accounts, a few days apart. Amount alone is not enough evidence
(a customer may pay 500 the day a supplier is paid 500), so a pair also needs the other
side's account named on the line, or transfer wording, or a rule saying ``kind transfer``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bankrec.matching.amounts import minor as to_minor
from bankrec.matching.normalize import fold, normalize_iban
from bankrec.model import Transaction

TRANSFER_WORDS = (
    "VIREMENT INTERNE", "VIR INTERNE", "TRANSFERT", "COMPTE A COMPTE", "VIREMENT DE COMPTE",
    "UMBUCHUNG", "UBERTRAG", "UEBERTRAG", "KONTOUBERTRAG", "INTERNAL TRANSFER",
    "OWN ACCOUNT", "INTERNE OVERSCHRIJVING", "TRANSFER BETWEEN",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TransferPair:
    """Two transactions (positions) that are the two sides of one internal transfer."""

    out_side: int
    in_side: int
    confidence: int
    reasons: tuple[str, ...]


def _worded(tx: Transaction) -> bool:
    text = fold(f"{tx.label} {tx.reference} {tx.counterparty}")
    return any(word in text for word in TRANSFER_WORDS)


def pair_transfers(
    transactions: Sequence[Transaction],
    candidates: Sequence[int],
    *,
    days: int,
    own_accounts: Sequence[str] = (),
    rule_transfer: frozenset[int] = frozenset(),
) -> list[TransferPair]:
    """Pair opposite amounts on different own accounts within ``days``; deterministic.

    ``candidates`` are the positions still open to matching; ``rule_transfer`` are
    positions a rule marked ``kind transfer``.
    """
    own = {normalize_iban(a) for a in own_accounts}
    own.update(
        normalize_iban(transactions[i].account) for i in candidates if transactions[i].account
    )
    incoming: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i in candidates:
        tx = transactions[i]
        if tx.amount > 0 and tx.account:
            incoming[(tx.currency, to_minor(tx.amount, tx.currency))].append(i)
    used: set[int] = set()
    pairs: list[TransferPair] = []
    for i in candidates:
        out = transactions[i]
        if out.amount >= 0 or not out.account or i in used:
            continue
        options: list[tuple[int, int, int, list[str]]] = []
        for j in incoming.get((out.currency, to_minor(-out.amount, out.currency)), ()):
            inc = transactions[j]
            if j in used or normalize_iban(inc.account) == normalize_iban(out.account):
                continue
            gap = abs((inc.date - out.date).days)
            if gap > days:
                continue
            reasons: list[str] = []
            score = 0
            if normalize_iban(out.iban) == normalize_iban(inc.account) or normalize_iban(
                inc.iban
            ) == normalize_iban(out.account):
                score = 100
                reasons.append("the counterparty account of one side is our other account")
            elif i in rule_transfer and j in rule_transfer:
                score = 95
                reasons.append("a rule marks both sides as a transfer")
            elif (_worded(out) or i in rule_transfer) and (_worded(inc) or j in rule_transfer):
                score = 85
                reasons.append("both lines are worded as an internal transfer")
            elif normalize_iban(out.iban) in own and normalize_iban(inc.iban) in own:
                score = 90
                reasons.append("both counterparties are our own accounts")
            if not score:
                continue
            options.append((-score, gap, j, reasons))
        if not options:
            continue
        options.sort()
        neg, gap, j, reasons = options[0]
        reasons.append(
            f"{transactions[i].account} -> {transactions[j].account}: "
            f"{-out.amount} {out.currency}, {gap} day(s) apart"
        )
        score = -neg
        if len(options) > 1 and options[1][0] == neg and options[1][1] == gap:
            score = min(score, 80)
            reasons.append(f"another line ({transactions[options[1][2]].id}) fits equally well")
        used.update((i, j))
        pairs.append(TransferPair(i, j, score, tuple(reasons)))
    return pairs
