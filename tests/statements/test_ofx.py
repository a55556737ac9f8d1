"""OFX/QFX reader: spec-derived fixtures (OFX 1.6 SGML, OFX 2.2 XML), broken inputs,
every real sample, and fuzzing."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ofxtools.Parser import OFXTree

from bankrec.errors import StatementError
from bankrec.statements import ofx
from tests.statements.fuzzing import read_fuzzed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ofx"


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line containing ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in fixture")


def v1_text() -> str:
    return (FIXTURES / "v1-sgml.ofx").read_bytes().decode("cp1252").replace("\r\n", "\n")


def v2_text() -> str:
    return (FIXTURES / "v2-xml.ofx").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, encoding: str = "cp1252") -> Path:
    path = tmp_path / "broken.ofx"
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------- fixtures


def test_sgml_v1_several_accounts() -> None:
    statements = ofx.read(FIXTURES / "v1-sgml.ofx")
    assert [(s.account, len(s.transactions)) for s in statements] == [
        ("4000111122", 3),
        ("4000333344", 2),
        ("4111111111111111", 2),  # CCSTMTRS
    ]
    assert all(s.currency == "USD" and s.opening is None for s in statements)
    checking = statements[0]
    assert checking.closing is not None
    assert checking.closing.amount == Decimal("5849.51")  # LEDGERBAL, not AVAILBAL
    assert checking.closing.date == dt.date(2024, 1, 31)


def test_sgml_v1_fields() -> None:
    checking = ofx.read(FIXTURES / "v1-sgml.ofx")[0]
    credit, check, transfer = checking.transactions
    assert credit.counterparty == "Café Crème LLC"  # CHARSET:1252
    assert credit.label == "INVOICE 1001 & 1002"  # MEMO, entity decoded
    assert credit.amount == Decimal("1250.00")
    assert credit.date == dt.date(2024, 1, 15)  # 20:00 PST stays the 15th (no UTC shift)
    assert credit.value_date == dt.date(2024, 1, 14)  # DTUSER
    assert credit.id == "4000111122/2024011501"  # FITID scoped by account
    assert check.counterparty == "Landlord Properties Inc"  # PAYEE/NAME
    assert check.reference == "4417"  # CHECKNUM
    assert check.amount == Decimal("-300.50")
    assert transfer.iban == "4000333344"  # BANKACCTTO/ACCTID
    assert credit.source.endswith(f":{line_of(v1_text(), '<FITID>2024011501')}")


def test_same_fitid_in_two_accounts_gives_two_ids() -> None:
    statements = ofx.read(FIXTURES / "v1-sgml.ofx")
    out = next(t for t in statements[0].transactions if t.bank_reference == "2024012503")
    into = next(t for t in statements[1].transactions if t.bank_reference == "2024012503")
    assert out.id != into.id
    assert (out.amount, into.amount) == (Decimal("-99.99"), Decimal("99.99"))


def test_xml_v2_fields() -> None:
    (statement,) = ofx.read(FIXTURES / "v2-xml.ofx")
    assert statement.account == "FR7630004000031234567890143"
    assert statement.currency == "EUR"
    first, second, third = statement.transactions
    assert first.amount == Decimal("1234.56")  # decimal comma, allowed by the OFX spec
    assert first.counterparty == "Société Générale <Paris> & Fils"  # CDATA kept verbatim
    assert first.label == "VIR FACTURE F-2024-017"
    assert second.counterparty == "Électricité & Gaz"
    assert second.label == "Électricité & Gaz"  # empty <MEMO></MEMO>: the name
    assert third.bank_reference == ""
    assert third.id.startswith("h")  # no FITID: deterministic content hash
    assert statement.closing is not None
    assert statement.closing.amount == Decimal("2177.56")


def test_ids_are_stable() -> None:
    first = [t.id for s in ofx.read(FIXTURES / "v2-xml.ofx") for t in s.transactions]
    assert first == [t.id for s in ofx.read(FIXTURES / "v2-xml.ofx") for t in s.transactions]
    assert len(set(first)) == len(first)


def test_repeated_fitid_gets_an_occurrence_suffix(tmp_path: Path) -> None:
    text = v1_text().replace("<FITID>CC0002", "<FITID>CC0001")
    card = ofx.read(write(tmp_path, text))[2]
    assert [t.id for t in card.transactions] == [
        "4111111111111111/CC0001",
        "4111111111111111/CC0001#2",
    ]


def test_sniff() -> None:
    for path in FIXTURES.iterdir():
        assert ofx.sniff(path.read_bytes()[:8192]), path.name
    assert not ofx.sniff(b":20:REF\n:25:ACC\n:60F:C240101EUR1,\n")
    assert not ofx.sniff(b"<?xml version='1.0'?><Document><BkToCstmrStmt/></Document>")


# --------------------------------------------------------------------------- broken


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        ("<TRNAMT>-42.10", "<TRNAMT>-42.1O", "<TRNAMT>-42.1O", "amount"),
        ("<TRNAMT>-42.10", "<TRNAMT>-42.105", "<TRNAMT>-42.105", "decimals"),
        ("<DTPOSTED>20240110", "<DTPOSTED>20241310", "<DTPOSTED>20241310", "YYYYMMDD"),
        ("<DTPOSTED>20240110", "<DTPOSTED>yesterday", "<DTPOSTED>yesterday", "YYYYMMDD"),
        ("<CURDEF>USD<CCACCTFROM>", "<CURDEF>US$<CCACCTFROM>", "<CURDEF>US$", "ISO 4217"),
        ("<LEDGERBAL><BALAMT>-27.10", "<LEDGERBAL><BALAMT>n/a", "<BALAMT>n/a", "amount"),
        (
            "</BANKACCTFROM>\n<BANKTRANLIST>",
            "</BANKACCTFRM>\n<BANKTRANLIST>",
            "</BANKACCTFRM>",
            "</BANKACCTFROM>",
        ),
        ("<STMTTRN><TRNTYPE>INT", "<STMTTRN><TRNTYPE>INT garbage<", "garbage<", "tag"),
    ],
)
def test_broken_element_names_its_line(
    tmp_path: Path, old: str, new: str, needle: str, expected: str
) -> None:
    text = v1_text()
    assert old in text
    broken = text.replace(old, new, 1)
    with pytest.raises(StatementError) as err:
        ofx.read(write(tmp_path, broken))
    assert err.value.location.line == line_of(broken, needle)
    assert expected in err.value.expected
    assert "broken.ofx:" in str(err.value)


def test_error_names_the_element_path(tmp_path: Path) -> None:
    broken = v1_text().replace("<TRNAMT>0.42", "<TRNAMT>zero")
    with pytest.raises(StatementError) as err:
        ofx.read(write(tmp_path, broken))
    assert err.value.location.path == (
        "/OFX/BANKMSGSRSV1/STMTTRNRS[2]/STMTRS/BANKTRANLIST/STMTTRN[2]/TRNAMT"
    )


def test_missing_required_elements(tmp_path: Path) -> None:
    for old, tag in (("<TRNAMT>15.00", "TRNAMT"), ("<DTPOSTED>20240112", "DTPOSTED")):
        broken = v1_text().replace(old, "")
        with pytest.raises(StatementError) as err:
            ofx.read(write(tmp_path, broken))
        assert f"<{tag}>" in err.value.expected
        assert err.value.location.line == line_of(broken, "<FITID>CC0002")
    broken = v2_text().replace("<CURDEF>EUR</CURDEF>", "")
    with pytest.raises(StatementError) as err:
        ofx.read(write(tmp_path, broken, "utf-8"))
    assert err.value.location.line == line_of(broken, "<STMTRS>")


def test_truncated_file(tmp_path: Path) -> None:
    text = v2_text()
    cut = text[: text.index("<LEDGERBAL>")]
    with pytest.raises(StatementError) as err:
        ofx.read(write(tmp_path, cut, "utf-8"))
    assert "truncated" in err.value.message
    assert err.value.location.path.endswith("/STMTRS")


def test_wrong_encoding(tmp_path: Path) -> None:
    """An XML v2 file declares UTF-8 but holds a Windows-1252 byte."""
    text = v2_text()
    path = write(tmp_path, text, "cp1252")
    with pytest.raises(StatementError) as err:
        ofx.read(path)
    assert err.value.location.line == line_of(text, "Société")
    assert "utf-8" in err.value.expected.lower()


def test_utf16_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StatementError) as err:
        ofx.read(write(tmp_path, v2_text(), "utf-16"))
    assert "NUL" in err.value.message


@pytest.mark.parametrize("codec", ["utf-8", "utf-7"])
def test_dtd_in_an_xml_v2_file_is_refused_like_camt(tmp_path: Path, codec: str) -> None:
    text = v2_text().replace(
        "<OFX>", '<!DOCTYPE OFX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<OFX>', 1
    )
    text = text.replace("<MEMO>VIR FACTURE F-2024-017", "<MEMO>&x;", 1)
    if codec == "utf-7":
        text = text.replace('encoding="UTF-8"', 'encoding="UTF-7"', 1)
    path = write(tmp_path, text, codec)
    with pytest.raises(StatementError) as err:
        ofx.read(path)
    assert err.value.message == (
        "refusing XML with a <!DOCTYPE declaration (entity expansion / external entity risk)"
    )
    assert err.value.location.file == str(path)
    assert err.value.location.line == line_of(text, "<!DOCTYPE")
    assert "root:" not in str(err.value)


def test_no_statement_at_all(tmp_path: Path) -> None:
    text = (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>"
    )
    with pytest.raises(StatementError) as err:
        ofx.read(write(tmp_path, text))
    assert "STMTRS" in err.value.expected


def test_bad_v1_header(tmp_path: Path) -> None:
    text = v1_text().replace("OFXHEADER:100", "OFXHEADER:999")
    with pytest.raises(StatementError) as err:
        ofx.read(write(tmp_path, text))
    assert err.value.location.line == 1


# --------------------------------------------------------------------------- real samples


def test_every_real_sample(samples: Path) -> None:
    files = sorted((samples / "ofx").iterdir())
    assert files
    for path in files:
        raw = path.read_text(encoding="latin-1")
        statements = ofx.read(path)
        # counts and balances the file itself states
        assert sum(len(s.transactions) for s in statements) == raw.count("<STMTTRN>")
        assert len(statements) == len(re.findall(r"<(?:CC)?STMTRS>", raw))
        stated = [Decimal(b.replace(",", ".")) for b in
                  re.findall(r"<LEDGERBAL>\s*<BALAMT>([-\d.,]+)", raw)]  # fmt: skip
        assert [s.closing.amount for s in statements if s.closing] == stated, path.name
        amounts = [Decimal(a.replace(",", ".")) for a in re.findall(r"<TRNAMT>([-+\d.,]+)", raw)]
        assert [t.amount for s in statements for t in s.transactions] == amounts, path.name
        fitids = re.findall(r"<FITID>([^<\s]+)", raw)
        assert [t.bank_reference for s in statements for t in s.transactions] == fitids


def test_samples_ofxtools_refuses_are_read(samples: Path) -> None:
    """Real files ofxtools' strict model refuses; bankrec reads them."""
    iban = ofx.read(samples / "ofx" / "oca-ofx-iban.ofx")  # four BANKTRANLIST in one STMTRS
    assert [len(s.transactions) for s in iban] == [4, 0]
    assert iban[0].movements() == Decimal("-360.00")
    (nubank,) = ofx.read(samples / "ofx" / "ofxtools-nubank-cc.ofx")  # no </BANKTRANLIST>
    assert nubank.closing is not None
    assert nubank.closing.amount == nubank.movements() == Decimal("-1280.91")


