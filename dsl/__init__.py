"""bankrec's rule language (being built). Imports nothing else of bankrec."""
