"""The protocol every bank-feed provider implements, and the plain data it exchanges.

A provider is small on purpose: list banks, start a consent, complete it, list the
connection's accounts, fetch transactions since a date, and tell the consent's status.
The CLI, the sync and the Odoo add-on speak only this protocol, so a third provider is one
new module plus one line in :mod:`bankrec.feeds.registry`.

Everything here is plain data a caller may store (as JSON in the CLI's state file, as
fields in Odoo): only the aggregator's ids and tokens, never bank credentials.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from bankrec.model import Transaction


@dataclass(frozen=True, slots=True)
class Bank:
    """A bank (ASPSP) the provider can connect to."""

    id: str  # what :meth:`FeedProvider.connect` takes (Enable Banking: the name; Bridge: an id)
    name: str
    country: str
    bic: str = ""
    max_consent_days: int | None = None  # longest consent the bank grants, when known


@dataclass(frozen=True, slots=True)
class ConsentLink:
    """Where to send the user to give consent, and how to recognise their return."""

    url: str
    state: str  # echoed back on the redirect; checked before completing
    provider: str
    reference: str = ""  # the provider's id of the pending authorisation, when it has one


@dataclass(frozen=True, slots=True)
class FeedAccount:
    """One bank account of a connection."""

    id: str  # the provider's account id (Enable Banking: uid; Bridge: account id)
    iban: str = ""
    currency: str = ""
    name: str = ""


@dataclass(frozen=True, slots=True)
class Connection:
    """A completed consent: what has to be stored to fetch transactions later.

    ``secrets`` holds tokens (e.g. Bridge's user access token) that must be stored with
    restricted access and never logged; ``data`` holds the rest of the provider's state.
    """

    provider: str
    id: str  # Enable Banking: the session id; Bridge: the user's uuid / item id
    bank: str = ""
    valid_until: dt.datetime | None = None  # when the consent ends (UTC), when known
    accounts: tuple[FeedAccount, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ConsentStatus:
    """Whether a connection can still fetch, and until when."""

    valid: bool
    valid_until: dt.datetime | None = None
    detail: str = ""  # one line for people: "authorized", "expired on 2026-12-01", "revoked"


@dataclass(frozen=True, slots=True)
class FeedBalance:
    """A balance the bank states for an account."""

    amount: Decimal
    currency: str
    kind: str = ""  # the provider's balance type (CLBD, ITAV, XPCD...)
    date: dt.date | None = None


@runtime_checkable
class FeedProvider(Protocol):
    """What the sync, the CLI and the add-on need from an aggregator."""

    name: str

    def banks(self, country: str) -> list[Bank]:
        """The banks of ``country`` (ISO 3166 alpha-2) one can connect to."""
        ...

    def connect(
        self, bank: Bank, *, redirect_url: str, state: str, valid_days: int = 90
    ) -> ConsentLink:
        """Start a read-only consent for ``bank`` and return the link to send the user to."""
        ...

    def complete(self, link: ConsentLink, params: dict[str, str]) -> Connection:
        """Finish a consent from the query parameters of the redirect (``code``, ``state``...).

        Raises :class:`~bankrec.feeds.errors.FeedError` when ``state`` differs from the
        link's or the bank refused.
        """
        ...

    def accounts(self, connection: Connection) -> list[FeedAccount]:
        """The accounts the consent covers."""
        ...

    def balances(self, connection: Connection, account: FeedAccount) -> list[FeedBalance]:
        """The balances the bank states for ``account``."""
        ...

    def transactions(
        self, connection: Connection, account: FeedAccount, since: dt.date | None = None
    ) -> Iterator[Transaction]:
        """The booked transactions of ``account`` from ``since`` (inclusive) to today, all
        pages followed, as normalised transactions with stable ids. Pending transactions
        are not returned: their amount, text and id change when the bank books them."""
        ...

    def consent_status(self, connection: Connection) -> ConsentStatus:
        """Whether the consent still allows fetching, and until when."""
        ...
