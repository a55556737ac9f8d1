"""camt.052/053/054 reader against fixtures written from the ISO 20022 message definitions
and the Swiss (SIX) and German (DK) implementation guides (tests/fixtures/camt/)."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest

from bankrec.errors import StatementError
from bankrec.model import Statement, Transaction
from bankrec.statements import camt, xmlsafe
from bankrec.statements.balance import check_balances

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "camt"


def read(name: str) -> list[Statement]:
    return camt.read(FIXTURES / name)


def by_amount(statement: Statement, amount: str) -> Transaction:
    found = [t for t in statement.transactions if t.amount == Decimal(amount)]
    assert len(found) == 1, [t.amount for t in statement.transactions]
    return found[0]


# ---- v02 (SIX) ---------------------------------------------------------------------------


def test_v02_reads_two_statements_with_their_balances() -> None:
    first, second = read("camt053_v02_ch.xml")
    assert (first.statement_id, second.statement_id) == ("STMT-2024-03-01", "STMT-2024-03-02")
    assert first.account == second.account == "CH9300762011623852957"
    assert first.currency == "CHF"
    assert first.opening is not None and first.closing is not None
    assert first.opening.amount == Decimal("1000.00")
    assert first.opening.date == dt.date(2024, 2, 29)
    assert first.closing.amount == Decimal("1424.50")
    assert first.opening.amount + first.movements() == first.closing.amount
    assert check_balances([first, second]) == []


def test_v02_unstructured_lines_are_joined_and_structured_qr_reference_kept() -> None:
    first = read("camt053_v02_ch.xml")[0]
    tx = by_amount(first, "250.00")
    assert tx.label == "Rechnung 2024-117 Kunde 8841"
    assert tx.reference == "210000000003139471430009017"
    assert tx.counterparty == "Muster Handel GmbH"  # whitespace collapsed
    assert tx.iban == "DE89370400440532013000"  # the debtor: we received the money
    assert tx.bic == "COBADEFFXXX"
    assert tx.end_to_end_id == "E2E-MUSTER-4711"
    assert tx.bank_reference == "ZKB-20240301-0001"
    assert tx.date == dt.date(2024, 3, 1) and tx.value_date == dt.date(2024, 3, 1)
    assert tx.bank_code == "PMNT/RCDT/VCOM"
    assert tx.id == "CH9300762011623852957/ZKB-20240301-0001"
    assert tx.source.endswith("camt053_v02_ch.xml:50")


def test_v02_batch_with_detail_amounts_is_split_one_transaction_per_detail() -> None:
    first = read("camt053_v02_ch.xml")[0]
    alpha = by_amount(first, "120.00")
    beta = by_amount(first, "180.00")
    assert (alpha.counterparty, alpha.iban) == ("Alpha Sàrl", "FR1420041010050500013M02606")
    assert alpha.reference == "RF18539007547034"
    assert alpha.end_to_end_id == ""  # NOTPROVIDED is a placeholder, not an id
    assert (beta.counterparty, beta.label) == ("Beta Ltd", "Invoice 88")
    assert alpha.id != beta.id
    assert not any(t.amount == Decimal("300.00") for t in first.transactions)


def test_v02_debit_takes_the_creditor_and_sums_charges() -> None:
    tx = by_amount(read("camt053_v02_ch.xml")[0], "-45.50")
    assert (tx.counterparty, tx.iban, tx.bic) == ("Gamma Supplies BV", "NL91ABNA0417164300",
                                                  "ABNANL2A")  # fmt: skip
    assert tx.charges == Decimal("5.50")
    assert tx.value_date == dt.date(2024, 3, 4)


def test_reversal_keeps_its_debit_sign_and_the_original_payer() -> None:
    first = read("camt053_v02_ch.xml")[0]
    tx = by_amount(first, "-80.00")
    assert tx.reversal is True
    assert tx.counterparty == "Late Payer GmbH"  # parties of the reversed credit
    others = [t for t in first.transactions if t is not tx]
    assert len(others) == 4
    assert not any(t.reversal for t in others)


def test_identical_lines_on_one_day_get_distinct_stable_ids() -> None:
    second = read("camt053_v02_ch.xml")[1]
    a, b = second.transactions
    assert (a.amount, a.label, a.date) == (b.amount, b.label, b.date)
    assert a.id != b.id
    assert b.id == a.id + "#2"
    again = read("camt053_v02_ch.xml")[1]
    assert [t.id for t in again.transactions] == [a.id, b.id]


# ---- v08 (DK) ----------------------------------------------------------------------------


def test_v08_prcd_opening_with_debit_sign_and_summary_agree() -> None:
    (st,) = read("camt053_v08_de.xml")
    assert st.opening is not None and st.closing is not None
    assert st.opening.amount == Decimal("-250.00")  # DBIT balance
    assert st.closing.amount == Decimal("1340.25")
    assert st.opening.amount + st.movements() == st.closing.amount


def test_v08_party_under_pty_datetime_booking_and_scor_reference() -> None:
    (st,) = read("camt053_v08_de.xml")
    tx = by_amount(st, "2500.00")
    assert tx.counterparty == "Kunde Eins KG"
    assert tx.iban == "DE02120300000000202051"
    assert tx.bic == "BYLADEM1001"
    assert tx.reference == "RF712348231"
    assert tx.label == "RE 2024-0815 vom 02.04.2024"
    assert tx.date == dt.date(2024, 4, 15)


def test_v08_batch_debit_split_with_detail_signs() -> None:
    (st,) = read("camt053_v08_de.xml")
    first = by_amount(st, "-600.00")
    second = by_amount(st, "-297.25")
    assert first.counterparty == "Lieferant Zwei AG"
    assert second.counterparty == "Spedition Drei e.K."
    assert (first.end_to_end_id, second.end_to_end_id) == ("PAY-0042-1", "PAY-0042-2")
    # no per-detail bank reference: the entry's reference plus the detail's position
    assert first.id.endswith("/2024041500012346/1") and second.id.endswith("/2")


def test_v08_charge_records_total() -> None:
    (st,) = read("camt053_v08_de.xml")
    fee = by_amount(st, "-12.50")
    assert fee.charges == Decimal("12.50")
    assert fee.label == "ABSCHLUSS ENTGELTE"  # AddtlNtryInf when no remittance text
    assert fee.bank_code == "ACMT/MDOP/CHRG"


# ---- camt.054 / camt.052 -----------------------------------------------------------------


def test_camt054_notification_batch_split_without_balances() -> None:
    (nt,) = read("camt054_v04_ch.xml")
    assert nt.opening is None and nt.closing is None
    assert [t.amount for t in nt.transactions] == [Decimal("1000.00"), Decimal("150.40"),
                                                   Decimal("10.00")]  # fmt: skip
    assert sum(t.amount for t in nt.transactions) == Decimal("1160.40")
    assert [t.reference[-2:] for t in nt.transactions] == ["17", "03", "16"]
    assert len({t.id for t in nt.transactions}) == 3


def test_camt052_report_skips_pending_entries() -> None:
    (rpt,) = read("camt052_v08_pending.xml")
    assert rpt.account == "0532013000"  # Othr/Id when there is no IBAN
    assert [t.amount for t in rpt.transactions] == [Decimal("42.00")]
    assert rpt.transactions[0].counterparty == "Kunde Vier"
    assert check_balances([rpt]) == []


# ---- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path", "line", "words"),
    [
        ("bad_amount.xml", "/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt", 115, "'45,50'"),
        ("missing_cdtdbtind.xml", "/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/CdtDbtInd", 76,
         "indicator missing"),
        ("batch_mismatch.xml", "/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt", 77, "290.00"),
        ("truncated.xml", "/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]", 139, "well-formed"),
    ],
)  # fmt: skip
def test_broken_files_name_file_path_line_and_expectation(
    name: str, path: str, line: int, words: str
) -> None:
    with pytest.raises(StatementError) as caught:
        read(name)
    err = caught.value
    assert err.location.file.endswith(name)
    assert err.location.path == path
    assert err.location.line == line
    assert words in str(err)
    assert err.expected


def test_wrong_namespace_is_refused_naming_the_expected_one() -> None:
    with pytest.raises(StatementError, match=r"pain\.001") as caught:
        read("wrong_namespace.xml")
    assert "camt.052/053/054" in caught.value.expected
    assert not camt.sniff((FIXTURES / "wrong_namespace.xml").read_bytes())


@pytest.mark.parametrize("name", ["bomb.xml", "xxe.xml"])
def test_dtd_and_entities_are_refused_before_parsing(name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(StatementError, match="DOCTYPE") as caught:
        read(name)
    assert time.perf_counter() - started < 5  # nothing was expanded
    assert caught.value.location.line == 2
    assert "root:" not in str(caught.value)  # no /etc/passwd content leaked


@pytest.mark.parametrize("name", ["bomb.xml", "xxe.xml"])
def test_parser_layer_alone_also_refuses_dtds(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: with the byte pre-scan disabled the parsed prolog is checked."""
    monkeypatch.setattr(camt, "check_prolog", lambda path: None)
    with pytest.raises(StatementError, match="DOCTYPE"):
        read(name)


