"""CSV/XLSX exports through mapping profiles: shipped profiles on the real samples, the
fixtures' layouts (debit/credit, direction flags, preambles, footers, encodings),
profile validation errors with lines, propose_profile, and fuzzing."""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from bankrec.errors import StatementError
from bankrec.statements import sheet
from bankrec.statements.registry import detect, read_statements
from bankrec.statements.sheetprofile import load_profile, shipped_profiles

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sheet"


def test_shipped_profiles_load_and_can_be_recognised() -> None:
    profiles = shipped_profiles()
    names = {p.name for p in profiles}
    assert {"ing-de", "raiffeisen-at-elba", "oberbank-at", "paypal-activity",
            "oca-sample-statement", "generic", "ing-nl"} <= names  # fmt: skip
    for p in profiles:
        assert p.match_header or p.match_first_row is not None, p.name
    assert profiles[-1].name == "generic"  # least specific is tried last


# ---- real samples ---------------------------------------------------------------------
SAMPLE_PROFILES = {
    "csv/ing-de-with-saldo.csv": "ing-de",
    "csv/raiffeisen-at-elba.csv": "raiffeisen-at-elba",
    "csv/oberbank-at.csv": "oberbank-at",
    "csv/paypal-activity-en.csv": "paypal-activity",
    "csv/oca-sample-statement-en.csv": "oca-sample-statement",
    "xlsx/oca-sample-statement-en.xlsx": "oca-sample-statement",
}


@pytest.mark.samples
def test_every_real_sample_is_covered(samples: Path) -> None:
    found = {f"{d}/{p.name}" for d in ("csv", "xlsx") for p in (samples / d).iterdir()}
    assert found == set(SAMPLE_PROFILES)


@pytest.mark.samples
@pytest.mark.parametrize("name", sorted(SAMPLE_PROFILES))
def test_sample_is_recognised_by_its_profile(samples: Path, name: str) -> None:
    path = samples / name
    assert detect(path) is sheet
    assert sheet.find_profile(path).name == SAMPLE_PROFILES[name]


def _data_lines(path: Path, encoding: str = "utf-8") -> list[str]:
    return [ln for ln in path.read_text(encoding).splitlines() if ln.strip()]


@pytest.mark.samples
def test_ing_de_balances_match_the_preamble_saldo(samples: Path) -> None:
    path = samples / "csv" / "ing-de-with-saldo.csv"
    (stmt,) = sheet.read(path)
    lines = _data_lines(path, "latin-1")
    header = next(i for i, ln in enumerate(lines) if ln.startswith("Buchung;"))
    assert len(stmt.transactions) == len(lines) - header - 1
    iban = next(ln for ln in lines if ln.startswith("IBAN;")).split(";")[1]
    assert stmt.account == iban.replace(" ", "")  # preamble_account: IBAN
    saldo = next(ln for ln in lines if ln.startswith("Saldo;")).split(";")[1]
    assert stmt.closing is not None and stmt.opening is not None
    assert stmt.closing.amount == Decimal(saldo.replace(",", "."))
    assert stmt.opening.amount + stmt.movements() == stmt.closing.amount
    first = stmt.transactions[0]
    assert (first.amount, first.counterparty, first.currency) == (
        Decimal("-5.50"), "PayDude (Europe) S.a.r.l. et Cie., S .C.A.", "EUR")  # fmt: skip
    assert first.label == "Lastschrift PP.1234.PP . Blumen Berther"


@pytest.mark.samples
def test_paypal_one_statement_per_currency_with_running_balances(samples: Path) -> None:
    path = samples / "csv" / "paypal-activity-en.csv"
    statements = sheet.read(path)
    assert [s.currency for s in statements] == ["USD", "EUR", "AUD"]
    assert sum(len(s.transactions) for s in statements) == len(_data_lines(path)) - 1
    for s in statements:
        assert s.opening is not None and s.closing is not None
        assert s.opening.amount + s.movements() == s.closing.amount
    usd = statements[0]
    assert usd.closing is not None and usd.closing.amount == Decimal("1.90")  # last USD row
    first = usd.transactions[0]
    assert (first.id, first.amount, first.charges) == ("PayPal/TID1", Decimal("79.75"),
                                                       Decimal("4.25"))  # fmt: skip


