"""The Prefect flow end to end, under one prefect_test_harness for the session."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.config import DEFAULT_CONFIG

pytestmark = pytest.mark.flow


def test_flow_on_seed_is_a_draft_naming_both_totals(prefect_harness, tmp_path):
    from flows.bulletin_flow import half_yearly_bulletin

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
    assert [p.name for p in (out / "huarong").iterdir()] == ["2021H1"]  # no staging leftovers

    # A rerun replaces the period's outputs atomically: same bulletin, fresh run.json.
    first = (final / "bulletin.md").read_bytes()
    half_yearly_bulletin(county="huarong", period="2021H1", out_dir=str(out), warehouse=str(wh))
    assert (final / "bulletin.md").read_bytes() == first
    rerun = json.loads((final / "run.json").read_text(encoding="utf-8"))
    assert rerun["crawl"]["pages_fetched"] == 0  # conditional requests: every list head 304
    assert rerun["crawl"]["requests"] < first_requests / 4
    # …and nothing the checks look at changed, so Great Expectations was skipped (cached)
    from flows.pipeline import list_runs
    from prefect_helpers import task_states

    assert task_states(list_runs(wh)[0]["flow_run_id"])["validate"] == "Cached"
    assert [p.name for p in (out / "huarong").iterdir()] == ["2021H1"]


def test_failed_run_keeps_previous_outputs(prefect_harness, tmp_path, monkeypatch):
    from flows import pipeline
    from flows.bulletin_flow import half_yearly_bulletin

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