def test_doctype_hidden_behind_a_long_comment_is_still_refused(tmp_path: Path) -> None:
    text = (FIXTURES / "xxe.xml").read_text(encoding="utf-8")
    padded = text.replace(
        "<!DOCTYPE", "<!--" + "x" * (xmlsafe.PROLOG_BYTES + 10) + "-->\n<!DOCTYPE"
    )
    path = tmp_path / "padded.xml"
    path.write_text(padded, encoding="utf-8")
    assert xmlsafe.forbidden_declaration(path.read_bytes()[: xmlsafe.PROLOG_BYTES]) == ""
    with pytest.raises(StatementError, match="DOCTYPE"):
        camt.read(path)


def _variant(tmp_path: Path, old: str, new: str, source: str = "camt053_v02_ch.xml") -> Path:
    text = (FIXTURES / source).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('<Amt Ccy="CHF">250.00</Amt>', '<Amt Ccy="EUR">250.00</Amt>', "entry is in EUR"),
        ('<Amt Ccy="CHF">250.00</Amt>', "<Amt>250.00</Amt>", "no currency"),
        ("<Dt>2024-03-01</Dt></BookgDt>", "<Dt>2024-02-30</Dt></BookgDt>", "not a date"),
        ("<RvslInd>true</RvslInd>", "<RvslInd>yes</RvslInd>", "not a boolean"),
        ("<CdtDbtInd>DBIT</CdtDbtInd>", "<CdtDbtInd>DEBIT</CdtDbtInd>", "credit/debit"),
        ("<NbOfNtries>4</NbOfNtries>", "<NbOfNtries>5</NbOfNtries>", "says 5 entries"),
        ("<Sum>125.50</Sum>", "<Sum>125.00</Sum>", "sum is 125.00"),
        ('<Amt Ccy="CHF">1424.50</Amt>', '<Amt Ccy="EUR">1424.50</Amt>', "CLBD balance"),
        ("<IBAN>CH9300762011623852957</IBAN></Id>\n        <Ccy>", "</Id>\n        <Ccy>",
         "no identification"),
        ('<Amt Ccy="CHF">45.50</Amt>', '<Amt Ccy="CHF">45.500001</Amt>', "too many digits"),
    ],
)  # fmt: skip
def test_invalid_values_are_refused_clearly(tmp_path: Path, old: str, new: str, words: str) -> None:
    with pytest.raises(StatementError, match=words) as caught:
        camt.read(_variant(tmp_path, old, new))
    assert caught.value.location.path.startswith("/Document/BkToCstmrStmt/Stmt[1]")
    assert caught.value.location.line is not None


