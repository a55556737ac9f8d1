"""Errors of the bank feeds: one clear line each, never a secret in it.

A feed talks to an aggregator with secrets (a private key, a client secret, access
tokens). Error texts end up in terminals, logs and Odoo's chatter, so every message is
passed through :func:`redact` with the secrets of the client that raised it.
"""

from __future__ import annotations

from collections.abc import Iterable

from bankrec.errors import BankrecError

REDACTED = "[redacted]"
_MIN_SECRET = 6  # shorter values (ids such as "1") would redact ordinary words


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``[redacted]`` (longest first)."""
    for secret in sorted({s for s in secrets if s and len(s) >= _MIN_SECRET}, key=len,
                         reverse=True):  # fmt: skip
        text = text.replace(secret, REDACTED)
    return text


class FeedError(BankrecError):
    """A feed could not do what was asked; nothing was imported from the failed call."""


class FeedConfigError(FeedError):
    """The provider's settings are missing or wrong (no key file, bad application id...)."""


class FeedAuthError(FeedError):
    """The aggregator refused our credentials or token (HTTP 401/403 after a refresh)."""


class ConsentExpiredError(FeedError):
    """The bank consent has expired or was revoked: the user has to connect the bank again."""


class RateLimitedError(FeedError):
    """The aggregator kept answering HTTP 429 beyond what we are willing to wait."""


class ProviderError(FeedError):
    """The aggregator answered with an error we cannot recover from (4xx, repeated 5xx,
    network faults after the last retry, or a malformed answer)."""
