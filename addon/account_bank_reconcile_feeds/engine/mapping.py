# Copyright 2026 bankrec contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Which bank journal each account of a new consent feeds: by IBAN, pure and testable.

A consent may cover several accounts. Each one goes to the company's bank journal with
the same account number; when the consent has exactly one account and it matches no
journal, it is taken for the journal the bank was connected from (that journal has no
number yet, or one written otherwise). Anything else is left for a person, with a
message naming the numbers found.
"""

import datetime as dt
import re

_SPACES = re.compile(r"[\s.-]")


def normalise_iban(text):
    """An account number compared as banks mean it: no spaces or dots, upper case."""
    return _SPACES.sub("", text or "").upper()


def map_accounts(accounts, journals_by_iban, journal_id):
    """``{account id: journal id}`` for ``accounts`` (``FeedAccount``), and whether the
    journal ``journal_id`` got one. ``journals_by_iban`` maps normalised numbers to bank
    journal ids of the company (the connected journal first when two share a number)."""
    mapping = {}
    for account in accounts:
        found = journals_by_iban.get(normalise_iban(account.iban))
        if found:
            mapping[account.id] = found
    if not mapping and len(accounts) == 1:
        mapping[accounts[0].id] = journal_id
    return mapping, journal_id in mapping.values()


def naive_utc(value):
    """A provider's aware datetime as Odoo stores it (naive UTC); ``None`` stays ``None``."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def aware_utc(value):
    """An Odoo datetime (naive UTC) as the providers take it; falsy values become ``None``."""
    return value.replace(tzinfo=dt.UTC) if value else None
