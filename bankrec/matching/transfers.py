"""Internal transfers: money moved between two of our own accounts shows twice.

Both sides must be recognised as one transfer, not matched against customer invoices:
an outgoing line on one of our accounts and an incoming line of the same amount and
currency on another of our accounts, a few days apart. Amount alone is not enough evidence
(a customer may pay 500 the day a supplier is paid 500), so a pair also needs the other
side's account named on the line, or transfer wording, or a rule saying ``kind transfer``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bankrec.matching.amounts import minor as to_minor
from bankrec.matching.normalize import fold, label_words, normalize_iban
from bankrec.model import Transaction

TRANSFER_WORDS = (
    "VIREMENT INTERNE", "VIR INTERNE", "TRANSFERT", "COMPTE A COMPTE", "VIREMENT DE COMPTE",
    "UMBUCHUNG", "UBERTRAG", "UEBERTRAG", "KONTOUBERTRAG", "INTERNAL TRANSFER",
    "OWN ACCOUNT", "INTERNE OVERSCHRIJVING", "TRANSFER BETWEEN", "INTERNE OVERBOEKING",
    "EIGEN REKENING", "GIROCONTO", "GIRO CONTO", "GIROFONDI", "TRASPASO", "TRANSFERENCIA INTERNA",
    "EIGENUBERTRAG", "EIGENUEBERTRAG", "SWEEP", "CASH POOLING", "CASH CONCENTRATION",
)  # fmt: skip


def account_aliases(own_accounts: Sequence[str]) -> dict[str, str]:
    """``CODE=IBAN`` entries of ``own_accounts`` as code -> IBAN (both normalised).

    Our own lines name their account the way the ERP does (a journal code such as
    ``BNK1``); the other side's line names it by IBAN. With the pairs configured, both
    compare equal. Plain entries (a code or an IBAN alone) map to nothing.
    """
    aliases: dict[str, str] = {}
    for entry in own_accounts:
        code, sep, iban = entry.partition("=")
        if sep and code.strip() and iban.strip():
            aliases[normalize_iban(code)] = normalize_iban(iban)
    return aliases


@dataclass(frozen=True, slots=True)
class TransferPair:
    """Two transactions (positions) that are the two sides of one internal transfer."""

    out_side: int
    in_side: int
    confidence: int
    reasons: tuple[str, ...]
    ambiguous: bool = False  # another pairing fits as well: a person must choose


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
    positions a rule marked ``kind transfer``. All plausible pairs are scored first and
    taken best first (then closest in time, then by position), so the result does not
    depend on which side comes first in the file. A counterparty account that names a
    third account contradicts a pair and rules it out.
    """
    aliases = account_aliases(own_accounts)

    def canon(account: str) -> str:
        value = normalize_iban(account)
        return aliases.get(value, value)

    own = {canon(a.partition("=")[2] or a) for a in own_accounts}
    own.update(canon(transactions[i].account) for i in candidates if transactions[i].account)
    incoming: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i in candidates:
        tx = transactions[i]
        if tx.amount > 0 and tx.account:
            incoming[(tx.currency, to_minor(tx.amount, tx.currency))].append(i)
    options: list[tuple[int, int, int, int, int, tuple[str, ...]]] = []
    for i in candidates:
        out = transactions[i]
        if out.amount >= 0 or not out.account:
            continue
        for j in incoming.get((out.currency, to_minor(-out.amount, out.currency)), ()):
            inc = transactions[j]
            gap = abs((inc.date - out.date).days)
            if canon(inc.account) == canon(out.account) or gap > days:
                continue
            found = _evidence(out, inc, i in rule_transfer, j in rule_transfer, own, canon)
            if found is not None:
                options.append((-found[0], -_motif(out, inc), gap, i, j, found[1]))
    ids = [t.id for t in transactions]
    options.sort(key=lambda o: (o[0], o[1], o[2], ids[o[3]], ids[o[4]]))
    # ranks of the options per (score, side, line): a rival shares one side and the score,
    # so it is found among these instead of by scanning every later option (quadratic)
    sharing: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for rank, option in enumerate(options):
        sharing[(option[0], 0, option[3])].append(rank)
        sharing[(option[0], 1, option[4])].append(rank)
    used: set[int] = set()
    contested: set[int] = set()  # lines an equally good rival pairing also wanted
    pairs: list[TransferPair] = []
    for rank, (neg, _motif_rank, gap, i, j, reasons) in enumerate(options):
        if i in used or j in used:
            continue
        score = -neg
        notes = list(reasons)
        notes.append(
            f"{transactions[i].account} -> {transactions[j].account}: "
            f"{-transactions[i].amount} {transactions[i].currency}, {gap} day(s) apart"
        )
        later = {r for r in (*sharing[(neg, 0, i)], *sharing[(neg, 1, j)]) if r > rank}
        rivals = [
            o for o in (options[r] for r in sorted(later))
            if (o[3] == i) != (o[4] == j) and o[3] not in used and o[4] not in used
        ]  # fmt: skip
        ambiguous = bool(rivals) or i in contested or j in contested
        if rivals:
            other = rivals[0][4] if rivals[0][3] == i else rivals[0][3]
            notes.append(f"another line ({transactions[other].id}) fits equally well")
            contested.update(x for o in rivals for x in (o[3], o[4]))
        elif ambiguous:
            notes.append("one of several equal transfers between these accounts")
        if ambiguous:
            score = min(score, 80)
        used.update((i, j))
        pairs.append(TransferPair(i, j, score, tuple(notes), ambiguous))
    return sorted(pairs, key=lambda p: p.out_side)


def _motif(out: Transaction, inc: Transaction) -> int:
    """How alike the two lines' own words are (the motif both banks carry), 0..100."""
    a = label_words(f"{out.label} {out.reference}")
    b = label_words(f"{inc.label} {inc.reference}")
    return round(fuzz.token_set_ratio(a, b)) if a and b else 0


def _evidence(
    out: Transaction,
    inc: Transaction,
    out_rule: bool,
    in_rule: bool,
    own: set[str],
    canon: Callable[[str], str] = normalize_iban,
) -> tuple[int, tuple[str, ...]] | None:
    """How surely two lines are one transfer, with why; None when they cannot be.

    ``canon`` turns an account as a line names it (a journal code or an IBAN) into one
    form, so our code on one side meets our IBAN named on the other."""
    out_names = canon(out.iban)
    in_names = canon(inc.iban)
    out_acc, in_acc = canon(out.account), canon(inc.account)
    if (out_names and out_names != in_acc and out_names in own) or (
        in_names and in_names != out_acc and in_names in own
    ):
        return None  # one side names a third account of ours: another transfer
    out_ok = out_names == in_acc
    in_ok = in_names == out_acc
    if (out_names and not out_ok) or (in_names and not in_ok):
        return None  # a counterparty that is not our other account: not this transfer
    if out_ok and in_ok:
        return 100, ("each side names the other account as counterparty",)
    if out_ok or in_ok:
        return 95, ("the counterparty account of one side is our other account",)
    if out_rule and in_rule:
        return 95, ("a rule marks both sides as a transfer",)
    if (_worded(out) or out_rule) and (_worded(inc) or in_rule):
        return 85, ("both lines are worded as an internal transfer",)
    return None
