"""The benchmark job, three ways: "aggregate + rank + validate" over crawled records in Parquet.

    records (county_id, unit_id, publish_date, column_id)          bench/synth.py make_records
      → items per unit per half-year (publish date → half-year integer: year * 2 + (month > 6))
      → ordinal rank within county × half-year by items (more first; ties by unit id)
      → validate the aggregate: row count within bounds, counts non-negative, the sum of counts
        equals the number of input records, ranks 1..n and unique in every county × half-year
      → the ranked aggregate written to Parquet (county_id, half, unit_id, items, rank)

- ``zwgk``: how the pipeline does it — DuckDB over the Parquet file in place (typed columns,
  integer unit ids with the unit registry as a small dimension file, the half-year as an integer,
  a DuckDB memory limit), the ranked aggregate as a DuckDB table written straight to Parquet,
  and the validation by Great Expectations, through
  the project's GX runner (expectations/runner.py), on the small per-group summary DuckDB
  computes — one row per county × half-year, never the records or the aggregate rows.
- ``pandas``: plain pandas — read_parquet, to_datetime, groupby/size, sort + cumcount, checks in
  pandas.
- ``polars-lazy``: polars LazyFrame — scan_parquet, group_by/len, sort + int_range over groups,
  collected (the aggregate only) and written to Parquet, checks on it in polars.

Each function takes the record file and an output path and returns a small dict; the caller
(bench/child.py) times it in a fresh process.
"""

from __future__ import annotations

import time
from pathlib import Path

# --------------------------------------------------------------------------------------------
# zwgk: DuckDB over Parquet + GX on the per-group summary
# --------------------------------------------------------------------------------------------

ZWGK_MEMORY_LIMIT = "600MB"
PERFECT_HT_MIN_RECORDS = 4_000_000

# Items per unit and half-year, ranked within county × half-year. The aggregate groups by the unit id
# and the half-year only (the unit registry says which county a unit belongs to, so the county is
# joined after aggregating, on 2.4M rows instead of 1e7): both keys are integers with known ranges
# (Parquet statistics; year()/month() keep them), so DuckDB counts into a perfect hash table (an
# array indexed by unit × half-year) instead of a hash table — see perfect_ht_threshold below.
# half = year * 2 + month // 7 is year * 2 + (month > 6), written so that DuckDB keeps its range.
RANKED_SQL = """
CREATE TEMP TABLE ranked AS
WITH items AS (
    SELECT unit_id, year(publish_date) * 2 + month(publish_date) // 7 AS half, count(*) AS items
    FROM read_parquet($src)
    GROUP BY unit_id, half
)
SELECT u.county_id, CAST(i.half AS SMALLINT) AS half, i.unit_id, CAST(i.items AS INTEGER) AS items,
       CAST(row_number() OVER (PARTITION BY u.county_id, i.half ORDER BY i.items DESC, i.unit_id) AS INTEGER) AS rank
FROM items i
JOIN read_parquet($units) u USING (unit_id)
"""

# One row per county × half-year. rank_distinct counts the distinct ranks exactly with a bitmap per
# group (bitstring_agg over 1..the largest rank; bit_count): 3× cheaper here than count(DISTINCT).
SUMMARY_SQL = """
SELECT county_id, half, count(*) AS rows, sum(items) AS items_sum, min(items) AS items_min,
       min(rank) AS rank_min, max(rank) AS rank_max,
       bit_count(bitstring_agg(rank, {low}, {high})) AS rank_distinct
FROM ranked
GROUP BY ALL
"""


