"""The canonical statement CSV as an import format: sniffed by its header, grouped into
one statement per own account and currency, bad rows refused with their line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from bankrec.errors import StatementError
from bankrec.model import Transaction
from bankrec.statements import canonical_format
from bankrec.statements.canonical import write_statement_csv
from bankrec.statements.registry import detect


def _tx(n: int, account: str, currency: str, amount: str) -> Transaction:
    return Transaction(id=f"t{n}", date=dt.date(2024, 3, n), amount=Decimal(amount),
                       currency=currency, label=f"line {n}", account=account)  # fmt: skip


def _write(path: Path, txs: list[Transaction]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        write_statement_csv(txs, out)
    return path


def test_round_trip_groups_by_account_and_currency(tmp_path: Path) -> None:
    txs = [_tx(1, "BE68539007547034", "EUR", "10.00"), _tx(2, "CH9300762011623852957", "CHF",
           "-5.50"), _tx(3, "BE68539007547034", "EUR", "-2.25"),
           _tx(4, "BE68539007547034", "USD", "1.00")]  # fmt: skip
    path = _write(tmp_path / "c.csv", txs)
    assert detect(path) is canonical_format
    statements = canonical_format.read(path)
    assert [(s.account, s.currency, len(s.transactions)) for s in statements] == [
        ("BE68539007547034", "EUR", 2), ("CH9300762011623852957", "CHF", 1),
        ("BE68539007547034", "USD", 1)]  # fmt: skip
    assert statements[0].movements() == Decimal("7.75")
    assert [t.id for s in statements for t in s.transactions] == ["t1", "t3", "t2", "t4"]
    assert statements[0].opening is None and statements[0].closing is None


def test_sniff_needs_the_canonical_header() -> None:
    assert canonical_format.sniff(b"id,date,amount,currency,label,counterparty\n")
    assert canonical_format.sniff(b'\xef\xbb\xbf"id","date","amount","currency","label"\n')
    assert not canonical_format.sniff(b"date,amount,label\n")


def test_bad_row_is_a_statement_error_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,date,amount,currency,label\na,2024-03-01,1.00,EUR,x\n"
                    "b,2024-03-02,one,EUR,y\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(StatementError) as err:
        canonical_format.read(path)
    assert (err.value.location.line, err.value.location.column) == (3, 3)


def test_repeated_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("id,date,amount,currency,label\na,2024-03-01,1.00,EUR,x\n"
                    "a,2024-03-02,2.00,EUR,y\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(StatementError) as err:
        canonical_format.read(path)
    assert err.value.location.line == 3 and "repeats" in str(err.value)


def test_loader_keeps_file_order_across_accounts(tmp_path: Path) -> None:
    """Commands that report line by line (match, rules test) must follow the file's order."""
    from bankrec.statements.loader import load_transactions

    src = tmp_path / "st.csv"
    src.write_text(
        "id,date,amount,currency,label,counterparty,iban,reference,account\n"
        "a,2026-03-01,1.00,EUR,x,,,,ACC1\n"
        "b,2026-03-01,2.00,EUR,y,,,,ACC2\n"
        "c,2026-03-02,3.00,EUR,z,,,,ACC1\n",
        encoding="utf-8",
    )
    assert [t.id for t in load_transactions(src)] == ["a", "b", "c"]
