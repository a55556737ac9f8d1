"""The case maker's building blocks: partners, our accounts, amounts, items and lines.

Separate from the cases themselves (the family modules of :mod:`bench.matchgen.cases`)
because every case draws on the same shared state -- one ``random.Random``, the partner
pools, the items made so far, the document sequences -- and the same few steps (pick a
currency, an account, a partner, a fresh amount; make an open item; word a payment line).
A case is a function of a :class:`CaseMaker`; the order of its draws is the data.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from bankrec.model import ItemKind
from bench.matchgen.cases.drafts import (
    PERIOD_DAYS,
    PERIOD_START,
    ItemDraft,
    OurAccount,
    TxDraft,
    from_cents,
)
from bench.matchgen.names import Partner, PartnerFactory, bank_name
from bench.matchgen.references import (
    make_iban,
    make_ogm_reference,
    make_qr_reference,
    make_rf_reference,
    mangle_number,
)
from bench.matchgen.wording import INVOICE_WORDS, MULTI_JOINERS, payment_label

_CURRENCY_WEIGHTS = (("EUR", 80), ("CHF", 12), ("GBP", 8))
_PARTNER_COUNTRY = {  # which partners pay/are paid in which currency
    "EUR": (("FR", 40), ("DE", 30), ("BE", 20), ("CH", 5), ("UK", 5)),
    "CHF": (("CH", 80), ("DE", 10), ("FR", 10)),
    "GBP": (("UK", 85), ("FR", 5), ("DE", 5), ("BE", 5)),
}
_POOL_SHARE = (("FR", 33), ("DE", 26), ("BE", 17), ("CH", 14), ("UK", 10))
_SALES_PREFIX = {"EUR": ("INV/", "/"), "CHF": ("FA-", "-"), "GBP": ("SI/", "/")}
_REFUND_PREFIX = {"EUR": ("RINV/", "/"), "CHF": ("GS-", "-"), "GBP": ("CN/", "/")}


class CaseMaker:
    """Holds the partners, our accounts and everything made so far; each case is a function
    of it (see the family modules), built from the steps below."""

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
        accounts = {
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
        return {  # journal codes as an ERP names them: BNK1, BNK2, ...
            currency: [
                OurAccount(a.iban, a.currency, a.style, f"BNK{n}")
                for n, a in enumerate(group, start=1 + 10 * k)
            ]
            for k, (currency, group) in enumerate(accounts.items())
        }

    def all_accounts(self) -> list[OurAccount]:
        """Our accounts, in a fixed order."""
        return [a for accounts in self.accounts.values() for a in accounts]

    def _pick(self, pairs: tuple[tuple[str, int], ...]) -> str:
        values = [v for v, _ in pairs]
        weights = [w for _, w in pairs]
        return self.rng.choices(values, weights=weights)[0]

    def pick_currency(self) -> str:
        """A currency, by its share of the lines."""
        return self._pick(_CURRENCY_WEIGHTS)

    def pick_account(self, currency: str) -> OurAccount:
        """One of our accounts in ``currency``, the main one most often."""
        accounts = self.accounts[currency]
        weights = {"EUR": (50, 30, 20), "CHF": (85, 15), "GBP": (1,)}[currency]
        return self.rng.choices(accounts, weights=weights)[0]

    def pick_partner(self, currency: str) -> Partner:
        """A pooled partner who deals in ``currency``: a few big ones, a long tail."""
        country = self._pick(_PARTNER_COUNTRY[currency])
        return self.rng.choices(self.pools[country], cum_weights=self.cum_weights[country])[0]

    def pick_date(self) -> dt.date:
        """A day of the statement period."""
        return PERIOD_START + dt.timedelta(days=self.rng.randrange(PERIOD_DAYS))

    def raw_cents(self) -> int:
        """An amount in cents, from small to large, some of them round."""
        rng = self.rng
        low, high = rng.choices(
            ((2000, 9999), (10000, 99999), (100000, 999999), (1000000, 5000000)),
            weights=(10, 40, 40, 10),
        )[0]
        cents = rng.randint(low, high)
        if rng.random() < 0.15:  # round amounts: subscriptions, deposits, flat fees
            cents -= cents % rng.choice((100, 1000))
        return max(cents, 100)

    def fresh_cents(
        self, partner: Partner, currency: str, direction: str, minimum: int = 100
    ) -> int:
        """An amount none of the partner's items (or its part payments) has yet."""
        while True:
            cents = self.raw_cents()
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
            cents = self.fresh_cents(partner, currency, direction)
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
            amount=from_cents(cents),
            residual=from_cents(cents),
            currency=currency,
            reference=self._structured(kind, currency, partner) if reference else "",
        )
        self.items.append(item)
        self.items_by_currency.setdefault(currency, []).append(item)
        return item

    def remember_paid(self, partner: Partner, item: ItemDraft, paid: Decimal) -> None:
        """Keep later items of the partner off a part-payment's amount (it would be a twin)."""
        partner.add_amount(item.currency, item.kind.direction.value, int(paid.scaleb(2)))

    def invoice_text(self, style: str, numbers: list[str]) -> str:
        """The invoice word of the bank's style and the numbers, each in some spelling."""
        rng = self.rng
        word = rng.choice(INVOICE_WORDS[style])
        joiner = rng.choice(MULTI_JOINERS)
        return word + joiner.join(mangle_number(n, rng) for n in numbers)

    def payment(
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

    def fresh_partner(self, currency: str) -> Partner:
        """A partner outside the pools: it gets no filler items, so sums stay unique."""
        country = self._pick(_PARTNER_COUNTRY[currency])
        return self.factory.make(country)

    # -------------------------------------------------------------------------- fillers
    def filler(self) -> ItemDraft:
        """An open item nobody pays in this statement; some copy another item's amount."""
        rng = self.rng
        currency = self.pick_currency()
        kind = rng.choices(
            (ItemKind.OUT_INVOICE, ItemKind.IN_INVOICE, ItemKind.OUT_REFUND, ItemKind.IN_REFUND),
            weights=(65, 25, 6, 4),
        )[0]
        partner = self.pick_partner(currency)
        date = self.pick_date()
        same_currency = self.items_by_currency.get(currency)
        if same_currency and rng.random() < 0.3:
            source = rng.choice(same_currency)
            cents = int(source.amount.scaleb(2))
            direction = kind.direction.value
            if source.partner is not partner and not partner.has_amount(currency, direction, cents):
                return self.new_item(partner, kind, currency, date, cents=cents)
        return self.new_item(partner, kind, currency, date)