def test_single_detail_that_contradicts_the_entry_is_refused(tmp_path: Path) -> None:
    path = _variant(
        tmp_path, '<TxAmt><Amt Ccy="CHF">250.00</Amt>', '<TxAmt><Amt Ccy="CHF">25.00</Amt>'
    )
    with pytest.raises(StatementError, match=r"details say 25\.00"):
        camt.read(path)


def test_batch_detail_without_amount_among_detailed_ones_is_refused(tmp_path: Path) -> None:
    path = _variant(tmp_path, '<AmtDtls><TxAmt><Amt Ccy="CHF">180.00</Amt></TxAmt></AmtDtls>', "")
    with pytest.raises(StatementError, match="no amount") as caught:
        camt.read(path)
    assert caught.value.location.path.endswith("Ntry[2]/NtryDtls/TxDtls[2]/Amt")


def test_batch_without_detail_amounts_stays_one_transaction(tmp_path: Path) -> None:
    text = (FIXTURES / "camt053_v02_ch.xml").read_text(encoding="utf-8")
    for amount in ("120.00", "180.00"):
        text = text.replace(f'<AmtDtls><TxAmt><Amt Ccy="CHF">{amount}</Amt></TxAmt></AmtDtls>', "")
    path = tmp_path / "nodetails.xml"
    path.write_text(text, encoding="utf-8")
    batch = by_amount(camt.read(path)[0], "300.00")
    assert batch.counterparty == ""  # two different payers: none is "the" counterparty
    assert batch.reference == "RF18539007547034"
    assert batch.id == "CH9300762011623852957/ZKB-20240301-0002"


