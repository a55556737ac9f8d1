"""The wording zoo: the label formats and failure classes an independent evaluation found.

Real statements (CFONB ``/FRAIS``, German ``SVWZ+``/``ENTGELT``, Swiss ``SPESEN``, Belgian
``KOSTEN``, UK ``CHARGES``) write document numbers loosely -- zeros dropped inside a group,
the year shortened or dropped, the prefix dropped -- and state a deducted fee in the label;
names arrive abbreviated (``STE``, ``ETS``, ``LABO``), as initials or surname first, with an
address appended; transfers between our accounts name the other side by IBAN while our own
lines carry a journal code; a deposit can carry the amount of an open invoice.

These cases are only drawn with ``profile="zoo"`` (see :data:`ZOO_CATALOGUE`), so the
standard data set stays what earlier figures were measured on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bankrec.model import ItemKind
from bench.matchgen import truth as T
from bench.matchgen.cases.drafts import OUR_COMPANY, OurAccount, TxDraft, from_cents
from bench.matchgen.cases.maker import CaseMaker
from bench.matchgen.names import FORM_SPELLINGS, Partner, strip_accents
from bench.matchgen.references import variant_number
from bench.matchgen.wording import INVOICE_WORDS, fill

# Real label shapes, per style of our bank: {name} the payer, {rem} the remittance.
ZOO_IN = {
    "FR": ("VIR SEPA {name} /REF {rem}", "VIR RECU {e2e} {name} MOTIF {rem}",
           "REMISE VIR SEPA DE {name} REF.CLIENT {rem}"),
    "DE": ("SEPA-GUTSCHRIFT EREF+{e2e} SVWZ+{rem} ABWA+{name}",
           "GUTSCHRIFT UEBERWEISUNG {name} {rem}", "SEPA Gutschrift {name} {rem} KREF+{e2e}"),
    "BE": ("EUROPESE OVERSCHRIJVING VAN {name} MEDEDELING {rem}",
           "VIREMENT SEPA RECU {name} COMMUNICATION {rem} REF {e2e}"),
    "CH": ("GUTSCHRIFT VON {name} MITTEILUNGEN: {rem}", "CREDIT SEPA {name} {rem}"),
    "UK": ("FP {name} {rem}", "CREDIT {name} REF {rem} {e2e}"),
}  # fmt: skip
# How a bank states the fee it (or the payer's bank) kept: {fee} is the amount.
FEE_STATED = {
    "FR": ("/FRAIS {fee}", "FRAIS {fee} EUR", "COMMISSION {fee}"),
    "DE": ("ENTGELT {fee}", "SPESEN {fee}", "KOSTEN {fee} EUR", "GEBUEHR {fee}"),
    "BE": ("KOSTEN {fee}", "FRAIS {fee}"),
    "CH": ("SPESEN {fee}", "FRAIS {fee} CHF"),
    "UK": ("CHARGES {fee}", "FEE {fee}", "LESS CHARGES {fee}"),
}
DEPOSIT_WORDS = {
    "FR": ("ACOMPTE", "ACOMPTE COMMANDE", "AVANCE"),
    "DE": ("ANZAHLUNG", "VORAUSZAHLUNG", "Anzahlung Auftrag"),
    "BE": ("ACOMPTE", "VOORSCHOT"),
    "CH": ("ANZAHLUNG", "ACOMPTE"),
    "UK": ("DEPOSIT", "ADVANCE", "PREPAYMENT"),
}
ZOO_TRANSFER_MOTIFS = ("GIROCONTO", "TRASPASO", "INTERNE OVERBOEKING", "TRESORERIE",
                       "EIGENUEBERTRAG", "SWEEP", "VIREMENT INTERNE")  # fmt: skip
_ABBREVIATIONS = (("Laboratoires", "LABO"), ("Établissements", "ETS"), ("Société", "STE"),
                  ("Handelsgesellschaft", "HANDELSGES."), ("Compagnie", "CIE"),
                  ("International", "INTL"), ("Gesellschaft", "GES."))  # fmt: skip
_ADDRESSES = ("12 RUE DE LA PAIX 75002 PARIS", "HAUPTSTRASSE 5 80331 MUENCHEN",
              "KERKSTRAAT 14 2000 ANTWERPEN", "12 HIGH STREET LEEDS LS1 4AP",
              "BAHNHOFSTRASSE 3 8001 ZUERICH")  # fmt: skip


def _label(maker: CaseMaker, account: OurAccount, date: dt.date, name: str, rem: str) -> str:
    template = maker.rng.choice(ZOO_IN[account.style])
    return fill(template, maker.rng, date, name=name, rem=rem)


def _number_text(maker: CaseMaker, style: str, number: str) -> str:
    return maker.rng.choice(INVOICE_WORDS[style]) + variant_number(number, maker.rng)


def _written_name(maker: CaseMaker, partner: Partner) -> str:
    """The payer's name as real banks send it: abbreviated, an address appended, cut."""
    rng = maker.rng
    name = partner.name
    for long, short in _ABBREVIATIONS:
        if long in name and rng.random() < 0.8:
            name = name.replace(long, short)
    name = strip_accents(name).upper()
    if rng.random() < 0.5:  # the legal form in another spelling of the same form
        for long, short in ((" LIMITED", " LTD"), (" LTD", " LIMITED"), (" PLC", " P.L.C.")):
            if name.endswith(long):
                name = name[: -len(long)] + short
                break
    if rng.random() < 0.25:
        name = f"{name} {rng.choice(_ADDRESSES)}"
    return name[:35].rstrip() if len(name) > 35 and rng.random() < 0.7 else name


