# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Settings > Invoicing > Bank feeds: the aggregators' credentials and the sync interval.

Credentials are ``ir.config_parameter`` rows, which only system administrators may read
(``base.group_system``); the fields are restricted to that group too. The private key and
the client secret are write-only here: the form shows whether one is set, never the value,
so a key is not displayed again on every visit of the settings page.
"""

from cryptography.hazmat.primitives import serialization
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..engine.providers import param_key

SYSTEM = "base.group_system"
INTERVAL_PARAM = "bankrec_feeds.sync_interval"
DEFAULT_INTERVAL = 60  # minutes
MIN_INTERVAL = 5
SYNC_CRON = "account_bank_reconcile_feeds.ir_cron_bankrec_feeds_sync"
# write-only settings: field -> (provider, setting)
SECRETS = {
    "bankrec_feeds_eb_private_key": ("enablebanking", "private_key"),
    "bankrec_feeds_bridge_client_secret": ("bridge", "client_secret"),
}


def check_private_key(pem):
    """Refuse text that is not an unencrypted PEM private key, without quoting it."""
    try:
        serialization.load_pem_private_key(pem.strip().encode(), password=None)
    except (ValueError, TypeError, UnicodeError):
        raise UserError(
            _(
                "The Enable Banking private key is not an unencrypted PEM private key: paste "
                "the whole file, from -----BEGIN PRIVATE KEY----- to its END line."
            )
        ) from None


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    bankrec_feeds_eb_application_id = fields.Char(
        string="Enable Banking application id",
        config_parameter=param_key("enablebanking", "application_id"),
        groups=SYSTEM,
    )
    bankrec_feeds_eb_private_key = fields.Text(
        string="Enable Banking private key",
        groups=SYSTEM,
        help="The application's private key (PEM). Stored for system administrators only and "
        "never shown again; paste a new one to replace it.",
    )
    bankrec_feeds_eb_key_set = fields.Boolean(
        string="Private key set", compute="_compute_bankrec_feeds_secret_set", groups=SYSTEM
    )
    bankrec_feeds_eb_base_url = fields.Char(
        string="Enable Banking API address",
        config_parameter=param_key("enablebanking", "base_url"),
        groups=SYSTEM,
        help="Leave empty for https://api.enablebanking.com.",
    )
    bankrec_feeds_eb_psu_type = fields.Selection(
        [("business", "Business"), ("personal", "Personal")],
        string="Enable Banking customer type",
        config_parameter=param_key("enablebanking", "psu_type"),
        groups=SYSTEM,
    )
    bankrec_feeds_bridge_client_id = fields.Char(
        string="Bridge client id",
        config_parameter=param_key("bridge", "client_id"),
        groups=SYSTEM,
    )
    bankrec_feeds_bridge_client_secret = fields.Char(
        string="Bridge client secret",
        groups=SYSTEM,
        help="Stored for system administrators only and never shown again.",
    )
    bankrec_feeds_bridge_secret_set = fields.Boolean(
        string="Client secret set", compute="_compute_bankrec_feeds_secret_set", groups=SYSTEM
    )
    bankrec_feeds_bridge_base_url = fields.Char(
        string="Bridge API address",
        config_parameter=param_key("bridge", "base_url"),
        groups=SYSTEM,
        help="Leave empty for Bridge's production API.",
    )
    bankrec_feeds_sync_interval = fields.Integer(
        string="Synchronise every (minutes)",
        config_parameter=INTERVAL_PARAM,
        default=DEFAULT_INTERVAL,
        groups=SYSTEM,
    )

    @api.depends("company_id")
    def _compute_bankrec_feeds_secret_set(self):
        params = self.env["ir.config_parameter"].sudo()
        key = bool(params.get_param(param_key("enablebanking", "private_key")))
        secret = bool(params.get_param(param_key("bridge", "client_secret")))
        for settings in self:
            settings.bankrec_feeds_eb_key_set = key
            settings.bankrec_feeds_bridge_secret_set = secret

    def set_values(self):
        super().set_values()
        if not self.env.user.has_group(SYSTEM):
            return
        params = self.env["ir.config_parameter"].sudo()
        for field, (provider, setting) in SECRETS.items():
            value = (self[field] or "").strip()
            if not value:
                continue  # empty: keep the one stored
            if setting == "private_key":
                check_private_key(value)
                value += "\n"
            params.set_param(param_key(provider, setting), value)
        self._bankrec_feeds_set_interval(self.bankrec_feeds_sync_interval)

    @api.model
    def _bankrec_feeds_set_interval(self, minutes):
        """The scheduled sync runs every ``minutes`` (at least :data:`MIN_INTERVAL`)."""
        minutes = minutes or DEFAULT_INTERVAL
        if minutes < MIN_INTERVAL:
            raise UserError(
                _("Bank feeds are synchronised every %s minutes at the most often.", MIN_INTERVAL)
            )
        cron = self.env.ref(SYNC_CRON, raise_if_not_found=False)
        if cron and (cron.interval_number, cron.interval_type) != (minutes, "minutes"):
            cron.sudo().write({"interval_number": minutes, "interval_type": "minutes"})
