"""The Prefect flow end to end, under one prefect_test_harness for the session."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.domain.config import DEFAULT_CONFIG

pytestmark = pytest.mark.flow


def test_flow_on_seed_is_a_draft_naming_both_totals(prefect_harness, tmp_path):
    from flows.county_flow import half_yearly_bulletin

    out, wh = tmp_path / "out", tmp_path / "wh.duckdb"
    summary = half_yearly_bulletin(county="huarong", period="2021H1", out_dir=str(out), warehouse=str(wh))
    final = out / "huarong" / "2021H1"
    assert summary["status"] == "draft"
    assert summary["out_dir"] == str(final.resolve())
    for name in ("bulletin.md", "bulletin.html", "run.json", "validation/index.html"):
        assert (final / name).exists(), name
    run = json.loads((final / "run.json").read_text(encoding="utf-8"))
    assert run["totals"]["all"] == 1298 and run["totals"]["stated_in_text"] == 1267
    # The default job crawls the bundled demo portal: its per-unit counts equal the seed tables.
    assert run["crawl"]["failed"] == 0 and run["crawl"]["unknown_units"] == []
    assert run["crawl"]["complete"] is True and run["crawl"]["incomplete_columns"] == []
    assert len(run["reconciliation"]) == 50
    assert all(r["reported"] == r["crawled"] for r in run["reconciliation"])
    first_requests = run["crawl"]["requests"]
    # run.json carries the rules as one flat list, the same findings the checks report
    assert run["counts_source"] == "reported" and run["unknown_publishers"] == []
    assert {r["rule"] for r in run["rules"]} >= {"column_freshness", "timeliness", "formatting", "key_area"}
    assert all(set(r) == {"rule", "severity", "unit", "column", "url", "title", "detail"} for r in run["rules"])
    timely = next(c for c in run["checks"] if c["name"] == "documents_timely")
    assert len([r for r in run["rules"] if r["rule"] == "timeliness"]) == len(timely["messages"]) > 0
    assert all(r["title"] and r["url"] for r in run["rules"] if r["rule"] == "timeliness")
    assert [p.name for p in (out / "huarong").iterdir()] == ["2021H1"]  # no staging leftovers

    # A rerun replaces the period's outputs atomically: same bulletin, fresh run.json.
    first = (final / "bulletin.md").read_bytes()
    half_yearly_bulletin(county="huarong", period="2021H1", out_dir=str(out), warehouse=str(wh))
    assert (final / "bulletin.md").read_bytes() == first
    rerun = json.loads((final / "run.json").read_text(encoding="utf-8"))
    assert rerun["crawl"]["pages_fetched"] == 0  # conditional requests: every list head 304
    assert rerun["crawl"]["requests"] < first_requests / 4
    # …and nothing the checks look at changed, so Great Expectations was skipped (cached)
    from flows.steps.pipeline import list_runs
    from prefect_helpers import task_states

    assert task_states(list_runs(wh)[0]["flow_run_id"])["validate"] == "Cached"
    assert [p.name for p in (out / "huarong").iterdir()] == ["2021H1"]


def test_failed_run_keeps_previous_outputs(prefect_harness, tmp_path, monkeypatch):
    from flows.steps import pipeline
    from flows.county_flow import half_yearly_bulletin

    out, wh = tmp_path / "out", tmp_path / "wh.duckdb"
    half_yearly_bulletin(county="huarong", period="2021H1", out_dir=str(out), warehouse=str(wh))
    before = (out / "huarong" / "2021H1" / "run.json").read_text(encoding="utf-8")

    def broken(*args, **kwargs):
        raise RuntimeError("渲染失败（测试注入）")

    monkeypatch.setattr(pipeline, "render_outputs", broken)
    with pytest.raises(RuntimeError):
        half_yearly_bulletin(county="huarong", period="2021H1", out_dir=str(out), warehouse=str(wh))
    assert (out / "huarong" / "2021H1" / "run.json").read_text(encoding="utf-8") == before
    assert [p.name for p in (out / "huarong").iterdir()] == ["2021H1"]


def test_cli_run_exits_3_on_draft_and_0_with_draft_ok(prefect_harness, tmp_path):
    runner = CliRunner()
    args = ["run", "--config", str(DEFAULT_CONFIG), "--out", str(tmp_path / "out"),
            "--warehouse", str(tmp_path / "wh.duckdb")]
    result = runner.invoke(app, args)
    assert result.exit_code == 3, result.output
    assert "草稿" in result.output and "1267 ≠ 1298" in result.output
    assert runner.invoke(app, [*args, "--draft-ok"]).exit_code == 0


def test_cli_run_with_a_final_bulletin(prefect_harness, tmp_path, seed_path):
    fixed = tmp_path / "fixed.txt"
    fixed.write_text(seed_path.read_text(encoding="utf-8").replace("1267条", "1298条"), encoding="utf-8")
    config = tmp_path / "county.toml"
    shutil.copy(DEFAULT_CONFIG.parent.parent / "registry" / "huarong.csv", tmp_path / "reg.csv")
    config.write_text('county = "华容县"\nslug = "huarong"\nregistry = "reg.csv"\n'
                      '[[sources]]\npath = "fixed.txt"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--period", "2021H1",
                                      "--out", str(tmp_path / "out"), "--warehouse", str(tmp_path / "wh.duckdb")])
    assert result.exit_code == 0, result.output
    assert "正式稿" in result.output
    run = json.loads((tmp_path / "out" / "huarong" / "2021H1" / "run.json").read_text(encoding="utf-8"))
    assert run["status"] == "final" and all(c["success"] for c in run["checks"])


def test_default_config_2021H2_is_counted_from_the_demo_portal(prefect_harness, tmp_path):
    """No bulletin is loaded for 2021H2: the tables come from the portal's H2 items."""
    from flows.county_flow import half_yearly_bulletin
    from data.demo.portal import read_seed_counts

    out = tmp_path / "out"
    summary = half_yearly_bulletin(county="huarong", period="2021H2", out_dir=str(out),
                                   warehouse=str(tmp_path / "wh.duckdb"))
    run = json.loads((out / "huarong" / "2021H2" / "run.json").read_text(encoding="utf-8"))
    assert summary["status"] == run["status"] == "final"
    assert run["counts_source"] == "crawl" and run["totals"]["stated_in_text"] is None
    # the demo portal publishes a tenth of each unit's H1 count (at least one) in July–September 2021;
    # 扶贫办's are published as 乡村振兴局, the unit the registry has from 2021-07-01
    expected = {r["unit"]: max(1, round(r["count"] * 0.10)) for r in read_seed_counts()}
    expected["乡村振兴局"] = expected.pop("扶贫办")
    assert {u["unit"]: u["count"] for u in run["units"]} == expected
    assert run["reconciliation"] == []  # nothing reported for H2 to reconcile
    md = (out / "huarong" / "2021H2" / "bulletin.md").read_text(encoding="utf-8")
    assert "数据来源：华容县人民政府门户网站（演示，合成数据）政务公开栏目" in md
