"""The case catalogue: each function makes the bank line(s) and open items of one case.

A case knows the truth it creates (which items a line pays, whether a person must look),
so the truth is written down at the moment the data is made rather than guessed later.
All randomness flows from one ``random.Random``; amounts are integer cents turned into
``Decimal`` and never pass through float.

The cases live in one module per family -- :mod:`~bench.matchgen.cases.documents` (the
line names what it pays), :mod:`~bench.matchgen.cases.partners` (only payer and amount
tell), :mod:`~bench.matchgen.cases.amounts` (split or combined money) and
:mod:`~bench.matchgen.cases.without_items` (transfers, fees, expenses, noise) -- on the
shared building blocks of :class:`CaseMaker` (:mod:`~bench.matchgen.cases.maker`) and the
drafts of :mod:`~bench.matchgen.cases.drafts`. This module only lists them: the order and
weights of :data:`CATALOGUE` decide the generated data, so they stay in one place.
"""

from __future__ import annotations

from collections.abc import Callable

from bench.matchgen import truth as T
from bench.matchgen.cases.amounts import (
    fee_deducted,
    instalment,
    multi_invoice_numbers,
    multi_invoice_sum,
    partial_payment,
)
from bench.matchgen.cases.documents import (
    customer_refund,
    exact_iban,
    exact_number,
    exact_structured_ref,
    structured_ref_typo,
    supplier_bill,
    supplier_refund,
)
from bench.matchgen.cases.drafts import (
    OUR_COMPANY,
    PERIOD_DAYS,
    PERIOD_START,
    ItemDraft,
    OurAccount,
    TxDraft,
)
from bench.matchgen.cases.maker import CaseMaker
from bench.matchgen.cases.partners import (
    ambiguous_twins,
    decoy_name_only,
    decoy_same_amount,
    exact_name_amount,
)
from bench.matchgen.cases.without_items import (
    advance_payment,
    bank_fee,
    expense,
    noise,
    noise_amount_collision,
    transfer,
)
from bench.matchgen.cases.zoo import ZOO_CATALOGUE, ZOO_CLASS

__all__ = [
    "ALL_CASES",
    "ALL_CASE_CLASS",
    "CASE_CLASS",
    "CASE_DOCS",
    "CATALOGUE",
    "OUR_COMPANY",
    "PERIOD_DAYS",
    "PERIOD_START",
    "CaseFn",
    "CaseMaker",
    "ItemDraft",
    "OurAccount",
    "TxDraft",
]

CaseFn = Callable[[CaseMaker], list[TxDraft]]

# name -> (maker, weight); the weights give the share of *picks*, not of lines.
CATALOGUE: dict[str, tuple[CaseFn, float]] = {
    "exact_number": (exact_number, 21.5),
    "exact_structured_ref": (exact_structured_ref, 10),
    "exact_iban": (exact_iban, 3),
    "exact_name_amount": (exact_name_amount, 4),
    "decoy_same_amount": (decoy_same_amount, 4),
    "decoy_name_only": (decoy_name_only, 2),
    "partial_payment": (partial_payment, 4),
    "multi_invoice_numbers": (multi_invoice_numbers, 4),
    "multi_invoice_sum": (multi_invoice_sum, 3),
    "instalment": (instalment, 4),
    "fee_deducted": (fee_deducted, 4),
    "supplier_bill": (supplier_bill, 10),
    "customer_refund": (customer_refund, 2),
    "supplier_refund": (supplier_refund, 1.5),
    "ambiguous_twins": (ambiguous_twins, 3),
    "transfer": (transfer, 3),
    "bank_fee": (bank_fee, 4),
    "expense": (expense, 3),
    "noise": (noise, 5),
    "noise_amount_collision": (noise_amount_collision, 2),
    "structured_ref_typo": (structured_ref_typo, 1.5),
    "advance_payment": (advance_payment, 1.5),
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

# Every case either profile can draw, in display order, and its class.
ALL_CASES: dict[str, tuple[CaseFn, float]] = {**CATALOGUE, **ZOO_CATALOGUE}
ALL_CASE_CLASS: dict[str, str] = {**CASE_CLASS, **ZOO_CLASS}