def zwgk_checks(records: int, max_rows: int):
    """The GX checks of the job, as the project's Check objects, on the per-group summary frame."""
    from expectations.checks import Check, _gxe

    def msg(text):
        return lambda r: text

    return (
        Check("aggregate_rows_in_bounds", "bad_rows", "rows", "error", "聚合行数在 1 与 单位数×半年数 之间。",
              lambda *_: _gxe().ExpectColumnSumToBeBetween(column="rows", min_value=1, max_value=max_rows),
              ("county_id", "half"), msg("聚合行数超出范围")),
        Check("counts_non_negative", "bad_count", "rows", "error", "每个单位每半年的条数不小于0。",
              lambda *_: _gxe().ExpectColumnValuesToBeBetween(column="items_min", min_value=0),
              ("county_id", "half", "items_min"), msg("条数为负")),
        Check("counts_add_up", "count_mismatch", "rows", "error", "各条数之和等于输入记录数。",
              lambda *_: _gxe().ExpectColumnSumToBeBetween(column="items_sum", min_value=records, max_value=records),
              ("county_id", "half"), msg("条数之和不等于记录数")),
        Check("ranks_start_at_one", "rank_inconsistent", "rows", "error", "每个县×半年的排名从1开始。",
              lambda *_: _gxe().ExpectColumnValuesToBeInSet(column="rank_min", value_set=[1]),
              ("county_id", "half", "rank_min"), msg("排名不从1开始")),
        Check("ranks_end_at_n", "rank_inconsistent", "rows", "error", "每个县×半年的最大排名等于单位数。",
              lambda *_: _gxe().ExpectColumnPairValuesToBeEqual(column_A="rank_max", column_B="rows"),
              ("county_id", "half", "rank_max", "rows"), msg("最大排名不等于单位数")),
        Check("ranks_unique", "rank_inconsistent", "rows", "error", "每个县×半年的排名互不相同。",
              lambda *_: _gxe().ExpectColumnPairValuesToBeEqual(column_A="rank_distinct", column_B="rows"),
              ("county_id", "half", "rank_distinct", "rows"), msg("排名有重复")),
        Check("groups_unique", "duplicate_group", "rows", "error", "县×半年组合不重复。",
              lambda *_: _gxe().ExpectCompoundColumnsToBeUnique(column_list=["county_id", "half"]),
              ("county_id", "half"), msg("县×半年重复")),
    )


def zwgk(src: str | Path, dst: str | Path, *, units: str | Path | None = None, memory_limit: str = ZWGK_MEMORY_LIMIT,
         threads: int | None = None, max_rows: int = 150_000 * 20) -> dict:
    import duckdb
    import pandas as pd

    from bench.synth import units_path_for
    from expectations.runner import validate

    units = units or units_path_for(src)
    records = duckdb.sql(f"SELECT sum(num_rows) FROM parquet_file_metadata('{_quote(src)}')").fetchall()[0][0]
    # perfect_ht_threshold: bits of the group key space up to which DuckDB may count into a perfect
    # hash table (an array); 150,000 unit ids × 20 half-years need 18 + 5 = 23 bits: 8M slots. The
    # array costs its size to set up and scan, so it pays only with several records per slot group:
    # measured here, 1e6 records 0.24 s with a hash table vs 0.34 s; 1e7 records 1.5 s vs 1.0 s.
    config = {"memory_limit": memory_limit, "preserve_insertion_order": False,
              "perfect_ht_threshold": 24 if records >= PERFECT_HT_MIN_RECORDS else 12}
    if threads:
        config["threads"] = threads
    stages = {}
    clock = time.perf_counter()

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        stages[name] = round(now - clock, 3)
        clock = now

    con = duckdb.connect(config=config)
    try:
        con.execute(RANKED_SQL, {"src": str(src), "units": str(units)}).fetchall()
        lap("aggregate+rank")
        con.execute(f"COPY ranked TO '{_quote(dst)}' (FORMAT parquet)").fetchall()
        lap("write")
        # bitstring_agg takes constant bounds that hold every rank: the ranks' own range
        low, high = con.execute("SELECT coalesce(min(rank), 1), coalesce(max(rank), 1) FROM ranked").fetchone()
        summary = con.execute(SUMMARY_SQL.format(low=min(int(low), 1), high=max(int(high), 1))).df()
        rows = int(summary["rows"].sum())
        lap("summary")
    finally:
        con.close()
    records = int(records)
    empty = pd.DataFrame()
    outcome = validate({"rows": summary, "tables": empty, "period": empty}, checks=zwgk_checks(records, max_rows),
                       run_name="bench")
    failed = [r.name for r in outcome.results if not r.success]
    lap("validate (GX)")
    return {"records": records, "rows": rows, "groups": len(summary), "valid": not failed, "failed": failed,
            "checks": len(outcome.results), "stages": stages}


def _quote(path) -> str:
    return str(path).replace("'", "''")


