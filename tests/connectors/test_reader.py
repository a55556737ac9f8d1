"""Mapping Odoo records to bankrec's model, paging and batching, with a scripted transport."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bankrec.model import ItemKind
from connectors.odoo.errors import ConnectorError
from connectors.odoo.reader import (
    BankJournal,
    Currencies,
    find_journal,
    read_open_items,
    read_statement_lines,
    to_decimal,
)
from tests.connectors.fakes import FakeTransport

CURRENCIES = [
    {"id": 1, "name": "EUR", "decimal_places": 2},
    {"id": 2, "name": "JPY", "decimal_places": 0},
]


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2))
def test_odoo_floats_come_back_as_the_exact_stored_decimal(amount: Decimal) -> None:
    assert to_decimal(float(amount), "EUR") == amount


def test_float_noise_from_computed_sums_is_removed() -> None:
    assert to_decimal(0.1 + 0.2, "EUR") == Decimal("0.30")
    assert to_decimal(1234.0, "JPY") == Decimal("1234")
    assert to_decimal(False, "EUR") == Decimal("0.00")


def move(i: int, kind: str = "out_invoice", partner: int = 7) -> dict[str, Any]:
    return {
        "id": i,
        "name": f"INV/{i}",
        "move_type": kind,
        "partner_id": [partner + 100, "Contact"],
        "commercial_partner_id": [partner, f"Partner {partner}"],
        "invoice_date": "2026-11-01",
        "invoice_date_due": "2026-12-01",
        "date": "2026-11-01",
        "amount_total": 100.1 * i,
        "amount_residual": 50.05 * i,
        "currency_id": [1, "EUR"],
        "payment_reference": f"RF{i}" if i % 2 else False,
        "ref": "their ref",
        "payment_state": "partial",
    }


def test_open_items_are_read_in_pages_by_id_with_one_batched_iban_read() -> None:
    moves = [move(i, partner=7 if i < 4 else 8) for i in range(1, 6)]

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if model == "res.currency":
            return CURRENCIES
        if model == "account.move":
            last = next(v for f, op, v in args[0] if f == "id")
            assert kwargs["fields"] and kwargs["order"] == "id"
            return [m for m in moves if m["id"] > last][: kwargs["limit"]]
        if model == "res.partner.bank":
            assert args[0][0] == ("partner_id", "in", [7, 8])
            return [{"partner_id": [7, "P"], "acc_number": "ch93 0076 2011 6238 5295 7"}]
        raise AssertionError(model)

    t = FakeTransport(handler)
    items = read_open_items(t, Currencies(t), page_size=2)
    assert [i.number for i in items] == [f"INV/{i}" for i in range(1, 6)]
    assert t.calls["account.move.search_read"] == 3  # 2 + 2 + 1
    assert t.calls["res.partner.bank.search_read"] == 1
    first = items[0]
    assert first.kind is ItemKind.OUT_INVOICE
    assert first.partner == "Partner 7" and first.partner_id == "7"
    assert first.amount == Decimal("100.10") and first.residual == Decimal("50.05")
    assert first.reference == "RF1" and items[1].reference == "their ref"
    assert first.partner_ibans == ("CH9300762011623852957",)
    assert items[4].partner_ibans == ()
    assert first.due_date == dt.date(2026, 12, 1)


def test_statement_lines_map_to_transactions_and_skip_partly_booked_ones() -> None:
    journal = BankJournal(6, "BNK1", "Bank", "EUR", 41, 43, 1, False)
    rows = [
        {
            "id": 1,
            "date": "2026-11-02",
            "amount": 120.5,
            "payment_ref": "INV/1",
            "partner_name": "Acme",
            "account_number": "de89 3704 0044 0532 0130 00",
            "partner_id": False,
            "foreign_currency_id": False,
            "amount_currency": 0.0,
            "amount_residual": -120.5,
            "is_reconciled": False,
            "ref": "bankrec:abc",
            "move_id": [11, "BNK1/1"],
            "journal_id": [6, "Bank"],
        },
        {
            "id": 2,
            "date": "2026-11-03",
            "amount": -30.0,
            "payment_ref": "fee",
            "partner_name": False,
            "account_number": False,
            "partner_id": [5, "Bank Corp"],
            "foreign_currency_id": False,
            "amount_currency": 0.0,
            "amount_residual": 30.0,
            "is_reconciled": False,
            "ref": False,
            "move_id": [12, "BNK1/2"],
            "journal_id": [6, "Bank"],
        },
        {
            "id": 3,
            "date": "2026-11-03",
            "amount": 80.0,
            "payment_ref": "half",
            "partner_name": False,
            "account_number": False,
            "partner_id": False,
            "foreign_currency_id": False,
            "amount_currency": 0.0,
            "amount_residual": -30.0,
            "is_reconciled": False,
            "ref": False,
            "move_id": [13, "BNK1/3"],
            "journal_id": [6, "Bank"],
        },
    ]

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if model == "res.currency":
            return CURRENCIES
        assert ("journal_id", "=", 6) in args[0] and ("is_reconciled", "=", False) in args[0]
        return rows

    t = FakeTransport(handler)
    txs, refs, partly = read_statement_lines(t, journal, Currencies(t))
    assert [tx.id for tx in txs] == ["abc", "odoo-line-2"]
    assert partly == 1
    assert txs[0].amount == Decimal("120.50") and txs[0].iban == "DE89370400440532013000"
    assert txs[0].counterparty == "Acme" and txs[1].counterparty == "Bank Corp"
    assert txs[1].amount == Decimal("-30.00") and txs[1].account == "BNK1"
    assert refs["abc"].line_id == 1 and refs["abc"].move_id == 11


def two_companies(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Odoo's Belgian demo data: two companies, each with a BNK1 (codes are per company)."""
    if model == "res.currency":
        return CURRENCIES
    if model == "account.journal":
        return [
            {
                "id": 31,
                "code": "BNK1",
                "name": "Bank",
                "currency_id": False,
                "default_account_id": [41, "Bank"],
                "suspense_account_id": [43, "Suspense"],
                "company_id": [2, "My Belgian Company"],
            },
            {
                "id": 6,
                "code": "BNK1",
                "name": "Bank",
                "currency_id": False,
                "default_account_id": [141, "Bank"],
                "suspense_account_id": [143, "Suspense"],
                "company_id": [1, "My Company (San Francisco)"],
            },
            {
                "id": 7,
                "code": "CSH1",
                "name": "Cash",
                "currency_id": False,
                "default_account_id": [142, "Cash"],
                "suspense_account_id": [143, "Suspense"],
                "company_id": [1, "My Company (San Francisco)"],
            },
        ]
    if model == "res.company":
        assert args[0] == [1, 2]
        return [
            {"id": 1, "name": "My Company (San Francisco)", "currency_id": [1, "EUR"]},
            {"id": 2, "name": "My Belgian Company", "currency_id": [1, "EUR"]},
        ]
    raise AssertionError(model)


