"""Plain helpers of the bank-feeds add-on: providers from Odoo's restricted parameters, the
sink that turns synced transactions into statement lines, and the account-to-journal map."""
