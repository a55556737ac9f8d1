"""Builders for matcher tests: the shared :mod:`tests.builders`, under the names these
tests use (``tx(id, amount, label, ...)``, ``item(id, partner, amount, ...)``)."""

from __future__ import annotations

from tests.builders import DAY, open_item, transaction

tx = transaction
item = open_item

__all__ = ["DAY", "item", "tx"]