def test_utf16_file_is_read(tmp_path: Path) -> None:
    text = (FIXTURES / "camt054_v04_ch.xml").read_text(encoding="utf-8")
    path = tmp_path / "utf16.xml"
    path.write_bytes(text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    assert camt.sniff(path.read_bytes()[:4096])
    (nt,) = camt.read(path)
    assert sum(t.amount for t in nt.transactions) == Decimal("1160.40")


def test_sniff_recognises_all_three_messages_and_nothing_else() -> None:
    for name in ("camt053_v02_ch.xml", "camt054_v04_ch.xml", "camt052_v08_pending.xml"):
        assert camt.sniff((FIXTURES / name).read_bytes()[:8192])
    assert not camt.sniff(b":20:STARTUMSE\r\n:25:10020030/1234567\r\n")
    assert not camt.sniff(b"OFXHEADER:100\r\nDATA:OFXSGML\r\n")


def test_iter_transactions_streams_the_same_transactions() -> None:
    streamed = list(camt.iter_transactions(FIXTURES / "camt053_v02_ch.xml"))
    read_all = [t for s in read("camt053_v02_ch.xml") for t in s.transactions]
    assert streamed == read_all


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("<AddtlNtryInf>SAMMELGUTSCHRIFT</AddtlNtryInf>", '<Ntry><Amt Ccy="CHF">1</Amt></Ntry>',
         "/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Ntry[1]"),
        ("<Stmt>", '<Ntry><Amt Ccy="CHF">1</Amt></Ntry><Stmt>', "/Document/BkToCstmrStmt/Ntry[1]"),
    ],
)  # fmt: skip
def test_entries_in_the_wrong_place_are_refused(
    tmp_path: Path, old: str, new: str, path: str
) -> None:
    with pytest.raises(StatementError, match="entry") as caught:
        camt.read(_variant(tmp_path, old, new))
    assert caught.value.location.path == path


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_dtd_in_utf16_is_refused_by_the_byte_scan(tmp_path: Path, codec: str) -> None:
    text = (FIXTURES / "xxe.xml").read_text(encoding="utf-8")
    path = tmp_path / "xxe16.xml"
    path.write_bytes(text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(codec))
    assert xmlsafe.forbidden_declaration(path.read_bytes()) == "<!DOCTYPE"
    with pytest.raises(StatementError, match="DOCTYPE"):
        camt.read(path)
