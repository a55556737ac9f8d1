"""Statement import: every bank format read into :class:`bankrec.model.Transaction`."""
