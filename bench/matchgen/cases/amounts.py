"""Cases where the line's amount is not one item's residual: part payments, one payment for
several invoices (numbers quoted, or only the sum), instalments, and a fee the payer's bank
kept.

Separate from the other families because each splits or combines money (allocations of
other amounts than the residual, subset sums, write-offs), which is what the matcher's
grouping and write-off rules are measured on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bankrec.model import ItemKind
from bench.matchgen import truth as T
from bench.matchgen.cases.drafts import PERIOD_DAYS, PERIOD_START, TxDraft, from_cents
from bench.matchgen.cases.maker import CaseMaker
from bench.matchgen.wording import INSTALMENT_WORDS, NO_NUMBER_REMITTANCE


def partial_payment(maker: CaseMaker) -> list[TxDraft]:
    """Customer pays part of an invoice; the residual stays open."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date)
    total = int(item.amount.scaleb(2))
    while True:
        part = total * rng.randint(25, 75) // 100
        if total > 20000 and rng.random() < 0.6:
            part -= part % 1000  # "pay 1,200 now"
        if 0 < part < total and not partner.has_amount(currency, "in", part):
            break
    paid = from_cents(part)
    maker.remember_paid(partner, item, paid)
    tx = maker.payment(
        "partial_payment",
        T.SHOULD_SUGGEST,
        account,
        partner,
        paid,
        maker.invoice_text(account.style, [item.number]),
        date,
    )
    tx.expected = [(item, paid)]
    return [tx]


def _multi(maker: CaseMaker, case: str, with_numbers: bool) -> list[TxDraft]:
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency) if with_numbers else maker.fresh_partner(currency)
    paid = [
        maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
        for _ in range(rng.randint(2, 3))
    ]
    for _ in range(rng.randint(2, 3)):  # other open items of the partner, left open
        maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date)
    total = sum((i.residual for i in paid), Decimal(0))
    if with_numbers:
        remittance = maker.invoice_text(account.style, [i.number for i in paid])
        cls = T.SHOULD_RECONCILE
    else:
        remittance = rng.choice(NO_NUMBER_REMITTANCE[account.style])
        cls = T.SHOULD_SUGGEST
    tx = maker.payment(case, cls, account, partner, total, remittance, date, truncate=with_numbers)
    tx.expected = [(i, i.residual) for i in paid]
    return [tx]


def multi_invoice_numbers(maker: CaseMaker) -> list[TxDraft]:
    """One payment for 2-3 invoices of one partner, all numbers quoted."""
    return _multi(maker, "multi_invoice_numbers", with_numbers=True)


def multi_invoice_sum(maker: CaseMaker) -> list[TxDraft]:
    """One payment for 2-3 invoices, no numbers: only the sum tells (subset-sum)."""
    return _multi(maker, "multi_invoice_sum", with_numbers=False)


def instalment(maker: CaseMaker) -> list[TxDraft]:
    """2-3 payments, a month apart, each paying a share of one invoice."""
    rng, currency = maker.rng, maker.pick_currency()
    date = PERIOD_START + dt.timedelta(days=rng.randrange(PERIOD_DAYS // 3))
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    count = rng.randint(2, 3)
    item = maker.new_item(
        partner,
        ItemKind.OUT_INVOICE,
        currency,
        date,
        cents=maker.fresh_cents(partner, currency, "in", minimum=30000),
    )
    total = int(item.amount.scaleb(2))
    share = total // count
    share -= share % 100
    parts = [share] * (count - 1) + [total - share * (count - 1)]
    lines = []
    for index, part in enumerate(parts):
        paid = from_cents(part)
        maker.remember_paid(partner, item, paid)
        day = date + dt.timedelta(days=30 * index + rng.randint(-3, 3))
        words = INSTALMENT_WORDS[account.style].format(i=index + 1, n=count)
        remittance = words + maker.invoice_text(account.style, [item.number])
        tx = maker.payment("instalment", T.SHOULD_SUGGEST, account, partner, paid, remittance, day)
        tx.expected = [(item, paid)]
        lines.append(tx)
    return lines


def fee_deducted(maker: CaseMaker) -> list[TxDraft]:
    """The payer's bank kept a small fee: the difference is a write-off to confirm."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(
        partner,
        ItemKind.OUT_INVOICE,
        currency,
        date,
        cents=maker.fresh_cents(partner, currency, "in", minimum=20000),
    )
    total = int(item.amount.scaleb(2))
    while True:
        fee = rng.choice((500, 1000, 1500, 2000, 2500, rng.randint(50, 3000)))
        if fee * 50 <= total and not partner.has_amount(currency, "in", total - fee):
            break
    received = from_cents(total - fee)
    maker.remember_paid(partner, item, received)
    tx = maker.payment(
        "fee_deducted",
        T.SHOULD_SUGGEST,
        account,
        partner,
        received,
        maker.invoice_text(account.style, [item.number]),
        date,
    )
    tx.expected = [(item, item.residual)]
    tx.writeoff = received - item.residual
    return [tx]