# --------------------------------------------------------------------------------------------
# plain pandas
# --------------------------------------------------------------------------------------------


def pandas_job(src: str | Path, dst: str | Path, *, max_rows: int = 150_000 * 20) -> dict:
    import pandas as pd

    df = pd.read_parquet(src, columns=["county_id", "unit_id", "publish_date"])
    records = len(df)
    dates = pd.to_datetime(df["publish_date"])
    df["half"] = (dates.dt.year * 2 + (dates.dt.month > 6)).astype("int16")
    df = df.drop(columns=["publish_date"])
    items = df.groupby(["county_id", "half", "unit_id"], sort=False).size().rename("items").reset_index()
    del df, dates
    items = items.sort_values(["county_id", "half", "items", "unit_id"], ascending=[True, True, False, True])
    items["rank"] = items.groupby(["county_id", "half"], sort=False).cumcount().astype("int32") + 1
    items.to_parquet(dst, index=False)
    groups = items.groupby(["county_id", "half"], sort=False)
    summary = groups.agg(rows=("rank", "size"), rank_min=("rank", "min"), rank_max=("rank", "max"),
                         rank_distinct=("rank", "nunique"))
    failed = [name for name, ok in (
        ("aggregate_rows_in_bounds", 1 <= len(items) <= max_rows),
        ("counts_non_negative", bool((items["items"] >= 0).all())),
        ("counts_add_up", int(items["items"].sum()) == records),
        ("ranks_start_at_one", bool((summary["rank_min"] == 1).all())),
        ("ranks_end_at_n", bool((summary["rank_max"] == summary["rows"]).all())),
        ("ranks_unique", bool((summary["rank_distinct"] == summary["rows"]).all())),
    ) if not ok]
    return {"records": records, "rows": len(items), "groups": len(summary), "valid": not failed, "failed": failed,
            "checks": 6}


# --------------------------------------------------------------------------------------------
# polars lazy
# --------------------------------------------------------------------------------------------


def polars_lazy(src: str | Path, dst: str | Path, *, max_rows: int = 150_000 * 20) -> dict:
    import polars as pl

    date = pl.col("publish_date")
    ranked = (
        pl.scan_parquet(src)
        .select("county_id", "unit_id", (date.dt.year().cast(pl.Int32) * 2 + (date.dt.month() > 6).cast(pl.Int32))
                .cast(pl.Int16).alias("half"))
        .group_by("county_id", "half", "unit_id")
        .agg(pl.len().cast(pl.Int32).alias("items"))
        .sort(["county_id", "half", "items", "unit_id"], descending=[False, False, True, False])
        .with_columns((pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("county_id", "half")).alias("rank"))
    )
    frame = ranked.collect()
    frame.write_parquet(dst)
    records = pl.scan_parquet(src).select(pl.len()).collect().item()
    summary = (
        frame.lazy()
        .group_by("county_id", "half")
        .agg(pl.len().alias("rows"), pl.col("items").sum().alias("items_sum"), pl.col("items").min().alias("items_min"),
             pl.col("rank").min().alias("rank_min"), pl.col("rank").max().alias("rank_max"),
             pl.col("rank").n_unique().alias("rank_distinct"))
        .collect()
    )
    rows = int(summary["rows"].sum())
    failed = [name for name, ok in (
        ("aggregate_rows_in_bounds", 1 <= rows <= max_rows),
        ("counts_non_negative", summary["items_min"].min() >= 0),
        ("counts_add_up", int(summary["items_sum"].sum()) == records),
        ("ranks_start_at_one", (summary["rank_min"] == 1).all()),
        ("ranks_end_at_n", (summary["rank_max"] == summary["rows"]).all()),
        ("ranks_unique", (summary["rank_distinct"] == summary["rows"]).all()),
    ) if not ok]
    return {"records": records, "rows": rows, "groups": summary.height, "valid": not failed, "failed": failed,
            "checks": 6}


JOBS = {"zwgk": zwgk, "pandas": pandas_job, "polars-lazy": polars_lazy}

# What each job imports before the clock starts (the child process imports these first).
IMPORTS = {
    "zwgk": ("duckdb", "pandas", "great_expectations", "expectations.runner"),
    "pandas": ("pandas", "pyarrow.parquet"),
    "polars-lazy": ("polars",),
}
