"""The case catalogue: each function makes the bank line(s) and open items of one case.

A case knows the truth it creates (which items a line pays, whether a person must look),
so the truth is written down at the moment the data is made rather than guessed later.
All randomness flows from one ``random.Random``; amounts are integer cents turned into
``Decimal`` and never pass through float.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from bankrec.model import ItemKind
from bench.matchgen import truth as T
from bench.matchgen.names import Partner, PartnerFactory, bank_name
from bench.matchgen.references import (
    is_valid_structured,
    make_iban,
    make_ogm_reference,
    make_qr_reference,
    make_rf_reference,
    mangle_number,
    write_reference,
)
from bench.matchgen.wording import (
    ADVANCE_WORDS,
    EXPENSE_LABELS,
    FEE_LABELS,
    INSTALMENT_WORDS,
    INVOICE_WORDS,
    MULTI_JOINERS,
    NO_NUMBER_REMITTANCE,
    NOISE_IN,
    NOISE_OUT,
    REFUND_WORDS,
    TRANSFER_MOTIFS,
    fill,
    payment_label,
)

OUR_COMPANY = "Nordlicht Handels SA"
PERIOD_START = dt.date(2026, 1, 5)
PERIOD_DAYS = 90


@dataclass(frozen=True, slots=True)
class OurAccount:
    """One of our bank accounts; ``style`` is the country whose bank wording it uses."""

    iban: str
    currency: str
    style: str


@dataclass(slots=True)
class ItemDraft:
    """An open item before ids are assigned (ids follow the final shuffled order)."""

    partner: Partner
    kind: ItemKind
    number: str
    date: dt.date
    due_date: dt.date
    amount: Decimal
    residual: Decimal
    currency: str
    reference: str = ""
    id: str = ""


@dataclass(slots=True)
class TxDraft:
    """A bank line before ids are assigned, with the truth the case gave it."""

    case: str
    status_class: str
    date: dt.date
    amount: Decimal
    account: OurAccount
    label: str
    counterparty: str = ""
    iban: str = ""
    reference: str = ""
    expected: list[tuple[ItemDraft, Decimal]] = field(default_factory=list)
    alternatives: list[list[tuple[ItemDraft, Decimal]]] = field(default_factory=list)
    unambiguous: bool = True
    writeoff: Decimal = Decimal(0)
    transfer_with: TxDraft | None = None
    book_account: str = ""
    order: float = 0.0
    id: str = ""


_CURRENCY_WEIGHTS = (("EUR", 80), ("CHF", 12), ("GBP", 8))
_PARTNER_COUNTRY = {  # which partners pay/are paid in which currency
    "EUR": (("FR", 40), ("DE", 30), ("BE", 20), ("CH", 5), ("UK", 5)),
    "CHF": (("CH", 80), ("DE", 10), ("FR", 10)),
    "GBP": (("UK", 85), ("FR", 5), ("DE", 5), ("BE", 5)),
}
_POOL_SHARE = (("FR", 33), ("DE", 26), ("BE", 17), ("CH", 14), ("UK", 10))
_SALES_PREFIX = {"EUR": ("INV/", "/"), "CHF": ("FA-", "-"), "GBP": ("SI/", "/")}
_REFUND_PREFIX = {"EUR": ("RINV/", "/"), "CHF": ("GS-", "-"), "GBP": ("CN/", "/")}


def _cents(amount: int) -> Decimal:
    return Decimal(amount).scaleb(-2)


class CaseMaker:
    """Holds the partners, our accounts and everything made so far; one method per case."""

    def __init__(self, rng: random.Random, partner_count: int) -> None:
        self.rng = rng
        self.factory = PartnerFactory(rng)
        self.items: list[ItemDraft] = []
        self.items_by_currency: dict[str, list[ItemDraft]] = {}
        self.sequences: dict[str, int] = {}
        self.accounts = self._make_accounts()
        self.pools: dict[str, list[Partner]] = {}
        self.cum_weights: dict[str, list[float]] = {}
        total_share = sum(s for _, s in _POOL_SHARE)
        for country, share in _POOL_SHARE:
            size = max(8, partner_count * share // total_share)
            pool = [self.factory.make(country) for _ in range(size)]
            self.pools[country] = pool
            acc = 0.0
            weights = []
            for rank in range(size):  # a few big partners, a long tail of small ones
                acc += 1.0 / (rank + 8) ** 0.8
                weights.append(acc)
            self.cum_weights[country] = weights

    # ----------------------------------------------------------------- building blocks
    def _make_accounts(self) -> dict[str, list[OurAccount]]:
        rng = self.rng
        return {
            "EUR": [
                OurAccount(make_iban("FR", rng), "EUR", "FR"),
                OurAccount(make_iban("DE", rng), "EUR", "DE"),
                OurAccount(make_iban("BE", rng), "EUR", "BE"),
            ],
            "CHF": [
                OurAccount(make_iban("CH", rng), "CHF", "CH"),
                OurAccount(make_iban("CH", rng), "CHF", "CH"),
            ],
            "GBP": [OurAccount(make_iban("GB", rng), "GBP", "UK")],
        }

    def all_accounts(self) -> list[OurAccount]:
        """Our accounts, in a fixed order."""
        return [a for accounts in self.accounts.values() for a in accounts]

    def _pick(self, pairs: tuple[tuple[str, int], ...]) -> str:
        values = [v for v, _ in pairs]
        weights = [w for _, w in pairs]
        return self.rng.choices(values, weights=weights)[0]

    def _currency(self) -> str:
        return self._pick(_CURRENCY_WEIGHTS)

    def _account(self, currency: str) -> OurAccount:
        accounts = self.accounts[currency]
        weights = {"EUR": (50, 30, 20), "CHF": (85, 15), "GBP": (1,)}[currency]
        return self.rng.choices(accounts, weights=weights)[0]

    def _partner(self, currency: str) -> Partner:
        country = self._pick(_PARTNER_COUNTRY[currency])
        return self.rng.choices(self.pools[country], cum_weights=self.cum_weights[country])[0]

    def _date(self) -> dt.date:
        return PERIOD_START + dt.timedelta(days=self.rng.randrange(PERIOD_DAYS))

    def _raw_cents(self) -> int:
        rng = self.rng
        low, high = rng.choices(
            ((2000, 9999), (10000, 99999), (100000, 999999), (1000000, 5000000)),
            weights=(10, 40, 40, 10),
        )[0]
        cents = rng.randint(low, high)
        if rng.random() < 0.15:  # round amounts: subscriptions, deposits, flat fees
            cents -= cents % rng.choice((100, 1000))
        return max(cents, 100)

    def _fresh_cents(
        self, partner: Partner, currency: str, direction: str, minimum: int = 100
    ) -> int:
        """An amount none of the partner's items (or its part payments) has yet."""
        while True:
            cents = self._raw_cents()
            if cents >= minimum and not partner.has_amount(currency, direction, cents):
                partner.add_amount(currency, direction, cents)
                return cents

    def _number(self, kind: ItemKind, currency: str, date: dt.date) -> str:
        if kind in (ItemKind.OUT_INVOICE, ItemKind.OUT_REFUND):
            table = _SALES_PREFIX if kind is ItemKind.OUT_INVOICE else _REFUND_PREFIX
            prefix, sep = table[currency]
            seq = self.sequences[prefix] = self.sequences.get(prefix, 0) + 1
            return f"{prefix}{date.year}{sep}{seq:05d}"
        prefix = "BILL/" if kind is ItemKind.IN_INVOICE else "RBILL/"
        seq = self.sequences[prefix] = self.sequences.get(prefix, 0) + 1
        return f"{prefix}{date.year}/{date.month:02d}/{seq:04d}"

    def _structured(self, kind: ItemKind, currency: str, partner: Partner) -> str:
        rng = self.rng
        # Our invoices carry our reference; supplier bills the supplier's own.
        country = "CH" if currency == "CHF" else ("UK" if currency == "GBP" else "EU")
        if kind in (ItemKind.IN_INVOICE, ItemKind.IN_REFUND):
            country = partner.country
        if country == "CH":
            return make_qr_reference(rng)
        if country == "BE" or (country == "EU" and rng.random() < 0.3):
            return make_ogm_reference(rng)
        return make_rf_reference(rng)

    def new_item(
        self,
        partner: Partner,
        kind: ItemKind,
        currency: str,
        pay_date: dt.date,
        *,
        cents: int | None = None,
        reference: bool | None = None,
    ) -> ItemDraft:
        """Create an open item of ``partner``; its amount is fresh for the partner unless given."""
        rng = self.rng
        direction = kind.direction.value
        if cents is None:
            cents = self._fresh_cents(partner, currency, direction)
        else:
            partner.add_amount(currency, direction, cents)
        doc_date = pay_date - dt.timedelta(days=rng.randint(5, 75))
        due = doc_date + dt.timedelta(days=rng.choice((14, 30, 30, 30, 45, 60)))
        if reference is None:
            reference = rng.random() < 0.25
        item = ItemDraft(
            partner=partner,
            kind=kind,
            number=self._number(kind, currency, doc_date),
            date=doc_date,
            due_date=due,
            amount=_cents(cents),
            residual=_cents(cents),
            currency=currency,
            reference=self._structured(kind, currency, partner) if reference else "",
        )
        self.items.append(item)
        self.items_by_currency.setdefault(currency, []).append(item)
        return item

    def _remember_paid(self, partner: Partner, item: ItemDraft, paid: Decimal) -> None:
        """Keep later items of the partner off a part-payment's amount (it would be a twin)."""
        partner.add_amount(item.currency, item.kind.direction.value, int(paid.scaleb(2)))

    def _invoice_text(self, style: str, numbers: list[str]) -> str:
        rng = self.rng
        word = rng.choice(INVOICE_WORDS[style])
        joiner = rng.choice(MULTI_JOINERS)
        return word + joiner.join(mangle_number(n, rng) for n in numbers)

    def _payment(
        self,
        case: str,
        cls: str,
        account: OurAccount,
        partner: Partner | None,
        amount: Decimal,
        remittance: str,
        date: dt.date,
        *,
        truncate: bool = True,
        reference: str = "",
        show_name: bool = True,
    ) -> TxDraft:
        """A payment line with the partner's name garbled in the label and counterparty."""
        rng = self.rng
        name = bank_name(partner.name, rng, truncate=truncate) if partner and show_name else ""
        if rng.random() < 0.2 and remittance and not reference:  # remittance in the ref column
            reference, remittance = remittance, rng.choice(("", "PAIEMENT", "ZAHLUNG"))
        label = payment_label(account.style, amount > 0, rng, date, name, remittance)
        counterparty = ""
        if partner and show_name and rng.random() < 0.55:
            counterparty = bank_name(partner.name, rng, truncate=truncate)
        iban = partner.iban if partner and show_name and rng.random() < 0.65 else ""
        return TxDraft(
            case,
            cls,
            date,
            amount,
            account,
            label,
            counterparty,
            iban,
            reference,
            order=rng.random(),
        )

    # ------------------------------------------------------------------------ the cases
    def exact_number(self) -> list[TxDraft]:
        """Customer pays one invoice exactly, quoting its number in some spelling."""
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency)
        item = self.new_item(partner, ItemKind.OUT_INVOICE, currency, date)
        if rng.random() < 0.12:  # an earlier payment already reduced the residual
            amount_cents = int(item.amount.scaleb(2))
            paid = amount_cents * rng.randint(2, 6) // 10
            item.residual = _cents(amount_cents - paid)
            self._remember_paid(partner, item, item.residual)
        tx = self._payment(
            "exact_number",
            T.SHOULD_RECONCILE,
            account,
            partner,
            item.residual,
            self._invoice_text(account.style, [item.number]),
            date,
        )
        tx.expected = [(item, item.residual)]
        return [tx]

    def exact_structured_ref(self) -> list[TxDraft]:
        """Customer pays quoting the QR / RF / +++ reference; the name may be missing."""
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency)
        item = self.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=True)
        written = write_reference(item.reference, rng)
        in_ref_column = rng.random() < 0.75
        show_name = rng.random() < 0.7
        tx = self._payment(
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

    def exact_iban(self) -> list[TxDraft]:
        """No name at all; the payer's IBAN is on the partner in the ERP; number quoted."""
        currency, date = self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency)
        partner.iban_known = True
        item = self.new_item(partner, ItemKind.OUT_INVOICE, currency, date)
        tx = self._payment(
            "exact_iban",
            T.SHOULD_RECONCILE,
            account,
            None,
            item.residual,
            self._invoice_text(account.style, [item.number]),
            date,
        )
        tx.iban = partner.iban
        tx.expected = [(item, item.residual)]
        return [tx]

    def exact_name_amount(self) -> list[TxDraft]:
        """Name and exact amount only: right answer is clear, but no document is quoted."""
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency)
        item = self.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
        remittance = rng.choice(NO_NUMBER_REMITTANCE[account.style])
        tx = self._payment(
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

    def _decoy(self, case: str, with_number: bool) -> list[TxDraft]:
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency)
        item = self.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
        sibling = self.factory.sibling(partner)
        self.new_item(
            sibling,
            ItemKind.OUT_INVOICE,
            currency,
            date,
            cents=int(item.amount.scaleb(2)),
            reference=False,
        )
        if with_number:
            remittance = self._invoice_text(account.style, [item.number])
            cls = T.SHOULD_RECONCILE
        else:
            remittance = rng.choice(NO_NUMBER_REMITTANCE[account.style])
            cls = T.SHOULD_SUGGEST
        tx = self._payment(
            case, cls, account, partner, item.residual, remittance, date, truncate=with_number
        )
        tx.expected = [(item, item.residual)]
        return [tx]

    def decoy_same_amount(self) -> list[TxDraft]:
        """A similarly named partner has an item of the same amount; the number decides."""
        return self._decoy("decoy_same_amount", with_number=True)

    def decoy_name_only(self) -> list[TxDraft]:
        """Same decoy, no number: only the name tells them apart, so suggest, ranked right."""
        return self._decoy("decoy_name_only", with_number=False)

    def partial_payment(self) -> list[TxDraft]:
        """Customer pays part of an invoice; the residual stays open."""
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency)
        item = self.new_item(partner, ItemKind.OUT_INVOICE, currency, date)
        total = int(item.amount.scaleb(2))
        while True:
            part = total * rng.randint(25, 75) // 100
            if total > 20000 and rng.random() < 0.6:
                part -= part % 1000  # "pay 1,200 now"
            if 0 < part < total and not partner.has_amount(currency, "in", part):
                break
        paid = _cents(part)
        self._remember_paid(partner, item, paid)
        tx = self._payment(
            "partial_payment",
            T.SHOULD_SUGGEST,
            account,
            partner,
            paid,
            self._invoice_text(account.style, [item.number]),
            date,
        )
        tx.expected = [(item, paid)]
        return [tx]

    def _fresh_partner(self, currency: str) -> Partner:
        """A partner outside the pools: it gets no filler items, so sums stay unique."""
        country = self._pick(_PARTNER_COUNTRY[currency])
        return self.factory.make(country)

    def _multi(self, case: str, with_numbers: bool) -> list[TxDraft]:
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency) if with_numbers else self._fresh_partner(currency)
        paid = [
            self.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
            for _ in range(rng.randint(2, 3))
        ]
        for _ in range(rng.randint(2, 3)):  # other open items of the partner, left open
            self.new_item(partner, ItemKind.OUT_INVOICE, currency, date)
        total = sum((i.residual for i in paid), Decimal(0))
        if with_numbers:
            remittance = self._invoice_text(account.style, [i.number for i in paid])
            cls = T.SHOULD_RECONCILE
        else:
            remittance = rng.choice(NO_NUMBER_REMITTANCE[account.style])
            cls = T.SHOULD_SUGGEST
        tx = self._payment(
            case, cls, account, partner, total, remittance, date, truncate=with_numbers
        )
        tx.expected = [(i, i.residual) for i in paid]
        return [tx]

    def multi_invoice_numbers(self) -> list[TxDraft]:
        """One payment for 2-3 invoices of one partner, all numbers quoted."""
        return self._multi("multi_invoice_numbers", with_numbers=True)

    def multi_invoice_sum(self) -> list[TxDraft]:
        """One payment for 2-3 invoices, no numbers: only the sum tells (subset-sum)."""
        return self._multi("multi_invoice_sum", with_numbers=False)

    def instalment(self) -> list[TxDraft]:
        """2-3 payments, a month apart, each paying a share of one invoice."""
        rng, currency = self.rng, self._currency()
        date = PERIOD_START + dt.timedelta(days=rng.randrange(PERIOD_DAYS // 3))
        account = self._account(currency)
        partner = self._partner(currency)
        count = rng.randint(2, 3)
        item = self.new_item(
            partner,
            ItemKind.OUT_INVOICE,
            currency,
            date,
            cents=self._fresh_cents(partner, currency, "in", minimum=30000),
        )
        total = int(item.amount.scaleb(2))
        share = total // count
        share -= share % 100
        parts = [share] * (count - 1) + [total - share * (count - 1)]
        lines = []
        for index, part in enumerate(parts):
            paid = _cents(part)
            self._remember_paid(partner, item, paid)
            day = date + dt.timedelta(days=30 * index + rng.randint(-3, 3))
            words = INSTALMENT_WORDS[account.style].format(i=index + 1, n=count)
            remittance = words + self._invoice_text(account.style, [item.number])
            tx = self._payment(
                "instalment", T.SHOULD_SUGGEST, account, partner, paid, remittance, day
            )
            tx.expected = [(item, paid)]
            lines.append(tx)
        return lines

    def fee_deducted(self) -> list[TxDraft]:
        """The payer's bank kept a small fee: the difference is a write-off to confirm."""
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency)
        item = self.new_item(
            partner,
            ItemKind.OUT_INVOICE,
            currency,
            date,
            cents=self._fresh_cents(partner, currency, "in", minimum=20000),
        )
        total = int(item.amount.scaleb(2))
        while True:
            fee = rng.choice((500, 1000, 1500, 2000, 2500, rng.randint(50, 3000)))
            if fee * 50 <= total and not partner.has_amount(currency, "in", total - fee):
                break
        received = _cents(total - fee)
        self._remember_paid(partner, item, received)
        tx = self._payment(
            "fee_deducted",
            T.SHOULD_SUGGEST,
            account,
            partner,
            received,
            self._invoice_text(account.style, [item.number]),
            date,
        )
        tx.expected = [(item, item.residual)]
        tx.writeoff = received - item.residual
        return [tx]

    def supplier_bill(self) -> list[TxDraft]:
        """We pay a supplier bill exactly, quoting its reference or our bill number."""
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency)
        item = self.new_item(
            partner, ItemKind.IN_INVOICE, currency, date, reference=rng.random() < 0.4
        )
        if item.reference:
            tx = self._payment(
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
            tx = self._payment(
                "supplier_bill",
                T.SHOULD_RECONCILE,
                account,
                partner,
                -item.residual,
                self._invoice_text(account.style, [item.number]),
                date,
            )
        tx.expected = [(item, item.residual)]
        return [tx]

    def _refund(self, case: str, kind: ItemKind) -> list[TxDraft]:
        currency, date = self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency)
        item = self.new_item(partner, kind, currency, date, reference=False)
        remittance = REFUND_WORDS[account.style] + mangle_number(item.number, self.rng)
        amount = item.residual * kind.sign
        tx = self._payment(case, T.SHOULD_RECONCILE, account, partner, amount, remittance, date)
        tx.expected = [(item, item.residual)]
        return [tx]

    def customer_refund(self) -> list[TxDraft]:
        """We pay back a customer credit note (money out)."""
        return self._refund("customer_refund", ItemKind.OUT_REFUND)

    def supplier_refund(self) -> list[TxDraft]:
        """A supplier pays back its credit note (money in)."""
        return self._refund("supplier_refund", ItemKind.IN_REFUND)

    def ambiguous_twins(self) -> list[TxDraft]:
        """Two invoices of one partner with the same amount and no reference: a true tie."""
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency)
        first = self.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
        second = self.new_item(
            partner,
            ItemKind.OUT_INVOICE,
            currency,
            date,
            cents=int(first.amount.scaleb(2)),
            reference=False,
        )
        remittance = rng.choice(NO_NUMBER_REMITTANCE[account.style])
        tx = self._payment(
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

    def transfer(self) -> list[TxDraft]:
        """Money moved between two of our accounts in one currency: two lines to pair."""
        rng = self.rng
        currency = rng.choices(("EUR", "CHF"), weights=(85, 15))[0]
        source, target = rng.sample(self.accounts[currency], 2)
        amount = _cents(rng.randint(10, 500) * 10000)
        date = self._date()
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

    def bank_fee(self) -> list[TxDraft]:
        """A bank fee; the shipped rules ignore it."""
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        label = fill(rng.choice(FEE_LABELS[account.style]), rng, date)
        amount = -_cents(rng.randint(50, 4500))
        return [
            TxDraft("bank_fee", T.SHOULD_IGNORE, date, amount, account, label, order=rng.random())
        ]

    def expense(self) -> list[TxDraft]:
        """An expense (energy, telecom, fuel, tax); the shipped rules book it."""
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        template, code = rng.choice(EXPENSE_LABELS[account.style])
        label = fill(template, rng, date)
        tx = TxDraft(
            "expense",
            T.SHOULD_BOOK,
            date,
            -_cents(rng.randint(1000, 90000)),
            account,
            label,
            order=rng.random(),
        )
        tx.book_account = code
        return [tx]

    def structured_ref_typo(self) -> list[TxDraft]:
        """The payer mistyped one digit of the structured reference: name and amount remain."""
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency)
        item = self.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=True)
        typo = item.reference
        while is_valid_structured(typo):
            digits = [i for i, c in enumerate(item.reference) if c.isdigit() and i > 1]
            pos = rng.choice(digits)
            typo = item.reference[:pos] + str(rng.randrange(10)) + item.reference[pos + 1 :]
        tx = self._payment(
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

    def advance_payment(self) -> list[TxDraft]:
        """A known customer pays a deposit before any invoice exists: nothing to match."""
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        partner = self._partner(currency)
        while True:
            cents = rng.randint(1, 80) * rng.choice((5000, 10000))
            if not partner.has_amount(currency, "in", cents):
                partner.add_amount(currency, "in", cents)
                break
        remittance = rng.choice(ADVANCE_WORDS[account.style])
        return [
            self._payment(
                "advance_payment",
                T.SHOULD_STAY_UNMATCHED,
                account,
                partner,
                _cents(cents),
                remittance,
                date,
            )
        ]

    def noise(self) -> list[TxDraft]:
        """A line with no counterpart: card purchase, cash, a private person."""
        rng, currency, date = self.rng, self._currency(), self._date()
        account = self._account(currency)
        incoming = rng.random() < 0.4
        label = fill(rng.choice((NOISE_IN if incoming else NOISE_OUT)[account.style]), rng, date)
        amount = _cents(self._raw_cents()) * (1 if incoming else -1)
        return [
            TxDraft(
                "noise", T.SHOULD_STAY_UNMATCHED, date, amount, account, label, order=rng.random()
            )
        ]

    def noise_amount_collision(self) -> list[TxDraft]:
        """No counterpart, but the amount equals some open item's residual: a trap."""
        rng, currency = self.rng, self._currency()
        candidates = self.items_by_currency.get(currency)
        if not candidates:
            return self.noise()
        target = rng.choice(candidates)
        account = self._account(currency)
        date = self._date()
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

    # -------------------------------------------------------------------------- fillers
    def filler(self) -> ItemDraft:
        """An open item nobody pays in this statement; some copy another item's amount."""
        rng = self.rng
        currency = self._currency()
        kind = rng.choices(
            (ItemKind.OUT_INVOICE, ItemKind.IN_INVOICE, ItemKind.OUT_REFUND, ItemKind.IN_REFUND),
            weights=(65, 25, 6, 4),
        )[0]
        partner = self._partner(currency)
        date = self._date()
        same_currency = self.items_by_currency.get(currency)
        if same_currency and rng.random() < 0.3:
            source = rng.choice(same_currency)
            cents = int(source.amount.scaleb(2))
            direction = kind.direction.value
            if source.partner is not partner and not partner.has_amount(currency, direction, cents):
                return self.new_item(partner, kind, currency, date, cents=cents)
        return self.new_item(partner, kind, currency, date)


CaseFn = Callable[[CaseMaker], list[TxDraft]]

# name -> (maker, weight); the weights give the share of *picks*, not of lines.
CATALOGUE: dict[str, tuple[CaseFn, float]] = {
    "exact_number": (CaseMaker.exact_number, 21.5),
    "exact_structured_ref": (CaseMaker.exact_structured_ref, 10),
    "exact_iban": (CaseMaker.exact_iban, 3),
    "exact_name_amount": (CaseMaker.exact_name_amount, 4),
    "decoy_same_amount": (CaseMaker.decoy_same_amount, 4),
    "decoy_name_only": (CaseMaker.decoy_name_only, 2),
    "partial_payment": (CaseMaker.partial_payment, 4),
    "multi_invoice_numbers": (CaseMaker.multi_invoice_numbers, 4),
    "multi_invoice_sum": (CaseMaker.multi_invoice_sum, 3),
    "instalment": (CaseMaker.instalment, 4),
    "fee_deducted": (CaseMaker.fee_deducted, 4),
    "supplier_bill": (CaseMaker.supplier_bill, 10),
    "customer_refund": (CaseMaker.customer_refund, 2),
    "supplier_refund": (CaseMaker.supplier_refund, 1.5),
    "ambiguous_twins": (CaseMaker.ambiguous_twins, 3),
    "transfer": (CaseMaker.transfer, 3),
    "bank_fee": (CaseMaker.bank_fee, 4),
    "expense": (CaseMaker.expense, 3),
    "noise": (CaseMaker.noise, 5),
    "noise_amount_collision": (CaseMaker.noise_amount_collision, 2),
    "structured_ref_typo": (CaseMaker.structured_ref_typo, 1.5),
    "advance_payment": (CaseMaker.advance_payment, 1.5),
}

CASE_DOCS: dict[str, str] = {
    name: (fn.__doc__ or "").strip().splitlines()[0] for name, (fn, _) in CATALOGUE.items()
}

CASE_CLASS: dict[str, str] = {
    "exact_number": T.SHOULD_RECONCILE,
    "exact_structured_ref": T.SHOULD_RECONCILE,
    "exact_iban": T.SHOULD_RECONCILE,
    "exact_name_amount": T.SHOULD_SUGGEST,
    "decoy_same_amount": T.SHOULD_RECONCILE,
    "decoy_name_only": T.SHOULD_SUGGEST,
    "partial_payment": T.SHOULD_SUGGEST,
    "multi_invoice_numbers": T.SHOULD_RECONCILE,
    "multi_invoice_sum": T.SHOULD_SUGGEST,
    "instalment": T.SHOULD_SUGGEST,
    "fee_deducted": T.SHOULD_SUGGEST,
    "supplier_bill": T.SHOULD_RECONCILE,
    "customer_refund": T.SHOULD_RECONCILE,
    "supplier_refund": T.SHOULD_RECONCILE,
    "ambiguous_twins": T.SHOULD_SUGGEST,
    "transfer": T.TRANSFER,
    "bank_fee": T.SHOULD_IGNORE,
    "expense": T.SHOULD_BOOK,
    "noise": T.SHOULD_STAY_UNMATCHED,
    "noise_amount_collision": T.SHOULD_STAY_UNMATCHED,
    "structured_ref_typo": T.SHOULD_SUGGEST,
    "advance_payment": T.SHOULD_STAY_UNMATCHED,
}
