"""A county unknown to the code, from its portal alone: `zwgk init` + `zwgk run` for four half-years
through the CLI, compared unit by unit with the fixture's own ground truth; the served deployment
(`--period latest`) on the same portal; the re-crawl of each later period measured."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fixtures.qingxi_portal import COUNTY, SLUG, UNITS, UNKNOWN_PUBLISHER, generate, write_registry
from flows.cli import app
from data.demo.portal import serve_directory
from flows.steps.pipeline import latest_completed

pytestmark = pytest.mark.flow
ROOT = Path(__file__).resolve().parents[2]


def _periods():
    last = latest_completed("half")
    out = [last]
    for _ in range(3):
        out.insert(0, out[0].previous())
    return out


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """The 青溪县 portal served on 127.0.0.1, as of a few days after the first half-year."""
    root = tmp_path_factory.mktemp("qingxi_site")
    periods = _periods()
    generate(root, periods, as_of=periods[0].end + timedelta(days=5))
    with serve_directory(root) as base:
        yield {"root": root, "base": base, "periods": periods}


def _zwgk(*args) -> subprocess.CompletedProcess:
    """`zwgk …` in its own process, as a user runs it (on the session's Prefect server)."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "flows.cli", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def _init(tmp_path, portal, *extra):
    cfg_dir = tmp_path / "counties"
    # no --preset: the family is chosen from the 政务公开 page and the first column pages
    result = CliRunner().invoke(app, ["init", "--county", COUNTY, "--slug", SLUG,
                                      "--start", f"{portal['base']}/zwgk/index.html", "--rate", "500",
                                      "--dir", str(cfg_dir), *extra])
    assert result.exit_code == 0, result.output
    assert "预设 trs：" in result.output and "createPageHTML" in result.output
    return cfg_dir, result.output


def test_init_and_run_four_half_years_equal_the_ground_truth(prefect_harness, tmp_path, portal):
    registry = write_registry(tmp_path / "qingxi_units.csv")
    cfg_dir, printed = _init(tmp_path, portal, "--registry", str(registry))
    config = cfg_dir / f"{SLUG}.toml"
    text = config.read_text(encoding="utf-8")
    assert 'source = "auto"' in text and 'default_period = "latest"' in text
    portal_toml = (cfg_dir / f"{SLUG}_portal.toml").read_text(encoding="utf-8")
    assert portal_toml.count("[[columns]]") == 22
    # the search page (robots.txt forbids it), the guide and the application form: links, not columns
    # and the provincial platform's application page, another site: external, listed, never crawled
    assert portal_toml.count("[[links]]") == 4
    assert all(f'kind = "{k}"' in portal_toml for k in ("search", "single_page", "form", "external"))
    assert "不是栏目的链接" in printed
    assert not (cfg_dir / f"{SLUG}_registry.csv").exists() and "起草" not in printed

    out, wh = tmp_path / "out", tmp_path / "wh.duckdb"
    requests = []
    for p in portal["periods"]:
        truth = generate(portal["root"], portal["periods"], as_of=p.end + timedelta(days=5))
        # the portal changes between these runs seconds apart: --recrawl, or [crawl] max_age reuses the last crawl
        result = _zwgk("run", "--config", config, "--period", p.code, "--out", out, "--warehouse", wh, "--recrawl")
        assert result.returncode == 0, result.stdout + result.stderr[-3000:]
        final = out / SLUG / p.code
        run = json.loads((final / "run.json").read_text(encoding="utf-8"))
        assert run["counts_source"] == "crawl" and run["source"]["kind"] == "crawl"
        # unit by unit, every registered unit (zeros included) against the generator's own items
        assert {u["unit"]: u["count"] for u in run["units"]} == truth["counts"][p.code], p.code
        assert run["totals"]["all"] == sum(truth["counts"][p.code].values())
        # ranks inside each category: by count, ties (zeros) by the registry's display order
        order = {u[1]: u[4] for u in UNITS}
        for category in ("县直部门", "乡镇"):
            rows = sorted((u for u in run["units"] if u["category"] == category), key=lambda u: u["rank"])
            assert [u["rank"] for u in rows] == list(range(1, len(rows) + 1))
            assert rows == sorted(rows, key=lambda u: (-u["count"], order[u["unit"]]))
        # the publisher the registry does not know: listed, never counted
        assert [(u["unit_raw"], u["items"]) for u in run["unknown_publishers"]] == \
            [(UNKNOWN_PUBLISHER, truth["unknown"][p.code])]
        md = (final / "bulletin.md").read_text(encoding="utf-8")
        assert f"数据来源：{COUNTY}人民政府门户网站政务公开栏目" in md
        assert f"发布机构为“{UNKNOWN_PUBLISHER}”，不在单位名册中" in md
        from openpyxl import load_workbook

        sheet = load_workbook(final / "attachments.xlsx")["未登记发布机构"]
        assert sheet.cell(2, 1).value == UNKNOWN_PUBLISHER and sheet.cell(2, 2).value == truth["unknown"][p.code]
        assert run["crawl"]["incomplete_columns"] == [] and run["status"] == "final"
        assert not any(w in md for w in ("站内搜索", "依申请公开", "政府信息公开指南"))  # no problem about them
        # the guide, a single page, is read once for the update date it states, never as a column
        assert [(sp["name"].split("/")[-1], sp["updated"]) for sp in run["crawl"]["single_pages"]] == \
            [("政府信息公开指南", "2020-03-02")]
        assert isinstance(run["rules"], list)
        # the formatting rule against the defects the generator put into the bodies (issue 20: ≥ 0.95)
        from bench.formatcheck import score
        from flows.steps.validate import rule_rows
        from transforms import runner

        con = runner.connect(wh)
        try:
            fmt = score(rule_rows(con, SLUG, p.code)["rule_formatting"], truth["format"])
        finally:
            con.close()
        assert fmt["defects"] > 0 and fmt["precision"] >= 0.95 and fmt["recall"] >= 0.95, fmt
        requests.append(run["crawl"]["summary"])
        print(f"{p.code}: requests {run['crawl']['requests']}, 304 {run['crawl']['summary']['not_modified']}, "
              f"articles fetched {run['crawl']['summary']['articles_fetched']}, "
              f"items {run['crawl']['items']}")

    # each later period's crawl is incremental: conditional heads, only new articles fetched
    for later in requests[1:]:
        assert later["not_modified"] >= 2  # columns with nothing new (档案馆) answer 304
        assert later["articles_reused"] > 0 and later["articles_fetched"] < later["items"] / 2
    # the comparison with the previous half-year comes from the same marts
    md = (out / SLUG / portal["periods"][-1].code / "bulletin.md").read_text(encoding="utf-8")
    assert f"与{portal['periods'][-2].label}" in md


def test_init_without_registry_drafts_one_and_the_served_deployment_runs_latest(prefect_harness, tmp_path, portal):
    from prefect_helpers import serve_and_trigger

    periods = portal["periods"]
    truth = generate(portal["root"], periods, as_of=periods[-1].end + timedelta(days=5))
    cfg_dir, printed = _init(tmp_path, portal)
    drafted = (cfg_dir / f"{SLUG}_registry.csv").read_text(encoding="utf-8")
    assert "起草" in printed and "草稿" in drafted
    assert "T02,白沙镇,白沙镇,乡镇" in drafted or ",白沙镇,白沙镇,乡镇," in drafted  # 镇 → 乡镇
    assert ",河东街道,河东街道,乡镇," in drafted and ",财政局,财政局,县直部门," in drafted
    assert "档案馆" not in drafted  # it never published: the office adds it

    config = cfg_dir / f"{SLUG}.toml"
    out, wh = tmp_path / "out", tmp_path / "wh.duckdb"
    args = ["--config", str(config), "--out", str(out), "--warehouse", str(wh), "--name", "test"]
    flow_run = serve_and_trigger(args, f"half_yearly_bulletin/test-{SLUG}", tmp_path / "serve.log", ROOT)
    assert flow_run is not None, (tmp_path / "serve.log").read_text()
    assert flow_run.state.is_completed(), flow_run.state
    run = json.loads((out / SLUG / periods[-1].code / "run.json").read_text(encoding="utf-8"))
    assert run["period"] == periods[-1].code and run["counts_source"] == "crawl"
    # the drafted registry holds every publisher, the unregistered one too (named without the county, as the
    # draft names units): each unit's count is the ground truth's
    code = periods[-1].code
    expected = {**truth["counts"][code], UNKNOWN_PUBLISHER.removeprefix(COUNTY): truth["unknown"][code]}
    produced = {u["unit"]: u["count"] for u in run["units"]}
    assert produced and all(produced[name] == expected[name] for name in produced), (produced, expected)
    assert sum(produced.values()) == sum(expected.values()) > 0 and run["unknown_publishers"] == []
    shutil.rmtree(cfg_dir / "crawl", ignore_errors=True)
