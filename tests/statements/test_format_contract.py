"""The contract every registered statement format keeps, checked once for all of them.

:class:`bankrec.statements.formats.StatementFormat` says what a format module is: ``NAME``,
``sniff(head)`` that decides by content and never raises, ``read(path)`` that returns every
statement or raises a :class:`StatementError` naming the file and returns nothing. These
tests run over ``registry.FORMAT_MODULES``, so a new format is held to the contract by
being registered (and given a fixture below); the per-format suites keep only what is
specific to their format.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bankrec.errors import StatementError
from bankrec.statements import camt, loader, registry
from bankrec.statements.formats import StatementFormat
from tests.statements.fuzzing import read_fuzzed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# one good file per format, which the format reads and the registry detects as it
FIXTURE = {
    "camt": FIXTURES / "camt" / "camt053_v02_ch.xml",
    "ofx": FIXTURES / "ofx" / "v1-sgml.ofx",
    "mt940": FIXTURES / "mt940" / "dutch.sta",
    "coda": FIXTURES / "coda" / "be-two-accounts.cod",
    "cfonb120": FIXTURES / "cfonb120" / "fr-two-accounts.txt",
    "canonical-csv": FIXTURES / "camt" / "camt053_v02_ch.canonical.csv",
    "sheet": FIXTURES / "sheet" / "generic.csv",
}
# the real samples' folders (../shared/statements) and the format each holds
SAMPLE_DIRS = {
    "camt052": "camt",
    "camt053": "camt",
    "camt054": "camt",
    "cfonb120": "cfonb120",
    "coda": "coda",
    "csv": "sheet",
    "mt940": "mt940",
    "ofx": "ofx",
    "xlsx": "sheet",
}
# heads no format may claim: nothing at all, binary data, other file types
UNCLAIMED_HEADS = [
    b"",
    b"\x00\x01\x02binary",
    bytes(range(256)),
    bytes(range(1, 32)) * 10,
    b"\xff\xfe\x00garbage",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"PK\x03\x04\x14\x00\x00\x00",
]

FORMATS = registry.formats()
NAMES = [fmt.NAME for fmt in FORMATS]
# the last format is the catch-all (any delimited text): it may claim what the others do
SPECIFIC = FORMATS[:-1]


def by_name(name: str) -> StatementFormat:
    return FORMATS[NAMES.index(name)]


def cut_mid_line(data: bytes) -> bytes:
    """``data`` cut off in the middle of its middle (non-blank) line: a truncated file."""
    lines = data.splitlines(keepends=True)
    index = len(lines) // 2
    while not lines[index].strip():
        index += 1
    start = sum(len(line) for line in lines[:index])
    return data[: start + len(lines[index].rstrip(b"\r\n")) // 2]


# ---- the registry -------------------------------------------------------------------------


def test_every_registered_format_has_a_fixture_here() -> None:
    assert len(FORMATS) == len(registry.FORMAT_MODULES)
    assert set(NAMES) == set(FIXTURE)


def test_names_are_unique_words() -> None:
    assert len(set(NAMES)) == len(NAMES)
    assert all(isinstance(name, str) and name and name == name.strip() for name in NAMES)


def test_loading_a_module_that_is_no_format_is_refused() -> None:
    with pytest.raises(TypeError, match="NAME, sniff and read"):
        registry.load("bankrec.statements.ids")


def test_a_file_is_sniffed_once_per_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """load_transactions detects the format, then reads with it: no second detection."""
    calls: list[Path] = []
    detect = registry.detect

    def counting(path: Path) -> StatementFormat:
        calls.append(path)
        return detect(path)

    monkeypatch.setattr(registry, "detect", counting)
    monkeypatch.setattr(loader, "detect", counting)
    assert len(loader.load_transactions(FIXTURE["camt"])) == 7
    assert calls == [FIXTURE["camt"]]
    calls.clear()
    assert registry.read_statements(FIXTURE["camt"], fmt=camt) == camt.read(FIXTURE["camt"])
    assert calls == []


# ---- NAME and sniff -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
def test_sniff_recognises_its_fixture_and_detection_picks_it(fmt: StatementFormat) -> None:
    path = FIXTURE[fmt.NAME]
    assert fmt.sniff(path.read_bytes()[: registry.HEAD_BYTES])
    assert registry.detect(path) is fmt
    assert fmt.read(path)  # a good fixture: at least one statement


@pytest.mark.parametrize("head", UNCLAIMED_HEADS)
@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
def test_sniff_claims_no_empty_or_binary_head(fmt: StatementFormat, head: bytes) -> None:
    assert fmt.sniff(head) is False


@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_sniff_never_raises(fmt: StatementFormat, head: bytes) -> None:
    assert fmt.sniff(head) in (True, False)
    assert fmt.sniff(b" \r\n\t" + head) in (True, False)


@pytest.mark.parametrize("fmt", SPECIFIC, ids=NAMES[:-1])
def test_sniff_rejects_the_other_formats_fixtures(fmt: StatementFormat) -> None:
    for name, path in FIXTURE.items():
        if name != fmt.NAME:
            assert not fmt.sniff(path.read_bytes()[: registry.HEAD_BYTES]), name


@pytest.mark.samples
def test_every_real_sample_is_detected_as_its_format(samples: Path) -> None:
    folders = {d.name for d in samples.iterdir() if d.is_dir()}
    assert folders == set(SAMPLE_DIRS)
    for folder, name in SAMPLE_DIRS.items():
        files = sorted((samples / folder).iterdir())
        assert files, folder
        for path in files:
            assert name == registry.detect(path).NAME, path.name


@pytest.mark.samples
@pytest.mark.parametrize("fmt", SPECIFIC, ids=NAMES[:-1])
def test_sniff_rejects_every_real_sample_of_other_formats(
    samples: Path, fmt: StatementFormat
) -> None:
    others = [
        path
        for folder, name in SAMPLE_DIRS.items()
        if name != fmt.NAME
        for path in sorted((samples / folder).iterdir())
    ]
    assert others
    for path in others:
        assert not fmt.sniff(path.read_bytes()[: registry.HEAD_BYTES]), path.name


# ---- read ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
def test_a_truncated_copy_is_refused_naming_the_file(tmp_path: Path, fmt: StatementFormat) -> None:
    source = FIXTURE[fmt.NAME]
    path = tmp_path / f"truncated{source.suffix}"
    path.write_bytes(cut_mid_line(source.read_bytes()))
    with pytest.raises(StatementError) as caught:
        fmt.read(path)  # raises: no statement is returned from a broken file
    assert caught.value.location.file == str(path)
    assert str(caught.value).startswith(f"{path}:")


@pytest.mark.parametrize("content", [b"", b"\n \r\n"], ids=["empty", "blank"])
@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
def test_an_empty_file_is_refused_naming_it(
    tmp_path: Path, fmt: StatementFormat, content: bytes
) -> None:
    path = tmp_path / f"empty{FIXTURE[fmt.NAME].suffix}"
    path.write_bytes(content)
    with pytest.raises(StatementError) as caught:
        fmt.read(path)
    assert caught.value.location.file == str(path)


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("missing", "No such file or directory"), ("folder", "Is a directory")],
)
@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
def test_a_file_the_system_will_not_give_is_refused_in_one_wording(
    tmp_path: Path, fmt: StatementFormat, kind: str, reason: str
) -> None:
    path = tmp_path / f"statement{FIXTURE[fmt.NAME].suffix}"
    if kind == "folder":
        path.mkdir()
    with pytest.raises(StatementError) as caught:
        fmt.read(path)
    assert caught.value.message == f"cannot read file: {reason}"
    assert caught.value.location.file == str(path)
    with pytest.raises(StatementError) as caught:
        registry.detect(path)
    assert caught.value.message == f"cannot read file: {reason}"


@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_raise_statement_error(fmt: StatementFormat, data: bytes) -> None:
    read_fuzzed(fmt.read, data, f"fuzz{FIXTURE[fmt.NAME].suffix}")


@pytest.mark.parametrize("fmt", FORMATS, ids=NAMES)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(0, 1))
def test_a_fixture_cut_anywhere_only_raises_statement_error(
    fmt: StatementFormat, where: float
) -> None:
    data = FIXTURE[fmt.NAME].read_bytes()
    read_fuzzed(fmt.read, data[: int(len(data) * where)], f"cut{FIXTURE[fmt.NAME].suffix}")
