"""Belgian CODA v2 reader: fixtures written from the Febelfin layout, damaged variants,
every real sample, and fuzzing (only StatementError may escape)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bankrec.errors import StatementError
from bankrec.statements import coda
from tests.statements.build_fixed_fixtures import BUILT, coda_be
from tests.statements.fuzzing import read_fuzzed

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "coda" / "be-two-accounts.cod"


def test_fixtures_are_built_from_this_script() -> None:
    for path, build in BUILT.items():
        assert path.read_bytes() == build().encode("latin-1"), path


def test_reads_both_statements_with_their_balances() -> None:
    eur, usd = coda.read(FIXTURE)
    assert (eur.account, eur.currency) == ("BE68539007547034", "EUR")
    assert eur.opening is not None and eur.closing is not None
    assert eur.opening.amount == Decimal("1000.00")
    assert eur.closing.amount == Decimal("987.66")
    assert eur.opening.amount + eur.movements() == eur.closing.amount
    assert str(eur.opening.date) == "2024-02-29" and str(eur.closing.date) == "2024-03-01"
    assert (usd.account, usd.currency) == ("1234567890123", "USD")
    assert [t.amount for t in usd.transactions] == [Decimal("-0.50")]
    assert usd.closing is not None and usd.closing.amount == Decimal("499.50")


def test_structured_communication_and_counterparty() -> None:
    tx = coda.read(FIXTURE)[0].transactions[0]
    assert tx.amount == Decimal("250.00")
    assert tx.reference == "+++090/9337/55493+++"
    assert tx.counterparty == "ACME TRADING NV"
    assert tx.iban == "BE71096123456769"
    assert tx.bic == "GEBABEBB"
    assert tx.end_to_end_id == "E2E-INV-2024-0042"
    assert tx.bank_code == "00150000"
    assert tx.source.endswith("be-two-accounts.cod:3")


def test_free_communication_is_joined_across_records_with_information() -> None:
    tx = coda.read(FIXTURE)[0].transactions[1]
    assert tx.amount == Decimal("-12.34")
    assert tx.label.startswith("PAYMENT FOR INVOICE 2024/117 OFFICE SUPPLIES AND DELIVERY COSTS")
    assert tx.label.endswith("OFFICE DEPOT BELGIUM")
    assert tx.reference == ""


def test_globalised_total_is_replaced_by_its_details() -> None:
    txs = coda.read(FIXTURE)[0].transactions
    amounts = [t.amount for t in txs]
    assert Decimal("-300.00") not in amounts  # the total is not imported...
    assert amounts.count(Decimal("-100.00")) == 1  # ...its details are
    assert amounts.count(Decimal("-200.00")) == 1
    details = [t for t in txs if t.bank_code.startswith("5")]
    assert [t.label for t in details] == ["SALARY J. PEETERS", "SALARY A. JANSSENS"]


def test_informative_type_8_detail_is_not_a_movement() -> None:
    txs = coda.read(FIXTURE)[0].transactions
    foreign = [t for t in txs if t.bank_reference == "REF0004-F"]
    assert [(t.amount, t.bank_code) for t in foreign] == [(Decimal("50.00"), "30150000")]
    assert len(txs) == 5


def test_ids_are_unique_and_stable() -> None:
    first = [t.id for s in coda.read(FIXTURE) for t in s.transactions]
    again = [t.id for s in coda.read(FIXTURE) for t in s.transactions]
    assert first == again
    assert len(set(first)) == len(first)


def test_file_without_line_breaks_reads_the_same(tmp_path: Path) -> None:
    flat = tmp_path / "flat.cod"
    flat.write_text(coda_be().replace("\r\n", ""), encoding="latin-1")
    assert [t.amount for s in coda.read(flat) for t in s.transactions] == [
        t.amount for s in coda.read(FIXTURE) for t in s.transactions
    ]


def test_valid_structured() -> None:
    assert coda.valid_structured("090933755493")
    assert not coda.valid_structured("090933755494")
    assert not coda.valid_structured("09093375549")
    assert not coda.valid_structured("090/9337/55493")  # CODA carries the bare digits


def test_sniff_wants_a_whole_header_record() -> None:
    assert not coda.sniff(b"0000 not a coda header\n")


def _lines() -> list[str]:
    return coda_be().split("\r\n")[:-1]


def _set(lines: list[str], index: int, pos: int, text: str) -> list[str]:
    line = lines[index]
    lines[index] = line[: pos - 1] + text + line[pos - 1 + len(text) :]
    return lines


Mutation = Callable[[list[str]], list[str]]
BROKEN: dict[str, tuple[Mutation, int, str]] = {
    "short record": (lambda ls: [*ls[:3], ls[3][:100], *ls[4:]], 4, "100 characters"),
    "bad amount": (lambda ls: _set(ls, 2, 33, "00000000025A000"), 3, "not 15 digits"),
    "bad sign": (lambda ls: _set(ls, 2, 32, "7"), 3, "sign code"),
    "bad date": (lambda ls: _set(ls, 2, 116, "320324"), 3, "not a date"),
    "unknown record type": (lambda ls: _set(ls, 5, 1, "5"), 6, "unknown record type"),
    "unknown 2x record": (lambda ls: _set(ls, 3, 1, "24"), 4, "unknown record type"),
    "truncated": (lambda ls: ls[:9], 9, "truncated"),
    "missing trailer": (lambda ls: ls[:15], 15, "without its trailer"),
    "orphan continuation": (lambda ls: ls[:2] + ls[3:], 3, "does not follow its record 21"),
    "details do not add up": (lambda ls: _set(ls, 10, 33, "000000000201000"), 9, "add up"),
    "trailer total wrong": (lambda ls: _set(ls, 15, 23, f"{312350:015d}"), 16, "trailer"),
    "version 1": (lambda ls: _set(ls, 0, 128, "1"), 1, "version"),
    "currency of new balance": (lambda ls: _set(ls, 14, 39, "USD"), 15, "new balance is in"),
    "movement before balance": (lambda ls: ls[:1] + ls[2:], 2, "outside a statement"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_is_refused_naming_the_line(case: str, tmp_path: Path) -> None:
    mutate, line, words = BROKEN[case]
    path = tmp_path / "broken.cod"
    path.write_text("\r\n".join(mutate(_lines())) + "\r\n", encoding="latin-1")
    with pytest.raises(StatementError) as err:
        coda.read(path)
    assert err.value.location.line == line, str(err.value)
    assert words in str(err.value)
    assert str(path) in str(err.value)


def test_wrong_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "utf16.cod"
    path.write_bytes(coda_be().encode("utf-16"))
    with pytest.raises(StatementError) as err:
        coda.read(path)
    assert err.value.location.line == 1
    assert "control character" in str(err.value) or "characters long" in str(err.value)


def test_utf8_accents_keep_the_record_length(tmp_path: Path) -> None:
    text = coda_be().replace("ACME TRADING NV", "ÉCOLE ÉTÉ SPRL ")
    path = tmp_path / "utf8.cod"
    path.write_bytes(text.encode("utf-8"))
    assert coda.read(path)[0].transactions[0].counterparty == "ÉCOLE ÉTÉ SPRL"


# what the samples' records 1 and 8 state, read by eye: (statements, movements per statement)
SAMPLES = {
    "pycoda-foreign-account.cod": [2],
    "pycoda-globalisation.cod": [4],
    "pycoda-multi-statements.cod": [30, 11],
    "wimverstuyf-sample1.cod": [4],
}


@pytest.mark.samples
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_real_sample(samples: Path, name: str) -> None:
    path = samples / "coda" / name
    statements = coda.read(path)
    assert [len(s.transactions) for s in statements] == SAMPLES[name]
    for s in statements:
        assert s.opening is not None and s.closing is not None
        assert s.opening.amount + s.movements() == s.closing.amount, s.source
        assert len({t.id for t in s.transactions}) == len(s.transactions)


@pytest.mark.samples
def test_every_real_sample_is_covered(samples: Path) -> None:
    assert {p.name for p in (samples / "coda").iterdir()} == set(SAMPLES)


@pytest.mark.samples
def test_real_globalisation_sample_imports_bank_details_not_totals(samples: Path) -> None:
    first = coda.read(samples / "coda" / "pycoda-multi-statements.cod")[0]
    codes = [t.bank_code[0] for t in first.transactions]
    assert "2" not in codes  # type-2 totals were replaced by their type-6 details
    assert codes.count("6") == 15
    assert sum(t.amount for t in first.transactions if t.bank_code[0] == "6") == Decimal(
        "62095.01"
    ) - Decimal("2608.00")


def _read_bytes(data: bytes) -> None:
    read_fuzzed(coda.read, data, "fuzz.cod")


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_valid_file_only_raises_statement_error(data: st.DataObject) -> None:
    raw = bytearray(coda_be().encode("latin-1"))
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.sampled_from(b"0123456789 AZ\n-+{}\xe9"))
    cut = data.draw(st.integers(1, len(raw)))
    _read_bytes(bytes(raw[:cut]))
