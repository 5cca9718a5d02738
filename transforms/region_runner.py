"""The region layer: county marts exported as Parquet, and the region models run over them in place.

A region run (flows/region.py) has one private DuckDB file per county, written only by that
county's tasks, and one region DuckDB file, opened only by the parent flow run. What connects
them is a Parquet tree in hive layout, one partition per mart, county and period:

    <parquet_root>/<mart>/county_slug=<slug>/period=<P>/part-0.parquet

- ``export_county_marts`` (a county task) writes a county's three marts for one period into
  their partitions: each file goes to a temporary name in the partition folder and is renamed
  into place, so a reader never sees half a file and a rerun replaces the partition.
- ``run_region`` (the parent) opens the region DuckDB with a memory limit, puts temporary views
  ``src_<mart>`` over ``read_parquet(..., hive_partitioning = true)`` and materialises every
  model in ``transforms/region/*.sql`` (one SELECT per file, parameterised by ``$period`` and
  ``$counties``, the slugs of this run) for that period, in one transaction. Filters on
  ``county_slug`` and ``period`` prune partitions: only the files of this run are read.
- ``region/queries/*.sql`` are the statements the region renderer and checks run.

Nothing here loads county rows into pandas; the frames the checks take are per county.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import duckdb

from transforms.runner import SQL_DIR, execute, transaction

REGION_DIR = SQL_DIR / "region"
MARTS = ("unit_period_counts", "category_period_totals", "period_totals")
PARTITION_KEYS = ("county_slug", "period")
PART_FILE = "part-0.parquet"
_SLUG = re.compile(r"^[A-Za-z0-9_-]+$")
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.I)


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
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        counts = {}
        for mart in MARTS:
            folder = partition_dir(parquet_root, mart, county_slug, period)
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / PART_FILE
            tmp = folder / f".{PART_FILE}.{uuid.uuid4().hex}.tmp"
            order = {"unit_period_counts": "table_no, rank", "category_period_totals": "table_no"}.get(mart, "1")
            statement = (f'COPY (SELECT {_export_columns(con, mart)} FROM "{mart}" '
                         f"WHERE county_slug = $county_slug AND period = $period ORDER BY {order}) "
                         f"TO '{_quote(tmp)}' (FORMAT parquet, COMPRESSION zstd)")
            try:
                rows = execute(con, statement, {"county_slug": county_slug, "period": period})
                os.replace(tmp, final)
            finally:
                tmp.unlink(missing_ok=True)
            counts[mart] = int(rows[0][0]) if rows else 0
        return counts
    finally:
        con.close()


def _export_columns(con: duckdb.DuckDBPyConnection, mart: str) -> str:
    """The mart's columns without the partition keys; sums (HUGEINT, which Parquet would store as
    DOUBLE) as BIGINT, so counts stay integers in the files."""
    rows = execute(con, "SELECT column_name, data_type FROM information_schema.columns "
                        "WHERE table_name = $t AND table_schema = 'main' ORDER BY ordinal_position", {"t": mart})
    if not rows:
        raise LookupError(f"{mart}: 县级仓库中没有这张表（请先运行 transform）")
    return ", ".join(f'CAST("{c}" AS BIGINT) AS "{c}"' if t.upper() in {"HUGEINT", "UHUGEINT"} else f'"{c}"'
                     for c, t in rows if c not in PARTITION_KEYS)


# --------------------------------------------------------------------------------------------
# Region side: the parent's single DuckDB connection over the Parquet tree
# --------------------------------------------------------------------------------------------


def _quote(path: str | Path) -> str:
    return str(path).replace("'", "''")


def connect(path: str | Path, *, memory_limit: str | None = None, threads: int | None = None,
            read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the region DuckDB (no county schema in it) with a memory limit."""
    if str(path) != ":memory:" and not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    config = {}
    if memory_limit:
        if not _MEMORY.match(str(memory_limit)):
            raise ValueError(f"memory_limit 应形如 512MB、1GB、2GiB，实为 {memory_limit!r}")
        config["memory_limit"] = str(memory_limit).replace(" ", "")
    if threads:
        config["threads"] = int(threads)
    return duckdb.connect(str(path), read_only=read_only, config=config)


def source_glob(parquet_root: str | Path, mart: str) -> str:
    return str(Path(parquet_root).resolve() / mart / "*" / "*" / "*.parquet")


def register_sources(con: duckdb.DuckDBPyConnection, parquet_root: str | Path) -> None:
    """Temporary views ``src_<mart>`` over the Parquet tree (read in place, hive partitions)."""
    for mart in MARTS:
        glob = source_glob(parquet_root, mart)
        execute(con, f"""CREATE OR REPLACE TEMP VIEW "src_{mart}" AS
            SELECT * FROM read_parquet('{_quote(glob)}', hive_partitioning = true, union_by_name = true,
                                       hive_types = {{'county_slug': VARCHAR, 'period': VARCHAR}})""")


def models() -> dict[str, str]:
    """name → SQL of every region model, in dependency order (a model that reads another after it)."""
    found = {p.stem: p.read_text(encoding="utf-8") for p in sorted(REGION_DIR.glob("*.sql"))}
    deps = {n: {o for o in found if o != n and re.search(rf"\b{o}\b", re.sub(r"--[^\n]*", "", t))}
            for n, t in found.items()}
    order: list[str] = []

    def visit(name: str, seen: tuple[str, ...] = ()) -> None:
        if name in order:
            return
        if name in seen:
            raise RuntimeError(f"transforms/region: models reference each other in a cycle at {name}")
        for dep in sorted(deps[name]):
            visit(dep, (*seen, name))
        order.append(name)

    for name in sorted(found):
        visit(name)
    return {name: found[name] for name in order}


def sql(name: str) -> str:
    return (REGION_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str] | None:
    rows = execute(con, "SELECT column_name FROM information_schema.columns WHERE table_name = $t "
                        "AND table_schema = 'main' ORDER BY ordinal_position", {"t": table})
    return [r[0] for r in rows] or None


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
    register_sources(con, parquet_root)
    params = {"period": period, "counties": list(counties)}
    counts: dict[str, int] = {}
    with transaction(con):
        for name, text in models().items():
            probe = con.execute(f"SELECT * FROM ({text}) LIMIT 0", params)
            wanted = [d[0] for d in probe.description]
            probe.fetchall()
            existing = _columns(con, name)
            if existing is not None and existing != wanted:
                execute(con, f'DROP TABLE "{name}"')
                existing = None
            if existing is None:
                execute(con, f'CREATE TABLE "{name}" AS SELECT * FROM ({text}) LIMIT 0', params)
            execute(con, f'DELETE FROM "{name}" WHERE period = $period', {"period": period})
            execute(con, f'INSERT INTO "{name}" BY NAME {text}', params)
            counts[name] = int(execute(con, f'SELECT count(*) FROM "{name}" WHERE period = $period',
                                       {"period": period})[0][0])
    return counts


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
    rows = execute(con, f"COPY ({text}) TO '{_quote(path)}' (HEADER, DELIMITER ',')", params)
    return int(rows[0][0]) if rows else 0