@pytest.mark.samples
@pytest.mark.parametrize(
    ("name", "count", "total"),
    [("csv/raiffeisen-at-elba.csv", 7, "-157.89"), ("csv/oberbank-at.csv", 5, "-9.00"),
     ("csv/oca-sample-statement-en.csv", 2, "1491.50"),
     ("xlsx/oca-sample-statement-en.xlsx", 2, "1491.50")],
)  # fmt: skip
def test_samples_without_balances_count_and_total(
    samples: Path, name: str, count: int, total: str
) -> None:
    (stmt,) = sheet.read(samples / name)
    assert len(stmt.transactions) == count
    assert stmt.movements() == Decimal(total)
    assert stmt.opening is None and stmt.closing is None
    assert len({t.id for t in stmt.transactions}) == count


@pytest.mark.samples
def test_csv_and_xlsx_of_the_same_statement_agree(samples: Path) -> None:
    (a,) = sheet.read(samples / "csv" / "oca-sample-statement-en.csv")
    (b,) = sheet.read(samples / "xlsx" / "oca-sample-statement-en.xlsx")
    key = [(t.id, t.date, t.amount, t.label, t.counterparty) for t in a.transactions]
    assert key == [(t.id, t.date, t.amount, t.label, t.counterparty) for t in b.transactions]


@pytest.mark.samples
def test_oberbank_counterparty_from_payer_or_payee(samples: Path) -> None:
    (stmt,) = sheet.read(samples / "csv" / "oberbank-at.csv")
    incoming = [t for t in stmt.transactions if t.amount > 0]
    assert {t.counterparty for t in incoming} == {"Auftraggebername"}
    assert {t.iban for t in incoming} == {"AT022050302101023601"}


@pytest.mark.samples
@pytest.mark.parametrize("name", sorted(SAMPLE_PROFILES))
def test_proposed_profile_reads_the_sample(samples: Path, name: str, tmp_path: Path) -> None:
    path = samples / name
    proposed = tmp_path / "proposed.yaml"
    proposed.write_text(sheet.propose_profile(path), encoding="utf-8")
    got = [t for s in sheet.read(path, profile=proposed) for t in s.transactions]
    want = [t for s in sheet.read(path) for t in s.transactions]
    assert [(t.date, t.amount, t.label) for t in got] == [(t.date, t.amount, t.label) for t in want]


# ---- fixtures -----------------------------------------------------------------------
def test_debit_credit_columns_preamble_footer_cp1252() -> None:
    (stmt,) = sheet.read(FIXTURES / "de-soll-haben.csv", FIXTURES / "de-soll-haben.yaml")
    amounts = [t.amount for t in stmt.transactions]
    assert amounts == [Decimal("-1234.56"), Decimal("2500.00"), Decimal("-4.20")]
    assert stmt.transactions[0].counterparty == "Stadtwerke München"
    assert stmt.transactions[2].counterparty == "Bäckerei Groß"
    assert stmt.transactions[1].value_date == dt.date(2024, 3, 5)
    assert stmt.transactions[0].source.endswith("de-soll-haben.csv:6")


def test_thousands_space_running_balance_fixed_currency_and_account() -> None:
    (stmt,) = sheet.read(FIXTURES / "fr-debit-credit.csv", FIXTURES / "fr-debit-credit.yaml")
    assert stmt.account == "FR7630004008230001023456789" and stmt.currency == "EUR"
    assert [t.amount for t in stmt.transactions] == [
        Decimal("-1200.00"), Decimal("350.50"), Decimal("-87.35")]  # fmt: skip
    assert stmt.opening is not None and stmt.closing is not None
    assert stmt.opening.amount == Decimal("5000.00")
    assert stmt.closing.amount == Decimal("4063.15")
    assert stmt.transactions[1].label == "REMISE CHEQUE 4471"


def test_direction_column_and_shipped_ing_nl_profile() -> None:
    path = FIXTURES / "nl-ing-af-bij.csv"
    assert sheet.find_profile(path).name == "ing-nl"
    (stmt,) = read_statements(path)
    assert stmt.account == "NL69INGB0123456789"
    assert [t.amount for t in stmt.transactions] == [
        Decimal("-12.50"), Decimal("1250.00"), Decimal("-300.00")]  # fmt: skip
    assert stmt.transactions[1].iban == "NL91ABNA0417164300"
    assert stmt.transactions[1].date == dt.date(2024, 3, 2)


