"""Seeded, hard matching data with ground truth, and its evaluation.

``bench.generate_matching`` and ``bench.evaluate_matching`` are the commands; this package
holds their parts (names, bank wording, references, cases, truth, metrics) so each stays
small enough to read and to test on its own.
"""
