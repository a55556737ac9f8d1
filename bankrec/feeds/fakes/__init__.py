"""Local stand-ins for the aggregators' APIs, for tests, benchmarks and demos.

Each fake implements a provider's documented endpoints and error answers over real HTTP on
127.0.0.1, so the real requests-based clients are driven end to end and nothing reaches
the internet. :mod:`bankrec.feeds.fakes.server` holds what they share: the threaded
server, the call log and fault injection (429 with reset headers, 5xx, dropped
connections).
"""
