"""What the caller tells the HTML report about its run: the header's facts and the rules.

Separate from the page (:mod:`bankrec.results.html_report`) and its rows
(:mod:`bankrec.results.html_rows`) because it is the report's input, not its output: the
CLI and the benchmarks build a :class:`ReportContext` (with :func:`describe_rules` and
:func:`local_timestamp`) from what only they know -- file names, the time, the thresholds,
the rule set -- and both renderers read it. Keeping it below them lets the rows name rules
without importing the page. Everything here is re-exported by ``html_report``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from bankrec.matching.config import MatchConfig

_DEFAULTS = MatchConfig()


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What the report shows about one rule, keyed by its ``file:line`` location.

    ``name`` is the YAML ``name:`` (for ``.rules`` files the location itself); ``text`` is
    the rule as written; ``actions`` are its ``(action, value)`` pairs, which let the
    report say which rule set a category or tag.
    """

    name: str
    text: str = ""
    actions: tuple[tuple[str, str], ...] = ()


def describe_rules(rule_set: object) -> dict[str, RuleInfo]:
    """``{location: RuleInfo}`` for a ``dsl.RuleSet`` (anything with ``.rules``), else ``{}``.

    Duck-typed so the report depends on no rule-language class and the matcher's ``Rules``
    protocol stays as small as it is.
    """
    out: dict[str, RuleInfo] = {}
    for rule in getattr(rule_set, "rules", ()) or ():
        location = str(getattr(rule, "location", ""))
        if not location:
            continue
        actions = tuple(
            (str(a.name), "" if a.value is None else str(a.value))
            for a in getattr(rule, "actions", ())
        )
        name = str(getattr(rule, "name", "") or location)
        out[location] = RuleInfo(name, str(getattr(rule, "text", "")), actions)
    return out


@dataclass(frozen=True)
class ReportContext:
    """The run's context for the report's header; every field has a default.

    ``generated_at`` is text the caller formats (the renderer never reads the clock);
    ``rules`` maps rule locations to :class:`RuleInfo` so hits show rule names.
    """

    title: str = "Bank reconciliation"
    statements: tuple[str, ...] = ()
    open_items: str = ""
    rule_files: tuple[str, ...] = ()
    rule_count: int | None = None
    rules: Mapping[str, RuleInfo] = field(default_factory=dict)
    config_file: str = ""
    auto_threshold: int = _DEFAULTS.auto_threshold
    suggest_threshold: int = _DEFAULTS.suggest_threshold
    tie_margin: int = _DEFAULTS.tie_margin
    generated_at: str = ""

    @classmethod
    def for_run(
        cls, config: MatchConfig, rule_set: object | None = None, **fields: object
    ) -> ReportContext:
        """A context with ``config``'s thresholds and ``rule_set``'s count and names.

        ``fields`` sets the remaining fields (title, statements, generated_at, ...).
        """
        rules = describe_rules(rule_set) if rule_set is not None else {}
        count = len(rule_set) if rule_set is not None and hasattr(rule_set, "__len__") else None
        values: dict[str, object] = {
            "auto_threshold": config.auto_threshold,
            "suggest_threshold": config.suggest_threshold,
            "tie_margin": config.tie_margin,
            "rules": rules,
            "rule_count": count,
        }
        values.update(fields)
        return cls(**values)  # type: ignore[arg-type]


def local_timestamp(now: dt.datetime | None = None) -> str:
    """Local time, ISO format to the second with its UTC offset: the header's "generated at".

    Kept here so every caller formats it the same way; the renderer never calls it.
    """
    moment = now or dt.datetime.now().astimezone()
    return moment.replace(microsecond=0).isoformat()
