from __future__ import annotations

import csv
import io
import json

import pytest

from bankrec.matching import match
from bankrec.results.match_json import band, result_to_json
from bankrec.results.review_csv import write_review_csv
from tests.matching.helpers import item, tx


@pytest.mark.parametrize(
    ("confidence", "name"),
    [(100, "high"), (90, "high"), (89, "probable"), (70, "probable"), (69, "possible"),
     (50, "possible"), (49, "low"), (0, "low")],
)  # fmt: skip
def test_bands(confidence: int, name: str) -> None:
    assert band(confidence) == name


def _run() -> tuple[object, list, list]:  # type: ignore[type-arg]
    items = [
        item("I1", "ACME <SA>", "1200.00", number="FA-2026-0101"),
        item("I2", "Garage Martin", "250.00"),
        item("I3", "Garage Martin", "250.00"),
    ]
    lines = [
        tx("T1", "1200.00", "ACME FA-2026-0101", counterparty="ACME <SA>"),
        tx("T2", "250.00", "GARAGE MARTIN", counterparty="GARAGE MARTIN"),
        tx("T3", "-54.90", "CB <script>alert(1)</script>"),
    ]
    return match(lines, items), lines, items


def test_json_shape_and_exact_amounts() -> None:
    result, lines, items = _run()
    data = result_to_json(result, lines, items)  # type: ignore[arg-type]
    json.dumps(data)  # plain JSON types only
    first = data["lines"][0]
    assert first["id"] == "T1" and first["status"] == "reconciled"
    assert first["matches"] == [
        {"item": "I1", "number": "FA-2026-0101", "kind": "out_invoice", "amount": "1200.00"}
    ]
    assert first["band"] == "high"
    assert data["lines"][1]["alternatives"][0]["matches"][0]["item"] in {"I2", "I3"}
    assert data["summary"]["counts"] == {
        "reconciled": 1, "suggested": 1, "unmatched": 1, "ignored": 0,
    }  # fmt: skip
    assert data["summary"]["currencies"]["EUR"]["total"] == "1504.90"


def test_review_csv_lists_only_lines_awaiting_a_person() -> None:
    result, lines, items = _run()
    out = io.StringIO()
    count = write_review_csv(result, lines, items, out)  # type: ignore[arg-type]
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == 2
    assert [r["id"] for r in rows] == ["T2", "T3"]
    assert rows[0]["status"] == "suggested" and rows[0]["alternatives"]