def test_a_journal_code_in_two_companies_is_refused_with_the_candidates() -> None:
    t = FakeTransport(two_companies)
    with pytest.raises(ConnectorError) as info:
        find_journal(t, "BNK1", Currencies(t))
    assert str(info.value) == (
        "journal code 'BNK1' exists in 2 companies: 'My Company (San Francisco)' (id 1), "
        "'My Belgian Company' (id 2); choose one with --company"
    )


@pytest.mark.parametrize(
    ("company", "journal_id"),
    [(2, 31), ("2", 31), ("my belgian company", 31), ("My Company (San Francisco)", 6)],
)
def test_the_company_picks_the_journal_by_id_or_name(company: str | int, journal_id: int) -> None:
    t = FakeTransport(two_companies)
    journal = find_journal(t, "bnk1", Currencies(t), company)
    assert journal.id == journal_id
    assert journal.company_id == (2 if journal_id == 31 else 1)


def test_a_company_without_that_journal_is_one_clear_line() -> None:
    t = FakeTransport(two_companies)
    with pytest.raises(ConnectorError) as info:
        find_journal(t, "CSH1", Currencies(t), "My Belgian Company")
    assert str(info.value) == (
        "no bank journal with code 'CSH1' in company 'My Belgian Company' "
        "(it exists in: 'My Company (San Francisco)' (id 1))"
    )
    with pytest.raises(ConnectorError, match=r"no bank journal with code 'BNK9'.*BNK1, CSH1"):
        find_journal(t, "BNK9", Currencies(t))


def test_a_code_unique_across_companies_needs_no_company() -> None:
    t = FakeTransport(two_companies)
    assert find_journal(t, "CSH1", Currencies(t)).id == 7
