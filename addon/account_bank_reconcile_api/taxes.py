# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counterparts booked with a tax (instruction format version 3): an expense paid from the
bank with its VAT.

The bank line's amount includes the tax. The counterpart is written as Odoo's own journal
entries with taxes are: one base item carrying ``tax_ids``, whose tax lines Odoo itself
creates (accounts, repartition, tax grids) when it synchronises the entry. The base is the
amount that Odoo's computation turns back into exactly the bank line's amount, so the entry
balances without a rounding line.
"""

from decimal import Decimal

from odoo import _
from odoo.exceptions import UserError

TAX_VERSION = 3


def counterpart_taxes(env, line, cp, version, cp_currency, company_currency):
    """The ``account.tax`` records a counterpart names (empty when none), checked."""
    refs = cp.get("taxes") or []
    if not refs:
        return env["account.tax"]
    if version < TAX_VERSION:
        raise UserError(
            _(
                "Line %(line)s: taxes need instruction format version %(version)s.",
                line=line.id,
                version=TAX_VERSION,
            )
        )
    if not isinstance(refs, list) or not all(isinstance(r, int) for r in refs):
        raise UserError(_("Line %s: taxes must be a list of tax ids.", line.id))
    if cp.get("reconcile_with"):
        raise UserError(_("Line %s: a counterpart settling an item has no taxes.", line.id))
    if cp_currency != company_currency:
        raise UserError(
            _(
                "Line %(line)s: bankrec books taxes in the company's currency only, not "
                "%(currency)s.",
                line=line.id,
                currency=cp_currency.name,
            )
        )
    taxes = env["account.tax"].browse(refs).exists()
    if len(taxes) != len(set(refs)) or taxes.company_id != line.company_id:
        raise UserError(_("Line %s: a tax does not exist in the line's company.", line.id))
    return taxes


def tax_base(line, taxes, gross, currency):
    """The base amount whose taxes, as Odoo computes them on a journal entry, add up to
    ``gross`` (signed: positive for a debit) exactly."""
    debit = gross > 0
    kind = taxes[0].type_tax_use
    is_refund = (kind == "sale" and debit) or (kind == "purchase" and not debit)
    included = taxes.with_context(force_price_include=True).compute_all(
        float(gross), currency=currency, is_refund=is_refund, handle_price_include=True
    )
    base = Decimal(str(currency.round(included["total_excluded"])))
    step = Decimal(1).scaleb(-currency.decimal_places)
    for candidate in (base, base - step, base + step):  # rounding may land a cent away
        check = taxes.compute_all(
            float(candidate), currency=currency, is_refund=is_refund, handle_price_include=False
        )
        if not currency.compare_amounts(check["total_included"], float(gross)):
            return candidate
    raise UserError(
        _(
            "Line %(line)s: no base amount gives %(gross)s with %(taxes)s.",
            line=line.id,
            gross=gross,
            taxes=", ".join(taxes.mapped("name")),
        )
    )
