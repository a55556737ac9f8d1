"""bankrec's rule language: parse, check and evaluate bank-transaction rules.

This package imports nothing else of bankrec, so the Odoo add-on and any other host can
use it alone. Typical use::

    rules = load_rules(["rules/"])
    outcome = rules.evaluate(transaction.rule_fields())
"""

from dsl.diagnostics import Diagnostic, RuleError, RuleFileError
from dsl.examples import Example, check_examples
from dsl.loader import compile_rules, load_rules
from dsl.outcome import Conflict, Effect, Outcome
from dsl.ruleset import Rule, RuleSet
from dsl.writer import format_rule, quote

__all__ = [
    "Conflict",
    "Diagnostic",
    "Effect",
    "Example",
    "Outcome",
    "Rule",
    "RuleError",
    "RuleFileError",
    "RuleSet",
    "check_examples",
    "compile_rules",
    "format_rule",
    "load_rules",
    "quote",
]
