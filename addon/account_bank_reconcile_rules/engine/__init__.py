"""The bankrec engine inside Odoo: the connector's code, run in-process through the ORM."""
