"""Cases of lines that settle no open item: transfers between our accounts, bank fees,
expenses, deposits before any invoice, and noise (also noise whose amount is a trap).

Separate from the other families because the right answer here is not an item: pair the
transfer, let the rules ignore or book the line, or leave it unmatched.
"""

from __future__ import annotations

import datetime as dt

from bench.matchgen import truth as T
from bench.matchgen.cases.drafts import OUR_COMPANY, TxDraft, from_cents
from bench.matchgen.cases.maker import CaseMaker
from bench.matchgen.wording import (
    ADVANCE_WORDS,
    EXPENSE_LABELS,
    FEE_LABELS,
    NOISE_IN,
    NOISE_OUT,
    TRANSFER_MOTIFS,
    fill,
    payment_label,
)


def transfer(maker: CaseMaker) -> list[TxDraft]:
    """Money moved between two of our accounts in one currency: two lines to pair."""
    rng = maker.rng
    currency = rng.choices(("EUR", "CHF"), weights=(85, 15))[0]
    source, target = rng.sample(maker.accounts[currency], 2)
    amount = from_cents(rng.randint(10, 500) * 10000)
    date = maker.pick_date()
    motif = rng.choice(TRANSFER_MOTIFS)
    company = OUR_COMPANY.upper() if rng.random() < 0.5 else OUR_COMPANY
    out_label = payment_label(source.style, False, rng, date, company, motif)
    in_date = date + dt.timedelta(days=rng.choice((0, 0, 1)))
    in_label = payment_label(target.style, True, rng, in_date, company, motif)
    out_tx = TxDraft(
        "transfer",
        T.TRANSFER,
        date,
        -amount,
        source,
        out_label,
        company if rng.random() < 0.5 else "",
        target.iban,
        order=rng.random(),
    )
    in_tx = TxDraft(
        "transfer",
        T.TRANSFER,
        in_date,
        amount,
        target,
        in_label,
        company if rng.random() < 0.5 else "",
        source.iban,
        order=rng.random(),
    )
    out_tx.transfer_with, in_tx.transfer_with = in_tx, out_tx
    return [out_tx, in_tx]


def bank_fee(maker: CaseMaker) -> list[TxDraft]:
    """A bank fee; the shipped rules ignore it."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    label = fill(rng.choice(FEE_LABELS[account.style]), rng, date)
    amount = -from_cents(rng.randint(50, 4500))
    return [TxDraft("bank_fee", T.SHOULD_IGNORE, date, amount, account, label, order=rng.random())]


def expense(maker: CaseMaker) -> list[TxDraft]:
    """An expense (energy, telecom, fuel, tax); the shipped rules book it."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    template, code = rng.choice(EXPENSE_LABELS[account.style])
    label = fill(template, rng, date)
    tx = TxDraft(
        "expense",
        T.SHOULD_BOOK,
        date,
        -from_cents(rng.randint(1000, 90000)),
        account,
        label,
        order=rng.random(),
    )
    tx.book_account = code
    return [tx]


def advance_payment(maker: CaseMaker) -> list[TxDraft]:
    """A known customer pays a deposit before any invoice exists: nothing to match."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    while True:
        cents = rng.randint(1, 80) * rng.choice((5000, 10000))
        if not partner.has_amount(currency, "in", cents):
            partner.add_amount(currency, "in", cents)
            break
    remittance = rng.choice(ADVANCE_WORDS[account.style])
    return [
        maker.payment(
            "advance_payment",
            T.SHOULD_STAY_UNMATCHED,
            account,
            partner,
            from_cents(cents),
            remittance,
            date,
        )
    ]


def noise(maker: CaseMaker) -> list[TxDraft]:
    """A line with no counterpart: card purchase, cash, a private person."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    incoming = rng.random() < 0.4
    label = fill(rng.choice((NOISE_IN if incoming else NOISE_OUT)[account.style]), rng, date)
    amount = from_cents(maker.raw_cents()) * (1 if incoming else -1)
    return [
        TxDraft("noise", T.SHOULD_STAY_UNMATCHED, date, amount, account, label, order=rng.random())
    ]


def noise_amount_collision(maker: CaseMaker) -> list[TxDraft]:
    """No counterpart, but the amount equals some open item's residual: a trap."""
    rng, currency = maker.rng, maker.pick_currency()
    candidates = maker.items_by_currency.get(currency)
    if not candidates:
        return noise(maker)
    target = rng.choice(candidates)
    account = maker.pick_account(currency)
    date = maker.pick_date()
    incoming = target.kind.direction.value == "in"
    label = fill(rng.choice((NOISE_IN if incoming else NOISE_OUT)[account.style]), rng, date)
    amount = target.residual * target.kind.sign
    return [
        TxDraft(
            "noise_amount_collision",
            T.SHOULD_STAY_UNMATCHED,
            date,
            amount,
            account,
            label,
            order=rng.random(),
        )
    ]