def zoo_number_forms(maker: CaseMaker) -> list[TxDraft]:
    """Exact payment, the number written loosely (zeros, year, prefix dropped)."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
    rem = _number_text(maker, account.style, item.number)
    tx = _line(maker, "zoo_number_forms", T.SHOULD_RECONCILE, account, partner, item.residual,
               rem, date)  # fmt: skip
    if rng.random() < 0.3:
        tx.counterparty = _written_name(maker, partner)
    tx.expected = [(item, item.residual)]
    return [tx]


def zoo_number_only(maker: CaseMaker) -> list[TxDraft]:
    """No name and no known IBAN: a number (loosely written) and the exact residual."""
    currency, date = maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
    rem = _number_text(maker, account.style, item.number)
    tx = _line(maker, "zoo_number_only", T.SHOULD_RECONCILE, account, None, item.residual,
               rem, date)  # fmt: skip
    tx.expected = [(item, item.residual)]
    return [tx]


def zoo_fee_stated(maker: CaseMaker) -> list[TxDraft]:
    """A fee was deducted and the label states it (``ENTGELT 5.66``): the amount is exact."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    cents = maker.fresh_cents(partner, currency, "in", minimum=5000)
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date, cents=cents,
                          reference=False)  # fmt: skip
    while True:
        fee = rng.choice((250, 500, 566, 853, 1443, rng.randint(50, 4000)))
        if fee * 10 <= cents and not partner.has_amount(currency, "in", cents - fee):
            break
    received = from_cents(cents - fee)
    maker.remember_paid(partner, item, received)
    written = f"{from_cents(fee)}"
    if account.style in ("DE", "BE", "CH", "FR") and rng.random() < 0.5:
        written = written.replace(".", ",")
    fee_text = rng.choice(FEE_STATED[account.style]).format(fee=written)
    rem = f"{_number_text(maker, account.style, item.number)} {fee_text}"
    tx = _line(maker, "zoo_fee_stated", T.SHOULD_RECONCILE, account, partner, received, rem, date)
    tx.expected = [(item, item.residual)]
    tx.writeoff = received - item.residual
    return [tx]


def zoo_part_payment(maker: CaseMaker) -> list[TxDraft]:
    """Part of an invoice, its number loosely written: suggest the part payment, ranked first."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
    total = int(item.amount.scaleb(2))
    while True:
        part = total * rng.randint(25, 75) // 100
        if 0 < part < total and not partner.has_amount(currency, "in", part):
            break
    paid = from_cents(part)
    maker.remember_paid(partner, item, paid)
    rem = _number_text(maker, account.style, item.number)
    tx = _line(maker, "zoo_part_payment", T.SHOULD_SUGGEST, account, partner, paid, rem, date)
    tx.expected = [(item, paid)]
    return [tx]


def zoo_deposit_trap(maker: CaseMaker) -> list[TxDraft]:
    """A deposit (``ACOMPTE``, ``Anzahlung``) for the amount of an open invoice of the payer:
    not that invoice -- nothing may be booked without a person."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.fresh_partner(currency)
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
    rem = rng.choice(DEPOSIT_WORDS[account.style]) + f" {rng.randrange(1000, 9999)}"
    tx = _line(maker, "zoo_deposit_trap", T.SHOULD_STAY_UNMATCHED, account, partner,
               item.residual, rem, date)  # fmt: skip
    return [tx]


