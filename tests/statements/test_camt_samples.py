"""Every real published camt sample under ../shared/statements, checked against what the
file itself states: entry counts, entry totals, balances and stated summaries.

The expectations are computed from the XML with plain lxml here, independently of the
reader. Published files that are inconsistent must be *reported* (an error naming the
place, or a balance problem), never silently imported or skipped.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from bankrec.errors import StatementError
from bankrec.statements import camt
from bankrec.statements.balance import check_balances
from tests.conftest import samples_dir

_DIR = samples_dir()
SAMPLES = sorted(str(p.relative_to(_DIR)) for p in _DIR.glob("camt05*/*.xml")) if _DIR else []

# files that are inconsistent as published: (where the reader must point, what it must say)
REFUSED = {
    "camt053/genkgo-v8.xml": ("Ntry[1]/NtryDtls/TxDtls[1]/Amt", "in SEK but the entry is in EUR"),
    "camt054/genkgo-v4-batch.xml": ("Ntry[1]/NtryDtls/TxDtls[1]/Amt",
                                    "in CHF but the entry is in SEK"),
}  # fmt: skip
# files whose balances carry no CdtDbtInd: read as credits (and so computed below), which
# the reader may only do because, so read, every statement of theirs balances
UNSIGNED_BALANCES = {"camt053/subite-lt-multi-stmt-2024-04-11.xml"}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _kids(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and _local(c) == name]


def _kid(el: etree._Element, *names: str) -> etree._Element | None:
    for name in names:
        found = _kids(el, name)
        if not found:
            return None
        el = found[0]
    return el


def _text(el: etree._Element | None) -> str:
    return "" if el is None else "".join(el.itertext()).strip()


def _signed(holder: etree._Element, unsigned_ok: bool = False) -> Decimal:
    amt = _kid(holder, "Amt")
    ind = _kid(holder, "CdtDbtInd")
    assert amt is not None and (ind is not None or unsigned_ok)
    value = Decimal(amt.text or "")
    return -value if ind is not None and (ind.text or "").strip() == "DBIT" else value


def _stated(path: Path, unsigned_balances: bool = False) -> list[dict[str, object]]:
    """Per statement: booked entries, their net total, opening/closing as the file says
    (balances without CdtDbtInd read as credits when ``unsigned_balances``)."""
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    message = root.getroot()[0]
    out: list[dict[str, object]] = []
    for stmt in message:
        if _local(stmt) not in ("Stmt", "Rpt", "Ntfctn"):
            continue
        entries = [n for n in _kids(stmt, "Ntry") if "PDNG" not in _text(_kid(n, "Sts"))]
        balances: dict[str, Decimal] = {}
        for bal in _kids(stmt, "Bal"):
            code = "".join(_kid(bal, "Tp", "CdOrPrtry").itertext()).strip()  # type: ignore[union-attr]
            balances.setdefault(code, _signed(bal, unsigned_balances))
        splits = 0
        for n in entries:
            holder = _kid(n, "NtryDtls")
            details = [] if holder is None else _kids(holder, "TxDtls")
            with_amounts = [d for d in details if _kid(d, "Amt") is not None
                            or _kid(d, "AmtDtls", "TxAmt", "Amt") is not None]  # fmt: skip
            splits += len(details) if len(details) >= 2 and with_amounts else 1
        out.append(
            {
                "entries": len(entries),
                "transactions": splits,
                "net": sum((_signed(n) for n in entries), Decimal(0)),
                "opening": balances.get("OPBD", balances.get("PRCD")),
                "closing": balances.get("CLBD"),
                "summary_count": _summary_count(stmt),
            }
        )
    return out


def _summary_count(stmt: etree._Element) -> int | None:
    count = _kid(stmt, "TxsSummry", "TtlNtries", "NbOfNtries")
    return None if count is None else int(count.text or "")


def test_every_sample_is_covered_by_this_suite(samples: Path) -> None:
    assert SAMPLES, "no camt samples found"
    assert set(REFUSED) | UNSIGNED_BALANCES <= set(SAMPLES)


@pytest.mark.samples
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_matches_what_the_file_states(samples: Path, name: str) -> None:
    path = samples / name
    if name in REFUSED:
        where, words = REFUSED[name]
        with pytest.raises(StatementError) as caught:
            camt.read(path)
        assert caught.value.location.path.endswith(where)
        assert words in caught.value.message
        assert caught.value.location.line is not None
        return
    statements = camt.read(path)
    stated = _stated(path, unsigned_balances=name in UNSIGNED_BALANCES)
    assert len(statements) == len(stated)
    for statement, facts in zip(statements, stated, strict=True):
        assert len(statement.transactions) == facts["transactions"]
        assert statement.movements() == facts["net"]
        if facts["summary_count"] is not None:
            assert facts["summary_count"] == facts["entries"]
        opening, closing = facts["opening"], facts["closing"]
        assert (statement.opening.amount if statement.opening else None) == opening
        assert (statement.closing.amount if statement.closing else None) == closing
        problems = check_balances([statement])
        if opening is not None and closing is not None and opening + facts["net"] != closing:
            # published as unbalanced: must be reported with the exact difference
            assert len(problems) == 1
            assert problems[0].difference == closing - (opening + facts["net"])
            assert "does not balance" in str(problems[0])
        else:
            assert problems == []
        ids = [t.id for t in statement.transactions]
        assert len(ids) == len(set(ids))


@pytest.mark.samples
def test_unbalanced_published_sample_is_reported(samples: Path) -> None:
    """OCA's ABN AMRO sample states a closing balance 434.16 below its own entries."""
    (statement,) = camt.read(samples / "camt053/oca-abnamro-nl.xml")
    (problem,) = check_balances([statement])
    assert problem.difference == Decimal("-434.16")
    assert problem.source.endswith("oca-abnamro-nl.xml:7")


