"""Synthetic data and benchmarks (``make bench``). Not part of the installed package."""