def test_generic_profile_groups_currencies_and_numbers_repeats() -> None:
    eur, chf = sheet.read(FIXTURES / "generic.csv")
    assert (eur.currency, chf.currency) == ("EUR", "CHF")
    ids = [t.id for t in eur.transactions]
    assert ids[1] == ids[0] + "#2"  # two identical lines stay two transactions
    assert eur.transactions[2].reference == "RF18539007547034"


def test_generic_without_currency_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nocur.csv"
    path.write_text("date,amount,label\n2024-03-01,5.00,Coffee\n", encoding="utf-8")
    with pytest.raises(StatementError) as err:
        sheet.read(path)
    assert err.value.location.line == 2
    assert "currency" in str(err.value)


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet_ = book.active
    assert sheet_ is not None
    for row in rows:
        sheet_.append(row)
    book.save(path)
    return path


def test_xlsx_with_date_cells_and_numbers(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "x.xlsx", [
        ["Bank export"], [],
        ["Booking date", "Text", "Debit", "Credit", "Currency"],
        [dt.datetime(2024, 3, 1), "Rent", 1200.1, None, "EUR"],
        [dt.datetime(2024, 3, 2), "Refund", None, 0.3, "EUR"],
    ])  # fmt: skip
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "match_header: [Booking date, Debit, Credit]\n"
        "columns:\n  date: Booking date\n  label: Text\n  debit: Debit\n  credit: Credit\n"
        "  currency: Currency\n",
        encoding="utf-8",
    )
    (stmt,) = sheet.read(path, profile)
    assert [t.amount for t in stmt.transactions] == [Decimal("-1200.10"), Decimal("0.30")]
    assert stmt.transactions[0].date == dt.date(2024, 3, 1)
    assert stmt.transactions[0].source.endswith("x.xlsx:4")
    assert detect(path) is sheet


def test_xlsx_with_a_dtd_in_a_part_is_refused_in_our_words(tmp_path: Path) -> None:
    """Workbooks are zips of XML parts: a DOCTYPE in one is refused as in camt and OFX,
    naming the part, not with whatever openpyxl's XML parser would raise."""
    clean = _xlsx(tmp_path / "clean.xlsx", [["Date", "Amount"], ["2024-03-01", "1.00"]])
    hostile = tmp_path / "hostile.xlsx"
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(clean) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == part:
                assert data.startswith(b"<worksheet")  # openpyxl writes no XML declaration
                data = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e "e">]>\n' + data
            dst.writestr(item, data)
    with pytest.raises(StatementError) as caught:
        sheet.read(hostile)
    err = caught.value
    assert err.message.startswith("refusing XML with a <!DOCTYPE declaration")
    assert (err.location.file, err.location.line, err.location.path) == (str(hostile), 2, part)


def _profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = "delimiter: ';'\ndecimal: ','\ncurrency: EUR\ndate_format: '%d.%m.%Y'\n"
COLS = "columns:\n  date: Datum\n  amount: Betrag\n  label: Text\n"


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [("32.01.2024;5,00;x", 1, "does not match date_format"),
     ("01.01.2024;5.00;x", 2, "not an amount"),  # decimal point where a comma is expected
     ("01.01.2024;1.23.4,5;x", 2, "not an amount"),
     ("01.01.2024;;x", 2, "amount is empty"),
     (";5,00;x", 1, "date is empty")],
)  # fmt: skip
def test_bad_cell_names_line_and_column(tmp_path: Path, row: str, column: int,
                                        words: str) -> None:  # fmt: skip
    data = tmp_path / "d.csv"
    data.write_text(f"Datum;Betrag;Text\n01.01.2024;1.234,50;ok\n{row}\n", encoding="utf-8")
    with pytest.raises(StatementError) as err:
        sheet.read(data, _profile(tmp_path, BASE + "thousands: '.'\n" + COLS))
    assert (err.value.location.line, err.value.location.column) == (3, column)
    assert words in str(err.value)


