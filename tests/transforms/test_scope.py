"""Set-based marts (runner.run_scope): one pass of the model files over several counties and periods
gives each county exactly the rows it gets when it is built alone, in a warehouse of its own; a
rebuild replaces exactly its partitions; the region's models read the county marts in the same
warehouse as they read their Parquet export."""

from __future__ import annotations

from datetime import date

import pytest
from annual_fixtures import render, spec
from model_fixtures import bulletin, row

from flows.domain.registry import load_registry
from flows.domain.rules_config import rules_settings
from flows.ingest.annual_report import parse_annual_report
from flows.ingest.bulletin import parse_bulletin
from transforms import region_runner, runner
from transforms.annual_loaders import load_review
from transforms.loaders import load_county, load_crawl, load_parsed, load_registry as load_registry_into
from transforms.rule_loaders import load_rule_settings, load_workdays

pytestmark = pytest.mark.slow  # an expensive module fixture: in `make test`, not in `make test-fast`

A, B = "huarong", "twin"
PERIODS = ("2021H1", "2021H2")
PAIRS = [(c, p) for c in (A, B) for p in PERIODS]


def col(name, type_, unit, status="ok"):
    return {"name": name, "url": f"http://portal/{name}/", "type": type_, "unit": unit, "status": status}


def item(url, column, type_, unit, publish, doc=None, title=None, facts=None, body="正文"):
    return {"url": url, "title": title or f"信息{url}", "unit_raw": unit, "column": column, "column_type": type_,
            "columns": [column], "publish_date": publish, "doc_date": doc, "doc_number": None,
            "index_number": None, "topic": None, "repost_of": None, "fetched_at": "2021-12-31T08:00:00+08:00",
            "body_text": body, "format_facts": facts or {"paragraphs": ["　　正文。"], "max_empty_run": 0}}


COLUMNS = [col("公安局/工作动态", "dynamics", "公安局"), col("民政局/通知公告", "notice", "民政局"),
           col("司法局/人事信息", "personnel", "司法局"), col("公安局/财政信息", "budget", "公安局"),
           col("林业局/规划计划", "plan", "林业局", status="blocked")]
ITEMS = [
    item("/1", "公安局/工作动态", "dynamics", "公安局", "2021-06-20", "2021-05-06"),
    item("/2", "公安局/工作动态", "dynamics", "公安局", "2021-03-02", "2021-01-29", title="关于印发规范性文件的通知"),
    item("/3", "民政局/通知公告", "notice", "民政局", "2021-01-05",
         facts={"paragraphs": ["甲   乙", "丙\u3000\u3000\u3000丁"], "max_empty_run": 4}),
    item("/4", "司法局/人事信息", "personnel", "司法局", None),
    item("/5", "司法局/人事信息", "personnel", "司法局", "2021-08-03", title="司法局2021年项目资金使用情况"),
    item("/6", "公安局/财政信息", "budget", "公安局", "2021-04-10", title="公安局2021年部门预算",
         body="其中三公经费预算10万元。"),
    item("/7", "公安局/工作动态", "dynamics", "火星局", "2021-09-09", facts={"paragraphs": [], "max_table_columns": 14}),
    item("/8", "民政局/通知公告", "notice", "民政局", "2021-11-11", "2021-09-17"),
]


def _annual(con, county_slug: str, units: list[str], seed: int) -> None:
    reports, matches, findings = [], [], []
    for no, unit in enumerate(units):
        s = spec(2020, unit=unit, seed=seed + no)
        s.published = date(2021, 1, 10 + 20 * no)
        reports.append(parse_annual_report(render(s, "html"), f"{unit}.html"))
        matches.append({"printed": unit, "unit_id": None})
        findings.append({"report_no": no, "unit": unit, "code": "annual_late" if no else "annual_total",
                         "severity": "warning", "message": f"{unit}的问题", "where": "表三"})
    load_review(con, county_slug=county_slug, county="华容县", year=2020, reports=reports, matches=matches,
                findings=findings, registered=[])


def _load(con, county_slug: str, registry, seed_path) -> None:
    """County A: the seed bulletin (claims included) and a crawl; county B: the same registry, a small
    bulletin for H1 only, a crawl shifted by one item, its own rule settings and counts source."""
    load_registry_into(con, registry, county_slug)
    if county_slug == A:
        load_county(con, county_slug=A, county="华容县", portal="http://portal/")
        load_parsed(con, parse_bulletin(seed_path), county_slug=A, county="华容县", period="2021H1")
        load_crawl(con, county_slug=A, crawl_id="a1", items=ITEMS, summary={}, columns=COLUMNS)
        load_rule_settings(con, A, rules_settings({"key_area": {"categories": ["县直部门"]}}))
        _annual(con, A, ["华容县财政局", "华容县教育体育局"], seed=1)
    else:
        load_county(con, county_slug=B, county="孪生县", counts_source="auto")
        load_parsed(con, bulletin([("县直部门", [row("公安局", 9, 1, 1), row("民政局", 9, 2, 2), row("火星局", 3, 3, 3)], 21)],
                                  stated_total=20, sha="b" * 64), county_slug=B, county="孪生县", period="2021H1")
        load_crawl(con, county_slug=B, crawl_id="b1", items=ITEMS[1:], summary={}, columns=COLUMNS[1:])
        load_rule_settings(con, B, rules_settings({"timeliness": {"working_days": 15},
                                                   "formatting": {"min_space_run": 2}}))
        _annual(con, B, ["华容县财政局"], seed=5)
    for period in PERIODS:
        load_workdays(con, county_slug, period)


