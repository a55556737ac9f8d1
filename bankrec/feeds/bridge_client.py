"""Talking to Bridge: its headers, user tokens, pages and error answers.

Every call carries ``Bridge-Version``, ``Client-Id`` and ``Client-Secret``; calls about a
user's banking data add that user's bearer token. Tokens live two hours; one is asked for
(client id + secret + user uuid) when none is cached, when the cached one is about to end,
or when Bridge answers 401 anyway (FeedHttp's refresh hook), so nothing long-lived has to
be stored with a connection. The client secret and every token are redacted from errors.

Lists come in pages that end with ``pagination.next_uri`` (a path on the same host, or
null); :meth:`BridgeClient.pages` follows them and refuses a next page on another host,
which would receive our client secret.

One client serves one thread at a time: the user whose token is sent is part of its state
while a call runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from bankrec.feeds.bridge_map import timestamp
from bankrec.feeds.errors import (
    ConsentExpiredError,
    FeedAuthError,
    FeedConfigError,
    FeedError,
    ProviderError,
)
from bankrec.feeds.http import FeedHttp

MAX_LIMIT = 500  # Bridge's largest page
TOKEN_MARGIN = 60.0  # seconds: a token this close to its end is renewed before use
TOKEN_PATH = "/v3/aggregation/authorization/token"
USERS_PATH = "/v3/aggregation/users"


class UserExists(ProviderError):
    """Bridge already holds a user with this external_user_id (HTTP 409)."""


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    expires: float  # Unix time


def mapping(body: Any, what: str) -> Mapping[str, Any]:
    """``body`` when it is a JSON object, else a clear error naming ``what``."""
    if not isinstance(body, dict):
        raise ProviderError(f"bridge: {what} is not a JSON object")
    return body


class BridgeClient:
    """JSON calls to Bridge as the application (``user=""``) or as one of its users."""

    def __init__(
        self, client_id: str, client_secret: str, *, base_url: str, version: str,
        **http_options: Any,
    ) -> None:  # fmt: skip
        if not client_id.strip() or not client_secret.strip():
            raise FeedConfigError("bridge: client_id and client_secret are both required")
        if not base_url.startswith(("https://", "http://")):
            raise FeedConfigError(f"bridge: base_url must start with https:// ({base_url!r})")
        self.client_id = client_id.strip()
        self._client_secret = client_secret.strip()
        self.version = version.strip()
        self._tokens: dict[str, _Token] = {}
        self._user = ""  # whose token the next call sends ("" for application calls)
        self._authorizing = False
        self.http = FeedHttp(base_url, provider="bridge", headers=self._headers,
                             refresh=self._refresh, classify=self._classify,
                             secrets=self._secrets, **http_options)  # fmt: skip

    def get(self, user: str, path: str, params: Mapping[str, Any] | None = None) -> Any:
        self._as(user)
        return self.http.get(path, params)

    def post(self, user: str, path: str, body: Mapping[str, Any]) -> Any:
        self._as(user)
        return self.http.post(path, json=dict(body))

    def pages(
        self, user: str, path: str, params: Mapping[str, Any] | None
    ) -> Iterator[Mapping[str, Any]]:
        """The resources of every page of a list, following ``pagination.next_uri``."""
        seen: set[str] = set()
        next_path: str | None = path
        while next_path:
            body = mapping(self.get(user, next_path, params), f"the page of {path}")
            resources = body.get("resources")
            if not isinstance(resources, list):
                raise ProviderError(f"bridge: the page of {path} has no resources list")
            yield from (raw for raw in resources if isinstance(raw, dict))
            seen.add(next_path)
            next_path, params = self._next_page(body, path, seen), None

    def ensure_user(self, external_id: str) -> str:
        """The uuid of the Bridge user ``external_id``, created when Bridge has none."""
        try:
            created = mapping(self.post("", USERS_PATH, {"external_user_id": external_id}),
                              "the new user")  # fmt: skip
        except UserExists:
            return self._authorize({"external_user_id": external_id})
        uuid = created.get("uuid")
        if not isinstance(uuid, str) or not uuid:
            raise ProviderError("bridge: the new user came back without a uuid")
        return uuid

    def now(self) -> dt.datetime:
        """The time by the client's clock (injectable, like its sleep), in UTC."""
        return dt.datetime.fromtimestamp(self.http.clock(), dt.UTC)

    # -- tokens ---------------------------------------------------------------------------

    def _as(self, user: str) -> None:
        """Make the next calls speak for ``user``, with a token that is not about to end."""
        self._user = user
        if not user:
            return
        token = self._tokens.get(user)
        if token is None or token.expires <= self.http.clock() + TOKEN_MARGIN:
            self._authorize({"user_uuid": user})

    def _authorize(self, who: Mapping[str, str]) -> str:
        """Ask Bridge for a user token (``who`` is ``user_uuid`` or ``external_user_id``);
        cache it and return the user's uuid."""
        self._authorizing = True
        try:
            body = mapping(self.http.post(TOKEN_PATH, json=dict(who)), "the token answer")
        finally:
            self._authorizing = False
        token, expires = body.get("access_token"), timestamp(body.get("expires_at"))
        user = body.get("user")
        uuid = (user.get("uuid") if isinstance(user, dict) else None) or who.get("user_uuid")
        if not isinstance(token, str) or not token or not isinstance(uuid, str) or not uuid:
            raise ProviderError("bridge: the token answer has no access_token or user")
        until = expires.timestamp() if expires else self.http.clock() + 3600.0
        self._tokens[uuid] = _Token(token, until)
        return uuid

    def _refresh(self) -> None:
        """FeedHttp's 401 hook: a new token for the current user (nothing for app calls,
        nor while a token is being asked for: that 401 is about our credentials)."""
        if self._user and not self._authorizing:
            self._tokens.pop(self._user, None)
            self._authorize({"user_uuid": self._user})

    def _headers(self) -> dict[str, str]:
        headers = {"Bridge-Version": self.version, "Client-Id": self.client_id,
                   "Client-Secret": self._client_secret}  # fmt: skip
        token = self._tokens.get(self._user) if self._user and not self._authorizing else None
        if token is not None:
            headers["Authorization"] = f"Bearer {token.value}"
        return headers

    def _secrets(self) -> list[str]:
        return [self._client_secret, *(t.value for t in self._tokens.values())]

    # -- answers ------------------------------------------------------------------------

    def _classify(self, response: requests.Response) -> FeedError | None:
        """Bridge's error answers that mean something precise to the user."""
        path = urlsplit(response.url).path.rstrip("/")
        try:
            body = response.json()
        except ValueError:
            body = {}
        code = str(body.get("code") or "") if isinstance(body, dict) else ""
        status = response.status_code
        if status in (401, 403) and (code == "invalid_client_credentials"
                                     or path.endswith(TOKEN_PATH)):  # fmt: skip
            return FeedAuthError("bridge: Bridge refused the client id or client secret "
                                 f"(HTTP {status} {code or 'unauthorized'}); check the "
                                 "client_id and client_secret settings")  # fmt: skip
        if status == 409 and path.endswith(USERS_PATH):
            return UserExists("bridge: the Bridge user exists already")
        if status == 404 and "/aggregation/items/" in path:
            return ConsentExpiredError(f"bridge: the bank connection {path.rsplit('/', 1)[-1]} "
                                       "no longer exists at Bridge (deleted or revoked); "
                                       "connect the bank again")  # fmt: skip
        if status == 404 and path.endswith(TOKEN_PATH):
            return ConsentExpiredError("bridge: the Bridge user of this connection no longer "
                                       "exists; connect the bank again")  # fmt: skip
        return None

    def _next_page(self, body: Mapping[str, Any], path: str, seen: set[str]) -> str | None:
        pagination = body.get("pagination")
        uri = pagination.get("next_uri") if isinstance(pagination, dict) else None
        if not uri:
            return None
        if not isinstance(uri, str):
            raise ProviderError(f"bridge: the page of {path} has an unreadable next_uri")
        if uri.startswith(("http://", "https://")):
            if urlsplit(uri).netloc != urlsplit(self.http.base_url).netloc:
                raise ProviderError(f"bridge: the page of {path} points to another host")
        elif not uri.startswith("/"):
            uri = "/" + uri
        if uri in seen:
            raise ProviderError(f"bridge: the pages of {path} loop on the same page")
        return uri