def test_debit_and_credit_both_filled_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("Datum;Soll;Haben\n01.01.2024;5,00;3,00\n", encoding="utf-8")
    prof = _profile(tmp_path, BASE + "columns:\n  date: Datum\n  debit: Soll\n  credit: Haben\n")
    with pytest.raises(StatementError) as err:
        sheet.read(data, prof)
    assert err.value.location.line == 2 and "both debit" in str(err.value)


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_bytes("Datum;Betrag;Text\n01.01.2024;5,00;ok\n02.01.2024;1,00;Grüße\n"
                     .encode("cp1252"))  # fmt: skip
    with pytest.raises(StatementError) as err:
        sheet.read(data, _profile(tmp_path, BASE + "encoding: utf-8\n" + COLS))
    assert err.value.location.line == 3 and "utf-8" in str(err.value)


def test_detected_encoding_reads_cp1252(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_bytes("Datum;Betrag;Text\n01.01.2024;5,00;Grüße aus Köln\n".encode("cp1252"))
    (stmt,) = sheet.read(data, _profile(tmp_path, BASE + COLS))
    assert stmt.transactions[0].label == "Grüße aus Köln"


def test_missing_column_names_the_header_line(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("Datum;Wert;Text\n01.01.2024;5,00;ok\n", encoding="utf-8")
    with pytest.raises(StatementError) as err:
        sheet.read(data, _profile(tmp_path, BASE + COLS))
    assert err.value.location.line == 1 and "'Betrag'" in str(err.value)


def test_unknown_layout_tells_to_detect(tmp_path: Path) -> None:
    data = tmp_path / "odd.csv"
    data.write_text("Foo;Bar\n1;2\n", encoding="utf-8")
    with pytest.raises(StatementError) as err:
        sheet.read(data)
    assert "--detect" in str(err.value)


def test_damaged_workbook_is_refused(tmp_path: Path) -> None:
    good = _xlsx(tmp_path / "g.xlsx", [["date", "amount", "label"]])
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good.read_bytes()[:700])
    with pytest.raises(StatementError) as err:
        sheet.read(bad)
    assert str(bad) in str(err.value)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [("name: x\ncolour: red\n" + COLS, 2, "unknown key 'colour'"),
     ("name: x\ncolumns:\n  date: Datum\n  amount: [A, B]\n", 4, "takes one column"),
     ("name: x\ncolumns:\n  date: Datum\n  label: Text\n", 3, "amount, or both debit"),
     ("name: x\ncolumns:\n  amount: A\n  colour: B\n", 4, "unknown column role"),
     ("name: x\ncolumns: [a, b\n", 3, "not valid YAML"),
     ("currency: EURO\n" + COLS, 1, "ISO 4217"),
     ("decimal: ';'\n" + COLS, 1, "decimal"),
     ("header_row: 0\n" + COLS, 3, "no header"),
     ("date_format: dd.mm.yyyy\n" + COLS, 1, "strftime"),
     ("encoding: klingon\n" + COLS, 1, "unknown encoding"),
     ("match_first_row: '(['\n" + COLS, 1, "regular expression"),
     ("name: x\n", 1, "no columns"),
     ("columns:\n  date: 0\n  amount: 1\n", 2, "column position 0")],
)  # fmt: skip
def test_bad_profile_is_refused_with_its_line(tmp_path: Path, text: str, line: int,
                                              words: str) -> None:  # fmt: skip
    path = _profile(tmp_path, text)
    with pytest.raises(StatementError) as err:
        load_profile(path)
    assert err.value.location.file == str(path)
    assert err.value.location.line == line, str(err.value)
    assert words in str(err.value)


def test_propose_profile_for_a_headerless_file_reads_it(tmp_path: Path) -> None:
    data = tmp_path / "nohead.csv"
    data.write_text("2024-03-01|-12.50|EUR|Coffee shop\n2024-03-02|1,250.00|EUR|Salary\n",
                    encoding="utf-8")  # fmt: skip
    text = sheet.propose_profile(data)
    assert "header_row: 0" in text and 'delimiter: "|"' in text
    (stmt,) = sheet.read(data, _profile(tmp_path, text))
    assert [t.amount for t in stmt.transactions] == [Decimal("-12.50"), Decimal("1250.00")]
    assert [t.label for t in stmt.transactions] == ["Coffee shop", "Salary"]


