# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""'Connect a bank' on a bank journal: provider, country, bank, consent days -> the bank.

Two steps in one form: "Find banks" asks the provider for the country's banks (they
become lines of the wizard to choose from); "Connect" stores a pending connection with a
random ``state``, asks the provider for a consent link redirecting to
``<web.base.url>/bankrec/feeds/return`` and sends the browser there. The controller
completes the consent when the bank sends the user back.
"""

import secrets

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from bankrec.feeds.errors import FeedError
from bankrec.feeds.provider import Bank

from ..engine.providers import provider_for
from ..models.bankrec_feed_connection import PROVIDERS, one_line

RETURN_PATH = "/bankrec/feeds/return"
MAX_CONSENT_DAYS = 180  # what PSD2 lets a bank grant at most without a new consent


class BankrecFeedConnect(models.TransientModel):
    _name = "bankrec.feed.connect"
    _description = "Connect a bank to a journal through a bank-feed provider"

    journal_id = fields.Many2one("account.journal", required=True, domain="[('type', '=', 'bank')]")
    company_id = fields.Many2one(related="journal_id.company_id")
    provider = fields.Selection(PROVIDERS, required=True, default="enablebanking")
    country_id = fields.Many2one(
        "res.country",
        required=True,
        default=lambda self: self.env.company.country_id,
    )
    bank_line_ids = fields.One2many("bankrec.feed.connect.bank", "wizard_id", string="Banks")
    bank_line_id = fields.Many2one(
        "bankrec.feed.connect.bank", string="Bank", domain="[('wizard_id', '=', id)]"
    )
    consent_days = fields.Integer(
        string="Consent valid for (days)",
        default=90,
        help="How long the bank lets us read the account before it asks for consent again "
        "(at most what the bank grants).",
    )

    @api.onchange("provider", "country_id")
    def _onchange_clear_banks(self):
        self.bank_line_id = False

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Connect a bank"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _check(self):
        self.env["bankrec.feed.connection"].check_access_rights("create")
        if self.journal_id.type != "bank":
            raise UserError(_("%s is not a bank journal.", self.journal_id.display_name))

    def action_find_banks(self):
        """The country's banks, as the provider lists them, to choose from."""
        self.ensure_one()
        self._check()
        options = self.env["bankrec.feed.connection"]._bankrec_http_options()
        try:
            banks = provider_for(self.env, self.provider, **options).banks(self.country_id.code)
        except FeedError as exc:
            raise UserError(one_line(exc)) from None
        self.bank_line_ids.unlink()
        self.bank_line_id = False
        if not banks:
            raise UserError(
                _("%(provider)s lists no bank in %(country)s.",
                  provider=dict(PROVIDERS)[self.provider], country=self.country_id.name)
            )  # fmt: skip
        self.write(
            {
                "bank_line_ids": [
                    (0, 0, {
                        "name": bank.name, "bank_ref": bank.id, "country": bank.country,
                        "bic": bank.bic, "max_consent_days": bank.max_consent_days or 0,
                    })
                    for bank in banks
                ]
            }
        )  # fmt: skip
        if len(self.bank_line_ids) == 1:
            self.bank_line_id = self.bank_line_ids
        return self._reopen()

    def action_connect(self):
        """Store a pending connection and send the browser to the bank's consent page."""
        self.ensure_one()
        self._check()
        line = self.bank_line_id
        if not line:
            raise UserError(_("Choose a bank first (Find banks lists them)."))
        days = self.consent_days or 90
        if days < 1 or days > MAX_CONSENT_DAYS:
            raise UserError(_("A consent is valid between 1 and %s days.", MAX_CONSENT_DAYS))
        if line.max_consent_days:
            days = min(days, line.max_consent_days)
        token = secrets.token_urlsafe(32)
        connection = self.env["bankrec.feed.connection"].create(
            {
                "provider": self.provider,
                "company_id": self.journal_id.company_id.id,
                "journal_id": self.journal_id.id,
                "bank_name": line.name,
                "bank_ref": line.bank_ref,
                "country_code": line.country,
                "consent_days": days,
            }
        )
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")
        bank = Bank(
            id=line.bank_ref, name=line.name, country=line.country, bic=line.bic or "",
            max_consent_days=line.max_consent_days or None,
        )  # fmt: skip
        try:
            link = connection._bankrec_provider().connect(
                bank, redirect_url=base + RETURN_PATH, state=token, valid_days=days
            )
        except FeedError as exc:
            raise UserError(one_line(exc)) from None
        connection.sudo().write(
            {
                "consent_token": token,
                "consent_url": link.url,
                "consent_reference": link.reference,
            }
        )
        return {"type": "ir.actions.act_url", "url": link.url, "target": "self"}


class BankrecFeedConnectBank(models.TransientModel):
    _name = "bankrec.feed.connect.bank"
    _description = "A bank the provider can connect to"
    _order = "name"

    wizard_id = fields.Many2one("bankrec.feed.connect", required=True, ondelete="cascade")
    name = fields.Char(required=True)
    bank_ref = fields.Char(required=True)
    country = fields.Char()
    bic = fields.Char(string="BIC")
    max_consent_days = fields.Integer(string="Longest consent (days)")
