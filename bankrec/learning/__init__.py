"""Learning from people: validated decisions become ordinary, readable rules.

``bankrec learn`` reads what a person accepted or rejected, derives a stable key for the
payer (IBAN, else normalised name), and keeps one rule per key in a ``.rules`` file that
people can read and edit. See docs/learning.md.
"""

from bankrec.learning.confidence import learned_confidence, should_drop
from bankrec.learning.decisions import ValidatedDecision, read_decisions
from bankrec.learning.files import learn_files
from bankrec.learning.keys import KeyKind, LearnKey, derive_key, normalise_iban, normalise_name
from bankrec.learning.known import known_ibans
from bankrec.learning.learn import Change, ChangeKind, LearnResult, learn
from bankrec.learning.state import LearnState, read_state, state_path
from bankrec.learning.store import Counts

__all__ = [
    "Change",
    "ChangeKind",
    "Counts",
    "KeyKind",
    "LearnKey",
    "LearnResult",
    "LearnState",
    "ValidatedDecision",
    "derive_key",
    "known_ibans",
    "learn",
    "learn_files",
    "learned_confidence",
    "normalise_iban",
    "normalise_name",
    "read_decisions",
    "read_state",
    "should_drop",
    "state_path",
]
