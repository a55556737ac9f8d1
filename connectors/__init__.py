"""Connectors: sync bankrec with an ERP over its external API (Odoo 17 over XML-RPC/JSON-RPC).

Connectors depend on the core (:mod:`bankrec`) and never the other way round; they talk to
Odoo over the network only and never import it.
"""
