"""camt.052/053/054 reader against fixtures written from the ISO 20022 message definitions
and the Swiss (SIX) and German (DK) implementation guides (tests/fixtures/camt/)."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from bankrec.errors import Location, StatementError
from bankrec.model import Statement, Transaction
from bankrec.statements import camt, xmlsafe
from bankrec.statements.balance import check_balances
from bankrec.statements.ids import stable_id

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


# ---- hostile XML -------------------------------------------------------------------------

OUR_REFUSAL = "refusing XML with a <!DOCTYPE declaration (entity expansion / external entity risk)"


class _SpyParser(etree.XMLPullParser):
    """The real parser, recording every byte libxml2 is given."""

    fed: list[bytes] = []

    def feed(self, data: bytes | str) -> None:  # type: ignore[override]
        _SpyParser.fed.append(data if isinstance(data, bytes) else data.encode())
        super().feed(data)


@pytest.fixture()
def parser_spy(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """What reached libxml2 during the test (the readers parse only through xmlsafe)."""
    _SpyParser.fed = []
    monkeypatch.setattr(xmlsafe.etree, "XMLPullParser", _SpyParser)
    return _SpyParser.fed


def _assert_refused_in_our_words(err: StatementError, path: Path, line: int = 2) -> None:
    """bankrec's own message, naming the file and the declaration's line -- whatever the
    libxml2 version would have said (2.14: "Maximum entity amplification factor exceeded")."""
    assert err.message == OUR_REFUSAL
    assert err.location.file == str(path)
    assert err.location.line == line
    assert "DTD" in err.expected and "entity" in err.expected
    assert "root:" not in str(err)  # no /etc/passwd content leaked
    assert "amplification" not in str(err) and "not well-formed" not in str(err)


@pytest.mark.parametrize("name", ["bomb.xml", "xxe.xml"])
def test_dtd_and_entities_are_refused_before_parsing(name: str, parser_spy: list[bytes]) -> None:
    started = time.perf_counter()
    with pytest.raises(StatementError) as caught:
        read(name)  # raises: no statement, no transaction is returned
    assert time.perf_counter() - started < 5  # nothing was expanded
    _assert_refused_in_our_words(caught.value, FIXTURES / name)
    assert parser_spy == []  # libxml2 never saw a byte of it


@pytest.mark.parametrize("name", ["bomb.xml", "xxe.xml"])
def test_parser_layer_alone_also_refuses_dtds(
    name: str, monkeypatch: pytest.MonkeyPatch, parser_spy: list[bytes]
) -> None:
    """Defence in depth: with the up-front scan and the docinfo check both disabled, the
    parser layer (safe_iterparse) still refuses, before libxml2 is given the DOCTYPE."""
    monkeypatch.setattr(camt, "check_prolog", lambda path: None)
    monkeypatch.setattr(camt, "check_docinfo", lambda element, path: None)
    with pytest.raises(StatementError) as caught:
        read(name)
    _assert_refused_in_our_words(caught.value, FIXTURES / name)
    assert not any(b"<!DOCTYPE" in data or b"<!ENTITY" in data for data in parser_spy)


@pytest.mark.parametrize("name", ["bomb.xml", "xxe.xml"])
def test_doctype_hidden_behind_a_long_comment_is_still_refused(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch, parser_spy: list[bytes]
) -> None:
    """The whole prolog is walked, not a fixed number of bytes, and chunk boundaries fall
    inside the comment and inside the declaration's name."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    boundary = xmlsafe.CHUNK_BYTES * 3  # "<!DOC" ends one chunk, "TYPE" starts the next
    pad = "x" * (boundary - 4 - text.index("<!DOCTYPE") - len("<!---->\n"))
    path = tmp_path / "padded.xml"
    path.write_text(text.replace("<!DOCTYPE", f"<!--{pad}-->\n<!DOCTYPE"), encoding="utf-8")
    data = path.read_bytes()
    assert data.index(b"<!DOCTYPE") == boundary - 4
    assert xmlsafe.forbidden_declaration(data[: xmlsafe.PROLOG_BYTES]) == ""
    with pytest.raises(StatementError) as caught:
        camt.read(path)
    _assert_refused_in_our_words(caught.value, path, line=3)
    monkeypatch.setattr(camt, "check_prolog", lambda path: None)
    with pytest.raises(StatementError) as caught:
        camt.read(path)
    _assert_refused_in_our_words(caught.value, path, line=3)
    assert b"".join(parser_spy).find(b"<!DOCTYPE") < 0


