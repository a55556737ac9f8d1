"""FeedHttp, the one HTTP client of every provider, against a tiny fake API over real HTTP:
rate limits waited out as the server asks (and no longer than allowed), 5xx and dropped
connections retried with back-off, one token refresh on 401, precise errors through the
provider's classifier, and secrets never in a message. Sleeping and the clock are
injected, so nothing here really waits."""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from bankrec.feeds.errors import (
    ConsentExpiredError,
    FeedAuthError,
    FeedError,
    ProviderError,
    RateLimitedError,
)
from bankrec.feeds.fakes.server import DROP, FakeApp, FakeServer, Request, Response
from bankrec.feeds.http import FeedHttp

NOW = 1_790_000_000.0  # the injected clock: a fixed Unix time (2026-09-21)
SECRET = "sk_live_7f3a9c2e11b04d5d"


class TinyApi(FakeApp):
    """``GET /ping`` answers ``{"ok": true}``; ``GET /private`` wants ``Bearer <token>``;
    ``GET /leak`` is a server that quotes the secret in its error."""

    def __init__(self) -> None:
        super().__init__()
        self.token = "fresh-token"

    def route(self, request: Request) -> Response:
        if request.path == "/ping":
            return Response(200, {"ok": True})
        if request.path == "/private":
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return Response(401, {"message": "token expired"})
            return Response(200, {"ok": "private"})
        if request.path == "/leak":
            return Response(400, {"message": f"invalid client secret {SECRET}"})
        if request.path == "/gone":
            return Response(409, {"error": "CONSENT_GONE", "message": "consent gone"})
        return Response(404, {"message": "no such route"})


@dataclass
class Sleeps:
    """The injected ``sleep``: records what the client would have waited."""

    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[TinyApi, str]]:
    """One server for the module (stopping one takes half a second)."""
    app = TinyApi()
    with FakeServer(app) as running:
        yield app, running.url


@pytest.fixture
def api(server: tuple[TinyApi, str]) -> tuple[TinyApi, str]:
    """The module's server, with no fault left over and an empty log."""
    app, _ = server
    app.faults.clear()
    app.log.clear()
    return server


def client(url: str, sleeps: Sleeps, **options: Any) -> FeedHttp:
    return FeedHttp(url, provider="tiny", sleep=sleeps, clock=lambda: NOW, **options)


# ---- rate limits -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("Retry-After", "7", 7.0),
        ("Retry-After", email.utils.formatdate(NOW + 12, usegmt=True), 12.0),
        ("RateLimit-Reset", "4", 4.0),
        ("X-RateLimit-Reset", str(int(NOW + 30)), 30.0),  # an epoch time
    ],
    ids=["retry-after-seconds", "retry-after-http-date", "ratelimit-reset", "epoch-reset"],
)
def test_429_waits_what_the_server_asks_then_succeeds(
    api: tuple[TinyApi, str], header: str, value: str, expected: float
) -> None:
    app, url = api
    app.fail_next(429, headers={header: value})
    sleeps = Sleeps()
    http = client(url, sleeps)
    assert http.get("/ping") == {"ok": True}
    assert sleeps.waits == [pytest.approx(expected)]
    assert http.calls == 2 and app.calls("GET", "/ping") == 2


def test_waiting_longer_than_max_wait_is_a_rate_limited_error(api: tuple[TinyApi, str]) -> None:
    app, url = api
    app.fail_next(429, times=2, headers={"Retry-After": "200"})
    sleeps = Sleeps()
    with pytest.raises(RateLimitedError) as caught:
        client(url, sleeps, max_wait=300).get("/ping")
    assert sleeps.waits == [200.0]  # the second 200 s would pass the 300 s allowed
    message = str(caught.value)
    assert "HTTP 429" in message and "300 s" in message and "\n" not in message


def test_many_short_rate_limits_are_not_counted_as_failed_attempts(
    api: tuple[TinyApi, str],
) -> None:
    app, url = api
    app.fail_next(429, times=6, headers={"Retry-After": "1"})
    sleeps = Sleeps()
    assert client(url, sleeps, max_attempts=3).get("/ping") == {"ok": True}
    assert sleeps.waits == [1.0] * 6


# ---- server errors and network faults ----------------------------------------------------


def test_5xx_is_retried_with_backoff_then_succeeds(api: tuple[TinyApi, str]) -> None:
    app, url = api
    app.fail_next(503, times=2)
    sleeps = Sleeps()
    assert client(url, sleeps, backoff=0.5).get("/ping") == {"ok": True}
    assert sleeps.waits == [0.5, 1.0]
    assert app.calls("GET", "/ping") == 3


