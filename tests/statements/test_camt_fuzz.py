"""Property tests: whatever bytes a camt reader is given, it answers with transactions or a
clean StatementError -- never another exception, never a hang. (That sniff never raises is
checked for every format in test_format_contract.py.)"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bankrec.errors import StatementError
from bankrec.statements import camt

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "camt"
VALID = (FIXTURES / "camt053_v02_ch.xml").read_bytes()
HEADER = b'<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'


def _outcome(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.xml"
        path.write_bytes(data)
        try:
            statements = camt.read(path)
        except StatementError as exc:
            assert exc.location.file == str(path)
            assert str(exc)
            return "error"
    for statement in statements:
        for tx in statement.transactions:
            assert tx.currency == statement.currency
    return "read"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_raise_statement_error(data: bytes) -> None:
    assert _outcome(data) in ("read", "error")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_garbage_after_a_camt_header_only_raises_statement_error(data: bytes) -> None:
    assert _outcome(HEADER + data) == "error"  # never a crash, never a statement
    assert camt.sniff(HEADER + data)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """The valid fixture with a few bytes replaced, deleted or inserted."""
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["replace", "delete", "insert", "truncate"]))
        byte = draw(st.integers(0, 255))
        if kind == "replace":
            data[pos] = byte
        elif kind == "delete":
            del data[pos]
        elif kind == "insert":
            data.insert(pos, byte)
        else:
            del data[pos:]
        if not data:
            break
    return bytes(data)


@settings(max_examples=300, deadline=None)
@given(mutated())
def test_mutated_valid_xml_only_raises_statement_error(data: bytes) -> None:
    assert _outcome(data) in ("read", "error")