def test_doctype_text_inside_a_comment_or_the_document_is_not_a_declaration(
    tmp_path: Path,
) -> None:
    text = (FIXTURES / "camt054_v04_ch.xml").read_text(encoding="utf-8")
    path = tmp_path / "commented.xml"
    path.write_text(
        text.replace("<Document", "<!-- no <!DOCTYPE here -->\n<Document", 1).replace(
            "</Document>", "<!-- <!ENTITY x 'y'> -->\n</Document>"
        ),
        encoding="utf-8",
    )
    assert sum(t.amount for t in camt.read(path)[0].transactions) == Decimal("1160.40")


def _dtd_only_prolog(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="{enc}"?>\n<!-- bank export -->\n'
        '<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + body
    )


@pytest.mark.parametrize(
    ("declared", "codec"),
    [
        ("UTF-16", "utf-16"),  # with BOM
        ("UTF-16", "utf-16-le"),  # no BOM: told by the first bytes
        ("UTF-16", "utf-16-be"),
        ("UTF-32", "utf-32-le"),
        ("UTF-8", "utf-8-sig"),
        ("UTF-7", "utf-7"),  # '<!DOCTYPE' is '+ADwAIQ-DOCTYPE': libxml2 reads it via iconv
        ("IBM500", "cp500"),  # EBCDIC
    ],
)
def test_dtd_in_any_encoding_is_refused_by_the_parser_layer(
    tmp_path: Path, declared: str, codec: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (FIXTURES / "camt054_v04_ch.xml").read_text(encoding="utf-8").split("?>", 1)[1]
    path = tmp_path / "encoded.xml"
    path.write_bytes(_dtd_only_prolog(body).replace("{enc}", declared).encode(codec))
    with pytest.raises(StatementError) as caught:
        camt.read(path)
    _assert_refused_in_our_words(caught.value, path, line=3)
    monkeypatch.setattr(camt, "check_prolog", lambda path: None)
    monkeypatch.setattr(camt, "check_docinfo", lambda element, path: None)
    with pytest.raises(StatementError) as caught:
        camt.read(path)
    _assert_refused_in_our_words(caught.value, path, line=3)


def test_prolog_guard_decides_across_any_chunking() -> None:
    """Fed one byte at a time, a split ``<!DOC`` + ``TYPE`` is still seen, with its line;
    and a prolog without declaration is passed on whole, once the root element starts."""
    data = b'<?xml version="1.0"?>\n<!-- <!DOCTYPE in a comment -->\r\n<!doctype D>\n<D/>'
    guard = xmlsafe.PrologGuard("x.xml")
    with pytest.raises(StatementError) as caught:
        for i in range(len(data)):
            guard.feed(data[i : i + 1])
        guard.feed(b"", final=True)
    assert caught.value.location == Location("x.xml", 3)
    clean = data.replace(b"<!doctype D>", b"<?pi <!DOCTYPE?>")
    guard = xmlsafe.PrologGuard("x.xml")
    passed = b"".join(guard.feed(clean[i : i + 1]) for i in range(len(clean)))
    passed += guard.feed(b"", final=True)
    assert passed == clean and guard.done


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


# ---- entries without a date ----------------------------------------------------------------

UNDATED = "camt053_v08_undated_entries.xml"
TOOK_CLOSING = "no booking or value date; took the statement's closing balance date 2024-04-11"


def test_undated_entries_take_the_closing_balance_date_with_a_warning() -> None:
    (st,) = read(UNDATED)
    paid, received, interest = st.transactions
    assert (paid.date, received.date) == (dt.date(2024, 4, 11), dt.date(2024, 4, 11))
    assert paid.warnings == received.warnings == (TOOK_CLOSING,)
    assert paid.value_date is None and received.value_date is None  # no value date invented
    assert interest.warnings == () and interest.value_date == dt.date(2024, 4, 10)
    assert st.warnings == (
        f"{paid.source} [{paid.id}]: {TOOK_CLOSING}",
        f"{received.source} [{received.id}]: {TOOK_CLOSING}",
    )
    assert paid.source.endswith(f"{UNDATED}:42") and received.source.endswith(f"{UNDATED}:50")
    assert check_balances([st]) == []


def test_undated_entries_get_ids_as_dated_ones_would() -> None:
    """The bank's reference when there is one; else the content hash, with the date taken."""
    (st,) = read(UNDATED)
    paid, received, _interest = st.transactions
    assert paid.id == "LT601010012345678901/REF000003643800"
    assert received.id == stable_id("LT601010012345678901", dt.date(2024, 4, 11),
                                    Decimal("50000"), "EUR", "Invoice 2024-17", "UAB Pavyzdys",
                                    "", "", "")  # fmt: skip
    assert [t.id for t in read(UNDATED)[0].transactions] == [t.id for t in st.transactions]


def test_ids_of_files_with_dates_are_unchanged() -> None:
    """Pinned before the warnings field existed: content-hash ids must not move."""
    first, second = read("camt053_v02_ch.xml")
    assert by_amount(first, "-80.00").id == "h664beb9a49b76727751e"
    assert [t.id for t in second.transactions] == ["hde2f7558b6cf23bbe411",
                                                   "hde2f7558b6cf23bbe411#2"]  # fmt: skip
    assert all(t.warnings == () for s in (first, second) for t in s.transactions)


_CLOSING_DATE = "<Dt><Dt>2024-04-11</Dt></Dt>"
_OPENING_DATE = "<Dt><Dt>2024-04-10</Dt></Dt>"
_PERIOD = "<ToDtTm>2024-04-11T23:59:59+03:00</ToDtTm>"
_STMT_CREATED = "<CreDtTm>2024-04-12T05:59:00+03:00</CreDtTm>"
_MSG_CREATED = "<CreDtTm>2024-04-13T06:00:05+03:00</CreDtTm>"


@pytest.mark.parametrize(
    ("removed", "took"),
    [
        ((_CLOSING_DATE,), "statement's opening balance date 2024-04-10"),
        ((_CLOSING_DATE, _OPENING_DATE), "end of the statement's period 2024-04-11"),
        ((_CLOSING_DATE, _OPENING_DATE, _PERIOD), "statement's creation date 2024-04-12"),
        ((_CLOSING_DATE, _OPENING_DATE, _PERIOD, _STMT_CREATED),
         "message's creation date 2024-04-13"),
    ],
)  # fmt: skip
def test_undated_entries_fall_back_in_order(
    tmp_path: Path, removed: tuple[str, ...], took: str
) -> None:
    text = (FIXTURES / UNDATED).read_text(encoding="utf-8")
    for piece in removed:
        assert piece in text
        text = text.replace(piece, "")
    path = tmp_path / "fallback.xml"
    path.write_text(text, encoding="utf-8")
    paid = camt.read(path)[0].transactions[0]
    assert paid.warnings == (f"no booking or value date; took the {took}",)
    assert paid.date == dt.date.fromisoformat(took[-10:])


def test_undated_entry_without_any_statement_date_is_still_refused(tmp_path: Path) -> None:
    text = (FIXTURES / UNDATED).read_text(encoding="utf-8")
    for piece in (_CLOSING_DATE, _OPENING_DATE, _PERIOD, _STMT_CREATED, _MSG_CREATED):
        text = text.replace(piece, "")
    path = tmp_path / "nodate.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StatementError) as caught:
        camt.read(path)
    assert "entry has no date" in caught.value.message
    assert caught.value.location.path == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/BookgDt"
    assert caught.value.location.line == 36
    assert "BookgDt or ValDt" in caught.value.expected


# ---- balances without a credit/debit indicator ------------------------------------------

UNSIGNED = "camt053_v08_unsigned_balances.xml"
READ_AS_CREDITS = (
    "balances carry no credit/debit indicator; read as credits because opening + entries = closing"
)
_OPENING_AMOUNT = '<Amt Ccy="EUR">1000.00</Amt>'
_CLOSING_AMOUNT = '<Amt Ccy="EUR">50107.20</Amt>'


def test_unsigned_balances_are_read_as_credits_when_the_statement_balances() -> None:
    (st,) = read(UNSIGNED)
    assert st.opening is not None and st.closing is not None
    assert (st.opening.amount, st.closing.amount) == (Decimal("1000.00"), Decimal("50107.20"))
    assert st.statement_warnings == (READ_AS_CREDITS,)
    assert st.warnings == (f"{st.source} [STMT-UNSIGNED-1]: {READ_AS_CREDITS}",)
    assert all(t.warnings == () for t in st.transactions)  # the entries were signed
    assert check_balances([st]) == []


def test_one_unsigned_balance_is_named_in_the_warning(tmp_path: Path) -> None:
    signed = _OPENING_AMOUNT + "\n        <CdtDbtInd>CRDT</CdtDbtInd>"
    (st,) = camt.read(_variant(tmp_path, _OPENING_AMOUNT, signed, UNSIGNED))
    assert st.statement_warnings == (
        "the closing balance carries no credit/debit indicator; read as a credit because "
        "opening + entries = closing",
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        # read as credits, 1000.00 + 49107.20 = 50107.20 is not the closing 50107.00
        (_CLOSING_AMOUNT, '<Amt Ccy="EUR">50107.00</Amt>', 19,
         "opening 1000.00 + entries 49107.20 = 50107.20, but the closing balance is 50107.00"),
        # the opening is really a debit: -1000.00 + 49107.20 = 48107.20, stated as a credit
        (_CLOSING_AMOUNT, '<Amt Ccy="EUR">48107.20</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>',
         19, "does not balance"),
        # nothing to check a credit reading against
        ("<Cd>OPBD</Cd>", "<Cd>ITBD</Cd>", 24, "without both an opening and a closing balance"),
    ],
)  # fmt: skip
def test_unsigned_balances_that_do_not_prove_their_sign_are_refused(
    tmp_path: Path, old: str, new: str, line: int, words: str
) -> None:
    path = _variant(tmp_path, old, new, UNSIGNED)
    with pytest.raises(StatementError) as caught:
        camt.read(path)
    err = caught.value
    assert err.message.startswith("credit/debit indicator missing; ")
    assert words in err.message
    assert err.location.file == str(path) and err.location.line == line
    bal = "Bal[2]" if line == 24 else "Bal[1]"
    assert err.location.path == f"/Document/BkToCstmrStmt/Stmt[1]/{bal}/CdtDbtInd"
    assert err.expected == "CdtDbtInd CRDT or DBIT"


def test_a_namespace_lxml_cannot_name_is_refused_as_a_statement_error(tmp_path: Path) -> None:
    """Found by the fuzz test: a "}" in the namespace made lxml raise a bare ValueError."""
    text = (FIXTURES / "camt053_v02_ch.xml").read_text(encoding="utf-8")
    broken = tmp_path / "broken-ns.xml"
    broken.write_text(text.replace('xmlns="urn:iso', 'xmlns="}rn:iso', 1), encoding="utf-8")
    with pytest.raises(StatementError, match="invalid name") as caught:
        camt.read(broken)
    assert "broken-ns.xml" in str(caught.value)
