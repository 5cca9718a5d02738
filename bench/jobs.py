"""The benchmark job, three ways: the region path's "aggregate + rank + validate" over a crawl set.

    crawled items of N counties (bench/crawlset.py: one half-year, 50 registered units a county)
      → items per unit and county published in the period (发布日期 inside it, 发布机构 resolved
        through the registry; every registered unit a row, zeros included)
      → ordinal rank within county × category (more first; ties by the registry's display order)
      → validation (units unique, counts non-negative integers, category totals add up to the
        period's total, …)

- ``zwgk``: the product itself. The warehouse bench/crawlset.py filled through the crawl loader's
  statements; then the region run's own steps, as flows/region_flow.py calls them:
  ``flows.steps.region.transform_scope`` (every county's rule settings and working days, then the
  marts of all counties in one pass, ``transforms.runner.run_scope``) and ``validate_scope`` (the
  flows' frames of every county, one Great Expectations run with the project's checks). On a
  checkout without those steps: ``runner.run_scope(con, pairs)`` (or ``runner.run_marts`` per pair
  where that does not exist either), the flows' ``frames_for`` and ``expectations.runner.validate``
  directly, with the region's memory limit; the result says which ran (``built_by``). Everything the
  marts compute is counted: staging (newest record per URL, reposts, names through the registry),
  the counts and ranks, and the rule marts.
- ``pandas``: plain pandas — read_parquet, to_datetime, filter, merge with the registry,
  groupby/size, sort + cumcount, checks in pandas.
- ``polars-lazy``: polars LazyFrame — the same as one lazy query, collected, checks in polars.

Each function takes the crawl set's folder and an output path, and returns a small dict. The ranked
units (county_slug, unit_id, count, rank) are written to the output path for the three-way
comparison; that write is reported as ``untimed`` and bench/child.py leaves it out of the time.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench.crawlset import PERIOD_END, PERIOD_START, pairs

REGION_MEMORY_LIMIT = "1GB"  # flows/region_flow.py: the region DuckDB's default memory_limit
RESULT_COLUMNS = ["county_slug", "unit_id", "count", "rank"]


class Laps:
    def __init__(self):
        self.stages: dict[str, float] = {}
        self._clock = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = round(now - self._clock, 3)
        self._clock = now
        # as it happens, on stderr: a job cut by the driver's time limit still says how far it got
        print(f"[stage] {self.stages[name]:.3f} {name}", file=sys.stderr, flush=True)


_INSERT_MODEL = re.compile(r'^\s*INSERT INTO "(\w+)" BY NAME')  # templates/insert_model.sql
_PER_BUILD = re.compile(r'^\s*CREATE OR REPLACE TEMP TABLE "(\w+)" AS')  # templates/materialize_for_build.sql


@contextmanager
def mart_timer(into: dict[str, float]):
    """Observe the product without changing it: the seconds each mart's INSERT (templates/insert_model.sql)
    takes, summed per mart into ``into`` and printed on stderr as it happens (``[mart] seconds name``)."""
    from transforms import runner

    original = runner.execute

    def timed(con, statement, params=None):
        head = statement[:200]
        match = _INSERT_MODEL.match(head) or _PER_BUILD.match(head)
        if not match:
            return original(con, statement, params)
        name = match.group(1) if match.re is _INSERT_MODEL else f"{match.group(1)} (staging, once per build)"
        started = time.perf_counter()
        try:
            return original(con, statement, params)
        finally:
            took = time.perf_counter() - started
            into[name] = round(into.get(name, 0.0) + took, 3)
            print(f"[mart] {took:.3f} {name}", file=sys.stderr, flush=True)

    runner.execute = timed
    try:
        yield into
    finally:
        runner.execute = original


@contextmanager
def part_timer(into: dict[str, float]):
    """Observe validate_scope without changing it: the seconds of its parts — the frames of every county
    (``scope_frames``, ``frames_for_scope`` before), the one Great Expectations run (``run_suites`` as
    expectations/scope.py calls it) and the Data Docs results of the drafts (``county_docs_results`` +
    ``write_docs_results``); the rest is each county's results and findings."""
    import expectations.scope as scope
    from flows.steps import region

    def wrap(module, name, label):
        original = getattr(module, name, None)
        if original is None:
            return None

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                into[label] = round(into.get(label, 0.0) + time.perf_counter() - started, 3)

        setattr(module, name, timed)
        return module, name, original

    patched = [w for w in (wrap(region, "frames_for_scope", "frames (one query per frame)"),
                           wrap(region, "scope_frames", "frames (one query per frame)"),
                           wrap(scope, "run_suites", "Great Expectations run"),
                           wrap(scope, "county_docs_results", "Data Docs results per county"),
                           wrap(scope, "write_docs_results", "Data Docs results per county")) if w]
    try:
        yield into
    finally:
        for module, name, original in patched:
            setattr(module, name, original)


