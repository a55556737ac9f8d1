"""Company-currency values of a plan's counterparts, spread so the entry stays balanced.

Separate from the planning of :mod:`connectors.odoo.plan` because it is one question of its
own, asked of every plan whatever its kind: given the counterparts (each in the currency of
what it settles), what is each worth in the company's currency? The answer is arithmetic
on rates and rounding, with refusals of its own when no value can be right.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal

from bankrec.money import quantize
from connectors.odoo.plan_data import InvoiceLine, LinePlan, LineState, Refusal


def with_balances(
    planned: LinePlan, state: LineState, invoice_lines: Mapping[str, Sequence[InvoiceLine]]
) -> LinePlan | Refusal:
    """``planned`` with every counterpart's currency and company-currency balance set.

    The balances must add up exactly to the suspense item's balance: the bank item is
    not touched, so anything else would unbalance the entry. An item in the company's
    currency is worth exactly its amount. The rest of the suspense balance is spread over
    the items in other currencies in proportion to what each settles: pro rata of their
    amounts when they share one currency (in a CHF journal each CHF item gets its share of
    the line's EUR value; an EUR line paying one CHF invoice gives it all of its EUR),
    and, only when they are in several currencies, valued at the bank line's own rate for
    items in its currency and at the rate each invoice was booked at otherwise. Each share
    is rounded to the company currency and the last item takes what rounding left over,
    so the sum is exact.

    What this gives is what the line's money is worth in the books; the difference to the
    invoices' booked value is left for Odoo's reconciliation to book as an exchange
    difference. Refused when that cannot work: company-currency items alone do not add up
    to the line's company-currency value (an exchange difference on company-currency items,
    which Odoo does not book), or a share would come out against its amount's sign.
    """
    tid = planned.transaction_id
    base = state.base_currency
    total = state.suspense_balance
    fixed = sum(
        (cp.amount for cp in planned.counterparts if cp.currency_on(state) == base), Decimal(0)
    )
    floating = {i: cp for i, cp in enumerate(planned.counterparts) if cp.currency_on(state) != base}
    weights: dict[int, Decimal] = {i: cp.amount for i, cp in floating.items()}
    if len({cp.currency_on(state) for cp in floating.values()}) > 1:  # weigh them in `base`
        rates = {ln.id: ln.booked_rate for lines in invoice_lines.values() for ln in lines}
        suspense = state.suspense
        assert suspense is not None  # a pristine line has one
        line_rate = suspense.company_balance / suspense.amount if suspense.amount else None
        for i, cp in floating.items():
            currency = cp.currency_on(state)
            rate = line_rate if currency == state.currency else rates.get(cp.reconcile_with or 0)
            if rate is None:
                return Refusal(
                    tid, f"no rate to value the {currency} counterpart {cp.name!r} in {base}"
                )
            weights[i] = cp.amount * rate
    rest = total - fixed
    if not weights:
        if rest:
            return Refusal(
                tid,
                f"the line is worth {-total} {base} in the books but its {base} items settle "
                f"{-fixed} {base}: the difference would be an exchange difference on items "
                f"in the company's currency, which Odoo does not book; reconcile it in Odoo",
                foreign_currency=True,
            )
        shares: dict[int, Decimal] = {}
    else:
        weight = sum(weights.values(), Decimal(0))
        if not weight:
            return Refusal(tid, "the counterparts in other currencies cancel out; not written")
        shares = {}
        *first, last = weights
        for i in first:
            shares[i] = quantize(rest * weights[i] / weight, base)
        shares[last] = rest - sum(shares.values(), Decimal(0))
    counterparts = []
    for i, cp in enumerate(planned.counterparts):
        balance = shares.get(i, cp.amount)
        if balance * cp.amount < 0 or (cp.amount and not balance and i in shares):
            why = "its sign does not fit" if balance else "an amount without a value"
            return Refusal(
                tid,
                f"the counterpart {cp.name!r} ({cp.amount} {cp.currency_on(state)}) would be "
                f"worth {balance if balance else abs(balance)} {base}: {why}; not written",
                foreign_currency=True,
            )
        counterparts.append(
            dataclasses.replace(cp, currency=cp.currency_on(state), balance=balance)
        )
    return dataclasses.replace(planned, counterparts=tuple(counterparts))
