"""Bridge (by Bankin') v3 aggregation API as a :class:`~bankrec.feeds.provider.FeedProvider`.

Bridge's flow, for a company connecting its bank:

* :meth:`BridgeProvider.connect` creates the company's Bridge user (or finds it again: its
  ``external_user_id`` is derived from a stable seed, so a second attempt reuses it), gets
  the user a token and opens a Connect session whose URL the user visits to log in to
  the bank; our ``state`` travels as the session's ``context``;
* :meth:`BridgeProvider.complete` checks the redirect (``context``/``state``, ``success``,
  ``user_uuid``, ``item_id``) and reads the new item and its accounts.

What is stored. The :class:`~bankrec.feeds.provider.Connection` keeps the user's uuid and
the item id in ``data`` and *nothing* in ``secrets``: a Bridge user token lives two hours
and is worthless without our client secret anyway, so it is asked for again (client id +
secret + user uuid) whenever one is needed -- when none is cached, when it is about to
expire, or when Bridge answers 401 (FeedHttp's refresh hook). A leaked state file or Odoo
record therefore cannot read any account without the client secret, which lives only in
the environment, a file or Odoo's restricted settings and is redacted from every error.

Consent. Bridge keeps serving the last data it fetched even when the bank stopped
answering, so :meth:`BridgeProvider.transactions` reads the item first and raises
:class:`~bankrec.feeds.errors.ConsentExpiredError` when the user must reconnect (see
:mod:`bankrec.feeds.bridge_consent`); ``valid_until`` is the item's
``authentication_expires_at``, the end of the 180 days PSD2 grants a strong
authentication. Bridge renews the consent itself otherwise, so ``valid_days`` is not sent.

Transactions come page by page (``limit`` up to 500, ``pagination.next_uri`` until null),
filtered on the day with ``min_date`` (inclusive, whole days); pending (``future``) and
withdrawn (``deleted``) lines are skipped, the rest mapped by :mod:`bankrec.feeds.bridge_map`.

Headers, tokens, paging and Bridge's error answers are :mod:`bankrec.feeds.bridge_client`'s;
one provider object serves one thread at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from bankrec.feeds import bridge_map
from bankrec.feeds.bridge_client import MAX_LIMIT, BridgeClient, mapping
from bankrec.feeds.bridge_consent import consent_of, context_for, external_user_id
from bankrec.feeds.errors import ConsentExpiredError, FeedConfigError, FeedError, ProviderError
from bankrec.feeds.provider import (
    Bank,
    Connection,
    ConsentLink,
    ConsentStatus,
    FeedAccount,
    FeedBalance,
)
from bankrec.model import Transaction
from bankrec.statements.ids import IdAllocator

NAME = "bridge"
DEFAULT_BASE_URL = "https://api.bridgeapi.io"
DEFAULT_VERSION = "2025-01-15"
SETTINGS = {
    "client_id": "the application's client id (Bridge dashboard, API credentials)",
    "client_secret": "the application's client secret (a secret: environment, file or "
    "Odoo's restricted settings; never logged)",
    "base_url": f"API address (default {DEFAULT_BASE_URL})",
    "version": f"value of the Bridge-Version header (default {DEFAULT_VERSION})",
    "external_user_id": "optional: this company's Bridge user (default: derived from the "
    "consent's state)",
    "user_email": "optional: the e-mail address Bridge Connect is opened for",
}
# groups of settings; each group needs one of its settings set
REQUIRED = (("client_id",), ("client_secret",))


class BridgeProvider:
    """Bridge v3 for one application (client id and secret); see the module docstring."""

    name = NAME

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        version: str = DEFAULT_VERSION,
        external_user_id: str = "",
        user_email: str = "",
        page_size: int = MAX_LIMIT,
        **http_options: Any,
    ) -> None:
        self.client = BridgeClient(client_id, client_secret, base_url=base_url,
                                   version=version.strip() or DEFAULT_VERSION,
                                   **http_options)  # fmt: skip
        self.http = self.client.http  # its ``calls`` and ``waited`` are what benchmarks read
        self.external_user_id = external_user_id.strip()
        self.user_email = user_email.strip()
        self.page_size = max(1, min(MAX_LIMIT, page_size))

    def banks(self, country: str) -> list[Bank]:
        params = {"country_code": country.strip().upper(), "limit": MAX_LIMIT}
        found = (bridge_map.bank(raw) for raw in self.client.pages("", "/v3/providers", params))
        return sorted((b for b in found if b is not None), key=lambda b: b.name.casefold())

    def connect(
        self, bank: Bank, *, redirect_url: str, state: str, valid_days: int = 90
    ) -> ConsentLink:
        seed = self.external_user_id or external_user_id(self.client.client_id, state)
        user = self.client.ensure_user(seed)
        body: dict[str, Any] = {
            "user_email": self.user_email or f"{user}@users.bankrec.invalid",
            "callback_url": redirect_url,
            "context": context_for(state),
            "country_code": bank.country.upper(),
            "provider_id": int(bank.id) if bank.id.isdigit() else bank.id,
        }
        session = mapping(self.client.post(user, "/v3/aggregation/connect-sessions", body),
                          "the connect session")  # fmt: skip
        url = session.get("url")
        if not isinstance(url, str) or not url:
            raise ProviderError("bridge: the connect session came back without a URL")
        return ConsentLink(url=url, state=state, provider=NAME, reference=user)

    def complete(self, link: ConsentLink, params: dict[str, str]) -> Connection:
        context, state = params.get("context"), params.get("state")
        if (context is None and state is None) or context not in (None, context_for(link.state)) \
                or state not in (None, link.state):  # fmt: skip
            raise FeedError("bridge: the redirect does not belong to the connection that was "
                            "started (its state differs); start the connection again")  # fmt: skip
        if params.get("error") or params.get("success", "").strip().lower() != "true":
            step = params.get("error") or params.get("step") or ""
            raise FeedError("bridge: the bank connection was not completed"
                            + (f" (stopped at {step[:60]})" if step else "")
                            + "; start the connection again")  # fmt: skip
        user = link.reference
        if not user or params.get("user_uuid", user) != user:
            raise FeedError("bridge: the redirect names another Bridge user than the one the "
                            "connection was started for; start the connection again")  # fmt: skip
        item_id = params.get("item_id", "").strip()
        if not item_id:
            raise FeedError("bridge: the redirect carries no item_id; start the connection again")
        item = self._item(user, item_id)
        status = consent_of(item, self.client.now())
        accounts = self._accounts(user, item_id)
        provider_id = str(item.get("provider_id") or "")
        return Connection(
            provider=NAME,
            id=item_id,
            bank=provider_id,
            valid_until=status.valid_until,
            accounts=tuple(accounts),
            data={"user_uuid": user, "item_id": item_id, "provider_id": provider_id},
        )

    def accounts(self, connection: Connection) -> list[FeedAccount]:
        user, item_id = _ids(connection)
        return self._accounts(user, item_id)

    def balances(self, connection: Connection, account: FeedAccount) -> list[FeedBalance]:
        user, _item = _ids(connection)
        raw = mapping(self.client.get(user, f"/v3/aggregation/accounts/{account.id}"),
                      f"account {account.id}")  # fmt: skip
        return bridge_map.balances(raw, account.currency)

    def transactions(
        self, connection: Connection, account: FeedAccount, since: dt.date | None = None
    ) -> Iterator[Transaction]:
        user, item_id = _ids(connection)
        status = consent_of(self._item(user, item_id), self.client.now())
        if not status.valid:
            raise ConsentExpiredError(f"bridge: connection {item_id}: {status.detail}")
        params: dict[str, Any] = {"account_id": account.id, "limit": self.page_size}
        if since is not None:
            params["min_date"] = since.isoformat()
        ids = IdAllocator()
        for raw in self.client.pages(user, "/v3/aggregation/transactions", params):
            if not bridge_map.is_booked(raw):
                continue
            when = bridge_map.value_day(raw)
            if since is not None and when is not None and when < since:
                continue  # the server filters already; a second look costs nothing
            yield bridge_map.transaction(raw, account, ids)

    def consent_status(self, connection: Connection) -> ConsentStatus:
        user, item_id = _ids(connection)
        try:
            item = self._item(user, item_id)
        except ConsentExpiredError as exc:
            return ConsentStatus(False, connection.valid_until, str(exc))
        return consent_of(item, self.client.now())

    def _item(self, user: str, item_id: str) -> Mapping[str, Any]:
        return mapping(self.client.get(user, f"/v3/aggregation/items/{item_id}"), f"item {item_id}")

    def _accounts(self, user: str, item_id: str) -> list[FeedAccount]:
        params = {"item_id": item_id, "limit": MAX_LIMIT}
        pages = self.client.pages(user, "/v3/aggregation/accounts", params)
        found = (bridge_map.account(raw) for raw in pages)
        return [a for a in found if a is not None]


def _ids(connection: Connection) -> tuple[str, str]:
    """The Bridge user uuid and item id a stored connection needs."""
    user = str(connection.data.get("user_uuid") or "")
    item_id = str(connection.data.get("item_id") or connection.id or "")
    if not user or not item_id:
        raise FeedConfigError(f"bridge: connection {connection.id!r} lacks its Bridge user "
                              "or item; connect the bank again")  # fmt: skip
    return user, item_id


def from_settings(settings: Mapping[str, str], **http_options: Any) -> BridgeProvider:
    """A provider from the setting names of :data:`SETTINGS` (``base_url`` may also come
    in ``http_options``, as the fakes pass it)."""
    base_url = http_options.pop("base_url", None) or settings.get("base_url") or DEFAULT_BASE_URL
    return BridgeProvider(
        settings.get("client_id", ""),
        settings.get("client_secret", ""),
        base_url=str(base_url),
        version=settings.get("version", "") or DEFAULT_VERSION,
        external_user_id=settings.get("external_user_id", ""),
        user_email=settings.get("user_email", ""),
        **http_options,
    )
