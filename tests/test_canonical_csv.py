from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bankrec.errors import InputError
from bankrec.model import Direction, ItemKind, Transaction
from bankrec.open_items import read_open_items_csv
from bankrec.statements import camt
from bankrec.statements.canonical import read_statement_csv, write_statement_csv

HEADER = "id,date,amount,currency,label,counterparty,iban,reference,account\n"
CAMT = Path(__file__).resolve().parent / "fixtures" / "camt"


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
    assert out.getvalue().splitlines()[1:] == [
        "t1,2026-03-15,-84.20,EUR,PRLV SEPA EDF,EDF,FR7630006000011234567890189,,",
        "t2,2026-03-16,1200.00,EUR,VIR ACME,ACME SA,,RF18539007547034,FR76BANK",
    ]
    back = tmp_path / "back.csv"
    back.write_text(out.getvalue(), encoding="utf-8")
    again = read_statement_csv(back)
    assert [(t.id, t.amount, t.reference, t.account) for t in again] == [
        (t.id, t.amount, t.reference, t.account) for t in txs
    ]


def _tx(tx_id: str, amount: str, currency: str, **kw: Any) -> Transaction:
    return Transaction(id=tx_id, date=date(2024, 4, 11), amount=Decimal(amount),
                       currency=currency, **kw)  # fmt: skip


def test_amounts_are_written_with_the_currency_minor_units() -> None:
    """Golden: how amounts banks write loosely come out (changed deliberately: the writer
    used ``str(amount)`` and wrote ``-905.3`` and ``50000`` as the bank had)."""
    out = io.StringIO()
    write_statement_csv(
        [_tx("a", "-905.3", "EUR"), _tx("b", "50000", "EUR"), _tx("c", "1500.00", "JPY"),
         _tx("d", "1.25", "KWD"), _tx("e", "-7", "BHD"), _tx("f", "2E+2", "USD"),
         _tx("g", "1.234", "EUR"), _tx("h", "-0.00", "CHF")],
        out,
    )  # fmt: skip
    assert out.getvalue() == HEADER + (
        "a,2024-04-11,-905.30,EUR,,,,,\n"
        "b,2024-04-11,50000.00,EUR,,,,,\n"
        "c,2024-04-11,1500,JPY,,,,,\n"
        "d,2024-04-11,1.250,KWD,,,,,\n"
        "e,2024-04-11,-7.000,BHD,,,,,\n"
        "f,2024-04-11,200.00,USD,,,,,\n"
        "g,2024-04-11,1.234,EUR,,,,,\n"  # more precise than EUR: written as is, not rounded
        "h,2024-04-11,0.00,CHF,,,,,\n"
    )


def test_importer_warnings_are_not_written() -> None:
    plain, warned = io.StringIO(), io.StringIO()
    write_statement_csv([_tx("a", "1", "EUR")], plain)
    write_statement_csv([_tx("a", "1", "EUR", warnings=("took the statement's date",))], warned)
    assert warned.getvalue() == plain.getvalue()


@pytest.mark.parametrize("name", ["camt053_v02_ch", "camt053_v08_undated_entries"])
def test_camt_to_canonical_csv_golden(name: str) -> None:
    """Golden files in tests/fixtures/camt/*.canonical.csv: ids, dates and amounts as the
    import command writes them (the undated file: statement date, amounts padded)."""
    out = io.StringIO()
    write_statement_csv([t for s in camt.read(CAMT / f"{name}.xml") for t in s.transactions], out)
    assert out.getvalue() == (CAMT / f"{name}.canonical.csv").read_text(encoding="utf-8")


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
