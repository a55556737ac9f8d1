"""Cases where the line names what it pays: a document number, a structured reference
(also mistyped), a supplier's reference, a credit note's number -- or, with no name at all,
the payer's IBAN known in the ERP.

Separate from the other families because these are the lines a matcher should settle from
the identifier alone (the typo case aside), which is what the reference and number signals
of the matcher are measured on.
"""

from __future__ import annotations

from bankrec.model import ItemKind
from bench.matchgen import truth as T
from bench.matchgen.cases.drafts import TxDraft, from_cents
from bench.matchgen.cases.maker import CaseMaker
from bench.matchgen.references import is_valid_structured, mangle_number, write_reference
from bench.matchgen.wording import REFUND_WORDS


def exact_number(maker: CaseMaker) -> list[TxDraft]:
    """Customer pays one invoice exactly, quoting its number in some spelling."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date)
    if rng.random() < 0.12:  # an earlier payment already reduced the residual
        amount_cents = int(item.amount.scaleb(2))
        paid = amount_cents * rng.randint(2, 6) // 10
        item.residual = from_cents(amount_cents - paid)
        maker.remember_paid(partner, item, item.residual)
    tx = maker.payment(
        "exact_number",
        T.SHOULD_RECONCILE,
        account,
        partner,
        item.residual,
        maker.invoice_text(account.style, [item.number]),
        date,
    )
    tx.expected = [(item, item.residual)]
    return [tx]


def exact_structured_ref(maker: CaseMaker) -> list[TxDraft]:
    """Customer pays quoting the QR / RF / +++ reference; the name may be missing."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=True)
    written = write_reference(item.reference, rng)
    in_ref_column = rng.random() < 0.75
    show_name = rng.random() < 0.7
    tx = maker.payment(
        "exact_structured_ref",
        T.SHOULD_RECONCILE,
        account,
        partner,
        item.residual,
        "" if in_ref_column else written,
        date,
        reference=written if in_ref_column else "",
        show_name=show_name,
    )
    tx.expected = [(item, item.residual)]
    return [tx]


def exact_iban(maker: CaseMaker) -> list[TxDraft]:
    """No name at all; the payer's IBAN is on the partner in the ERP; number quoted."""
    currency, date = maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    partner.iban_known = True
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date)
    tx = maker.payment(
        "exact_iban",
        T.SHOULD_RECONCILE,
        account,
        None,
        item.residual,
        maker.invoice_text(account.style, [item.number]),
        date,
    )
    tx.iban = partner.iban
    tx.expected = [(item, item.residual)]
    return [tx]


def structured_ref_typo(maker: CaseMaker) -> list[TxDraft]:
    """The payer mistyped one digit of the structured reference: name and amount remain."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=True)
    typo = item.reference
    while is_valid_structured(typo):
        digits = [i for i, c in enumerate(item.reference) if c.isdigit() and i > 1]
        pos = rng.choice(digits)
        typo = item.reference[:pos] + str(rng.randrange(10)) + item.reference[pos + 1 :]
    tx = maker.payment(
        "structured_ref_typo",
        T.SHOULD_SUGGEST,
        account,
        partner,
        item.residual,
        "",
        date,
        truncate=False,
        reference=typo,
    )
    tx.expected = [(item, item.residual)]
    return [tx]


def supplier_bill(maker: CaseMaker) -> list[TxDraft]:
    """We pay a supplier bill exactly, quoting its reference or our bill number."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(
        partner, ItemKind.IN_INVOICE, currency, date, reference=rng.random() < 0.4
    )
    if item.reference:
        tx = maker.payment(
            "supplier_bill",
            T.SHOULD_RECONCILE,
            account,
            partner,
            -item.residual,
            "",
            date,
            reference=write_reference(item.reference, rng),
        )
    else:
        tx = maker.payment(
            "supplier_bill",
            T.SHOULD_RECONCILE,
            account,
            partner,
            -item.residual,
            maker.invoice_text(account.style, [item.number]),
            date,
        )
    tx.expected = [(item, item.residual)]
    return [tx]


def _refund(maker: CaseMaker, case: str, kind: ItemKind) -> list[TxDraft]:
    currency, date = maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(partner, kind, currency, date, reference=False)
    remittance = REFUND_WORDS[account.style] + mangle_number(item.number, maker.rng)
    amount = item.residual * kind.sign
    tx = maker.payment(case, T.SHOULD_RECONCILE, account, partner, amount, remittance, date)
    tx.expected = [(item, item.residual)]
    return [tx]


def customer_refund(maker: CaseMaker) -> list[TxDraft]:
    """We pay back a customer credit note (money out)."""
    return _refund(maker, "customer_refund", ItemKind.OUT_REFUND)


def supplier_refund(maker: CaseMaker) -> list[TxDraft]:
    """A supplier pays back its credit note (money in)."""
    return _refund(maker, "supplier_refund", ItemKind.IN_REFUND)