def test_real_samples_agree_with_ofxtools(samples: Path) -> None:
    """Independent oracle where ofxtools accepts the file: same FITIDs and amounts."""
    compared = 0
    for path in sorted((samples / "ofx").iterdir()):
        tree = OFXTree()
        tree.parse(str(path))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                converted = tree.convert()
        except Exception:  # ofxtools refuses it (see the test above)
            continue
        theirs = [
            (str(t.fitid), Decimal(t.trnamt))
            for s in converted.statements
            for t in (s.banktranlist or [])
        ]
        ours = [(t.bank_reference, t.amount) for s in ofx.read(path) for t in s.transactions]
        assert ours == theirs, path.name
        compared += 1
    assert compared >= 3


# --------------------------------------------------------------------------- fuzzing


def _read_bytes(data: bytes) -> None:
    read_fuzzed(ofx.read, data, "fuzz.ofx")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=500))
def test_arbitrary_body_after_header_only_raises_statement_error(data: bytes) -> None:
    _read_bytes(b"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX>" + data)


_VALID = [(FIXTURES / n).read_bytes() for n in sorted(p.name for p in FIXTURES.iterdir())]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_VALID),
    st.lists(
        st.tuples(st.integers(0, 5000), st.integers(0, 5000), st.binary(max_size=8)),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_valid_files_only_raise_statement_error(
    data: bytes, edits: list[tuple[int, int, bytes]]
) -> None:
    for start, length, insert in edits:
        start %= len(data) + 1
        data = data[:start] + insert + data[start + length % 12 :]
    _read_bytes(data)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<OFX>",
                "</OFX>",
                "<STMTRS>",
                "</STMTRS>",
                "<CCSTMTRS>",
                "</CCSTMTRS>",
                "<CURDEF>EUR",
                "<BANKACCTFROM>",
                "</BANKACCTFROM>",
                "<ACCTID>1",
                "<BANKTRANLIST>",
                "</BANKTRANLIST>",
                "<STMTTRN>",
                "</STMTTRN>",
                "<TRNAMT>1.5",
                "<TRNAMT>",
                "<DTPOSTED>20240101",
                "<FITID>A",
                "<LEDGERBAL>",
                "</LEDGERBAL>",
                "<BALAMT>2",
                "<DTASOF>20240101",
                "<![CDATA[x]]>",
                "<NAME><![CDATA[y]]></NAME>",
                "text",
                "&amp;",
            ]
        ),
        max_size=30,
    )
)
def test_shuffled_elements_only_raise_statement_error(parts: list[str]) -> None:
    _read_bytes(("OFXHEADER:100\nDATA:OFXSGML\n\n" + "\n".join(parts)).encode())
