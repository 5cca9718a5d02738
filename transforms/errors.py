"""The warehouse's errors that commands name in one line (kept apart from runner.py so the command line
can know them without importing DuckDB)."""

from __future__ import annotations


class StoreDamaged(ValueError):
    """A warehouse or crawl-store file zwgk cannot read: damaged (a disk fault, an overwritten header, a
    truncated copy) or not such a file. The message names the file and says what to do (zwgk doctor,
    docs/reliability.md "损坏的仓库或采集存储")."""


class WarehouseInUse(RuntimeError):
    """DuckDB refused the file because another process holds it (its "Conflicting lock" text)."""
