"""Outputs of a matching run, for people and programs.

This package is the home of everything a run writes; it reads the matcher's plain
results (``bankrec.matching``, ``bankrec.model``) and is never imported by the matcher,
so the core stays free of presentation code. Today it holds the HTML report.
"""

from bankrec.results.html_report import ReportContext, RuleInfo, render_html

__all__ = ["ReportContext", "RuleInfo", "render_html"]
