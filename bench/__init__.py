"""Benchmarks and evaluation data generators; figures are reported in the README."""
