"""French CFONB 120 reader: fixtures written from the 120-character layout, damaged
variants, every real sample, and fuzzing (only StatementError may escape)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bankrec.errors import StatementError
from bankrec.statements import cfonb120
from tests.statements.build_fixed_fixtures import cfonb_fr
from tests.statements.fixedrecords import cfonb_amount
from tests.statements.fuzzing import read_fuzzed

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "cfonb120" / "fr-two-accounts.txt"


@pytest.mark.parametrize(
    ("text", "units"),
    [("0000000001904}", -19040), ("0000000000322J", -3221), ("000000012345F", None),
     ("0000000012345F", 123456), ("0000000000000{", 0), ("0000000000107I", 1079),
     ("00000000001O7R", None), ("0000000000107X", None)],
)  # fmt: skip
def test_decode_amount(text: str, units: int | None) -> None:
    expected = None if units is None else Decimal(units)
    assert cfonb120.decode_amount(text) == expected


def test_amount_encoding_round_trips() -> None:
    for value in ("0", "0.01", "-0.01", "12.30", "-98765.43", "1234567890.99"):
        units = cfonb120.decode_amount(cfonb_amount(Decimal(value)))
        assert units is not None and units.scaleb(-2) == Decimal(value)


def test_reads_statements_with_balances() -> None:
    eur, xpf = cfonb120.read(FIXTURE)
    assert (eur.account, eur.currency) == ("300040082300010234567", "EUR")
    assert eur.opening is not None and eur.closing is not None
    assert eur.opening.amount == Decimal("1234.56") and eur.closing.amount == Decimal("2189.46")
    assert eur.opening.amount + eur.movements() == eur.closing.amount
    assert xpf.currency == "XPF"
    assert [t.amount for t in xpf.transactions] == [Decimal("-2500")]
    assert xpf.closing is not None and xpf.closing.amount == Decimal("7500")


def test_complement_records_fill_the_transaction() -> None:
    debit, credit = cfonb120.read(FIXTURE)[0].transactions
    assert debit.amount == Decimal("-45.10")
    assert debit.label == "PRLV SEPA EDF ECHEANCE MARS"
    assert debit.counterparty == "EDF CLIENTS PARTICULIERS"
    assert debit.end_to_end_id == "E2E-EDF-0001"
    assert debit.reference == "FAC2024-7788"
    assert debit.bank_code == "B1"
    assert debit.source.endswith("fr-two-accounts.txt:2")
    assert credit.amount == Decimal("1000.00")
    assert credit.counterparty == "CLIENT SA"
    assert credit.reference == "RF18539007547034"
    assert str(credit.date) == "2024-03-02" and str(credit.value_date) == "2024-03-03"


def test_ids_are_unique_and_stable() -> None:
    ids = [t.id for s in cfonb120.read(FIXTURE) for t in s.transactions]
    assert ids == [t.id for s in cfonb120.read(FIXTURE) for t in s.transactions]
    assert len(set(ids)) == len(ids)


def test_sniff_wants_a_bank_code_and_records() -> None:
    assert not cfonb120.sniff(b"01ABCDE" + b" " * 113)
    assert not cfonb120.sniff(b"date,amount,label\n")


def _lines() -> list[str]:
    return cfonb_fr().split("\n")[:-1]


def _set(lines: list[str], index: int, pos: int, text: str) -> list[str]:
    line = lines[index]
    lines[index] = line[: pos - 1] + text + line[pos - 1 + len(text) :]
    return lines


Mutation = Callable[[list[str]], list[str]]
BROKEN: dict[str, tuple[Mutation, int, str]] = {
    "long record": (lambda ls: [*ls[:1], ls[1] + "X", *ls[2:]], 2, "121 characters"),
    "bad amount": (lambda ls: _set(ls, 1, 91, "00000000045X0}"), 2, "malformed"),
    "bad sign char": (lambda ls: _set(ls, 1, 104, "Z"), 2, "malformed"),
    "bad date": (lambda ls: _set(ls, 1, 35, "310224"), 2, "not a date"),
    "unknown record": (lambda ls: _set(ls, 2, 1, "06"), 3, "unknown record type"),
    "truncated": (lambda ls: ls[:5], 5, "truncated"),
    "other account": (lambda ls: _set(ls, 5, 22, "00010234568"), 6, "account"),
    "complement first": (lambda ls: ls[:1] + ls[2:], 2, "before any movement"),
    "movement outside": (lambda ls: ls[1:], 1, "outside a statement"),
    "bad currency": (lambda ls: _set(ls, 0, 17, "E1R"), 1, "currency"),
    "two old balances": (lambda ls: ls[:1] + ls[:1] + ls[1:], 2, "before the new balance"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_is_refused_naming_the_line(case: str, tmp_path: Path) -> None:
    mutate, line, words = BROKEN[case]
    path = tmp_path / "broken.txt"
    path.write_text("\n".join(mutate(_lines())) + "\n", encoding="latin-1")
    with pytest.raises(StatementError) as err:
        cfonb120.read(path)
    assert err.value.location.line == line, str(err.value)
    assert words in str(err.value)


def test_wrong_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(cfonb_fr().encode("utf-16-le"))
    with pytest.raises(StatementError) as err:
        cfonb120.read(path)
    assert err.value.location.line == 1


def test_blank_lines_are_skipped_and_lines_still_counted(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    lines = _lines()
    path.write_text("\n\n".join(lines) + "\n", encoding="latin-1")
    first = cfonb120.read(path)[0].transactions[0]
    assert first.source.endswith(":3")


# (movements per statement) as the samples' 04 records show them
SAMPLES = {
    "pennylane-example.txt": [3, 3],
    "silarhi-complex.txt": [1, 2, 0, 1, 0, 1, 0, 0],
}


@pytest.mark.samples
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_real_sample(samples: Path, name: str) -> None:
    path = samples / "cfonb120" / name
    statements = cfonb120.read(path)
    assert [len(s.transactions) for s in statements] == SAMPLES[name]
    raw = [ln for ln in path.read_text("latin-1").splitlines() if ln.startswith("04")]
    assert sum(len(s.transactions) for s in statements) == len(raw)
    for s in statements:
        assert s.opening is not None and s.closing is not None
        assert s.opening.amount + s.movements() == s.closing.amount, s.source


@pytest.mark.samples
def test_real_sample_values(samples: Path) -> None:
    first = cfonb120.read(samples / "cfonb120" / "pennylane-example.txt")[0]
    assert first.opening is not None and first.opening.amount == Decimal("-190.40")
    tx = first.transactions[0]
    assert (tx.amount, tx.counterparty, tx.end_to_end_id) == (
        Decimal("-32.21"), "INTERNET SFR", "OTHER REFERENCE")  # fmt: skip


@pytest.mark.samples
def test_every_real_sample_is_covered(samples: Path) -> None:
    assert {p.name for p in (samples / "cfonb120").iterdir()} == set(SAMPLES)


def _read_bytes(data: bytes) -> None:
    read_fuzzed(cfonb120.read, data, "fuzz.txt")


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_valid_file_only_raises_statement_error(data: st.DataObject) -> None:
    raw = bytearray(cfonb_fr().encode("latin-1"))
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.sampled_from(b"0123456789 AJ{}\n-R"))
    cut = data.draw(st.integers(1, len(raw)))
    _read_bytes(bytes(raw[:cut]))
