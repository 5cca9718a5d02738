"""The region layer's Parquet exchange: county marts exported as Parquet, read in place by the region.

A region run (flows/region_flow.py) may keep one private DuckDB file per county, written only by
that county's tasks, and one region DuckDB file, opened only by the parent flow run. What connects
them is a Parquet tree in hive layout, one partition per mart, county and period:

    <parquet_root>/<mart>/county_slug=<slug>/period=<P>/part-0.parquet

- ``export_county_marts`` (a county task) writes a county's three marts for one period into
  their partitions: each file goes to a temporary name in the partition folder and is renamed
  into place, so a reader never sees half a file and a rerun replaces the partition.
- ``run_region`` (the parent) checks the partitions exist and runs the region models over them
  (``run_region_models`` with ``parquet_root``: temporary views ``src_<mart>`` over
  ``read_parquet(..., hive_partitioning = true)``; filters on county_slug and period prune
  partitions, so only the files of this run are read).
- ``region/queries/*.sql`` are the statements the region renderer and checks run.

When the counties' marts are built set-based in the region's own warehouse (``runner.run_scope``
over all its counties), ``run_region_models`` without ``parquet_root`` reads them directly
and no Parquet is written.

This module opens DuckDB, orders the models and builds them only through transforms/runner.py
(``connect``, ``models("region")``, ``build_period``); the statements whose names vary are runner
templates. Nothing here loads county rows into pandas; the frames the checks take are per county.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import duckdb

from transforms import runner
from transforms.model_files import SQL_DIR, template
from transforms.runner import execute

# The county marts a region's models read (as ``src_<mart>`` views: over the marts in the same
# warehouse, or over their Parquet export).
REGION_SOURCES = ("unit_period_counts", "category_period_totals", "period_totals")
MARTS = REGION_SOURCES
PARTITION_KEYS = ("county_slug", "period")

REGION_DIR = SQL_DIR / "region"
PART_FILE = "part-0.parquet"
_SLUG = re.compile(r"^[A-Za-z0-9_-]+$")
ORDER = {"unit_period_counts": ("table_no", "rank"), "category_period_totals": ("table_no",)}


# --------------------------------------------------------------------------------------------
# County side: export the marts of one county and period as Parquet partitions
# --------------------------------------------------------------------------------------------


def partition_dir(parquet_root: str | Path, mart: str, county_slug: str, period: str) -> Path:
    if not _SLUG.match(county_slug) or not _SLUG.match(period):
        raise ValueError(f"partition key must be letters, digits, - or _: {county_slug!r} / {period!r}")
    return Path(parquet_root) / mart / f"county_slug={county_slug}" / f"period={period}"


def export_county_marts(warehouse: str | Path, county_slug: str, period: str,
                        parquet_root: str | Path) -> dict[str, int]:
    """Write the county's marts for the period to their partitions; returns rows per mart.

    The partition columns are not stored in the files (the folder names carry them).
    """
    with runner.connect(warehouse, read_only=True, schema=False) as con:
        counts = {}
        for mart in MARTS:
            folder = partition_dir(parquet_root, mart, county_slug, period)
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / PART_FILE
            tmp = folder / f".{PART_FILE}.{uuid.uuid4().hex}.tmp"
            columns = source_columns(con, mart)
            # A mart without sort columns (period_totals) is ordered by its first column, as ORDER BY 1.
            order = ORDER.get(mart, (columns[0][0],))
            statement = template("export_partition", table=mart, columns=columns, order=order)
            try:
                rows = execute(con, statement, {"county_slug": county_slug, "period": period, "path": str(tmp)})
                os.replace(tmp, final)
            finally:
                tmp.unlink(missing_ok=True)
            counts[mart] = int(rows[0][0]) if rows else 0
        return counts


# --------------------------------------------------------------------------------------------
# Region side: the parent's single DuckDB connection over the Parquet tree
# --------------------------------------------------------------------------------------------


def connect(path: str | Path, *, memory_limit: str | None = None, threads: int | None = None,
            read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the region DuckDB (no county schema in it) with a memory limit (runner.connect)."""
    return runner.connect(path, read_only=read_only, memory_limit=memory_limit, threads=threads,
                          schema=False, check_memory=True)


def source_glob(parquet_root: str | Path, mart: str) -> str:
    return str(Path(parquet_root).resolve() / mart / "*" / "*" / "*.parquet")


def register_sources(con: duckdb.DuckDBPyConnection, parquet_root: str | Path) -> None:
    """Temporary views ``src_<mart>`` over the Parquet tree (read in place, hive partitions)."""
    register_parquet_sources(con, parquet_root)


