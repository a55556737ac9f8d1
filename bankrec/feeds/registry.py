"""Providers by name, so the CLI and the add-on never import a provider module directly.

Each provider module exposes ``NAME``, ``SETTINGS`` (the setting names it reads, with a
one-line description each), ``REQUIRED`` (groups of settings, each needing one of its
settings set) and ``from_settings(settings, **http_options) -> FeedProvider``.
Adding a provider is one module and one line in :data:`PROVIDERS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from bankrec.feeds.errors import FeedConfigError
from bankrec.feeds.provider import FeedProvider

PROVIDERS = {
    "enablebanking": "bankrec.feeds.enablebanking",
    "bridge": "bankrec.feeds.bridge",
}


def provider_module(name: str) -> Any:
    """The module of provider ``name``; a clear error for an unknown name."""
    try:
        return importlib.import_module(PROVIDERS[name])
    except KeyError:
        known = ", ".join(sorted(PROVIDERS))
        raise FeedConfigError(f"unknown feed provider {name!r} (known: {known})") from None


def required_settings(name: str) -> tuple[tuple[str, ...], ...]:
    """Provider ``name``'s groups of settings of which one each must be set (the CLI's
    environment and the add-on's settings check the same groups)."""
    groups: tuple[tuple[str, ...], ...] = provider_module(name).REQUIRED
    return groups


def make_provider(name: str, settings: Mapping[str, str], **http_options: Any) -> FeedProvider:
    """Provider ``name`` configured from ``settings`` (see each module's ``SETTINGS``)."""
    provider: FeedProvider = provider_module(name).from_settings(settings, **http_options)
    return provider
