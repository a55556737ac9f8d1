"""The bank-feeds add-on (addon/account_bank_reconcile_feeds) on a REAL Odoo 17: it installs
on top of the rules add-on and its own Odoo tests pass against the fake Enable Banking they
start on 127.0.0.1 -- "Connect a bank" returns the fake's consent link, the return through
Odoo's HTTP stack activates the connection and maps the account to the journal by IBAN (a
wrong state, another user or a refusal complete nothing), a sync creates the lines once and
starts a reconciliation run, a sync interrupted mid-paging (5xx beyond the retries, dropped
connections) creates nothing and the re-run each line exactly once, an expired consent is
one line and one message on the journal, the 7-day renewal notice comes once per end date,
and only system administrators can read the private key. A browser tour (Odoo's test
Chromium) walks the whole flow as a person does: the dashboard card's "Connect a bank", the
wizard, the fake bank's consent page and its redirect back to Odoo, the journal showing the
active feed, then the card's "Synced"/"Consent until" and "Synchronise now"; the test then
checks the connection, the account mapped by IBAN, each transaction imported once and the
reconciliation run."""

from __future__ import annotations

import pytest

from tests.odoo_server import LocalOdoo, ModuleTestResult

pytestmark = pytest.mark.odoo


def test_the_feeds_addons_own_odoo_tests_pass(
    feeds_addon: tuple[LocalOdoo, ModuleTestResult],
) -> None:
    _server, result = feeds_addon
    assert result.total is not None, "Odoo printed no test result line; see the server log"
    assert result.total >= 36  # 35 ORM and HTTP tests, the browser tour
    assert (result.failed, result.errors) == (0, 0), result.log[-6000:]
