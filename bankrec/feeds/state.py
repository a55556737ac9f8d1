"""The CLI's feed state file: pending consents, connections and the last sync per account.

``bankrec feed connect`` leaves a pending consent here, ``connect --complete`` turns it into
a connection (the aggregator's session id and tokens), ``bankrec feed sync`` records when
each account was last synced and the last booking date it saw, and ``bankrec feed status``
reads it all back.

The file is JSON, by default ``~/.config/bankrec/feeds.json`` (``$XDG_CONFIG_HOME`` is
honoured), else ``$BANKREC_FEEDS_STATE`` or ``--state PATH``. It holds access tokens, so
it is created with mode 0600 in a folder made 0700, and written atomically (a temporary
file beside it, then ``os.replace``): an interrupted save leaves the previous file whole.
A file that cannot be read is an error naming it -- never a silent reset, which would
throw away the connections a person made with their bank.

The state is informational for the sync: the output files (or Odoo's statement lines)
decide which transactions are new, so a crash between writing the CSV and saving this
file loses nothing and duplicates nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bankrec.feeds.errors import FeedError
from bankrec.feeds.files import os_reason, write_atomically
from bankrec.feeds.provider import Connection, ConsentLink, FeedAccount

STATE_ENV = "BANKREC_FEEDS_STATE"
FORMAT_VERSION = 1


class StateFileError(FeedError):
    """The state file cannot be read or written; it was left as it was."""


def default_state_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$BANKREC_FEEDS_STATE``, else ``feeds.json`` in bankrec's configuration folder."""
    env = os.environ if environ is None else environ
    if env.get(STATE_ENV):
        return Path(env[STATE_ENV]).expanduser()
    config = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(config) / "bankrec" / "feeds.json"


@dataclass(frozen=True, slots=True)
class PendingConsent:
    """A consent link handed to a person, waiting for them to come back from the bank."""

    link: ConsentLink
    bank: str
    country: str
    redirect_url: str
    created: dt.datetime


@dataclass(frozen=True, slots=True)
class AccountSync:
    """What the last sync of one account did."""

    time: dt.datetime  # when it ended (UTC)
    last_booked: dt.date | None  # the latest booking date seen so far
    count: int  # transactions fetched by that sync
    new: int = 0  # of which new


@dataclass
class FeedState:
    """Everything the CLI keeps between runs (see the module docstring)."""

    pending: list[PendingConsent] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    syncs: dict[str, AccountSync] = field(default_factory=dict)

    # -- connections -----------------------------------------------------------------

    def add_connection(self, connection: Connection) -> None:
        """Store ``connection``, replacing an earlier one with the same provider and id."""
        self.connections = [
            c for c in self.connections
            if (c.provider, c.id) != (connection.provider, connection.id)
        ] + [connection]  # fmt: skip

    def supersede(self, connection: Connection) -> list[Connection]:
        """Store a new ``connection`` that renews older ones (the bank connected again after
        its consent ended): an older connection of the same provider all of whose accounts
        reappear in the new one (same IBAN) is dropped, and its accounts' last syncs move
        to the new accounts, so the next sync starts where the old one stopped. Returns
        the connections dropped."""
        by_iban = {a.iban: a for a in connection.accounts if a.iban}
        dropped: list[Connection] = []
        for old in self.connections:
            if old.provider != connection.provider or old.id == connection.id:
                continue
            if not old.accounts or not all(a.iban in by_iban for a in old.accounts):
                continue
            for account in old.accounts:
                record = self.syncs.pop(sync_key(old, account), None)
                if record is not None:
                    self.record_sync(connection, by_iban[account.iban], record)
            dropped.append(old)
        self.connections = [c for c in self.connections if c not in dropped]
        self.add_connection(connection)
        return dropped

    def replace_connection(self, connection: Connection) -> None:
        """Update a stored connection in place (keeps the order ``status`` shows)."""
        self.connections = [
            connection if (c.provider, c.id) == (connection.provider, connection.id) else c
            for c in self.connections
        ]

    # -- pending consents ------------------------------------------------------------

    def add_pending(self, pending: PendingConsent) -> None:
        self.pending = [p for p in self.pending if p.link.state != pending.link.state]
        self.pending.append(pending)

    def pop_pending(self, state: str) -> PendingConsent | None:
        """The pending consent whose ``state`` is given, removed from the list."""
        for p in self.pending:
            if p.link.state == state:
                self.pending.remove(p)
                return p
        return None

    # -- syncs -----------------------------------------------------------------------

    def last_sync(self, connection: Connection, account: FeedAccount) -> AccountSync | None:
        return self.syncs.get(sync_key(connection, account))

    def record_sync(self, connection: Connection, account: FeedAccount, sync: AccountSync) -> None:
        self.syncs[sync_key(connection, account)] = sync