def zoo_name_forms(maker: CaseMaker) -> list[TxDraft]:
    """Name abbreviated or with an address, number loosely written, exact amount."""
    currency, date = maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    partner = maker.pick_partner(currency)
    item = maker.new_item(partner, ItemKind.OUT_INVOICE, currency, date, reference=False)
    rem = _number_text(maker, account.style, item.number)
    name = _written_name(maker, partner)
    tx = _line(maker, "zoo_name_forms", T.SHOULD_RECONCILE, account, None, item.residual, rem,
               date, name=name)  # fmt: skip
    tx.counterparty = name
    tx.expected = [(item, item.residual)]
    return [tx]


def _person_written(maker: CaseMaker, partner: Partner) -> str:
    """A person as banks write them: initial and surname, either order, or surname first."""
    first, surname = strip_accents(partner.name).upper().split(" ", 1)
    return maker.rng.choice((f"{first[0]} {surname}", f"{surname} {first[0]}",
                             f"{surname} {first}", f"{first[0]}. {surname}"))  # fmt: skip


def zoo_person_names(maker: CaseMaker) -> list[TxDraft]:
    """A person paying, written with an initial or surname first (``J PERRIN``, ``WILSON
    AMELIA``), while another person of that surname has an open item of the same amount."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    country = account.style if account.style in ("FR", "DE", "CH", "BE", "UK") else "FR"
    payer, namesake = maker.factory.people(country)
    item = maker.new_item(payer, ItemKind.OUT_INVOICE, currency, date, reference=False)
    cents = int(item.amount.scaleb(2))
    maker.new_item(namesake, ItemKind.OUT_INVOICE, currency, date, cents=cents, reference=False)
    name = _person_written(maker, payer)
    rem = rng.choice(("LOYER", "MIETE", "RENT", "HUUR", "COTISATION", ""))
    tx = _line(maker, "zoo_person_names", T.SHOULD_RECONCILE, account, None, item.residual,
               rem, date, name=name)  # fmt: skip
    if rng.random() < 0.5:
        tx.counterparty = name
    tx.expected = [(item, item.residual)]
    return [tx]


def zoo_legal_twins(maker: CaseMaker) -> list[TxDraft]:
    """Two partners differing only by legal form (``ACME PLC`` / ``ACME LIMITED``), each
    with an open item of the same amount: the form the bank writes decides."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    country = account.style if account.style in ("FR", "DE", "CH", "BE", "UK") else "FR"
    payer, twin, payer_form, twin_form = maker.factory.legal_twins(country)
    if rng.random() < 0.5:
        payer, twin, payer_form = twin, payer, twin_form
    item = maker.new_item(payer, ItemKind.OUT_INVOICE, currency, date, reference=False)
    cents = int(item.amount.scaleb(2))
    maker.new_item(twin, ItemKind.OUT_INVOICE, currency, date, cents=cents, reference=False)
    base = strip_accents(payer.name[: -len(payer_form)].strip()).upper()
    name = f"{base} {rng.choice(FORM_SPELLINGS[payer_form])}"
    tx = _line(maker, "zoo_legal_twins", T.SHOULD_RECONCILE, account, None, item.residual,
               rng.choice(("PAIEMENT", "ZAHLUNG", "PAYMENT", "")), date, name=name)  # fmt: skip
    if rng.random() < 0.5:
        tx.counterparty = name
    tx.expected = [(item, item.residual)]
    return [tx]


