"""One sync at a time per bank journal: a lock in Odoo's database, taken before writing.

Two syncs on one journal at once both plan on the same untouched lines: each rewrites
lines the other is reconciling, reconciles fail, and a failed line's undo (or the other
run's recovery of "half-written" lines) removes bookings the other run made. Reading
first and writing after cannot prevent that over RPC, so a writing sync holds its
journal's lock for the whole run:

* with the bankrec add-on: its ``bankrec_lock`` / ``bankrec_unlock`` server methods, atomic
  in PostgreSQL (a UNIQUE row per journal) and open to whoever may write the journal's
  statement lines;
* without it: an ``ir.config_parameter`` named :data:`PARAM_PREFIX` + journal id, whose
  ``key`` is UNIQUE in the database, so of two concurrent creates exactly one succeeds.
  Only users allowed to edit system parameters may do that; anyone else is refused with
  one line saying how to get a safe run (install the add-on, or ``--no-lock`` to take the
  risk knowingly).

A lock is refreshed at every batch; one not refreshed within its TTL (default 2 h) belongs
to a run that died without releasing it and is taken over, with a note naming its holder.
It is released at the end of the run, errors included (:meth:`JournalLock.__exit__`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import uuid
from collections.abc import Callable
from types import TracebackType
from typing import Any

from connectors.odoo.addon_protocol import ADDON_LOCK, ADDON_MODEL, ADDON_MODULE, ADDON_UNLOCK
from connectors.odoo.errors import ConnectorError, OdooAccessError, OdooUserError
from connectors.odoo.reader import BankJournal
from connectors.odoo.transport import OdooTransport

LOCK_TTL = 2 * 3600.0  # seconds without a refresh after which a lock is stale
PARAM_PREFIX = "bankrec.lock.journal."
_ODOO_TIME = "%Y-%m-%d %H:%M:%S"  # how Odoo writes datetimes (UTC) over RPC


class JournalLockError(ConnectorError):
    """The journal's lock could not be taken or was lost; nothing more is written."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _parse(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(str(value), _ODOO_TIME)
    except ValueError:
        return None


