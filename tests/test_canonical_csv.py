from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bankrec.errors import InputError
from bankrec.model import Direction, ItemKind
from bankrec.open_items import read_open_items_csv
from bankrec.statements.canonical import read_statement_csv, write_statement_csv

HEADER = "id,date,amount,currency,label,counterparty,iban,reference,account\n"


def test_statement_csv_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "st.csv"
    src.write_text(
        HEADER
        + "t1,2026-03-15,-84.20,EUR,PRLV SEPA EDF,EDF,FR76 3000 6000 0112 3456 7890 189,,\n"
        + "t2,2026-03-16,1200.00,EUR,VIR ACME,ACME SA,,RF18539007547034,FR76BANK\n",
        encoding="utf-8",
    )
    txs = read_statement_csv(src)
    assert [t.amount for t in txs] == [Decimal("-84.20"), Decimal("1200.00")]
    assert txs[0].iban == "FR7630006000011234567890189"
    assert txs[0].direction is Direction.OUT and txs[1].direction is Direction.IN
    assert txs[1].date == date(2026, 3, 16)
    out = io.StringIO()
    assert write_statement_csv(txs, out) == 2
    back = tmp_path / "back.csv"
    back.write_text(out.getvalue(), encoding="utf-8")
    again = read_statement_csv(back)
    assert [(t.id, t.amount, t.reference, t.account) for t in again] == [
        (t.id, t.amount, t.reference, t.account) for t in txs
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("t1,2026-13-01,1.00,EUR,x,,,,", r"st\.csv:3:2: date '2026-13-01' is not a date"),
        ("t1,2026-01-01,1,00,EUR,x,,,,", r"st\.csv:3: row has 10 cells"),
        ("t1,2026-01-01,abc,EUR,x,,,,", r"st\.csv:3:3: amount 'abc' is not an amount"),
        ("t1,2026-01-01,1.00,EURO,x,,,,", r"st\.csv:3:4: currency 'EURO'"),
        ("t0,2026-01-01,1.00,EUR,x,,,,", r"st\.csv:3: id 't0' repeats the transaction of line 2"),
    ],
)
def test_statement_csv_errors_name_line_and_column(tmp_path: Path, row: str, message: str) -> None:
    src = tmp_path / "st.csv"
    src.write_text(HEADER + "t0,2026-01-01,5.00,EUR,ok,,,,\n" + row + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_statement_csv(src)


def test_open_items_csv(tmp_path: Path) -> None:
    src = tmp_path / "oi.csv"
    src.write_text(
        "id,kind,number,partner,date,due_date,amount,residual,currency,reference\n"
        "1,out_invoice,INV/2026/0001,Acme SA,2026-03-01,2026-03-31,100.00,40.00,EUR,\n"
        "2,in_refund,RBILL/2026/0002,Edf,2026-03-01,,10.00,10.00,EUR,RF18539007547034\n",
        encoding="utf-8",
    )
    items = read_open_items_csv(src)
    assert items[0].kind is ItemKind.OUT_INVOICE and items[0].signed_residual == Decimal("40.00")
    assert items[1].kind.direction is Direction.IN and items[1].due_date is None


def test_open_items_csv_refuses_unknown_kind(tmp_path: Path) -> None:
    src = tmp_path / "oi.csv"
    src.write_text(
        "id,kind,number,partner,date,due_date,amount,residual,currency,reference\n"
        "1,invoice,INV1,Acme,2026-03-01,,100.00,100.00,EUR,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"kind 'invoice' is unknown.*out_invoice"):
        read_open_items_csv(src)
