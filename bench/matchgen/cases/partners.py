"""Cases where no document is quoted and the payer and amount must decide: a clear name and
amount, a similarly named decoy partner with an item of the same amount, and true twins.

Separate from the other families because they measure how the matcher weighs names and
amounts against each other, and when it must leave the choice to a person.
"""

from __future__ import annotations

from bankrec.model import ItemKind
from bench.matchgen import truth as T
from bench.matchgen.cases.drafts import TxDraft
from bench.matchgen.cases.maker import CaseMaker
from bench.matchgen.wording import NO_NUMBER_REMITTANCE


def exact_name_amount(maker: CaseMaker) -> list[TxDraft]:
    """Name and exact amount only: right answer is clear, but no document is quoted."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
    remittance = rng.choice(NO_NUMBER_REMITTANCE[account.style])
    tx = maker.payment(
        "exact_name_amount",
        T.SHOULD_SUGGEST,
        account,
        partner,
        item.residual,
        remittance,
        date,
        truncate=False,
    )
    tx.expected = [(item, item.residual)]
    return [tx]


def _decoy(maker: CaseMaker, case: str, with_number: bool) -> list[TxDraft]:
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
    sibling = maker.factory.sibling(partner)
    maker.new_item(
        sibling,
        ItemKind.OUT_INVOICE,
        currency,
        date,
        cents=int(item.amount.scaleb(2)),
        reference=False,
    )
    if with_number:
        remittance = maker.invoice_text(account.style, [item.number])
        cls = T.SHOULD_RECONCILE
    else:
        remittance = rng.choice(NO_NUMBER_REMITTANCE[account.style])
        cls = T.SHOULD_SUGGEST
    tx = maker.payment(
        case, cls, account, partner, item.residual, remittance, date, truncate=with_number
    )
    tx.expected = [(item, item.residual)]
    return [tx]


def decoy_same_amount(maker: CaseMaker) -> list[TxDraft]:
    """A similarly named partner has an item of the same amount; the number decides."""
    return _decoy(maker, "decoy_same_amount", with_number=True)


def decoy_name_only(maker: CaseMaker) -> list[TxDraft]:
    """Same decoy, no number: only the name tells them apart, so suggest, ranked right."""
    return _decoy(maker, "decoy_name_only", with_number=False)


def ambiguous_twins(maker: CaseMaker) -> list[TxDraft]:
    """Two invoices of one partner with the same amount and no reference: a true tie."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    first = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
    second = maker.new_item(
        partner,
        ItemKind.OUT_INVOICE,
        currency,
        date,
        cents=int(first.amount.scaleb(2)),
        reference=False,
    )
    remittance = rng.choice(NO_NUMBER_REMITTANCE[account.style])
    tx = maker.payment(
        "ambiguous_twins",
        T.SHOULD_SUGGEST,
        account,
        partner,
        first.residual,
        remittance,
        date,
        truncate=False,
    )
    meant = min(first, second, key=lambda i: (i.due_date, i.number))
    tx.expected = [(meant, meant.residual)]
    tx.alternatives = [[(first, first.residual)], [(second, second.residual)]]
    tx.unambiguous = False
    return [tx]