def test_propose_profile_flags_ambiguous_dates_and_missing_currency(tmp_path: Path) -> None:
    data = tmp_path / "amb.csv"
    data.write_text("Date,Description,Amount\n01/02/2024,A,1.00\n03/04/2024,B,2.00\n",
                    encoding="utf-8")  # fmt: skip
    text = sheet.propose_profile(data)
    assert "AMBIGUOUS" in text
    assert "ASSUMED" in text  # no currency column: the guess says so
    assert "debit" not in text.split("columns:")[1]


def test_propose_profile_recognises_french_debit_credit() -> None:
    text = sheet.propose_profile(FIXTURES / "fr-debit-credit.csv")
    assert 'debit: "Débit"' in text and 'credit: "Crédit"' in text
    assert 'decimal: ","' in text and 'encoding: "' in text
    assert 'balance: "Solde"' in text


def test_sniff_takes_any_delimited_text() -> None:
    assert sheet.sniff(b"a;b;c\n1;2;3\n")


def _read_any(data: bytes, profile: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.csv"
        path.write_bytes(data)
        try:
            sheet.read(path, profile)
        except StatementError as exc:
            assert exc.location.file in (str(path), str(profile))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_with_a_profile_only_raise_statement_error(data: bytes) -> None:
    _read_any(data, FIXTURES / "de-soll-haben.yaml")  # without one: test_format_contract.py


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_valid_files_only_raise_statement_error(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["de-soll-haben", "fr-debit-credit"]))
    raw = bytearray((FIXTURES / f"{name}.csv").read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.sampled_from(b'0123456789;,."\n -\xe9\xff'))
    _read_any(bytes(raw[: data.draw(st.integers(1, len(raw)))]), FIXTURES / f"{name}.yaml")


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=300))
def test_damaged_zip_only_raises_statement_error(tail: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        good = _xlsx(Path(tmp) / "g.xlsx", [["date", "amount", "label", "currency"],
                                            ["2024-01-01", "1.00", "x", "EUR"]])  # fmt: skip
        raw = good.read_bytes()
        _read_any(raw[: len(raw) // 2] + tail, None)


@pytest.mark.parametrize(
    ("cell", "amount"),
    [("1.234,50 €", "1234.50"), ("12,50-", "-12.50"), ("(3,00)", "-3.00"),
     ("EUR 4,00", "4.00"), ("-0,5", "-0.50"), ("+7", "7.00")],
)  # fmt: skip
def test_amount_spellings(tmp_path: Path, cell: str, amount: str) -> None:
    data = tmp_path / "d.csv"
    data.write_text(f'Datum;Betrag;Text\n01.01.2024;"{cell}";x\n', encoding="utf-8")
    (stmt,) = sheet.read(data, _profile(tmp_path, BASE + "thousands: '.'\n" + COLS))
    assert stmt.transactions[0].amount == Decimal(amount)


def test_inverted_sign_for_card_exports(tmp_path: Path) -> None:
    data = tmp_path / "card.csv"
    data.write_text("Datum;Betrag;Text\n01.01.2024;25,00;Hotel\n02.01.2024;-25,00;Refund\n",
                    encoding="utf-8")  # fmt: skip
    (stmt,) = sheet.read(data, _profile(tmp_path, BASE + "sign: inverted\n" + COLS))
    assert [t.amount for t in stmt.transactions] == [Decimal("-25.00"), Decimal("25.00")]


def test_profile_alias_bomb_is_refused(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 8):
        bomb += f"{'b' * i}: &{'b' * i} [*{'a' if i == 1 else 'b' * (i - 1)}" + (
            f", *{'a' if i == 1 else 'b' * (i - 1)}" * 9) + "]\n"  # fmt: skip
    with pytest.raises(StatementError) as err:
        load_profile(_profile(tmp_path, bomb))
    assert "too large" in str(err.value)


def test_profile_with_python_tag_is_refused(tmp_path: Path) -> None:
    path = _profile(tmp_path, "name: !!python/object/apply:os.system [echo hi]\n" + COLS)
    with pytest.raises(StatementError) as err:
        load_profile(path)
    assert err.value.location.line == 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_profile_text_only_raises_statement_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_profile(path)
        except StatementError as exc:
            assert exc.location.file == str(path)
