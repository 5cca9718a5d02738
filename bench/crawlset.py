"""Synthetic crawled records for the region benchmark, and a real warehouse loaded with them.

A *crawl set* of N records is what the crawler would have returned for a region of counties in
one half-year (``PERIOD``): ``N / RECORDS_PER_COUNTY`` counties (at least 2, at most 3,000 — the
country has about 2,800), 50 registered units each (36 county departments and 14 townships, as a
county registry lists them), every item one article page with its own URL, a 发布机构 naming its
unit, a 栏目 and a 发布日期 — nine in ten inside the period, one in ten in the half-year before (the
marts must leave those out). How much each unit publishes follows the same skew as
bench/synth.py (some units publish far more than others).

Written once per size and seed under ``bench/out/crawl-<N>-s<seed>/`` (git-ignored), in chunks of
at most 1e6 rows (never the whole set in memory):

- ``items.parquet``    — the crawl loader's item columns (transforms/loaders.py ``ITEM_COLUMNS``);
- ``registry.parquet`` — one row per county × unit name: the registry the marts resolve names with;
- ``warehouse.duckdb`` — a warehouse made by ``transforms.runner.connect`` and filled through the
  product's own load statements (``load/replace_county``, ``load/replace_registry``,
  ``load/insert_crawl``, ``load/insert_crawled_items``) and rule settings loader, as a crawl
  of every county would fill it. The marts are built by the benchmark job (bench/jobs.py).

    python -m bench.crawlset 1e5           # → bench/out/crawl-100000-s0/
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PERIOD = "2021H1"
PERIOD_START, PERIOD_END = "2021-01-01", "2021-06-30"
BEFORE_START = "2020-07-01"  # the half-year before: one record in ten
RECORDS_PER_COUNTY = 3000  # a county's portal publishes a few thousand items a half-year (the seed: 1,298)
MAX_COUNTIES = 3000
UNITS_PER_COUNTY = 50
LAYOUT = 2  # bump when the generator changes: cached sets of another layout are rebuilt
CHUNK = 1_000_000
TOWNSHIPS = 14
COLUMNS = ("通知公告", "政策文件", "工作动态", "财政预决算", "人事信息", "规划计划", "重大项目", "政务公开",
           "统计信息", "行政执法", "公共服务", "其他")
TITLES = ("关于开展专项检查的通知", "2021年部门预算公开", "工作动态简报", "关于印发实施方案的通知",
          "人事任免公示", "政府信息公开工作年度报告", "项目招标公告", "政策解读")


@dataclass(frozen=True)
class CrawlSpec:
    size: int
    seed: int = 0
    root: Path = OUT

    @property
    def counties(self) -> int:
        return max(2, min(MAX_COUNTIES, round(self.size / RECORDS_PER_COUNTY)))

    @property
    def folder(self) -> Path:
        return Path(self.root) / f"crawl-{self.size}-s{self.seed}"

    def metadata(self) -> dict:
        return {"size": self.size, "seed": self.seed, "counties": self.counties, "units_per_county": UNITS_PER_COUNTY,
                "period": PERIOD, "layout": LAYOUT, "schema": schema_digest()}


def schema_digest() -> str:
    """A hash of the raw tables' DDL and the load statements: a cached warehouse made by other ones is rebuilt."""
    import hashlib

    from transforms.model_files import SQL_DIR

    digest = hashlib.sha256()
    for path in sorted([*(SQL_DIR / "raw").glob("*.sql"), *(SQL_DIR / "load").glob("*.sql")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def county_slug(index: int) -> str:
    return f"x{index + 1:04d}"


def unit_names() -> list[tuple[str, str, int]]:
    """(name, category, display order) of the 50 units every synthetic county registers."""
    from bench.synth import DEPARTMENTS

    departments = [(f"县{d}", "县直部门", i + 1) for i, d in enumerate(DEPARTMENTS[:UNITS_PER_COUNTY - TOWNSHIPS])]
    towns = [(f"第{i + 1}镇", "乡镇", len(departments) + i + 1) for i in range(TOWNSHIPS)]
    return departments + towns


def registry_table(spec: CrawlSpec):
    """county × unit: county_slug, unit_id, unit, short_name, category, display_order, name."""
    import pyarrow as pa

    units = unit_names()
    rows = {"county_slug": [], "unit_id": [], "unit": [], "short_name": [], "category": [], "display_order": []}
    for c in range(spec.counties):
        slug = county_slug(c)
        for u, (name, category, order) in enumerate(units):
            rows["county_slug"].append(slug)
            rows["unit_id"].append(f"{slug}-u{u:02d}")
            rows["unit"].append(name)
            rows["short_name"].append(name.removeprefix("县"))
            rows["category"].append(category)
            rows["display_order"].append(order)
    table = pa.table(rows)
    return table.append_column("name", table["unit"])  # the name a 发布机构 line resolves by


def items_chunk(spec: CrawlSpec, index: int, rows: int, registry):
    """Chunk ``index`` of the crawl set as a pyarrow Table with the loader's item columns."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from bench.synth import _unit_weights
    from transforms.loaders import ITEM_COLUMNS

    rng = np.random.default_rng([spec.seed, LAYOUT, index])
    county = rng.integers(0, spec.counties, size=rows, dtype=np.int64)
    local_rank = rng.choice(UNITS_PER_COUNTY, size=rows, p=_unit_weights(UNITS_PER_COUNTY))
    local = (local_rank * 7 + county * 13) % UNITS_PER_COUNTY  # each county its own order of who publishes most
    unit = pa.array(county * UNITS_PER_COUNTY + local)
    start = np.datetime64(BEFORE_START, "D")
    split = np.datetime64(PERIOD_START, "D")
    end = np.datetime64(PERIOD_END, "D") + 1
    inside = rng.random(rows) < 0.9
    day = np.where(inside, rng.integers(0, (end - split).astype(int), size=rows), rng.integers(0, (split - start).astype(int), size=rows))
    dates = np.where(inside, split, start) + day.astype("timedelta64[D]")
    slugs = registry["county_slug"].take(pa.array(county * UNITS_PER_COUNTY))
    serial = pa.array(np.arange(index * CHUNK, index * CHUNK + rows)).cast(pa.string())
    url = pc.binary_join_element_wise("https://www.", slugs, ".gov.cn/art/2021/", serial, ".html", "")
    names = registry["unit"].take(unit)
    null = pa.nulls(rows)
    columns = {
        "crawl_id": pc.binary_join_element_wise("bench-", slugs, ""), "county_slug": slugs, "url": url,
        "title": pa.array(TITLES).take(pa.array(rng.integers(0, len(TITLES), size=rows))),
        "unit_raw": names, "unit_name": names,
        "column": pa.array(COLUMNS).take(pa.array(rng.integers(0, len(COLUMNS), size=rows))),
        "column_type": null.cast(pa.string()), "columns": null.cast(pa.list_(pa.string())),
        "publish_date": pa.array(dates, type=pa.date32()), "doc_date": null.cast(pa.date32()),
        "doc_number": null.cast(pa.string()), "index_number": null.cast(pa.string()), "topic": null.cast(pa.string()),
        "repost_of": null.cast(pa.string()), "fetched_at": null.cast(pa.timestamp("us")),
        "body_text": null.cast(pa.string()), "format_facts": null.cast(pa.string()),
    }
    return pa.table({name: columns[name] for name in ITEM_COLUMNS})


def _meta_file(spec: CrawlSpec) -> Path:
    return spec.folder / "crawlset.json"


def make_crawlset(size: int | float | str, *, seed: int = 0, root: str | Path = OUT) -> Path:
    """Write (or reuse) the crawl set of ``size`` records under ``root``; returns its folder."""
    import pyarrow.parquet as pq

    spec = CrawlSpec(int(float(size)), seed, Path(root))
    folder = spec.folder
    meta = _meta_file(spec)
    if meta.exists() and json.loads(meta.read_text(encoding="utf-8")).get("spec") == spec.metadata():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    registry = registry_table(spec)
    pq.write_table(registry, folder / "registry.parquet")
    done, index = 0, 0
    writer = None
    try:
        while done < spec.size:
            rows = min(CHUNK, spec.size - done)
            chunk = items_chunk(spec, index, rows, registry)
            writer = writer or pq.ParquetWriter(folder / "items.parquet", chunk.schema, compression="zstd")
            writer.write_table(chunk, row_group_size=256 * 1024)
            done += rows
            index += 1
    finally:
        if writer:
            writer.close()
    started = time.perf_counter()
    load_warehouse(spec, folder)
    loaded = round(time.perf_counter() - started, 2)
    meta.write_text(json.dumps({"spec": spec.metadata(), "load_seconds": loaded}, ensure_ascii=False), encoding="utf-8")
    return folder


def load_warehouse(spec: CrawlSpec, folder: Path) -> None:
    """Fill ``warehouse.duckdb`` as every county's crawl would: the product's load statements, one
    transaction (the registry and the counties' settings, one crawl per county, the items)."""
    import pyarrow.parquet as pq

    from flows.domain.rules_config import rules_settings
    from transforms import runner
    from transforms.loaders import mark_superseded
    from transforms.rule_loaders import load_rule_settings

    path = folder / "warehouse.duckdb"
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    registry = pq.read_table(folder / "registry.parquet")
    units = registry.drop(["name"]).append_column("valid_from", _null_dates(len(registry))) \
        .append_column("valid_to", _null_dates(len(registry))).append_column("successor_of", _null_strings(len(registry)))
    names = registry.select(["county_slug", "name", "unit_id"])
    loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
    slugs = [county_slug(c) for c in range(spec.counties)]
    settings = rules_settings({})
    with runner.connect(path) as con:
        with runner.transaction(con):
            for slug in slugs:
                runner.execute(con, runner.sql("load/replace_county"), {
                    "county_slug": slug, "county": f"合成{slug}县", "counts_source": "crawl", "portal": None})
                runner.execute(con, runner.sql("load/insert_crawl"), {
                    "crawl_id": f"bench-{slug}", "county_slug": slug, "portal": f"https://www.{slug}.gov.cn/",
                    "summary": "{}", "loaded_at": loaded_at})
                load_rule_settings(con, slug, settings)
            # replace_registry deletes one county's rows, then inserts what is registered: all counties at once
            con.register("incoming_units", units)
            con.register("incoming_unit_names", names)
            for statement in runner.sql("load/replace_registry").split(";"):
                if statement.strip():
                    runner.execute(con, statement, {"county_slug": slugs[0]} if "$county_slug" in statement else None)
            batches = pq.ParquetFile(folder / "items.parquet")
            for batch in batches.iter_batches(batch_size=CHUNK):
                con.register("incoming_items", batch)
                runner.execute(con, runner.sql("load/insert_crawled_items"))
                con.unregister("incoming_items")
            # the supersession each county's crawl load lists (transforms/loaders.py mark_superseded)
            mark_superseded(con, slugs)


def _null_dates(n: int):
    import pyarrow as pa

    return pa.nulls(n, type=pa.date32())


def _null_strings(n: int):
    import pyarrow as pa

    return pa.nulls(n, type=pa.string())


def pairs(folder: str | Path) -> list[tuple[str, str]]:
    """Every (county, period) the crawl set holds: what the region run builds."""
    spec = json.loads((Path(folder) / "crawlset.json").read_text(encoding="utf-8"))["spec"]
    return [(county_slug(c), spec["period"]) for c in range(spec["counties"])]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.crawlset", description=__doc__.split("\n\n")[0])
    ap.add_argument("size", help="records, e.g. 1e5")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    started = time.perf_counter()
    folder = make_crawlset(args.size, seed=args.seed)
    print(f"{folder} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    raise SystemExit(main())