def _marts(con) -> dict[str, list[tuple]]:
    """Every mart's rows per county, order-free (a table's row order is not part of its contents)."""
    out = {}
    for name in runner.models("marts"):
        for county in (A, B):
            rows = con.execute(f'SELECT * FROM "{name}" WHERE county_slug = ?', [county]).fetchall()
            out[f"{name}/{county}"] = sorted(rows, key=repr)
    return out


@pytest.fixture(scope="module")
def built(registry_path, seed_path, tmp_path_factory):
    """Three warehouses: A alone and B alone (built one pair at a time, run_marts), and A + B
    together (built in one pass, run_scope, both families)."""
    registry = load_registry(registry_path, "华容县")
    root = tmp_path_factory.mktemp("scope")
    cons = {}
    for name, counties in (("a", [A]), ("b", [B]), ("ab", [A, B])):
        con = runner.connect(root / f"{name}.duckdb")
        for county in counties:
            _load(con, county, registry, seed_path)
        cons[name] = con
    alone = {}
    for name, county in (("a", A), ("b", B)):
        alone[county] = {p: runner.run_marts(cons[name], county, p) for p in PERIODS}
        runner.run_marts(cons[name], county, "2020", family="annual")
    together = runner.run_scope(cons["ab"], PAIRS)
    runner.run_scope(cons["ab"], [(A, "2020"), (B, "2020")], family="annual")
    yield {"cons": cons, "alone": alone, "together": together, "root": root}
    for con in cons.values():
        con.close()


def test_two_counties_in_one_pass_equal_each_county_alone(built):
    a, b, ab = (_marts(built["cons"][k]) for k in ("a", "b", "ab"))
    for name in runner.models("marts"):
        assert ab[f"{name}/{A}"] == a[f"{name}/{A}"], f"{name}: {A} differs when built with {B}"
        assert ab[f"{name}/{B}"] == b[f"{name}/{B}"], f"{name}: {B} differs when built with {A}"
    # Not vacuous: every mart has rows, and most have rows for both counties.
    empty = [n for n in runner.models("marts") if not ab[f"{n}/{A}"] and not ab[f"{n}/{B}"]]
    assert not empty, f"marts with no rows in the fixture: {empty}"
    both = [n for n in runner.models("marts") if ab[f"{n}/{A}"] and ab[f"{n}/{B}"]]
    assert len(both) >= len(runner.models("marts")) - 2


def test_the_counties_differ_so_the_comparison_can_fail(built):
    ab = _marts(built["cons"]["ab"])
    assert ab[f"unit_period_counts/{A}"] != ab[f"unit_period_counts/{B}"]
    con = built["cons"]["ab"]
    # ranks restart in each county × period × category (a window over the whole scope would not)
    firsts = con.execute("SELECT county_slug, period, category, min(rank), count(*) FROM unit_period_counts "
                         "GROUP BY ALL ORDER BY ALL").fetchall()
    assert {(c, p) for c, p, *_ in firsts} == set(PAIRS)
    assert all(first == 1 for *_, first, _n in firsts)
    sources = dict(((c, p), s) for c, p, s in con.execute(
        "SELECT county_slug, period, counts_source FROM period_counts_source").fetchall())
    assert sources == {(A, "2021H1"): "reported", (A, "2021H2"): "crawl",
                       (B, "2021H1"): "reported", (B, "2021H2"): "crawl"}


def test_run_scope_counts_rows_over_the_scope(built):
    together, alone = built["together"], built["alone"]
    for name, rows in together.items():
        assert rows == sum(alone[c][p][name] for c, p in PAIRS), name
    assert together["unit_period_counts"] > 50


def test_a_rebuild_replaces_exactly_its_partitions(built, tmp_path):
    con = built["cons"]["ab"]
    before = _marts(con)
    stamp = "SELECT count(*) FROM unit_period_counts WHERE county_slug = ? AND period = ?"
    con.execute("UPDATE unit_period_counts SET count = -1 WHERE county_slug = ?", [B])
    counts = runner.run_scope(con, [(B, "2021H1")])
    assert counts["unit_period_counts"] == con.execute(stamp, [B, "2021H1"]).fetchall()[0][0]
    after = con.execute("SELECT period, min(count) FROM unit_period_counts WHERE county_slug = ? GROUP BY 1 ORDER BY 1",
                        [B]).fetchall()
    assert after[0][1] >= 0 and after[1] == ("2021H2", -1)  # H1 rebuilt, H2 left alone
    runner.run_scope(con, [(B, "2021H2")])
    assert _marts(con) == before
    # No scope table is left behind once a build is done.
    assert runner.columns(con, "run_scope") is None


