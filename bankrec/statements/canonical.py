"""bankrec's canonical statement CSV: the one format every command can read.

Columns: ``id,date,amount,currency,label,counterparty,iban,reference,account`` (amount
signed, positive = money received, written with the currency's minor units by
:func:`bankrec.money.format_amount`: ``-905.30`` EUR, ``1500`` JPY, ``1.250`` KWD -- and
never rounded, so an amount more precise than its currency keeps its digits). Every
importer can write it (``bankrec import --to csv``), so the matcher and the connectors take
any bank format through it. Importer warnings (:attr:`Transaction.warnings`) are not
written: they are for the person running the import.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bankrec.csvfields import read_rows
from bankrec.errors import InputError, Location
from bankrec.model import Transaction
from bankrec.money import format_amount

COLUMNS = ("id", "date", "amount", "currency", "label", "counterparty", "iban", "reference",
           "account")  # fmt: skip


def read_statement_csv(path: Path) -> list[Transaction]:
    """Read a canonical statement CSV; refuse the whole file on the first bad row."""
    transactions: list[Transaction] = []
    seen: dict[str, int] = {}
    for row in read_rows(path, ("id", "date", "amount", "currency", "label")):
        tx_id = row.required("id")
        if tx_id in seen:
            raise InputError(
                f"id {tx_id!r} repeats the transaction of line {seen[tx_id]}",
                Location(row.file, row.line),
                "a unique id per transaction",
            )
        seen[tx_id] = row.line
        tx_date = row.date("date")
        assert tx_date is not None
        transactions.append(
            Transaction(
                id=tx_id,
                date=tx_date,
                amount=row.amount("amount"),
                currency=row.currency("currency"),
                label=row.text("label"),
                counterparty=row.text("counterparty"),
                iban=row.text("iban").replace(" ", "").upper(),
                reference=row.text("reference"),
                account=row.text("account"),
                source=f"{row.file}:{row.line}",
            )
        )
    return transactions


def write_statement_csv(transactions: Iterable[Transaction], out: TextIO) -> int:
    """Write transactions as canonical CSV; return how many rows were written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for t in transactions:
        writer.writerow(
            [t.id, t.date.isoformat(), format_amount(t.amount, t.currency), t.currency,
             t.label, t.counterparty, t.iban, t.reference, t.account]
        )  # fmt: skip
        count += 1
    return count
