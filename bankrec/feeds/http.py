"""The one HTTP client of every feed provider: retries, back-off, refresh, redaction.

Aggregators rate-limit (HTTP 429 with a reset header), have bad minutes (5xx, dropped
connections) and hand out tokens that expire. Each provider would otherwise repeat the
same loop; here it is once:

* 429: wait what the server says (``Retry-After``, ``RateLimit-Reset`` or
  ``X-RateLimit-Reset``, as seconds, an HTTP date or an epoch time), at most
  ``max_wait`` seconds in all, then :class:`RateLimitedError`;
* 5xx and network faults: exponential back-off, ``max_attempts`` tries, then
  :class:`ProviderError`;
* 401: the provider's ``refresh`` is called once (a new token) and the call repeated; a
  second 401 is :class:`FeedAuthError`;
* any other 4xx: the provider's ``classify`` may turn it into a precise error (an expired
  consent), else :class:`ProviderError` with the server's own message.

Every message is redacted with the client's secrets. ``calls`` counts HTTP requests sent
(retries included), which the sync benchmark reports.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import requests

from bankrec.feeds.errors import (
    FeedAuthError,
    FeedError,
    ProviderError,
    RateLimitedError,
    redact,
)

HeaderSource = Callable[[], Mapping[str, str]]
Classifier = Callable[[requests.Response], FeedError | None]

RESET_HEADERS = ("Retry-After", "RateLimit-Reset", "X-RateLimit-Reset")
_EPOCH_THRESHOLD = 1_000_000_000  # a reset value this large is a Unix time, not seconds


def reset_delay(response: requests.Response, now: float) -> float | None:
    """Seconds the server asks us to wait before the next call, if it says so."""
    for name in RESET_HEADERS:
        value = response.headers.get(name)
        if not value:
            continue
        value = value.strip()
        try:
            number = float(value)
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if value else None
            if parsed is None:
                continue
            return max(0.0, parsed.timestamp() - now)
        return max(0.0, number - now) if number > _EPOCH_THRESHOLD else max(0.0, number)
    return None


def server_message(
    response: requests.Response, clean: Callable[[str], str] = lambda text: text
) -> str:
    """The error text the server put in its body (JSON ``message``/``error``...), short.

    ``clean`` (a redaction) runs before the text is cut: a secret cut in two would no
    longer be found whole.
    """
    try:
        body = response.json()
    except ValueError:
        return clean(response.text.strip())[:300]
    if isinstance(body, dict):
        for key in ("message", "error_description", "detail", "error", "code", "type"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return clean(value)[:300]
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return clean(str(value["message"]))[:300]
    return clean(str(body))[:300]


class FeedHttp:
    """JSON over HTTPS for one provider, with the failure handling described above."""

    def __init__(
        self,
        base_url: str,
        *,
        provider: str,
        headers: HeaderSource | None = None,
        refresh: Callable[[], None] | None = None,
        classify: Classifier | None = None,
        secrets: Callable[[], Iterable[str]] | None = None,
        session: requests.Session | None = None,
        timeout: float = 30.0,
        max_attempts: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_wait: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.provider = provider
        self._headers = headers or (lambda: {})
        self._refresh = refresh
        self._classify = classify
        self._secrets = secrets or (lambda: ())
        self.session = session or requests.Session()
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.clock = clock
        self.calls = 0  # HTTP requests sent, retries included
        self.waited = 0.0  # seconds slept on rate limits and back-off

    def redact(self, text: str) -> str:
        """``text`` without this client's secrets."""
        return redact(text, self._secrets())

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, json: Any = None, data: Mapping[str, Any] | None = None) -> Any:
        return self.request("POST", path, json=json, data=data)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one call (retrying as the module says) and return its decoded JSON body
        (``None`` for an empty body)."""
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"
        what = f"{self.provider}: {method} {path.split('?')[0]}"
        attempt = 0
        refreshed = False
        rate_waited = 0.0
        while True:
            attempt += 1
            sent_headers = {"Accept": "application/json", **self._headers(), **(headers or {})}
            try:
                self.calls += 1
                response = self.session.request(
                    method, url, params=params, json=json, data=data,
                    headers=sent_headers, timeout=self.timeout,
                )  # fmt: skip
            except requests.RequestException as exc:
                if attempt >= self.max_attempts:
                    raise ProviderError(self.redact(
                        f"{what} failed after {attempt} attempts: {type(exc).__name__}: {exc}"
                    )) from None  # fmt: skip
                self._pause(self._backoff(attempt))
                continue
            status = response.status_code
            if status == 429:
                delay = reset_delay(response, self.clock())
                delay = self._backoff(attempt) if delay is None else delay
                if rate_waited + delay > self.max_wait:
                    raise RateLimitedError(self.redact(
                        f"{what}: rate limited (HTTP 429); the server asks to wait "
                        f"{delay:.0f} s more, beyond the {self.max_wait:.0f} s allowed; "
                        "run the sync again later"
                    ))  # fmt: skip
                rate_waited += delay
                self._pause(delay)
                attempt -= 1  # waiting out a rate limit is not a failed attempt
                continue
            if status >= 500:
                if attempt >= self.max_attempts:
                    raise ProviderError(self.redact(
                        f"{what}: HTTP {status} after {attempt} attempts: "
                        f"{server_message(response, self.redact)}"
                    ))  # fmt: skip
                self._pause(self._backoff(attempt))
                continue
            if status == 401 and self._refresh is not None and not refreshed:
                refreshed = True
                self._refresh()
                continue
            if status >= 400:
                raise self._error(response, what)
            if not response.content:
                return None
            try:
                # JSON numbers as Decimal: an amount sent as a number (Bridge does) stays exact
                return response.json(parse_float=Decimal)
            except ValueError:
                raise ProviderError(
                    self.redact(f"{what}: the answer is not JSON: {response.text[:200]!r}")
                ) from None

    def _error(self, response: requests.Response, what: str) -> FeedError:
        if self._classify is not None:
            precise = self._classify(response)
            if precise is not None:
                return type(precise)(self.redact(str(precise)))
        text = f"{what}: HTTP {response.status_code}: {server_message(response, self.redact)}"
        if response.status_code in (401, 403):
            return FeedAuthError(self.redact(text))
        return ProviderError(self.redact(text))

    def _backoff(self, attempt: int) -> float:
        return float(min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self.waited += seconds
            self.sleep(seconds)