def _frames_module():
    """Where the flows' frames_for lives (flows/steps/validate.py after the split, pipeline.py before)."""
    try:
        from flows.steps import validate as module
    except ImportError:
        from flows.steps import pipeline as module
    return module


def scope_frames(con, todo: list[tuple[str, str]]) -> tuple[dict, str]:
    """The validation frames of every (county, period): one call when the flows offer a scope-wide
    function, else frames_for per pair, concatenated (each check's findings still name the county)."""
    import pandas as pd

    module = _frames_module()
    for name in ("frames_for_scope", "scope_frames", "frames_for_pairs"):
        whole = getattr(module, name, None)
        if whole is not None:
            return whole(con, todo), name
    parts = [module.frames_for(con, county, period) for county, period in todo]
    return {key: pd.concat([p[key] for p in parts], ignore_index=True) for key in parts[0]}, "frames_for per pair"


def build_scope(con, todo: list[tuple[str, str]]) -> str:
    """Materialise the marts of every pair: run_scope in one pass, or run_marts pair by pair."""
    from transforms import runner

    run_scope = getattr(runner, "run_scope", None)
    if run_scope is not None:
        run_scope(con, todo)
        return "run_scope"
    for county, period in todo:
        runner.run_marts(con, county, period)
    return "run_marts per pair"


def _region_steps():
    """flows/steps/region.py when it offers the region run's set-based steps (transform_scope,
    validate_scope: what ``zwgk run --region`` calls), else None."""
    try:
        from flows.steps import region
    except ImportError:
        return None
    return region if hasattr(region, "transform_scope") and hasattr(region, "validate_scope") else None


def zwgk(folder: str | Path, dst: str | Path, *, memory_limit: str = REGION_MEMORY_LIMIT) -> dict:
    """The product's region path over the crawl set's warehouse: the region steps when they exist
    (flows/steps/region.py), otherwise the runner and the flows' frames directly (see the module doc)."""
    from transforms import runner

    folder = Path(folder)
    todo = pairs(folder)
    lap = Laps()
    steps = _region_steps()
    with mart_timer({}) as marts:
        if steps is not None:
            result = _zwgk_region_steps(steps, folder / "warehouse.duckdb", todo, lap, memory_limit)
        else:
            result = _zwgk_runner(folder / "warehouse.duckdb", todo, lap, memory_limit)
    with runner.connect(folder / "warehouse.duckdb", read_only=True, schema=False) as con:
        ranked = con.table("unit_period_counts").select(*RESULT_COLUMNS).df()
    ranked.to_parquet(dst, index=False)
    lap("write result")
    return {"pairs": len(todo), "units": len(ranked), "total": int(ranked["count"].sum()), **result,
            "mart_seconds": dict(sorted(marts.items(), key=lambda kv: -kv[1])), "stages": lap.stages, "untimed": lap.stages["write result"]}


