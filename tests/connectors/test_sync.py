"""How a sync turns its write-off settings into the matcher's tolerance (pure)."""

from __future__ import annotations

from decimal import Decimal

from bankrec.matching import MatchConfig
from connectors.odoo.plan import WriteConfig
from connectors.odoo.sync import SyncConfig, with_writeoff_tolerance


def tolerance(write: WriteConfig, match: MatchConfig | None = None) -> Decimal:
    config = SyncConfig(match=match or MatchConfig(), write=write)
    return with_writeoff_tolerance(config).match.auto_writeoff_max


def test_a_writeoff_account_lets_the_matcher_book_up_to_the_limit() -> None:
    assert tolerance(WriteConfig(writeoff_account="620000", max_writeoff=Decimal("25"))) == 25


def test_without_a_writeoff_account_the_matcher_never_books_a_difference() -> None:
    """Otherwise the line would be decided 'reconciled' and then refused when planned."""
    assert tolerance(WriteConfig(max_writeoff=Decimal("25"))) == 0
    strict = MatchConfig(auto_writeoff_max=Decimal("10"))
    assert tolerance(WriteConfig(max_writeoff=Decimal("25")), strict) == 0


def test_a_stricter_tolerance_in_the_match_settings_wins() -> None:
    strict = MatchConfig(auto_writeoff_max=Decimal("10"))
    write = WriteConfig(writeoff_account="620000", max_writeoff=Decimal("25"))
    assert tolerance(write, strict) == 10
    loose = MatchConfig(auto_writeoff_max=Decimal("99"))
    assert tolerance(write, loose) == 25