def models() -> dict[str, str]:
    """name → SQL of every region model, in dependency order (a model that reads another after it)."""
    return runner.models("region")


def sql(name: str) -> str:
    return runner.sql(f"region/{name}")


def run_region(con: duckdb.DuckDBPyConnection, parquet_root: str | Path, period: str,
               counties: list[str]) -> dict[str, int]:
    """Materialise every region model for the period over these counties' partitions, atomically.

    A model whose columns changed is dropped and recreated (its other periods are rebuilt by
    their next run). Returns rows per model.
    """
    if not counties:
        raise ValueError("run_region: no county to aggregate")
    for mart in MARTS:
        missing = [c for c in counties
                   if not (partition_dir(parquet_root, mart, c, period) / PART_FILE).exists()]
        if missing:
            raise FileNotFoundError(f"{mart}: 缺少县市区 {', '.join(missing)} {period} 的 Parquet 分区")
    return run_region_models(con, period, counties, parquet_root=parquet_root)


def records(con: duckdb.DuckDBPyConnection, name: str, **params) -> list[dict]:
    """Run ``region/queries/<name>.sql``; rows as dicts (small results only: per county or top-N)."""
    cur = con.execute(sql(f"queries/{name}"), params)
    columns = [d[0] for d in cur.description]
    return [dict(zip(columns, row)) for row in cur.fetchall()]


def frame(con: duckdb.DuckDBPyConnection, name: str, **params):
    """The same as a pandas DataFrame, for the checks (per-county aggregates, never unit rows)."""
    return con.execute(sql(f"queries/{name}"), params).df()


def copy_to_csv(con: duckdb.DuckDBPyConnection, name: str, path: str | Path, **params) -> int:
    """Write a query's result straight to CSV (DuckDB writes it; nothing goes through Python)."""
    text = sql(f"queries/{name}").strip().rstrip(";")
    rows = execute(con, template("copy_csv", model=text), {**params, "path": str(path)})
    return int(rows[0][0]) if rows else 0


def source_columns(con: duckdb.DuckDBPyConnection, mart: str) -> list[tuple[str, str | None]]:
    """A county mart's columns without the partition keys, as a region source holds them: sums
    (HUGEINT, which Parquet would store as DOUBLE) cast to BIGINT, so counts stay integers."""
    rows = runner.columns(con, mart)
    if not rows:
        raise LookupError(f"{mart}: 县级仓库中没有这张表（请先运行 transform）")
    return [(c, "BIGINT" if t.upper() in {"HUGEINT", "UHUGEINT"} else None)
            for c, t in rows if c not in PARTITION_KEYS]


def register_local_sources(con: duckdb.DuckDBPyConnection) -> None:
    """Temporary views ``src_<mart>`` over the county marts held in this warehouse (set-based: every
    county built by ``run_scope`` is a partition of the same tables)."""
    for mart in REGION_SOURCES:
        execute(con, template("local_source_view", view=f"src_{mart}", table=mart,
                              columns=source_columns(con, mart)))


def register_parquet_sources(con: duckdb.DuckDBPyConnection, parquet_root: str | Path) -> None:
    """Temporary views ``src_<mart>`` over the marts' Parquet partitions (read in place, hive layout)."""
    execute(con, runner.sql("region/queries/set_parquet_root"), {"root": str(Path(parquet_root).resolve())})
    for mart in REGION_SOURCES:
        execute(con, template("source_view", view=f"src_{mart}", folder=mart))


def run_region_models(con: duckdb.DuckDBPyConnection, period: str, counties: list[str], *,
                      parquet_root: str | Path | None = None) -> dict[str, int]:
    """Materialise every region model (``region/*.sql``, by ``$period`` and ``$counties``) for the
    period over these counties, atomically; returns rows per model.

    The models read ``src_<mart>`` views: over the county marts in this same warehouse (default: the
    counties must have been built for the period, ``run_scope``), or, with ``parquet_root``, over the
    marts' Parquet export (transforms/region_runner.py checks the partitions exist)."""
    from flows.domain.periods import parse_period

    if not counties:
        raise ValueError("run_region_models: no county to aggregate")
    code = parse_period(period).code
    if parquet_root is None:
        built = runner.columns(con, "period_counts_source") is not None
        missing = [c for (c,) in execute(con, runner.sql("region/queries/counties_not_built"),
                                        {"period": code, "counties": list(counties)})] if built else list(counties)
        if missing:
            raise LookupError(f"县级集市中缺少县市区 {', '.join(missing)} {code} 的结果（请先运行 run_scope）")
        register_local_sources(con)
    else:
        register_parquet_sources(con, parquet_root)
    return runner.build_period(con, runner.models("region"), {"period": code, "counties": list(counties)})
