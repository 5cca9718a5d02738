"""Parsers for documents the office reviews (annual disclosure reports: annual_report.py)."""
