"""The matcher: which bank transaction pays which open item(s), how surely, and why.

``match(transactions, items, rules=..., config=...)`` returns one
:class:`bankrec.model.Decision` per transaction; see ``docs/matching.md``.
"""

from bankrec.matching.config import MatchConfig, Weights
from bankrec.matching.engine import CurrencyTotals, MatchResult, Summary, match

__all__ = ["CurrencyTotals", "MatchConfig", "MatchResult", "Summary", "Weights", "match"]
