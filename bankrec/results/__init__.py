"""Outputs of a matching run, for people and programs.

This package is the home of everything a run writes; it reads the matcher's plain
results (``bankrec.matching``, ``bankrec.model``) and is never imported by the matcher,
so the core stays free of presentation code: the JSON written for programs and read back
once a person edited it (``match_json``), the review CSV (``review_csv``), the HTML report
(``html_report``: the page, its rows in ``html_rows``, its input in ``html_context``),
and the verdict record the readers produce (``verdicts``).
"""

from bankrec.results.html_report import ReportContext, RuleInfo, render_html

__all__ = ["ReportContext", "RuleInfo", "render_html"]
