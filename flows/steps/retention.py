"""Retention (docs/reliability.md, "Retention"): what a newer crawl supersedes is pruned from the warehouse
after each load (``transforms.loaders.prune_crawls``), the crawl stores keep their newest item files, and
``zwgk vacuum`` prunes every county and rewrites the DuckDB file so the freed space returns to the disk.
Plain functions, no Prefect."""

from __future__ import annotations

import os
from pathlib import Path


def vacuum(warehouse: str | Path, keep_crawls: int = 1) -> dict:
    """Prune every county's superseded crawl items, then copy the warehouse into a fresh file and swap it in
    (one rename: a failure leaves the old file). Returns the sizes before and after and the items pruned.
    The caller holds the warehouse lock."""
    from transforms import runner
    from transforms.loaders import prune_crawls

    path = Path(warehouse)
    if not path.exists():
        raise FileNotFoundError(f"{path}: 仓库不存在")
    before = _size(path)
    con = runner.connect(path)
    try:
        counties = [r[0] for r in runner.execute(con, "SELECT DISTINCT county_slug FROM raw_crawls ORDER BY 1")]
        pruned = {slug: prune_crawls(con, slug, keep_crawls) for slug in counties}
        runner.execute(con, "CHECKPOINT")
    finally:
        con.close()
    fresh = path.with_name(path.name + ".vacuum.tmp")
    fresh.unlink(missing_ok=True)
    con = runner.connect(path, schema=False)
    try:
        runner.execute(con, f"ATTACH '{_quoted(fresh)}' AS fresh")
        runner.execute(con, f"COPY FROM DATABASE \"{_db_name(con)}\" TO fresh")
        runner.execute(con, "DETACH fresh")
    finally:
        con.close()
    os.replace(fresh, path)
    Path(str(path) + ".wal").unlink(missing_ok=True)  # the old file's log: checkpointed above
    return {"before_bytes": before, "after_bytes": _size(path), "pruned_items": pruned}


def _size(path: Path) -> int:
    wal = Path(str(path) + ".wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _db_name(con) -> str:
    return con.execute("SELECT current_database()").fetchone()[0].replace('"', '""')