def test_5xx_beyond_max_attempts_names_the_status(api: tuple[TinyApi, str]) -> None:
    app, url = api
    app.fail_next(502, times=10, body={"message": "bad gateway upstream"})
    sleeps = Sleeps()
    with pytest.raises(ProviderError) as caught:
        client(url, sleeps, max_attempts=4).get("/ping")
    message = str(caught.value)
    assert "HTTP 502" in message and "4 attempts" in message and "bad gateway upstream" in message
    assert "GET /ping" in message and "\n" not in message
    assert app.calls("GET", "/ping") == 4 and len(sleeps.waits) == 3


def test_a_dropped_connection_is_retried(api: tuple[TinyApi, str]) -> None:
    app, url = api
    app.fail_next(DROP)
    sleeps = Sleeps()
    http = client(url, sleeps)
    assert http.get("/ping") == {"ok": True}
    assert http.calls == 2 and len(sleeps.waits) == 1


def test_connections_dropped_every_time_end_in_one_line(api: tuple[TinyApi, str]) -> None:
    app, url = api
    app.fail_next(DROP, times=10)
    with pytest.raises(ProviderError) as caught:
        client(url, Sleeps(), max_attempts=3).get("/ping")
    message = str(caught.value)
    assert "after 3 attempts" in message and "\n" not in message


# ---- tokens ------------------------------------------------------------------------------


def test_401_refreshes_the_token_once_then_succeeds(api: tuple[TinyApi, str]) -> None:
    app, url = api
    held = {"token": "stale-token"}
    refreshed: list[str] = []

    def refresh() -> None:
        refreshed.append(held["token"])
        held["token"] = app.token

    http = client(url, Sleeps(), headers=lambda: {"Authorization": f"Bearer {held['token']}"},
                  refresh=refresh)  # fmt: skip
    assert http.get("/private") == {"ok": "private"}
    assert refreshed == ["stale-token"]
    assert app.calls("GET", "/private") == 2


def test_401_after_the_refresh_is_an_auth_error(api: tuple[TinyApi, str]) -> None:
    app, url = api
    refreshed: list[int] = []
    http = client(url, Sleeps(), headers=lambda: {"Authorization": "Bearer never-valid"},
                  refresh=lambda: refreshed.append(1))  # fmt: skip
    with pytest.raises(FeedAuthError) as caught:
        http.get("/private")
    assert refreshed == [1]  # refreshed once, not in a loop
    assert app.calls("GET", "/private") == 2
    assert "HTTP 401" in str(caught.value) and "token expired" in str(caught.value)


# ---- precise errors and redaction ---------------------------------------------------------


def test_the_providers_classifier_turns_an_answer_into_a_precise_error(
    api: tuple[TinyApi, str],
) -> None:
    _, url = api

    def classify(response: requests.Response) -> FeedError | None:
        if response.json().get("error") == "CONSENT_GONE":
            return ConsentExpiredError("tiny: the consent ended; connect the bank again")
        return None

    with pytest.raises(ConsentExpiredError, match="connect the bank again"):
        client(url, Sleeps(), classify=classify).get("/gone")
    with pytest.raises(ProviderError, match="HTTP 404: no such route"):
        client(url, Sleeps(), classify=classify).get("/nowhere")


def test_a_secret_quoted_by_the_server_is_redacted(api: tuple[TinyApi, str]) -> None:
    _, url = api
    with pytest.raises(ProviderError) as caught:
        client(url, Sleeps(), secrets=lambda: [SECRET]).get("/leak")
    message = str(caught.value)
    assert SECRET not in message
    assert "invalid client secret [redacted]" in message


def test_a_secret_in_a_5xx_body_is_redacted_after_the_last_retry(
    api: tuple[TinyApi, str],
) -> None:
    app, url = api
    app.fail_next(500, times=3, body={"message": f"crashed reading {SECRET}"})
    with pytest.raises(ProviderError) as caught:
        client(url, Sleeps(), secrets=lambda: [SECRET], max_attempts=3).get("/ping")
    assert SECRET not in str(caught.value) and "[redacted]" in str(caught.value)


def test_a_long_secret_cut_by_the_message_limit_leaves_no_part_of_it(
    api: tuple[TinyApi, str],
) -> None:
    """The server's text is cut to a few hundred characters; redacting after the cut would
    miss a secret (a signed token) that straddles the limit and leak its first part."""
    app, url = api
    token = "eyJ" + "x" * 400  # a signed JWT is this long
    app.fail_next(400, body={"message": "bad token " + token})
    with pytest.raises(ProviderError) as caught:
        client(url, Sleeps(), secrets=lambda: [token]).get("/ping")
    assert "eyJxxxx" not in str(caught.value)
    assert "bad token [redacted]" in str(caught.value)
