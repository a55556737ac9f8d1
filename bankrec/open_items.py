"""Open items CSV: the ERP's open documents when bankrec runs on files, without an ERP.

Columns: ``id,kind,number,partner,date,due_date,amount,residual,currency,reference``;
kind is one of Odoo's move types (out_invoice, in_invoice, out_refund, in_refund);
amount and residual are positive.
"""

from __future__ import annotations

from pathlib import Path

from bankrec.csvfields import read_rows
from bankrec.errors import InputError, Location
from bankrec.model import ItemKind, OpenItem

_KINDS = ", ".join(k.value for k in ItemKind)


def read_open_items_csv(path: Path) -> list[OpenItem]:
    """Read an open items CSV; refuse the whole file on the first bad row."""
    items: list[OpenItem] = []
    seen: dict[str, int] = {}
    required = ("id", "kind", "number", "partner", "amount", "residual", "currency")
    for row in read_rows(path, required):
        item_id = row.required("id")
        if item_id in seen:
            raise InputError(
                f"id {item_id!r} repeats the item of line {seen[item_id]}",
                Location(row.file, row.line),
                "a unique id per open item",
            )
        seen[item_id] = row.line
        kind_text = row.required("kind").lower()
        try:
            kind = ItemKind(kind_text)
        except ValueError:
            raise InputError(
                f"kind {kind_text!r} is unknown", Location(row.file, row.line), _KINDS
            ) from None
        amount, residual = row.amount("amount"), row.amount("residual")
        if amount < 0 or residual < 0:
            raise InputError(
                "amount and residual must be positive (the kind gives the direction)",
                Location(row.file, row.line),
            )
        if residual > amount:
            raise InputError(
                f"residual {residual} exceeds amount {amount}", Location(row.file, row.line)
            )
        doc_date = row.date("date", optional=True) or row.date("due_date", optional=True)
        if doc_date is None:
            raise InputError(
                "date and due_date are both empty", Location(row.file, row.line), "a date"
            )
        items.append(
            OpenItem(
                id=item_id,
                kind=kind,
                number=row.required("number"),
                partner=row.text("partner"),
                date=doc_date,
                due_date=row.date("due_date", optional=True),
                amount=amount,
                residual=residual,
                currency=row.currency("currency"),
                reference=row.text("reference"),
                partner_ibans=tuple(
                    i.replace(" ", "").upper() for i in row.text("partner_iban").split(";") if i
                ),
            )
        )
    return items
