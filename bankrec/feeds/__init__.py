"""Live bank feeds: transactions fetched from an open-banking aggregator.

A company connects its bank once through a licensed aggregator with read-only consent;
bankrec then fetches the booked transactions of its accounts and turns them into the same
normalised :class:`~bankrec.model.Transaction` the statement importers produce, with the
same duplicate-safe ids, so a sync that overlaps an imported file duplicates nothing.

* :mod:`bankrec.feeds.provider` -- the small protocol every provider implements, and its
  plain data (banks, consent links, connections, accounts, consent status);
* :mod:`bankrec.feeds.http` -- the one HTTP client of all providers: retries with back-off
  on rate limits, 5xx and network faults, secrets redacted from every error;
* :mod:`bankrec.feeds.enablebanking`, :mod:`bankrec.feeds.bridge` -- the providers;
* :mod:`bankrec.feeds.registry` -- providers by name, with their settings.

Only the aggregator's session ids and tokens are ever stored, never bank credentials.
"""
