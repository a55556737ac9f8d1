"""The contract between the connector and the bankrec add-on's server methods.

The add-on (``addon/account_bank_reconcile_api``) exposes value-returning methods on
``account.bank.statement.line`` so plain XML-RPC can call them. This module holds their
names, how the connector detects the add-on, and the instruction format ``bankrec_apply``
takes. Each instruction carries ``version``: the add-on refuses a line whose version it does
not know (one clear per-line error) rather than guess at a changed meaning, so a connector
and an add-on of different releases can never book something neither meant.
"""

from __future__ import annotations

from typing import Any

from bankrec.model import Booking
from connectors.odoo.plan_data import TRANSFER_MARK, LinePlan, LineState
from connectors.odoo.transport import OdooTransport

ADDON_MODULE = "account_bank_reconcile_api"
ADDON_MODEL = "account.bank.statement.line"
ADDON_APPLY = "bankrec_apply"  # batched, value-returning write-back
ADDON_UNDO = "bankrec_undo"  # value-returning undo of statement lines
ADDON_LOCK = "bankrec_lock"  # take / refresh a bank journal's lock (one sync at a time)
ADDON_UNLOCK = "bankrec_unlock"  # release it (only the holder's own)
# Version of the instruction format below; the add-on checks it per line. 1: every amount
# in the company's currency (journal, counterparts and invoices alike). 2: each counterpart
# also says its currency and its company-currency balance (foreign-currency journals,
# invoices in another currency than the line), and the instruction the suspense item's
# balance it was planned on. 3: a counterpart may name taxes included in its amount (an
# expense booked with its VAT); only such instructions are sent as version 3, so an add-on
# that knows 2 still books everything else and refuses these rather than drop the tax.
PROTOCOL_VERSION = 2
TAX_PROTOCOL_VERSION = 3


def addon_installed(transport: OdooTransport) -> bool:
    """Whether the bankrec add-on is installed on this Odoo (one read)."""
    return bool(
        transport.execute_kw(
            "ir.module.module",
            "search_count",
            [[("name", "=", ADDON_MODULE), ("state", "=", "installed")]],
        )
    )


def addon_instruction(planned: LinePlan, state: LineState) -> dict[str, Any]:
    """One line's plan as the add-on's ``bankrec_apply`` takes it: plain JSON-able values,
    amounts as decimal strings (exact), and the state the plan was made on, which the server
    checks before writing so a line booked meanwhile is skipped, never booked twice."""
    if state.suspense is None or state.liquidity is None:
        raise ValueError("the statement line has no suspense line to rewrite")
    taxed = any(cp.taxes for cp in planned.counterparts)
    return {
        "version": TAX_PROTOCOL_VERSION if taxed else PROTOCOL_VERSION,
        "key": planned.transaction_id,
        "line_id": state.line_id,
        "suspense_id": state.suspense.id,
        "suspense_amount": str(state.suspense.amount),
        "suspense_balance": str(state.suspense_balance),
        "partner_id": planned.partner_id or False,
        # transfer: the label of the other side's item to pair with, once it is booked
        "transfer": f"{TRANSFER_MARK} {planned.transaction_id}"
        if planned.booking is Booking.TRANSFER
        else False,
        "counterparts": [
            {
                "account_id": cp.account_id,
                "currency": cp.currency_on(state),  # ISO code of `amount`
                "amount": str(cp.amount),
                "balance": str(cp.company_balance),  # in the company's currency
                "name": cp.name,
                "partner_id": cp.partner_id or False,
                "reconcile_with": cp.reconcile_with or False,
                **({"taxes": list(cp.taxes)} if cp.taxes else {}),
            }
            for cp in planned.counterparts
        ],
    }
