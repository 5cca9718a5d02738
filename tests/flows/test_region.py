"""Province scale: many counties on Dask, county marts as Parquet partitions, the region bulletin.

The fast tests call the plain functions (synthetic data, export, region models); the flow test
runs a region of three synthetic counties on a LocalCluster of two worker processes under the
session's Prefect harness and compares it with the same counties run one by one.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import duckdb
import pytest

from bench import synth
from flows.steps import pipeline
from flows.domain.config import ConfigError
from flows.domain.region_config import load_region_config
from flows.steps.region import (county_result, export_marts, region_transform, render_region,
                                validate_region)
from transforms import region_runner, runner

ROOT = Path(__file__).resolve().parents[2]
PERIOD = "2021H1"
STAMPS = {"started_at", "finished_at", "out_dir"}


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _names(root: Path) -> list[str]:
    """The files under root, with the run timestamps GX puts in Data Docs paths taken out."""
    return sorted(re.sub(r"\d{8}T\d{6}\.\d+Z", "<run>", name) for name in _files(root))


def _strip(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in STAMPS}


def _ranking(totals: dict[str, dict[str, int]]) -> dict[str, list[str]]:
    """The region ranking computed here, independently: per category and in all, more items first,
    ties by county slug."""
    categories = sorted({c for t in totals.values() for c in t if c not in {"all", "stated_in_text"}})
    out = {}
    for cat in [*categories, "合计"]:
        key = "all" if cat == "合计" else cat
        rows = [(slug, t[key]) for slug, t in totals.items() if key in t]
        out[cat] = [slug for slug, _ in sorted(rows, key=lambda r: (-r[1], r[0]))]
    return out


def _parquet_rows(parquet_root: Path, mart: str) -> list[tuple]:
    glob = region_runner.source_glob(parquet_root, mart)
    return duckdb.sql(f"SELECT county_slug, period, count(*) FROM read_parquet('{glob}', hive_partitioning = true) "
                      "GROUP BY ALL ORDER BY ALL").fetchall()


# --------------------------------------------------------------------------------------------
# Synthetic data
# --------------------------------------------------------------------------------------------


def test_synthetic_region_is_deterministic(tmp_path):
    synth.make_region(tmp_path / "a", counties=3, seed=7, drafts=(1,))
    synth.make_region(tmp_path / "b", counties=3, seed=7, drafts=(1,))
    synth.make_region(tmp_path / "c", counties=3, seed=8, drafts=(1,))
    a, b, c = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert a == b
    assert a.keys() == c.keys() and a != c
    assert len([k for k in a if k.endswith(".txt")]) == 3


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_synthetic_bulletins_parse_as_the_seed_does(tmp_path):
    _, counties = synth.make_region(tmp_path, counties=2, seed=1, drafts=(1,))
    for i, c in enumerate(counties):
        report = pipeline.proofread(c.bulletin, registry=c.registry)
        assert report["county"] == c.county and report["period"] == PERIOD
        assert {t["category"]: t["sum"] for t in report["tables"]} == c.totals
        assert all(t["sum"] == t["printed_total"] for t in report["tables"])
        assert report["overall"]["in_text"] == c.stated_total
        codes = {f["code"] for f in report["findings"]}
        assert codes == ({"overall_total_mismatch"} if i == 1 else set())


def test_synthetic_records_are_deterministic_and_typed(tmp_path):
    import pyarrow.parquet as pq

    kw = {"counties": 20, "units_per_county": 5, "years": 2}
    first = synth.make_records(2500, seed=3, out=tmp_path / "a", **kw)
    second = synth.make_records(2500, seed=3, out=tmp_path / "b", **kw)
    other = synth.make_records(2500, seed=4, out=tmp_path / "c", **kw)
    assert first.read_bytes() == second.read_bytes() != other.read_bytes()
    before = first.stat().st_mtime_ns
    assert synth.make_records(2500, seed=3, out=tmp_path / "a", **kw) == first  # cached, not rewritten
    assert first.stat().st_mtime_ns == before
    table = pq.read_table(first)
    assert table.num_rows == 2500
    assert [str(t) for t in table.schema.types] == ["int16", "int32", "date32[day]", "int16"]
    units = table.column("unit_id").to_pylist()
    counties = table.column("county_id").to_pylist()
    assert all(u // 5 == c for u, c in zip(units, counties))


# --------------------------------------------------------------------------------------------
# Config, export and the region models (plain functions, no Prefect)
# --------------------------------------------------------------------------------------------


def test_example_region_config_points_at_huarong():
    cfg = load_region_config(ROOT / "data" / "regions" / "example.toml")
    assert cfg.slug == "yueyang" and cfg.name == "岳阳市"
    assert cfg.counties == [(ROOT / "data" / "counties" / "huarong.toml").resolve()]
    assert cfg.dask.address == "" and cfg.dask.n_workers == 2 and cfg.dask.processes
    assert cfg.parquet_dir("/srv/work") == Path("/srv/work/parquet")


def test_region_config_errors_name_the_key(tmp_path):
    bad = tmp_path / "r.toml"
    bad.write_text('name = "某市"\nslug = "x"\ncounties = ["missing.toml"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="counties 第1项"):
        load_region_config(bad)
    bad.write_text('name = "某市"\nslug = "a b"\ncounties = []\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="slug"):
        load_region_config(bad)


def _county_dbs(tmp_path, counties) -> dict[str, Path]:
    """Each county in its own DuckDB file, through the pipeline functions the county tasks call."""
    from flows.domain.config import load_config

    dbs = {}
    for c in counties:
        db = tmp_path / "work" / f"{c.slug}.duckdb"
        cfg = load_config(c.config)
        pipeline.ingest_config(cfg, db, PERIOD)
        pipeline.transform(db, c.slug, PERIOD)
        dbs[c.slug] = db
    return dbs


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_export_writes_hive_partitions_and_a_rerun_replaces_them(tmp_path):
    _, counties = synth.make_region(tmp_path / "in", counties=2, seed=2)
    dbs = _county_dbs(tmp_path, counties)
    root = tmp_path / "parquet"
    for c in counties:
        rows = export_marts(dbs[c.slug], c.slug, PERIOD, root)
        assert rows["unit_period_counts"] == len(c.units) and rows["period_totals"] == 1
    first = {p: p.stat().st_ino for p in root.rglob("*") if p.is_file()}
    assert sorted(str(p.relative_to(root)) for p in first) == sorted(
        f"{mart}/county_slug={c.slug}/period={PERIOD}/part-0.parquet"
        for mart in region_runner.MARTS for c in counties)
    export_marts(dbs[counties[0].slug], counties[0].slug, PERIOD, root)  # the rerun
    after = {p: p.stat().st_ino for p in root.rglob("*") if p.is_file()}
    assert after.keys() == first.keys()  # no temporary file left, no second part
    assert all(after[p] != first[p] for p in after if f"county_slug={counties[0].slug}" in str(p))
    assert _parquet_rows(root, "unit_period_counts") == [(c.slug, PERIOD, len(c.units)) for c in counties]
    # Counts stay integers in the files (sums are HUGEINT in DuckDB; Parquet would make them DOUBLE).
    glob = region_runner.source_glob(root, "unit_period_counts")
    kinds = {r[0]: r[1] for r in duckdb.sql(
        f"DESCRIBE SELECT * FROM read_parquet('{glob}', hive_partitioning = false)").fetchall()}
    assert "county_slug" not in kinds and "period" not in kinds  # the folder names carry them
    assert kinds["count"] in {"BIGINT", "INTEGER"}


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_region_models_rank_counties_over_the_parquet(tmp_path):
    _, counties = synth.make_region(tmp_path / "in", counties=3, seed=5, drafts=(2,))
    dbs = _county_dbs(tmp_path, counties)
    root = tmp_path / "parquet"
    for c in counties:
        export_marts(dbs[c.slug], c.slug, PERIOD, root)
    # A county of another region in the same Parquet tree is not read.
    other = synth.make_county(tmp_path / "other", "zz1", seed=9)
    export_marts(_county_dbs(tmp_path / "o", [other])["zz1"], "zz1", PERIOD, root)
    region_db = tmp_path / "work" / "region.duckdb"
    slugs = [c.slug for c in counties]
    counts = region_transform(region_db, root, PERIOD, slugs, "256MB")
    assert counts["region_counties"] == 3
    assert counts["region_units"] == sum(len(c.units) for c in counties)
    assert counts["region_county_ranking"] == 3 * 3  # 县直部门, 乡镇, 合计
    region_transform(region_db, root, PERIOD, slugs, "256MB")  # a rerun replaces the period
    con = runner.connect(region_db, read_only=True, schema=False)
    got = {}
    for cat, slug in con.execute("SELECT category, county_slug FROM region_county_ranking WHERE period = ? "
                                 "ORDER BY category, rank", [PERIOD]).fetchall():
        got.setdefault(cat, []).append(slug)
    assert con.execute("SELECT count(*) FROM region_counties").fetchone()[0] == 3
    con.close()
    totals = {c.slug: {**c.totals, "all": c.total} for c in counties}
    assert got == _ranking(totals)

    results = [county_result(c.slug, c.county, str(c.config), {
        "county": c.county, "status": "draft" if i == 2 else "final", "totals": {**c.totals, "all": c.total},
        "checks": [{"name": "overall_total_matches_tables", "success": i != 2, "blocking": True,
                    "messages": ["正文所述公开总数不一致"] if i == 2 else []}], "out_dir": None})
        for i, c in enumerate(counties)]
    validation = validate_region(region_db, PERIOD, results, "256MB")
    failed = {c["name"] for c in validation["checks"] if not c["success"]}
    assert failed == {"county_stated_total_matches", "counties_final"}
    out = tmp_path / "out"
    summary = render_region(load_region_config(tmp_path / "in" / "region.toml"), region_db, PERIOD, results,
                            validation, out, {}, "256MB")
    assert summary["status"] == "draft"
    assert [c["county_slug"] for c in summary["counties"]] == _ranking(totals)["合计"]
    md = (out / "region.md").read_text(encoding="utf-8")
    assert "各县市区政务公开信息发布情况" in md and "草稿" in md and counties[2].county in md
    html = (out / "region.html").read_text(encoding="utf-8")
    assert "<script" not in html and "各县市区信息发布情况" in html
    lines = (out / "units.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + sum(len(c.units) for c in counties) and ".0," not in "\n".join(lines)


@pytest.mark.slow  # over ~1.3 s: in `make test`, not in `make test-fast`
def test_region_html_escapes_names(tmp_path):
    _, counties = synth.make_region(tmp_path / "in", counties=1, seed=1)
    c = counties[0]
    reg = c.registry.read_text(encoding="utf-8").replace(c.units[0].unit, "<b>局</b>")
    c.registry.write_text(reg, encoding="utf-8")
    c.bulletin.write_text(c.bulletin.read_text(encoding="utf-8").replace(c.units[0].unit, "<b>局</b>"),
                          encoding="utf-8")
    db = _county_dbs(tmp_path, [c])[c.slug]
    export_marts(db, c.slug, PERIOD, tmp_path / "p")
    region_db = tmp_path / "region.duckdb"
    region_transform(region_db, tmp_path / "p", PERIOD, [c.slug], None)
    result = county_result(c.slug, c.county, str(c.config), {"county": c.county, "status": "final",
                                                             "totals": {"all": c.total}, "checks": []})
    validation = validate_region(region_db, PERIOD, [result], None)
    render_region(load_region_config(tmp_path / "in" / "region.toml"), region_db, PERIOD, [result], validation,
                  tmp_path / "out", {}, None)
    html = (tmp_path / "out" / "region.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;局&lt;/b&gt;" in html and "<b>局</b>" not in html


# --------------------------------------------------------------------------------------------
# The flow: three counties on a LocalCluster of two worker processes
# --------------------------------------------------------------------------------------------


@pytest.mark.flow
def test_region_on_dask_equals_counties_one_by_one(prefect_harness, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from flows.county_flow import half_yearly_bulletin
    from flows.region_flow import region_bulletin
    from flows.cli import app

    # bulletin.pdf (LibreOffice, seconds per county) is not what this test is about: skip it on both sides.
    monkeypatch.setenv("ZWGK_SOFFICE", str(tmp_path / "no-soffice"))
    region, counties = synth.make_region(tmp_path / "in", counties=3, seed=11, drafts=(1,),
                                         parquet_root="../parquet", memory_limit="256MB")
    out, work, parquet = tmp_path / "out", tmp_path / "work", tmp_path / "parquet"
    summary = region_bulletin(str(region), PERIOD, out_dir=str(out), work_dir=str(work))

    # Rendered on two worker processes, none of them this one.
    pids = {c["worker_pid"] for c in summary["county_runs"]}
    assert len(pids) == 2 and os.getpid() not in pids
    county_runs = {c["county_slug"]: c for c in summary["counties"]}
    assert {c["status"] for c in summary["counties"]} == {"final", "draft"}
    assert county_runs[counties[1].slug]["status"] == "draft"
    # One region warehouse holds every county's inputs and marts (set-based), beside the region models.
    region_db = str(work / "region-synth.duckdb")
    con = runner.connect(region_db, read_only=True, schema=False)
    assert con.execute("SELECT count(DISTINCT county_slug) FROM unit_period_counts WHERE period = ?",
                       [PERIOD]).fetchone()[0] == 3
    con.close()
    assert not list(work.glob("c0*.duckdb"))  # no warehouse per county

    # The same counties, one by one, with the county flow (as `zwgk run` does), in another folder.
    seq = tmp_path / "seq"
    sequential = {}
    for c in counties:
        sequential[c.slug] = half_yearly_bulletin(county=c.slug, period=PERIOD, config=str(c.config),
                                                  out_dir=str(seq / "out"), warehouse=str(seq / "wh.duckdb"))
    for c in counties:
        a, b = out / c.slug / PERIOD, seq / "out" / c.slug / PERIOD
        assert (a / "bulletin.md").read_bytes() == (b / "bulletin.md").read_bytes()
        html_a, html_b = (a / "bulletin.html").read_text(encoding="utf-8"), (b / "bulletin.html").read_text(encoding="utf-8")
        if county_runs[c.slug]["status"] == "draft":  # a draft's Data Docs are rendered in the region run
            assert html_a == html_b
            assert _names(a) == _names(b)
        else:  # a final county's are not: its footer gives the command that renders them, nothing else differs
            command = f"zwgk docs {PERIOD} --config {c.config} --warehouse {work / 'region-synth.duckdb'}"
            assert f"数据核查报告可运行 {command} 生成" in html_a and "validation/index.html" not in html_a
            assert html_a.replace(f"可运行 {command} 生成", "见 validation/index.html") == html_b
            assert _names(a) == [n for n in _names(b) if not n.startswith("validation/")]
        run_a = json.loads((a / "run.json").read_text(encoding="utf-8"))
        run_b = json.loads((b / "run.json").read_text(encoding="utf-8"))
        if county_runs[c.slug]["status"] != "draft":  # no Data Docs among a final county's outputs
            run_b["outputs"] = {k: v for k, v in run_b["outputs"].items() if not k.startswith("validation")}
        assert _strip(run_a) == _strip(run_b)
        assert "rules" in run_a and run_a["rules"] == run_b["rules"]  # a region's county runs carry the rules too

    # One page indexes every county's Data Docs: a link for the draft, the command for the others.
    index = (out / "synth" / PERIOD / "validation.html").read_text(encoding="utf-8")
    for c in counties:
        if county_runs[c.slug]["status"] == "draft":
            assert f'href="../../{c.slug}/{PERIOD}/validation/index.html"' in index
        else:
            assert f"zwgk docs {PERIOD} --config {c.config} --warehouse {work / 'region-synth.duckdb'}" in index

    # The region ranking is the one computed here from the one-by-one runs.
    totals = {slug: s["totals"] for slug, s in sequential.items()}
    expected = _ranking(totals)
    assert {cat: [r["county_slug"] for r in rows] for cat, rows in summary["ranking"].items()} == expected
    region_json = json.loads((out / "synth" / PERIOD / "region.json").read_text(encoding="utf-8"))
    assert [c["county_slug"] for c in region_json["counties"]] == expected["合计"]
    assert region_json["status"] == "draft" and region_json["totals"]["all"] == sum(c.total for c in counties)

    # The region stage over the one-by-one runs' marts gives the same region outputs.
    seq_parquet = seq / "parquet"
    for c in counties:
        export_marts(seq / "wh.duckdb", c.slug, PERIOD, seq_parquet)
    seq_region_db = seq / "region.duckdb"
    region_transform(seq_region_db, seq_parquet, PERIOD, [c.slug for c in counties], "256MB")
    results = [county_result(c.slug, c.county, str(c.config), {**s, "out_dir": county_runs[c.slug]["out_dir"]})
               for c, s in zip(counties, sequential.values())]
    validation = validate_region(seq_region_db, PERIOD, results, "256MB")
    seq_summary = render_region(load_region_config(region), seq_region_db, PERIOD, results, validation,
                                seq / "region", {}, "256MB")
    for name in ("region.md", "region.html", "units.csv"):
        assert (out / "synth" / PERIOD / name).read_bytes() == (seq / "region" / name).read_bytes(), name
    skip = STAMPS | {"marts", "parquet_root", "warehouse"}
    assert {k: v for k, v in region_json.items() if k not in skip} == \
        {k: v for k, v in seq_summary.items() if k not in skip}

    # A rerun (through the command) in which one county's bulletin has become unreadable: that county
    # fails (named, exit 2) and is left out of the region; the others' partitions are replaced — one
    # file each, the same rows, no duplicates.
    before = {p: p.stat().st_ino for p in parquet.rglob("*") if p.is_file()}
    rows_before = {m: _parquet_rows(parquet, m) for m in region_runner.MARTS}
    broken = counties[2]
    broken.bulletin.write_text("这不是通报\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run-region", "--region", str(region), "--period", PERIOD, "--out", str(out),
                                      "--work", str(work)])
    assert result.exit_code == 2, result.output  # an input could not be read
    assert "未完成" in result.output and "BulletinParseError" in result.output
    assert str(out / "synth" / PERIOD) in result.output
    after = {p: p.stat().st_ino for p in parquet.rglob("*") if p.is_file()}
    assert after.keys() == before.keys() and len(after) == 3 * 3
    for p in after:
        assert (after[p] == before[p]) == (f"county_slug={broken.slug}" in str(p)), p  # replaced, or untouched
    assert {m: _parquet_rows(parquet, m) for m in region_runner.MARTS} == rows_before
    assert rows_before["period_totals"] == [(c.slug, PERIOD, 1) for c in counties]
    assert not list(parquet.rglob("*.tmp"))
    con = runner.connect(region_db, read_only=True, schema=False)
    assert con.execute("SELECT count(*), count(DISTINCT county_slug) FROM region_counties").fetchone() == (2, 2)
    con.close()
    rerun = json.loads((out / "synth" / PERIOD / "region.json").read_text(encoding="utf-8"))
    assert rerun["status"] == "draft"
    assert [c["county_slug"] for c in rerun["counties"]][-1] == broken.slug and rerun["counties"][-1]["rank"] is None
    assert any(broken.county in m for m in rerun["quality"]["blocking"])
    assert (out / broken.slug / PERIOD / "bulletin.md").exists()  # its last good outputs stay


# --------------------------------------------------------------------------------------------
# Set-based validation: one GX run over the region's frames, each county's result as if alone
# --------------------------------------------------------------------------------------------


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_checks_once_over_the_region_equal_each_county_alone(tmp_path):
    import pandas as pd

    from expectations.runner import validate
    from expectations.scope import build_docs, county_docs_results, validate_counties, write_docs_results
    from flows.domain.config import load_config

    _, counties = synth.make_region(tmp_path / "in", counties=3, seed=4, drafts=(2,))
    db = tmp_path / "region.duckdb"
    for c in counties:
        pipeline.ingest_config(load_config(c.config), db, PERIOD)
    con = runner.connect(db)
    for c in counties:
        runner.run_marts(con, c.slug, PERIOD)
    frames = {c.slug: pipeline.frames_for(con, c.slug, PERIOD) for c in counties}
    con.close()
    # County 0 lists one unit twice; the others have units of the same names (every synthetic county has
    # a 政府办): the uniqueness check must stay within a county.
    rows = frames[counties[0].slug]["rows"]
    frames[counties[0].slug]["rows"] = pd.concat([rows, rows.iloc[[0]]], ignore_index=True)
    # County 1 blocks on a warning and has its own tolerance (a settings group of its own).
    blocking = {counties[1].slug: {"units_known": True}}
    settings = {counties[1].slug: {"tolerance": 3}}
    region, outcomes = validate_counties(frames, blocking=blocking, settings=settings)
    for c in counties:
        alone = validate(frames[c.slug], blocking=blocking.get(c.slug), settings=settings.get(c.slug))
        assert [r.to_dict() for r in region[c.slug].results] == [r.to_dict() for r in alone.results], c.slug
    failed = {slug: {r.name for r in v.results if not r.success} for slug, v in region.items()}
    assert failed == {counties[0].slug: {"units_unique"}, counties[1].slug: set(),
                      counties[2].slug: {"overall_total_matches_tables"}}
    unique = next(r for r in region[counties[0].slug].results if r.name == "units_unique")
    assert len(unique.findings) == 1 and "出现2次" in unique.findings[0].message

    # Each county's Data Docs, rendered from its share of that one run: its own pages, its own failure.
    path = write_docs_results(tmp_path / "docs.json", county_docs_results(
        outcomes[counties[2].slug], counties[2].slug, frames[counties[2].slug]))
    index = build_docs(path, tmp_path / "docs")
    assert index is not None and index.is_file()
    pages = {p.name for p in (tmp_path / "docs").rglob("*.html")}
    assert {"warehouse-period_totals.html", "warehouse-reported_rows.html", "reported_rows.html"} <= pages
    entries = json.loads(path.read_text(encoding="utf-8"))
    period = next(e for e in entries if e["frame"] == "period")["result"]
    assert period["success"] is False
    assert all(row.get("county_slug", counties[2].slug) == counties[2].slug
               for e in entries for r in e["result"]["results"]
               for row in (r["result"].get("unexpected_index_list") or []))


def test_the_region_command_resolves_latest_and_counts_a_busy_warehouse_as_input(monkeypatch):
    """`zwgk run --region … --period latest` resolves like a county run; a busy warehouse is the office's to
    fix (exit 2), not an unexpected failure (issue 23's known bugs)."""
    from flows.domain.periods import PeriodError
    from flows.commands.region import region_period
    from flows.steps.region import input_errors
    from flows.steps.runlock import WarehouseBusy
    from flows.steps.runs import latest_completed

    assert region_period("latest") == latest_completed("half").code
    assert region_period("latest:quarter") == latest_completed("quarter").code
    assert region_period("2021H1") == "2021H1"
    with pytest.raises(PeriodError):
        region_period("latest:week")
    assert issubclass(WarehouseBusy, input_errors())