def _duration(seconds: float) -> str:
    """``2 h``, ``15 min``, ``30 s``: a TTL as a person reads it."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{int(seconds // 60)} min"
    return f"{seconds:g} s"


def run_owner(login: str) -> str:
    """Who a lock belongs to: the login, host and process, plus a random part so two runs
    of one process (or two hosts with the same name) never share a lock."""
    return f"{login}@{socket.gethostname()} pid {os.getpid()} run {uuid.uuid4().hex[:8]}"


class JournalLock:
    """The lock of one bank journal for one sync run; use as a context manager.

    ``addon``: take it through the bankrec add-on's server methods (else through an
    ``ir.config_parameter``). ``note`` says, after :meth:`acquire`, whose stale lock was
    taken over ("" when none). ``clock`` (UTC, naive) is for tests.
    """

    def __init__(
        self,
        transport: OdooTransport,
        journal: BankJournal,
        *,
        addon: bool,
        ttl: float = LOCK_TTL,
        owner: str | None = None,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self.t = transport
        self.journal = journal
        self.addon = addon
        self.ttl = float(ttl)
        self.owner = owner or run_owner(transport.login)
        self.clock = clock
        self.note = ""
        self.held = False

    @property
    def key(self) -> str:
        """The ``ir.config_parameter`` key of this journal's lock (without the add-on)."""
        return f"{PARAM_PREFIX}{self.journal.id}"

    def __enter__(self) -> JournalLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release(quiet=exc is not None)

    # ------------------------------------------------------------------ public
    def acquire(self) -> None:
        """Take the lock, or raise :class:`JournalLockError` naming who holds it."""
        if self.addon:
            self._acquire_addon()
        else:
            self._acquire_param()
        self.held = True

    def refresh(self) -> None:
        """Push the expiry forward (called per batch); raise when the lock was lost."""
        if not self.held:
            return
        if self.addon:
            answer = self._call_addon(ADDON_LOCK, self.journal.id, self.owner, int(self.ttl))
            if not answer.get("locked"):
                self.held = False
                raise JournalLockError(self._lost(answer.get("holder")))
            return
        row = self._read_param()
        if row is None or self._value(row).get("owner") != self.owner:
            self.held = False
            holder = self._value(row).get("owner") if row else None
            raise JournalLockError(self._lost(holder))
        self.t.execute_kw(
            "ir.config_parameter", "write", [[row["id"]], {"value": self._param_value(row)}]
        )

    def release(self, *, quiet: bool = False) -> None:
        """Give the lock back (only ours: never another run's). ``quiet``: a failure to
        release is not raised (the run is already failing; the lock expires by itself)."""
        if not self.held:
            return
        self.held = False
        try:
            if self.addon:
                self._call_addon(ADDON_UNLOCK, self.journal.id, self.owner)
                return
            row = self._read_param()
            if row is not None and self._value(row).get("owner") == self.owner:
                self.t.execute_kw("ir.config_parameter", "unlink", [[row["id"]]])
        except ConnectorError:
            if not quiet:
                raise

    # ------------------------------------------------------------------ the add-on
    def _call_addon(self, method: str, *args: Any) -> dict[str, Any]:
        try:
            answer = self.t.execute_kw(ADDON_MODEL, method, list(args))
        except OdooAccessError as exc:
            raise JournalLockError(
                f"cannot lock journal {self.journal.code} for this sync: {exc}"
            ) from None
        except ConnectorError as exc:
            if "does not exist" in str(exc) or "has no attribute" in str(exc):
                raise JournalLockError(
                    f"the installed {ADDON_MODULE} add-on has no {method} (an older version): "
                    "update it, or write without it (--no-addon)"
                ) from None
            raise
        return answer if isinstance(answer, dict) else {}

    def _acquire_addon(self) -> None:
        answer = self._call_addon(ADDON_LOCK, self.journal.id, self.owner, int(self.ttl))
        if not answer.get("locked"):
            raise JournalLockError(
                self._busy(answer.get("holder"), answer.get("since"), answer.get("expires"))
            )
        taken = answer.get("taken_over")
        if isinstance(taken, dict):
            self.note = self._taken_over(taken.get("holder"), taken.get("since"))

    # ------------------------------------------------------------------ ir.config_parameter
    def _acquire_param(self) -> None:
        try:
            for _attempt in range(3):
                row = self._read_param()
                if row is None:
                    if self._create_param():
                        return
                    continue  # another run created it first: look at it again
                value = self._value(row)
                holder = value.get("owner")
                if holder == self.owner:
                    return
                written = _parse(row.get("write_date"))
                ttl = float(value.get("ttl") or self.ttl)
                expires = written + dt.timedelta(seconds=ttl) if written else None
                if expires is not None and expires >= self.clock():
                    raise JournalLockError(
                        self._busy(holder, value.get("since"), expires.strftime(_ODOO_TIME))
                    )
                # stale: remove exactly that record; of two runs doing so at once, both
                # unlinks are harmless and only one of the two creates succeeds
                with contextlib.suppress(OdooUserError):  # someone else removed it first
                    self.t.execute_kw("ir.config_parameter", "unlink", [[row["id"]]])
                if self._create_param():
                    self.note = self._taken_over(holder, value.get("since"))
                    return
        except OdooAccessError:
            raise JournalLockError(
                f"cannot lock journal {self.journal.code} against a concurrent sync: the "
                f"bankrec add-on ({ADDON_MODULE}) is not installed and user "
                f"{self.t.login!r} may not write Odoo's system parameters; install the add-on "
                "for a safe run, or run with --no-lock if you are sure no other sync writes "
                "this journal"
            ) from None
        raise JournalLockError(
            f"cannot lock journal {self.journal.code}: other runs keep taking its lock; try again"
        )

    def _read_param(self) -> dict[str, Any] | None:
        rows: list[dict[str, Any]] = self.t.execute_kw(
            "ir.config_parameter",
            "search_read",
            [[("key", "=", self.key)]],
            {"fields": ["value", "write_date"]},
        )
        return rows[0] if rows else None

    def _create_param(self) -> bool:
        """Create the lock record; False when one exists already (the key is UNIQUE)."""
        now = self.clock().strftime(_ODOO_TIME)
        value = json.dumps({"owner": self.owner, "since": now, "ttl": self.ttl})
        try:
            self.t.execute_kw("ir.config_parameter", "create", [{"key": self.key, "value": value}])
        except OdooUserError:
            return False
        return True

    def _param_value(self, row: dict[str, Any]) -> str:
        """The value of our lock record with the TTL as configured now (a refresh)."""
        value = self._value(row)
        return json.dumps({"owner": self.owner, "since": value.get("since"), "ttl": self.ttl})

    @staticmethod
    def _value(row: dict[str, Any] | None) -> dict[str, Any]:
        if not row:
            return {}
        try:
            value = json.loads(row.get("value") or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    # ------------------------------------------------------------------ messages
    def _busy(self, holder: Any, since: Any, expires: Any) -> str:
        who = f"{holder}, since {since} UTC" if holder and since else str(holder or "another run")
        stale = (
            f"; if that run died, its lock is stale from {expires} UTC and is then taken over"
            if expires
            else ""
        )
        return (
            f"journal {self.journal.code} is being synced by another run ({who}): try again "
            f"when it has finished{stale}"
        )

    def _lost(self, holder: Any) -> str:
        by = f" to {holder}" if holder else ""
        return (
            f"this sync lost the lock of journal {self.journal.code}{by}: it made no progress "
            f"for {_duration(self.ttl)} and its lock was taken over; it stopped writing: run "
            "it again"
        )

    def _taken_over(self, holder: Any, since: Any) -> str:
        return (
            f"took over the stale lock of journal {self.journal.code} held by "
            f"{holder or 'an unknown run'} since {since or '?'} UTC (not refreshed within its "
            "time to live: that run is taken to have died)"
        )
