"""How much a learned rule is trusted: a small, documented formula of its track record.

The delta is added by the matcher on top of its own score, so it must stay modest: a
learned rule helps a known payer over the line, it never makes a wrong amount look right.

    delta = min(STEP * (validations - rejections), CAP[kind]), never below FLOOR

Each rejection cancels one validation: what counts is the net number of times people
confirmed the rule. IBAN keys are capped higher than name keys because an IBAN identifies
an account while a name may be shared or truncated. With the defaults, 1 validation gives
+5, 4 validations and 1 rejection +15, and an IBAN rule tops out at +25. A rule whose
rejections outnumber its validations is dropped (see :func:`should_drop`), so a negative
delta only survives on a rule a person switched back on; FLOOR is the rule language's
own limit.
"""

from __future__ import annotations

from bankrec.learning.keys import KeyKind

STEP = 5
CAP = {KeyKind.IBAN: 25, KeyKind.NAME: 15}
FLOOR = -100


def learned_confidence(kind: KeyKind, validations: int, rejections: int) -> int:
    """The ``confidence±N`` delta of a learned rule with this track record."""
    return max(FLOOR, min(STEP * (validations - rejections), CAP[kind]))


def should_drop(validations: int, rejections: int) -> bool:
    """A rule people reject more often than they confirm does more harm than good."""
    return rejections > validations


def format_delta(delta: int) -> str:
    """The rule-language action for a delta: ``confidence+15`` / ``confidence-5``."""
    return f"confidence{'-' if delta < 0 else '+'}{abs(delta)}"
