"""The benchmark measures the product and leaves the checkout alone (bench/; docs/benchmarks.md).

A smoke run at a tiny size: the crawl set goes into a real warehouse through the loader's statements,
the three implementations agree on every unit's count and rank, and the page is written to the
results folder only (docs/benchmarks.md is written by ``--publish``, i.e. ``make bench``).
No timing is asserted: speed is what the benchmark reports, never what a test checks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import crawlset
from bench.run import parse_sizes
from transforms import runner

ROOT = Path(__file__).resolve().parents[2]


def test_crawlset_fills_the_warehouse_through_the_loader(tmp_path):
    folder = crawlset.make_crawlset(6000, seed=1, root=tmp_path)
    assert crawlset.pairs(folder) == [("x0001", "2021H1"), ("x0002", "2021H1")]
    con = runner.connect(folder / "warehouse.duckdb", read_only=True, schema=False)
    try:
        items = con.table("raw_crawled_items").aggregate("count(*)").fetchall()[0][0]
        crawls = con.table("raw_crawls").aggregate("count(*)").fetchall()[0][0]
        units = con.table("ref_units").aggregate("count(*)").fetchall()[0][0]
        resolved = con.table("stg_crawled_items").filter("unit_id IS NULL").aggregate("count(*)").fetchall()[0][0]
    finally:
        con.close()
    assert (items, crawls, units) == (6000, 2, 100)
    assert resolved == 0  # every 发布机构 resolves through the registry
    stamp = (folder / "items.parquet").stat().st_mtime_ns
    assert crawlset.make_crawlset(6000, seed=1, root=tmp_path) == folder  # reused, not rewritten
    assert (folder / "items.parquet").stat().st_mtime_ns == stamp


def test_sizes_are_checked():
    assert parse_sizes("1e5,1e6") == [100_000, 1_000_000]
    with pytest.raises(SystemExit, match="--sizes"):
        parse_sizes("lots")


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_smoke_run_agrees_and_leaves_docs_alone(tmp_path):
    doc = ROOT / "docs" / "benchmarks.md"
    before = doc.read_bytes()
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--sizes", "6000", "--runs", "1", "--skip-flow", "--skip-region",
         "--skip-extras", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    records = {r["name"]: r for r in results["records"]}
    assert set(records) == {"zwgk", "pandas", "polars-lazy"}
    zwgk = records["zwgk"]
    assert zwgk["counties"] == 2 and zwgk["built_by"].startswith(("transform_scope", "run_scope", "run_marts"))
    assert zwgk["same_answer"]["units"] == 100 and zwgk["same_answer"]["counties"] == 2
    # nine in ten records fall inside the period; all of them are counted, by every implementation
    assert 5000 < zwgk["same_answer"]["total"] < 6000
    assert zwgk["checks"] >= 5 and zwgk["stages"]  # the project's GX checks ran, stage by stage
    page = (out / "benchmarks.md").read_text(encoding="utf-8")
    assert "| 6e3 | 2 | zwgk |" in page and "## Machine" in page
    assert doc.read_bytes() == before


def _job(name: str, seconds: float, peak: float, **extra) -> dict:
    return {"name": name, "size": 10_000_000, "counties": 3000, "seconds": seconds, "peak_rss_mb": peak, "runs": 1,
            "job_cpu_seconds": seconds, "process_seconds": seconds + 1, **extra}


def test_report_states_each_goal_met_or_why_not():
    from bench.report import report

    info = {"cpu_model": "test", "logical_cores": 2, "physical_cores": 2, "memory_gib": 1, "platform": "p",
            "python": "3", "versions": {}, "date": "d", "load_average_start": [0], "checkout_unchanged": True}
    fast = [_job("zwgk", 20.0, 1500, stages={"marts": 15.0, "validate": 5.0}, mart_seconds={"stg_crawled_items": 3.0,
                 "unit_period_counts": 1.0, "rule_formatting": 9.0}), _job("pandas", 8.0, 900, stages={"aggregate + rank": 6.0}),
            _job("polars-lazy", 2.5, 400)]
    page = report(fast, info, {})
    assert "| 1e7: whole job ≤ 30 s (after imports) | 20.00 s | met |" in page
    assert "| 1e7: peak RSS ≤ 2 GiB | 1500 MB | met |" in page
    assert "counting part (staging, count marts, ranks) no slower than pandas' counts and ranks | 4.0 s vs 6.0 s | met |" in page
    assert "Seconds per million records: 1e7 2.00 s" in page and "measured reason" not in page
    slow = [_job("zwgk", 40.0, 2500, stages={"marts": 30.0, "validate": 10.0}, mart_seconds={"stg_crawled_items": 9.0,
                 "rule_formatting": 20.0}), *fast[1:]]
    page = report(slow, info, {})
    assert "| 1e7: whole job ≤ 30 s (after imports) | 40.00 s | **not met** |" in page
    assert "| 1e7: peak RSS ≤ 2 GiB | 2500 MB | **not met** |" in page
    assert "9.0 s vs 6.0 s | **not met** |" in page
    assert "measured reason): marts 30.0 s, validate 10.0 s" in page and "What would close it" in page
    cut = [{"name": "zwgk", "size": 10_000_000, "counties": 3000, "cut": 600, "stages_done": {"marts": 420.0},
            "polled_peak_mb": 2048}, *fast[1:]]
    page = report(cut, info, {})
    assert "cut after 600 s" in page and "marts 420.0 s" in page


def test_warm_breakdown_reads_the_runs_own_log_lines():
    from datetime import datetime

    from bench.product_runs import warm_breakdown

    log = ("10:00:01.500 | INFO    | Flow run 'huarong-2021H1' - Beginning flow run 'huarong-2021H1'\n"
           "10:00:01.600 | INFO    | Task run 'ingest-2021H1' - Finished in state Completed()\n"
           "10:00:02.600 | INFO    | Task run 'transform-huarong-2021H1' - Finished in state Completed()\n"
           "10:00:03.000 | INFO    | Flow run 'huarong-2021H1' - Finished in state Completed()\n")
    start = datetime(2026, 1, 5, 10, 0, 0).timestamp()
    assert warm_breakdown({"stderr": log, "started_epoch": start, "wall": 3.5}) == {
        "before_flow": 1.5, "flow": 1.5, "tasks": {"ingest": 0.1, "transform": 1.0}, "closing_flow_run": 0.4,
        "after_flow": 0.5}
    assert warm_breakdown({"stderr": "no flow here", "started_epoch": start, "wall": 1.0}) == {}


def test_report_gives_the_warm_runs_breakdown_when_a_goal_is_missed():
    from bench.report import warm_section

    warm = {"name": "zwgk run (warm)", "seconds": 6.2, "peak_rss_mb": 310, "seconds_all": [6.2],
            "server_start_seconds": 15, "first_run_seconds": 29,
            "breakdown": {"before_flow": 2.4, "flow": 2.6, "tasks": {"render": 0.7}, "closing_flow_run": 0.1,
                          "after_flow": 0.6},
            "import_seconds": {"flows.county_flow": 1.9, "prefect": 1.3}}
    floor = {"name": "floor script", "seconds": 0.3, "peak_rss_mb": 79, "seconds_all": [0.3]}
    page = "\n".join(warm_section([warm, floor]))
    assert "**not met**" in page and "2.40 s before the flow run begins" in page and "render 0.70" in page
    fast = {**warm, "seconds": 4.0}
    page = "\n".join(warm_section([fast, {**floor, "seconds": 1.0}]))
    assert "before the flow run begins" not in page


def test_warehouse_bench_measures_both_paths_through_the_product(tmp_path):
    """bench/bench_warehouse.py: the stamped and the full path of opening and of building are both measured
    (the full one really ran: the stamps it removed are back), with their ratio; no timing is asserted."""
    from bench import bench_warehouse

    records = {r["name"]: r for r in bench_warehouse.run(2, tmp_path)}
    assert set(records) == {"open", "build"}
    for r in records.values():
        assert r["stamped_s"] > 0 and r["full_s"] > 0
        assert r["stamped_over_full"] == pytest.approx(r["stamped_s"] / r["full_s"], abs=0.01)
    assert records["open"]["duckdb_open_s"] > 0
    con = runner.connect(tmp_path / "wh.duckdb", read_only=True, schema=False)
    try:
        assert sorted(p for (p,) in con.execute("SELECT part FROM schema_stamps").fetchall()) == ["marts:bulletin", "schema"]
    finally:
        con.close()
