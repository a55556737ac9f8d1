"""What a Bridge item's status says about the bank consent, and how our state round-trips.

A Bridge *item* is one user's connection to one bank. Bridge keeps answering with the last
data it fetched even when the bank stopped talking to it, so a sync must read the item's
status first: otherwise an expired consent looks like a quiet account. Bridge's documented
statuses that need the user back in Bridge Connect (and not merely time) are listed in
:data:`RECONNECT_STATUSES`; in particular 1010 is the Strong Customer Authentication that
PSD2 asks for again every 180 days, whose deadline Bridge publishes on the item as
``authentication_expires_at``.

Bridge Connect hands back, on the redirect, only ``user_uuid``, ``item_id``, ``success``,
``step``, ``source`` and the ``context`` we gave it (at most 100 letters, digits or
hyphens), so our ``state`` travels as that context, hashed when it has other characters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from bankrec.feeds.bridge_map import timestamp
from bankrec.feeds.provider import ConsentStatus

OK_STATUSES = frozenset({0})
# refresh running or not yet done: the consent is fine, the data may lag a little
IN_PROGRESS_STATUSES = frozenset({-2, -3})
RECONNECT_STATUSES: dict[int, str] = {
    402: "the bank refused the login details (wrong or changed credentials)",
    429: "the bank asks the user to act on its own website or app first",
    430: "the bank asks the user to renew their password",
    1010: "the bank asks for a new strong authentication (SCA)",
    1100: "Bridge asks the user to confirm the professional account",
}
TEMPORARY_STATUSES: dict[int, str] = {
    1003: "the bank is temporarily unavailable to Bridge",
    1005: "Bridge cannot reach this bank at the moment",
}

_CONTEXT = re.compile(r"[A-Za-z0-9-]{1,100}")


def context_for(state: str) -> str:
    """The Bridge Connect ``context`` that carries ``state`` (itself when Bridge accepts it)."""
    if _CONTEXT.fullmatch(state):
        return state
    return "s-" + hashlib.sha256(state.encode("utf-8")).hexdigest()[:48]


def external_user_id(client_id: str, seed: str) -> str:
    """A stable Bridge ``external_user_id`` for ``seed`` (a company key, or the state), so
    connecting again reuses the same Bridge user instead of creating one per attempt."""
    digest = hashlib.sha256(f"{client_id}\x1f{seed}".encode()).hexdigest()[:32]
    return f"bankrec-{digest}"


def item_status(item: Mapping[str, Any]) -> int:
    """The item's numeric status (``status``, or ``status_code`` in older answers)."""
    for key in ("status", "status_code"):
        value = item.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
    return 0


def consent_of(item: Mapping[str, Any], now: dt.datetime) -> ConsentStatus:
    """Whether ``item`` still lets us fetch transactions, until when, and why not."""
    status = item_status(item)
    until = timestamp(item.get("authentication_expires_at"))
    info = str(item.get("status_code_info") or "").strip()
    if status in RECONNECT_STATUSES or info == "otp_required":
        reason = RECONNECT_STATUSES.get(status, RECONNECT_STATUSES[1010])
        return ConsentStatus(False, until, f"{reason} (Bridge status {status}); "
                                           "connect the bank again")  # fmt: skip
    if until is not None and until <= now:
        return ConsentStatus(False, until, f"expired on {until.date().isoformat()}; "
                                           "connect the bank again")  # fmt: skip
    if status in TEMPORARY_STATUSES:
        return ConsentStatus(True, until, f"{TEMPORARY_STATUSES[status]} "
                                          f"(Bridge status {status})")  # fmt: skip
    if status not in OK_STATUSES and status not in IN_PROGRESS_STATUSES:
        detail = str(item.get("status_code_description") or info or "unknown")
        return ConsentStatus(True, until, f"Bridge status {status}: {detail}")
    detail = f"authorized until {until.date().isoformat()}" if until else "authorized"
    return ConsentStatus(True, until, detail)