def _zwgk_region_steps(steps, warehouse: Path, todo: list[tuple[str, str]], lap: Laps, memory_limit: str) -> dict:
    """transform_scope (rule settings, working days, the marts in one pass) and validate_scope (the
    flows' frames of every county, one GX run over them), as flows/region_flow.py calls them."""
    from flows.domain.rules_config import blocking_overrides, rules_settings
    from transforms import runner

    period = todo[0][1]
    rules = rules_settings({})
    built = steps.transform_scope(warehouse, period, [{"slug": slug, "rules": rules} for slug, _ in todo],
                                  memory_limit=memory_limit)
    lap("transform_scope (marts: aggregate + rank + rules)")
    if built["errors"]:
        raise RuntimeError(f"transform_scope: {dict(list(built['errors'].items())[:3])}")
    knobs = [{"slug": slug, "settings": {"tolerance": 0, "rules": rules}, "blocking": blocking_overrides(rules)}
             for slug, _ in todo]
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-docs-") as docs_root, part_timer({}) as parts:
        validated = steps.validate_scope(warehouse, period, knobs, docs_root, memory_limit=memory_limit)
        lap("validate_scope (frames + GX)")
    if validated["errors"]:
        raise RuntimeError(f"validate_scope: {dict(list(validated['errors'].items())[:3])}")
    checks = [c for v in validated["validations"].values() for c in v["checks"]]
    failed = sorted({c["name"] for c in checks if not c["success"] and c.get("blocking")})
    one_pass = hasattr(runner, "run_scope")
    return {"valid": not failed, "failed": failed, "checks": len({c["name"] for c in checks}),
            "findings": sum(len(c.get("findings") or ()) for c in checks),
            "built_by": "transform_scope" + (" (runner.run_scope on this checkout)" if one_pass
                                             else " (no runner.run_scope on this checkout)"),
            "framed_by": "validate_scope", "validate_parts": parts,
            "mart_rows": {name: sum(c.get(name, 0) for c in built["marts"].values())
                          for name in sorted({m for c in built["marts"].values() for m in c})}}


def _zwgk_runner(warehouse: Path, todo: list[tuple[str, str]], lap: Laps, memory_limit: str) -> dict:
    from expectations.runner import validate
    from transforms import runner

    with runner.connect(warehouse, memory_limit=memory_limit) as con:
        built_by = build_scope(con, todo)
        lap("marts (aggregate + rank + rules)")
        frames, framed_by = scope_frames(con, todo)
        lap("validation frames")
    outcome = validate(frames, run_name="bench")
    lap("validate (GX)")
    failed = [r.name for r in outcome.results if not r.success and r.blocking]
    return {"valid": not failed, "failed": failed, "checks": len(outcome.results), "findings": len(outcome.findings),
            "frame_rows": {k: len(v) for k, v in frames.items() if len(v)}, "built_by": built_by,
            "framed_by": framed_by}


def pandas_job(folder: str | Path, dst: str | Path) -> dict:
    import pandas as pd

    folder = Path(folder)
    lap = Laps()
    items = pd.read_parquet(folder / "items.parquet", columns=["county_slug", "unit_name", "publish_date"])
    registry = pd.read_parquet(folder / "registry.parquet")
    dates = pd.to_datetime(items["publish_date"])
    items = items[(dates >= PERIOD_START) & (dates <= PERIOD_END)]
    named = items.merge(registry[["county_slug", "name", "unit_id"]], left_on=["county_slug", "unit_name"],
                        right_on=["county_slug", "name"], how="inner")
    counts = named.groupby("unit_id", sort=False).size().rename("count")
    in_period = len(items)
    del items, named, dates
    units = registry.drop(columns=["name"]).join(counts, on="unit_id")
    units["count"] = units["count"].fillna(0).astype("int64")
    units = units.sort_values(["county_slug", "category", "count", "display_order", "unit"],
                              ascending=[True, True, False, True, True])
    units["rank"] = units.groupby(["county_slug", "category"], sort=False).cumcount() + 1
    lap("aggregate + rank")
    by_category = units.groupby(["county_slug", "category"], sort=False)["count"].sum()
    failed = [name for name, ok in (
        ("units_unique", not units.duplicated(["county_slug", "unit_id"]).any()),
        ("counts_non_negative", bool((units["count"] >= 0).all())),
        ("category_totals_add_up", int(by_category.sum()) == in_period),
        ("ranks_1_to_n", bool((units.groupby(["county_slug", "category"])["rank"].max()
                                == units.groupby(["county_slug", "category"]).size()).all())),
    ) if not ok]
    lap("validate")
    units[RESULT_COLUMNS].to_parquet(dst, index=False)
    lap("write result")
    return {"pairs": int(units["county_slug"].nunique()), "units": len(units), "total": int(units["count"].sum()),
            "valid": not failed, "failed": failed, "checks": 4, "stages": lap.stages,
            "untimed": lap.stages["write result"]}


