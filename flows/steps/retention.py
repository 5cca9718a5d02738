"""Retention (docs/reliability.md, "Retention"): what a newer crawl supersedes is pruned from the warehouse
after each load (``transforms.loaders.prune_crawls``), the crawl stores keep their newest item files, and
``zwgk vacuum`` prunes every county and rewrites the DuckDB file so the freed space returns to the disk.
Plain functions, no Prefect."""

from __future__ import annotations

from pathlib import Path


def vacuum(warehouse: str | Path, keep_crawls: int = 1) -> dict:
    """Prune every county's superseded crawl items, then rewrite the warehouse into a fresh file
    (``transforms.runner.compact``: one rename, a failure leaves the old file). Returns the sizes before
    and after and the items pruned. The caller holds the warehouse lock."""
    from transforms import runner
    from transforms.loaders import prune_crawls

    path = Path(warehouse)
    if not path.exists():
        raise FileNotFoundError(f"{path}: 仓库不存在")
    before = _size(path)
    with runner.connect(path) as con:
        counties = [r[0] for r in runner.execute(con, runner.sql("queries/crawled_counties"))]
        pruned = {slug: prune_crawls(con, slug, keep_crawls) for slug in counties}
    runner.compact(path)
    return {"before_bytes": before, "after_bytes": _size(path), "pruned_items": pruned}


def _size(path: Path) -> int:
    wal = Path(str(path) + ".wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
