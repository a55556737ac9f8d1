# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where the bank sends the user back after consent: ``/bankrec/feeds/return``.

Only a logged-in user reaches it, and only the user who started the consent completes it
(the random ``state`` the wizard stored is looked up and must be theirs). On success the
browser goes back to the journal; otherwise a short page says what happened, in one line.
"""

from odoo import http
from odoo.http import request

RETURN_PAGE = "account_bank_reconcile_feeds.feed_return_page"


def journal_url(journal):
    return f"/web#id={journal.id}&model=account.journal&view_type=form"


class BankrecFeedsController(http.Controller):
    @http.route("/bankrec/feeds/return", type="http", auth="user", methods=["GET"])
    def bankrec_feeds_return(self, **params):
        Connection = request.env["bankrec.feed.connection"]
        connection, message = Connection._bankrec_return(params)
        journal = connection.journal_id if connection else None
        if connection and connection.state == "active" and not message:
            return request.redirect(journal_url(journal), local=True)
        values = {
            "message": message,
            "connected": bool(connection and connection.state == "active"),
            "back_url": journal_url(journal) if journal else "/web",
        }
        return request.render(RETURN_PAGE, values)