def sync_key(connection: Connection, account: FeedAccount) -> str:
    """How an account's last sync is filed: ``provider/connection id/account id``."""
    return f"{connection.provider}/{connection.id}/{account.id}"


# -- reading -------------------------------------------------------------------------


def load_state(path: Path) -> FeedState:
    """The state in ``path``; an empty state when the file does not exist yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return FeedState()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StateFileError(f"cannot read the feed state file {path}: {reason}") from None
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        version = data.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise ValueError(f"format version {version!r}, this bankrec reads {FORMAT_VERSION}")
        return FeedState(
            pending=[_pending(p) for p in data.get("pending", [])],
            connections=[_connection(c) for c in data.get("connections", [])],
            syncs={str(k): _sync(v) for k, v in data.get("syncs", {}).items()},
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        detail = str(exc) if not isinstance(exc, KeyError) else f"missing field {exc}"
        raise StateFileError(
            f"the feed state file {path} is damaged ({detail.splitlines()[0][:200]}); "
            "it was left untouched: repair it, or move it away and connect the banks again"
        ) from None


def _datetime(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _date(value: Any) -> dt.date | None:
    return None if value in (None, "") else dt.date.fromisoformat(str(value))


def _account(data: dict[str, Any]) -> FeedAccount:
    return FeedAccount(
        id=str(data["id"]),
        iban=str(data.get("iban", "")),
        currency=str(data.get("currency", "")),
        name=str(data.get("name", "")),
    )


def _connection(data: dict[str, Any]) -> Connection:
    return Connection(
        provider=str(data["provider"]),
        id=str(data["id"]),
        bank=str(data.get("bank", "")),
        valid_until=_datetime(data.get("valid_until")),
        accounts=tuple(_account(a) for a in data.get("accounts", [])),
        data=dict(data.get("data", {})),
        secrets={str(k): str(v) for k, v in data.get("secrets", {}).items()},
    )


def _pending(data: dict[str, Any]) -> PendingConsent:
    created = _datetime(data.get("created"))
    return PendingConsent(
        link=ConsentLink(
            url=str(data["url"]),
            state=str(data["state"]),
            provider=str(data["provider"]),
            reference=str(data.get("reference", "")),
        ),
        bank=str(data.get("bank", "")),
        country=str(data.get("country", "")),
        redirect_url=str(data.get("redirect_url", "")),
        created=created or dt.datetime.now(dt.UTC),
    )


def _sync(data: dict[str, Any]) -> AccountSync:
    time = _datetime(data["time"])
    assert time is not None
    return AccountSync(
        time=time,
        last_booked=_date(data.get("last_booked")),
        count=int(data.get("count", 0)),
        new=int(data.get("new", 0)),
    )


# -- writing -------------------------------------------------------------------------


def state_json(state: FeedState) -> dict[str, Any]:
    """The JSON document of ``state`` (what :func:`save_state` writes)."""
    return {
        "version": FORMAT_VERSION,
        "pending": [
            {
                "provider": p.link.provider,
                "url": p.link.url,
                "state": p.link.state,
                "reference": p.link.reference,
                "bank": p.bank,
                "country": p.country,
                "redirect_url": p.redirect_url,
                "created": p.created.isoformat(),
            }
            for p in state.pending
        ],
        "connections": [
            {
                "provider": c.provider,
                "id": c.id,
                "bank": c.bank,
                "valid_until": c.valid_until.isoformat() if c.valid_until else None,
                "accounts": [
                    {"id": a.id, "iban": a.iban, "currency": a.currency, "name": a.name}
                    for a in c.accounts
                ],
                "data": c.data,
                "secrets": c.secrets,
            }
            for c in state.connections
        ],
        "syncs": {
            key: {
                "time": s.time.isoformat(),
                "last_booked": s.last_booked.isoformat() if s.last_booked else None,
                "count": s.count,
                "new": s.new,
            }
            for key, s in sorted(state.syncs.items())
        },
    }


def save_state(state: FeedState, path: Path) -> None:
    """Write ``state`` to ``path`` atomically, readable by its owner only (it holds tokens)."""
    text = json.dumps(state_json(state), indent=2, ensure_ascii=False, default=str) + "\n"

    def error(exc: OSError) -> StateFileError:
        return StateFileError(f"cannot write the feed state file {path}: {os_reason(exc)}")

    try:
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True)
    except OSError as exc:
        raise error(exc) from None
    write_atomically(path, lambda handle: handle.write(text), mode=0o600, error=error)
