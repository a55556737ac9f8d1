"""The providers' settings for the CLI, from the environment or from files -- never from
command-line values, which every user of the machine sees in ``ps`` and which stay in the
shell's history.

A provider module names the settings it reads in ``SETTINGS`` (setting -> description);
:data:`ENV_SETTINGS` is the one place that says which environment variable holds each
(e.g. ``BANKREC_ENABLEBANKING_APP_ID`` -> ``application_id``); the provider's ``REQUIRED``
says which must be set (any one variable of a group). A secret may also be kept in a file only its
owner reads: ``<VARIABLE>_FILE`` names it (``BANKREC_BRIDGE_CLIENT_SECRET_FILE``); the
Enable Banking key is a file anyway (``BANKREC_ENABLEBANKING_KEY_FILE``). A setting of a
provider not listed here is read from ``BANKREC_<PROVIDER>_<SETTING>``. A missing setting
is a :class:`FeedConfigError` naming the variable to set; values never appear in a message.

The Odoo add-on keeps the same settings in Odoo's restricted parameters instead; only the
variable names are the CLI's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bankrec.feeds.errors import FeedConfigError
from bankrec.feeds.provider import FeedProvider
from bankrec.feeds.registry import provider_module, required_settings

ENV_PREFIX = "BANKREC_"
FILE_SUFFIX = "_FILE"
URL_SETTING = "base_url"  # checked to be an http(s) URL

# provider -> setting of its module's SETTINGS -> the environment variable that holds it
ENV_SETTINGS: dict[str, dict[str, str]] = {
    "enablebanking": {
        "application_id": "BANKREC_ENABLEBANKING_APP_ID",
        "private_key_file": "BANKREC_ENABLEBANKING_KEY_FILE",  # path of the PEM file
        "private_key": "BANKREC_ENABLEBANKING_KEY",  # or the PEM text itself
        "base_url": "BANKREC_ENABLEBANKING_URL",
        "psu_type": "BANKREC_ENABLEBANKING_PSU_TYPE",
    },
    "bridge": {
        "client_id": "BANKREC_BRIDGE_CLIENT_ID",
        "client_secret": "BANKREC_BRIDGE_CLIENT_SECRET",  # or ..._SECRET_FILE
        "base_url": "BANKREC_BRIDGE_URL",
        "version": "BANKREC_BRIDGE_VERSION",
        "external_user_id": "BANKREC_BRIDGE_EXTERNAL_USER_ID",
        "user_email": "BANKREC_BRIDGE_USER_EMAIL",
    },
}

# settings whose value may come from the file that ``<VARIABLE>_FILE`` names
# (the Enable Banking key has its own path setting, whose file the provider reads)
FROM_FILE: dict[str, frozenset[str]] = {
    "bridge": frozenset({"client_secret"}),
}


def env_name(provider: str, setting: str) -> str:
    """The environment variable of ``setting`` of ``provider``."""
    return ENV_SETTINGS.get(provider, {}).get(setting) or (
        f"{ENV_PREFIX}{provider.upper()}_{setting.upper()}"
    )


def provider_settings(provider: str) -> dict[str, str]:
    """The provider module's ``SETTINGS`` (setting -> one-line description)."""
    return dict(provider_module(provider).SETTINGS)


def describe(provider: str) -> list[tuple[str, str]]:
    """(variable, description) of each setting of ``provider``, for help and docs."""
    names = []
    for setting, description in provider_settings(provider).items():
        name = env_name(provider, setting)
        if setting in FROM_FILE.get(provider, ()):
            name += f" (or {name}{FILE_SUFFIX})"
        names.append((name, description))
    return names


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    """What :func:`load_settings` found for one provider."""

    provider: str
    values: dict[str, str] = field(repr=False)  # secrets inside: never printed
    sources: dict[str, str] = field(default_factory=dict)  # setting -> variable it came from


def load_settings(provider: str, environ: Mapping[str, str] | None = None) -> ProviderSettings:
    """Read ``provider``'s settings from ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    files = FROM_FILE.get(provider, frozenset())
    for setting in provider_settings(provider):
        name = env_name(provider, setting)
        value, source = _read(env, name, from_file=setting in files)
        if value:
            values[setting] = value
            sources[setting] = source
    missing = [g for g in required_settings(provider) if not any(s in values for s in g)]
    if missing:
        wanted = "; ".join(" or ".join(_variables(provider, s) for s in g) for g in missing)
        raise FeedConfigError(f"{provider} is not configured: set {wanted} (see docs/feeds.md)")
    url = values.get(URL_SETTING, "")
    if url and not url.startswith(("http://", "https://")):
        raise FeedConfigError(f"{env_name(provider, URL_SETTING)} must be an http(s) URL")
    return ProviderSettings(provider, values, sources)


def provider_from_env(
    provider: str, environ: Mapping[str, str] | None = None, **http_options: Any
) -> FeedProvider:
    """Provider ``provider`` configured from the environment; ``http_options`` (``sleep``,
    ``session``...) go to its HTTP client."""
    settings = load_settings(provider, environ)
    made: FeedProvider = provider_module(provider).from_settings(settings.values, **http_options)
    return made


def _variables(provider: str, setting: str) -> str:
    name = env_name(provider, setting)
    if setting in FROM_FILE.get(provider, ()):
        return f"{name} (or {name}{FILE_SUFFIX})"
    return name


def _read(env: Mapping[str, str], name: str, *, from_file: bool) -> tuple[str, str]:
    """The value of variable ``name``; for a secret, else the content of the file that
    ``name_FILE`` names."""
    value = env.get(name, "")
    if value.strip():
        return value.strip(), name
    file_name = env.get(name + FILE_SUFFIX, "").strip() if from_file else ""
    if not file_name:
        return "", ""
    path = Path(file_name).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a text file"
        reason = reason[:1].lower() + reason[1:]
        raise FeedConfigError(f"{name}{FILE_SUFFIX}: cannot read {path}: {reason}") from None
    if not text.strip():
        raise FeedConfigError(f"{name}{FILE_SUFFIX}: {path} is empty")
    return text.strip(), name + FILE_SUFFIX