def polars_lazy(folder: str | Path, dst: str | Path) -> dict:
    from datetime import date

    import polars as pl

    folder = Path(folder)
    lap = Laps()
    registry = pl.scan_parquet(folder / "registry.parquet")
    items = (pl.scan_parquet(folder / "items.parquet")
             .select("county_slug", "unit_name", "publish_date")
             .filter(pl.col("publish_date").is_between(date.fromisoformat(PERIOD_START), date.fromisoformat(PERIOD_END))))
    counts = (items.join(registry.select("county_slug", "name", "unit_id"),
                         left_on=["county_slug", "unit_name"], right_on=["county_slug", "name"], how="inner")
              .group_by("unit_id").agg(pl.len().cast(pl.Int64).alias("count")))
    ranked = (registry.drop("name").join(counts, on="unit_id", how="left")
              .with_columns(pl.col("count").fill_null(0))
              .sort(["county_slug", "category", "count", "display_order", "unit"],
                    descending=[False, False, True, False, False])
              .with_columns(pl.int_range(1, pl.len() + 1).over("county_slug", "category").alias("rank")))
    units, in_period = pl.collect_all([ranked, items.select(pl.len())])
    in_period = in_period.item()
    lap("aggregate + rank")
    groups = units.group_by("county_slug", "category").agg(pl.len().alias("n"), pl.col("rank").max().alias("top"),
                                                            pl.col("count").sum().alias("sum"))
    failed = [name for name, ok in (
        ("units_unique", units.select(pl.struct("county_slug", "unit_id").is_unique().all()).item()),
        ("counts_non_negative", units["count"].min() >= 0),
        ("category_totals_add_up", int(groups["sum"].sum()) == in_period),
        ("ranks_1_to_n", (groups["n"] == groups["top"]).all()),
    ) if not ok]
    lap("validate")
    units.select(RESULT_COLUMNS).write_parquet(dst)
    lap("write result")
    return {"pairs": units["county_slug"].n_unique(), "units": units.height, "total": int(units["count"].sum()),
            "valid": not failed, "failed": failed, "checks": 4, "stages": lap.stages,
            "untimed": lap.stages["write result"]}


JOBS = {"zwgk": zwgk, "pandas": pandas_job, "polars-lazy": polars_lazy}

# What each job imports before the clock starts (the child process imports these first).
IMPORTS = {
    "zwgk": ("duckdb", "pandas", "great_expectations", "expectations.runner", "transforms.runner",
             "flows.steps.pipeline"),
    "pandas": ("pandas", "pyarrow.parquet"),
    "polars-lazy": ("polars",),
}


def same_answer(outputs: dict[str, Path]) -> dict:
    """The three ranked results hold the same rows: every county's total, every unit's count and rank."""
    import pandas as pd

    frames = {}
    for job, path in outputs.items():
        frame = pd.read_parquet(path)[RESULT_COLUMNS]
        frame["count"] = frame["count"].astype("int64")
        frame["rank"] = frame["rank"].astype("int64")
        frames[job] = frame.sort_values(["county_slug", "unit_id"]).reset_index(drop=True)
    first_job, first = next(iter(frames.items()))
    for job, frame in frames.items():
        if not frame.equals(first):
            diff = frame.compare(first).head(5) if frame.shape == first.shape else f"{frame.shape} vs {first.shape}"
            raise RuntimeError(f"{job} and {first_job} disagree on the ranked units:\n{diff}")
    totals = first.groupby("county_slug")["count"].sum()
    return {"units": len(first), "counties": len(totals), "total": int(totals.sum()),
            "top_rank_units": int((first["rank"] == 1).sum())}
