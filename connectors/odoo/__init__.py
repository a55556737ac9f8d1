"""Odoo 17 over its external API: transports, batched reads, planned write-back, sync.

Nothing here imports Odoo: every call goes over XML-RPC (standard library) or JSON-RPC
(odoorpc) through :class:`connectors.odoo.transport.OdooTransport`, so bankrec works with
any Odoo 17 Community it can reach without installing anything on it.
"""
