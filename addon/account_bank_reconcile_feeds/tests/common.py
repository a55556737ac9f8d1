# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A fake Enable Banking on 127.0.0.1 for the add-on's tests, and builders around it.

Odoo's test framework blocks outgoing HTTP except to 127.0.0.1 and localhost
(``BaseCase._request_handler``), which is where ``FakeServer`` listens: the real
requests-based client is driven end to end and nothing reaches the internet. Each test
class signs with a freshly generated RSA key whose public half the fake checks; the HTTP
client's back-off sleeps are replaced by a no-op, so no test really waits.
"""

import datetime as dt
from unittest.mock import patch

from odoo import fields
from odoo.addons.account_bank_reconcile_rules.tests.common import BankrecCommon
from odoo.tests import new_test_user

from bankrec.feeds.fakes.enablebanking import (
    DEFAULT_APP_ID,
    FakeEnableBanking,
    generate_private_key_pem,
    iban_for,
    public_key_pem,
)
from bankrec.feeds.fakes.server import FakeServer, Response

from ..engine.providers import param_key
from ..models.bankrec_feed_connection import BankrecFeedConnection

PAGE_SIZE = 2  # small pages, so a few lines already need the continuation key


class InterruptingFake(FakeEnableBanking):
    """The fake, able to fail the calls that follow a continuation key (mid-paging)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fail_continuations = 0
        self.fail_with = 503  # or None: drop the connection

    def route(self, request):
        if self.fail_continuations and request.query.get("continuation_key"):
            self.fail_continuations -= 1
            if self.fail_with is None:
                return None  # the server closes the connection without answering
            return Response(self.fail_with, {"message": "injected", "error": "SERVER_ERROR"})
        return super().route(request)


class FeedsCommon(BankrecCommon):
    @classmethod
    def setUpClass(cls, chart_template_ref=None):
        super().setUpClass(chart_template_ref=chart_template_ref)
        cls.private_key = generate_private_key_pem()  # a fresh key per test class
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param(param_key("enablebanking", "application_id"), DEFAULT_APP_ID)
        params.set_param(param_key("enablebanking", "private_key"), cls.private_key)
        patcher = patch.object(
            BankrecFeedConnection,
            "_bankrec_http_options",
            lambda self: {"sleep": lambda seconds: None, "timeout": 10},
        )
        patcher.start()
        cls.addClassCleanup(patcher.stop)

        cls.iban = iban_for("bankrec feeds test account", "FR")
        cls.bank.bank_account_id = cls.env["res.partner.bank"].create(
            {"acc_number": cls.iban, "partner_id": cls.company.partner_id.id}
        )
        cls.manager = new_test_user(
            cls.env,
            login="feeds_manager",
            groups="account_bank_reconcile_rules.group_bankrec_manager,account.group_account_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.Connection = cls.env["bankrec.feed.connection"]
        cls.today = fields.Date.context_today(cls.manager)

    def setUp(self):
        """A fake bank of its own for each test (its accounts, sessions, transactions)."""
        super().setUp()
        self.fake = InterruptingFake(public_key_pem(self.private_key), page_size=PAGE_SIZE)
        self.fake.add_account(self.iban, currency=self.currency.name, name="Business account")
        self.server = FakeServer(self.fake).start()
        self.addCleanup(self.server.stop)
        self.env["ir.config_parameter"].sudo().set_param(
            param_key("enablebanking", "base_url"), self.server.url
        )

    # ------------------------------------------------------------------ builders
    def start_consent(self, user=None, bank="BNP Paribas", journal=None):
        """'Connect a bank' as ``user``: the wizard's action (the consent URL)."""
        wizard = (
            self.env["bankrec.feed.connect"]
            .with_user(user or self.manager)
            .create(
                {
                    "journal_id": (journal or self.bank).id,
                    "provider": "enablebanking",
                    "country_id": self.env.ref("base.fr").id,
                }
            )
        )
        wizard.action_find_banks()
        wizard.bank_line_id = wizard.bank_line_ids.filtered(lambda b: b.name == bank)
        return wizard.action_connect()

    def connect(self, user=None):
        """A bank connected and completed as ``user``: the active connection."""
        action = self.start_consent(user)
        params = self.fake.redirect_params(action["url"])
        connection, message = self.Connection.with_user(user or self.manager)._bankrec_return(
            params
        )
        self.assertEqual(message, "")
        return connection

    def day(self, days_ago):
        return (self.today - dt.timedelta(days=days_ago)).isoformat()

    def add_tx(self, ref, days_ago, amount, party, label):
        """One booked transaction of our account at the fake bank (its API's JSON)."""
        side = "debtor" if amount > 0 else "creditor"
        self.fake.add_transaction(
            self.iban,
            {
                "entry_reference": ref,
                "transaction_amount": {
                    "currency": self.currency.name,
                    "amount": f"{abs(amount):.2f}",
                },
                "credit_debit_indicator": "CRDT" if amount > 0 else "DBIT",
                "status": "BOOK",
                "booking_date": self.day(days_ago),
                "value_date": self.day(days_ago),
                "remittance_information": [label],
                side: {"name": party},
            },
        )

    def feed_lines(self, journal=None):
        return self.StLine.search(
            [("journal_id", "=", (journal or self.bank).id), ("ref", "=like", "bankrec:%")],
            order="date, id",
        )
