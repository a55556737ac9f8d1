# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Feed providers configured from Odoo's system parameters.

Credentials live in ``ir.config_parameter`` (readable by system administrators only, see
``res.config.settings``) under ``bankrec_feeds.<provider>.<setting>``, one parameter per
setting the provider module names in its ``SETTINGS``; code that needs them reads them
with ``sudo()`` and hands them to the provider, never to a message or a log.
"""

from bankrec.feeds.errors import FeedConfigError
from bankrec.feeds.registry import PROVIDERS, make_provider, provider_module, required_settings

PARAM_PREFIX = "bankrec_feeds"
LABELS = {"enablebanking": "Enable Banking", "bridge": "Bridge"}
# settings people enter in Odoo; the others (a key *file* on the server) are the CLI's
SKIPPED = {"private_key_file"}


def param_key(provider, setting):
    """The ``ir.config_parameter`` key of ``setting`` of ``provider``."""
    return f"{PARAM_PREFIX}.{provider}.{setting}"


def provider_settings(env, provider):
    """The provider's settings as stored (empty ones left out); system parameters only."""
    params = env["ir.config_parameter"].sudo()
    values = {}
    for setting in provider_module(provider).SETTINGS:
        value = (params.get_param(param_key(provider, setting)) or "").strip()
        if value and setting not in SKIPPED:
            values[setting] = value
    return values


def missing_settings(provider, values):
    """The required settings ``values`` lacks, one text per group the provider's
    ``REQUIRED`` names (``private key``: the key file is the CLI's, not Odoo's)."""
    missing = []
    for group in required_settings(provider):
        group = [name for name in group if name not in SKIPPED]
        if group and not any(values.get(name) for name in group):
            missing.append(" or ".join(group))
    return missing


def provider_for(env, provider, **http_options):
    """Provider ``provider`` from the system parameters; a clear one-line
    :class:`FeedConfigError` naming what to fill in when a setting is missing."""
    if provider not in PROVIDERS:
        provider_module(provider)  # the registry's "unknown feed provider" line
    values = provider_settings(env, provider)
    missing = missing_settings(provider, values)
    if missing:
        raise FeedConfigError(
            f"{LABELS.get(provider, provider)} is not configured: fill in "
            f"{', '.join(m.replace('_', ' ') for m in missing)} in Settings > Invoicing > "
            "Bank feeds (system administrators)"
        )
    base_url = values.pop("base_url", "")
    if base_url:
        http_options.setdefault("base_url", base_url)
    return make_provider(provider, values, **http_options)