@pytest.mark.samples
def test_batch_sample_is_split_into_its_details(samples: Path) -> None:
    (statement,) = camt.read(samples / "camt053/oca-ch-batch-isr.xml")
    amounts = sorted(t.amount for t in statement.transactions)
    assert amounts == [Decimal("1296.00"), Decimal("2187.00")]
    assert {t.reference for t in statement.transactions} == {
        "302388292000011111111111111", "302388292000022222222222222"}  # fmt: skip
    assert len({t.id for t in statement.transactions}) == 2


@pytest.mark.samples
def test_reading_a_sample_twice_gives_the_same_ids(samples: Path) -> None:
    path = samples / "camt053/subite-be-2024-11.xml"
    first = [t.id for s in camt.read(path) for t in s.transactions]
    second = [t.id for s in camt.read(path) for t in s.transactions]
    assert first == second and len(set(first)) == len(first)


@pytest.mark.samples
def test_undated_lithuanian_entries_take_the_closing_balance_date(samples: Path) -> None:
    """The bank dates only its balances: every entry is dated 2024-04-11, with a warning."""
    path = samples / "camt053/subite-lt-multi-stmt-2024-04-11.xml"
    streamed = list(camt.iter_transactions(path))
    assert len(streamed) == 15
    assert {t.date for t in streamed} == {dt.date(2024, 4, 11)}
    took = "no booking or value date; took the statement's closing balance date 2024-04-11"
    assert all(t.warnings == (took,) and t.value_date is None for t in streamed)
    # what the file's own balances say moved: 17194650.59 - 21463830.35
    assert sum(t.amount for t in streamed) == Decimal("-4269179.76")
    assert len({t.id for t in streamed}) == 15
    assert streamed[0].id == "LT625883379695428516/REF000003643800"
    assert streamed == [t for s in camt.read(path) for t in s.transactions]


@pytest.mark.samples
def test_lithuanian_balances_without_indicator_are_read_as_credits(samples: Path) -> None:
    """Its balances carry no CdtDbtInd. Read as credits, each statement balances, so they
    are taken as credits -- and each statement says so."""
    path = samples / "camt053/subite-lt-multi-stmt-2024-04-11.xml"
    first, second = camt.read(path)
    assert first.opening is not None and first.closing is not None
    assert first.opening.amount == Decimal("21463830.35")
    assert first.closing.amount == Decimal("17194650.59")
    read_as_credits = (
        "balances carry no credit/debit indicator; read as credits because "
        "opening + entries = closing"
    )
    assert first.statement_warnings == (read_as_credits,)
    assert first.warnings[0] == f"{path}:2 [MSG25684197-NAEUXI]: {read_as_credits}"
    assert len(first.warnings) == 1 + 15  # then one per undated entry
    # no entries, equal balances: a debit reading would balance too, and the warning says so
    assert second.transactions == ()
    assert second.statement_warnings == (
        read_as_credits + " (the entries net to zero, so read as debits they would too)",
    )
    assert check_balances([first, second]) == []