def test_a_mart_whose_columns_changed_is_recreated_with_all_its_partitions(built):
    con = built["cons"]["ab"]
    before = _marts(con)
    con.execute("ALTER TABLE period_totals ADD COLUMN stale INTEGER")
    runner.run_marts(con, A, "2021H1")
    assert "stale" not in [c for c, _ in runner.columns(con, "period_totals")]
    assert _marts(con) == before  # B's partitions and A's other period were rebuilt in the same pass


def test_a_failed_scope_build_leaves_every_partition(built, monkeypatch):
    con = built["cons"]["ab"]
    before = _marts(con)
    broken = dict(runner.models("marts"))
    broken["reconciliation"] = "SELECT * FROM no_such_table"
    monkeypatch.setattr(runner, "models", lambda layer: broken if layer == "marts" else {})
    with pytest.raises(Exception):
        runner.run_scope(con, PAIRS)
    monkeypatch.undo()
    assert _marts(con) == before


def test_region_models_read_local_marts_as_they_read_the_parquet_export(built):
    root = built["root"]
    con = built["cons"]["ab"]
    local = region_runner.run_region_models(con, "2021H1", [A, B])
    local_rows = {m: sorted(con.execute(f'SELECT * FROM "{m}"').fetchall(), key=repr) for m in local}
    with pytest.raises(LookupError, match="nowhere"):
        region_runner.run_region_models(con, "2021H1", [A, "nowhere"])
    con.close()  # the export opens the warehouse read-only
    parquet = root / "parquet"
    for county in (A, B):
        region_runner.export_county_marts(root / "ab.duckdb", county, "2021H1", parquet)
    region = region_runner.connect(root / "region.duckdb")
    try:
        remote = region_runner.run_region(region, parquet, "2021H1", [A, B])
        assert remote == local and local["region_counties"] == 2
        for m in local:
            assert sorted(region.execute(f'SELECT * FROM "{m}"').fetchall(), key=repr) == local_rows[m], m
    finally:
        region.close()
        built["cons"]["ab"] = runner.connect(root / "ab.duckdb")  # for the fixture's teardown


def test_a_warehouse_attached_beside_is_not_taken_for_this_one(registry_path, tmp_path):
    """The runner looks at its own warehouse's tables only: with another warehouse attached (a region
    reading a county's), marts this one lacks are still created here, not found there."""
    registry = load_registry(registry_path, "华容县")
    small = bulletin([("县直部门", [row("公安局", 9, 1, 1)], 9)])
    other = runner.connect(tmp_path / "other.duckdb")
    load_registry_into(other, registry, A)
    load_parsed(other, small, county_slug=A, county="华容县", period="2021H1")
    runner.run_marts(other, A, "2021H1")
    other.close()
    con = runner.connect(tmp_path / "here.duckdb")
    try:
        runner.execute(con, "ATTACH '" + str(tmp_path / "other.duckdb") + "' AS other (READ_ONLY)")
        load_registry_into(con, registry, B)
        load_parsed(con, small, county_slug=B, county="孪生县", period="2021H1")
        assert runner.columns(con, "unit_period_counts") is None
        counts = runner.run_marts(con, B, "2021H1")
        assert counts["unit_period_counts"] == 1 and runner.columns(con, "unit_period_counts")
    finally:
        con.close()


def test_partition_counts_are_each_counties_own_rows(built):
    counts = runner.partition_counts(built["cons"]["ab"], [(A, "2021H1"), (B, "2021H1")])
    assert counts == {A: built["alone"][A]["2021H1"], B: built["alone"][B]["2021H1"]}
    assert counts[A]["unit_period_counts"] > 0


def test_frames_of_many_counties_equal_each_county_alone(built):
    import pandas as pd

    from flows.steps.validate import frames_for, frames_for_scope

    together = frames_for_scope(built["cons"]["ab"], [A, B], "2021H1")
    for county, con in ((A, built["cons"]["a"]), (B, built["cons"]["b"])):
        alone = frames_for(con, county, "2021H1")
        assert together[county].keys() == alone.keys()
        for frame, df in alone.items():
            pd.testing.assert_frame_equal(together[county][frame], df, check_dtype=bool(len(df)), obj=frame)
    assert len(together[A]["reconciliation"]) and len(together[B]["tables"])


def test_the_staging_computed_for_a_build_is_dropped_after_it(built):
    con = built["cons"]["ab"]
    runner.run_scope(con, PAIRS)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall() == [(0,)]
    # the view is what other queries read again
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'stg_crawled_items'").fetchall() == [(1,)]