def zoo_legal_twins_unstated(maker: CaseMaker) -> list[TxDraft]:
    """The same twins, the bank text without a legal form: a person decides (suggest)."""
    rng, currency, date = maker.rng, maker.pick_currency(), maker.pick_date()
    account = maker.pick_account(currency)
    country = account.style if account.style in ("FR", "DE", "CH", "BE", "UK") else "FR"
    payer, twin, payer_form, _ = maker.factory.legal_twins(country)
    item = maker.new_item(payer, ItemKind.OUT_INVOICE, currency, date, reference=False)
    cents = int(item.amount.scaleb(2))
    other = maker.new_item(twin, ItemKind.OUT_INVOICE, currency, date, cents=cents,
                           reference=False)  # fmt: skip
    name = strip_accents(payer.name[: -len(payer_form)].strip()).upper()
    tx = _line(maker, "zoo_legal_twins_unstated", T.SHOULD_SUGGEST, account, None,
               item.residual, "", date, name=name)  # fmt: skip
    tx.counterparty = name if rng.random() < 0.5 else ""
    meant = min(item, other, key=lambda i: (i.due_date, i.number))
    tx.expected = [(meant, meant.residual)]
    tx.alternatives = [[(item, item.residual)], [(other, other.residual)]]
    tx.unambiguous = False
    return [tx]


def zoo_transfer(maker: CaseMaker) -> list[TxDraft]:
    """Transfer between our accounts: lines carry our journal code, the other side's IBAN,
    and wording in any language (``GIROCONTO``, ``TRASPASO``, ``INTERNE OVERBOEKING``)."""
    rng = maker.rng
    currency = rng.choices(("EUR", "CHF"), weights=(85, 15))[0]
    source, target = rng.sample(maker.accounts[currency], 2)
    amount = from_cents(rng.randint(10, 900) * rng.choice((100, 10000)))
    date = maker.pick_date()
    motif = rng.choice(ZOO_TRANSFER_MOTIFS)
    in_date = date + dt.timedelta(days=rng.choice((0, 0, 1, 2)))
    out_tx = TxDraft("zoo_transfer", T.TRANSFER, date, -amount, source,
                     f"{motif} {OUR_COMPANY.upper()}", "", target.iban if rng.random() < 0.8
                     else "", order=rng.random())  # fmt: skip
    in_tx = TxDraft("zoo_transfer", T.TRANSFER, in_date, amount, target,
                    f"{motif} {source.iban if rng.random() < 0.3 else ''}".strip(), "",
                    source.iban if rng.random() < 0.8 else "", order=rng.random())  # fmt: skip
    if not out_tx.iban and not in_tx.iban:
        out_tx.iban = target.iban
    out_tx.transfer_with, in_tx.transfer_with = in_tx, out_tx
    return [out_tx, in_tx]


def _line(
    maker: CaseMaker,
    case: str,
    cls: str,
    account: OurAccount,
    partner: Partner | None,
    amount: Decimal,
    rem: str,
    date: dt.date,
    name: str = "",
) -> TxDraft:
    rng = maker.rng
    if partner is not None and not name:
        name = _written_name(maker, partner)
    label = _label(maker, account, date, name, rem)
    iban = partner.iban if partner is not None and rng.random() < 0.5 else ""
    return TxDraft(case, cls, date, amount, account, label, "", iban, order=rng.random())


ZOO_CATALOGUE = {
    "zoo_number_forms": (zoo_number_forms, 12.0),
    "zoo_number_only": (zoo_number_only, 6.0),
    "zoo_fee_stated": (zoo_fee_stated, 6.0),
    "zoo_part_payment": (zoo_part_payment, 4.0),
    "zoo_deposit_trap": (zoo_deposit_trap, 2.0),
    "zoo_name_forms": (zoo_name_forms, 5.0),
    "zoo_transfer": (zoo_transfer, 3.0),
    "zoo_person_names": (zoo_person_names, 3.0),
    "zoo_legal_twins": (zoo_legal_twins, 3.0),
    "zoo_legal_twins_unstated": (zoo_legal_twins_unstated, 1.5),
}
ZOO_CLASS = {
    "zoo_number_forms": T.SHOULD_RECONCILE,
    "zoo_number_only": T.SHOULD_RECONCILE,
    "zoo_fee_stated": T.SHOULD_RECONCILE,
    "zoo_part_payment": T.SHOULD_SUGGEST,
    "zoo_deposit_trap": T.SHOULD_STAY_UNMATCHED,
    "zoo_name_forms": T.SHOULD_RECONCILE,
    "zoo_transfer": T.TRANSFER,
    "zoo_person_names": T.SHOULD_RECONCILE,
    "zoo_legal_twins": T.SHOULD_RECONCILE,
    "zoo_legal_twins_unstated": T.SHOULD_SUGGEST,
}
