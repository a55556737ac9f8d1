"""The journal lock with a scripted Odoo: the ``ir.config_parameter`` fallback (a UNIQUE
key, server-side write dates) and the add-on's ``bankrec_lock`` / ``bankrec_unlock``.
Two real syncs racing on a real Odoo are in test_odoo_integration.py / test_odoo_addon.py."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest

from connectors.odoo.errors import OdooAccessError, OdooUserError
from connectors.odoo.lock import JournalLock, JournalLockError
from connectors.odoo.reader import BankJournal
from tests.connectors.fakes import FakeTransport

JOURNAL = BankJournal(6, "BNK1", "Bank", "EUR", 41, 43, 1, False, "My Company")
T0 = dt.datetime(2026, 12, 1, 10, 0, 0)


class Params:
    """``ir.config_parameter`` as Odoo keeps it: a UNIQUE key, a server-set write date."""

    def __init__(self, *, may_write: bool = True) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self.ids = itertools.count(1)
        self.now = T0
        self.may_write = may_write

    def __call__(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        assert model == "ir.config_parameter", model
        if not self.may_write:
            raise OdooAccessError("Odoo denied access on ir.config_parameter: not allowed")
        stamp = self.now.strftime("%Y-%m-%d %H:%M:%S")
        if method == "search_read":
            ((_field, _op, key),) = args[0]
            return [
                {"id": i, "value": r["value"], "write_date": r["write_date"]}
                for i, r in self.rows.items()
                if r["key"] == key
            ]
        if method == "create":
            vals = args[0]
            if any(r["key"] == vals["key"] for r in self.rows.values()):
                raise OdooUserError("Odoo refused the operation: Key must be unique.")
            new_id = next(self.ids)
            self.rows[new_id] = {**vals, "write_date": stamp}
            return new_id
        if method == "write":
            for i in args[0]:  # Odoo answers True even for a record deleted meanwhile
                if i in self.rows:
                    self.rows[i].update(args[1], write_date=stamp)
            return True
        if method == "unlink":
            for i in args[0]:
                if i not in self.rows:
                    raise OdooUserError("Odoo refused the operation: Record does not exist")
                del self.rows[i]
            return True
        raise AssertionError(method)

    def owners(self) -> list[str]:
        return [json.loads(r["value"])["owner"] for r in self.rows.values()]


def lock(params: Params, owner: str, ttl: float = 3600, *, addon: bool = False) -> JournalLock:
    t = FakeTransport(params)
    return JournalLock(t, JOURNAL, addon=addon, ttl=ttl, owner=owner, clock=lambda: params.now)


def test_one_run_holds_the_journal_and_a_second_is_refused_naming_it() -> None:
    params = Params()
    first = lock(params, "me@host pid 1")
    first.acquire()
    assert params.owners() == ["me@host pid 1"]
    assert next(iter(params.rows.values()))["key"] == "bankrec.lock.journal.6"
    with pytest.raises(JournalLockError) as info:
        lock(params, "you@other pid 2").acquire()
    message = str(info.value)
    assert message.startswith(
        "journal BNK1 is being synced by another run (me@host pid 1, since 2026-12-01 "
        "10:00:00 UTC): try again when it has finished"
    )
    assert "stale from 2026-12-01 11:00:00 UTC" in message
    assert "\n" not in message
    first.release()
    assert params.rows == {}
    lock(params, "you@other pid 2").acquire()  # free again
    assert params.owners() == ["you@other pid 2"]


def test_the_lock_is_released_at_the_end_even_on_errors() -> None:
    params = Params()
    with pytest.raises(RuntimeError), lock(params, "me"):
        assert params.owners() == ["me"]
        raise RuntimeError("the sync failed")
    assert params.rows == {}


def test_a_stale_lock_is_taken_over_saying_so_and_its_late_release_is_harmless() -> None:
    params = Params()
    dead = lock(params, "dead run", ttl=3600)
    dead.acquire()
    params.now = T0 + dt.timedelta(hours=1, seconds=1)
    fresh = lock(params, "new run")
    fresh.acquire()
    assert params.owners() == ["new run"]
    assert fresh.note.startswith(
        "took over the stale lock of journal BNK1 held by dead run since 2026-12-01 10:00:00 UTC"
    )
    dead.release()  # the dead run comes back: it must not free the new holder's lock
    assert params.owners() == ["new run"]
    with pytest.raises(JournalLockError, match="lost the lock of journal BNK1 to new run"):
        dead.held = True
        dead.refresh()


def test_a_refreshed_lock_is_not_stale() -> None:
    params = Params()
    holder = lock(params, "long run", ttl=3600)
    holder.acquire()
    params.now = T0 + dt.timedelta(minutes=50)
    holder.refresh()  # one batch later
    params.now = T0 + dt.timedelta(minutes=100)
    with pytest.raises(JournalLockError, match="long run"):
        lock(params, "impatient run").acquire()
    assert params.owners() == ["long run"]


def test_without_the_addon_and_without_the_right_the_run_is_refused_saying_how() -> None:
    with pytest.raises(JournalLockError) as info:
        lock(Params(may_write=False), "me").acquire()
    message = str(info.value)
    assert "account_bank_reconcile_api" in message and "--no-lock" in message
    assert "is not installed" in message and "\n" not in message


def test_through_the_addon_the_server_decides() -> None:
    calls: list[tuple[str, list[Any]]] = []
    answers = iter(
        [
            {
                "locked": False,
                "holder": "other run",
                "since": "2026-12-01 09:00:00",
                "expires": "2026-12-01 11:00:00",
                "taken_over": False,
            },
            {
                "locked": True,
                "holder": "me",
                "since": "2026-12-01 11:00:01",
                "expires": "2026-12-01 13:00:01",
                "taken_over": {"holder": "other run", "since": "2026-12-01 09:00:00"},
            },
            {
                "locked": True,
                "holder": "me",
                "since": "2026-12-01 11:00:01",
                "expires": "2026-12-01 13:05:00",
                "taken_over": False,
            },
            {"released": True},
        ]
    )

    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        assert model == "account.bank.statement.line"
        calls.append((method, args))
        return next(answers)

    t = FakeTransport(handler)
    busy = JournalLock(t, JOURNAL, addon=True, ttl=7200, owner="me")
    with pytest.raises(JournalLockError, match=r"another run \(other run, since 2026-12-01"):
        busy.acquire()
    with JournalLock(t, JOURNAL, addon=True, ttl=7200, owner="me") as held:
        assert "held by other run since 2026-12-01 09:00:00 UTC" in held.note
        held.refresh()
    assert calls == [
        ("bankrec_lock", [6, "me", 7200]),
        ("bankrec_lock", [6, "me", 7200]),
        ("bankrec_lock", [6, "me", 7200]),
        ("bankrec_unlock", [6, "me"]),
    ]
    assert t.calls["ir.config_parameter.create"] == 0  # the add-on's lock only


def test_an_addon_without_the_lock_methods_is_one_clear_line() -> None:
    def handler(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        raise OdooUserError(
            "Odoo server error: AttributeError: The method "
            "'account.bank.statement.line.bankrec_lock' does not exist"
        )

    with pytest.raises(JournalLockError, match=r"older version.*--no-addon"):
        JournalLock(FakeTransport(handler), JOURNAL, addon=True, owner="me").acquire()
