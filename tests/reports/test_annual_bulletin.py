"""The H1 bulletin's 存在问题 names last year's late and missing annual reports — only when the
warehouse holds that year's annual review (so `make run`, which does not run it, is unchanged)."""

from __future__ import annotations

import pytest

from datetime import date

from flows.steps import pipeline
from flows.steps.annual import review_year
from flows.domain.config import DEFAULT_CONFIG, load_config
from data.demo.annual import make_spec, render_page
from reports.context import build_context
from transforms import runner


def _problems(wh) -> list[dict]:
    con = runner.connect(wh)
    try:
        return build_context(con, county_slug="huarong", period="2021H1")["problems"]
    finally:
        con.close()


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_h1_bulletin_names_late_and_missing_annual_reports(tmp_path):
    cfg = load_config(DEFAULT_CONFIG)
    wh = tmp_path / "warehouse.duckdb"
    pipeline.ingest_config(cfg, wh, "2021H1")
    pipeline.transform(wh, cfg.slug, "2021H1", cfg.rules)
    assert not [p for p in _problems(wh) if p["rule"] == "annual_report"]

    files = []
    for unit, published in (("华容县教育体育局", date(2021, 2, 8)), ("华容县财政局", date(2021, 1, 20))):
        spec = make_spec(unit, 2020, seed=1)
        spec.published = published
        f = tmp_path / f"{unit}.html"
        f.write_text(render_page(spec), encoding="utf-8")
        files.append(f)
    review = review_year(cfg, wh, 2020, None, files=files)
    assert review["summary"]["late"] == 1 and review["summary"]["missing"] == 48

    (item,) = [p for p in _problems(wh) if p["rule"] == "annual_report"]
    assert item["title"] == "政府信息公开工作年度报告公布不及时"
    assert "2020年度" in item["summary"] and "教育体育局逾期公布" in item["summary"]
    assert "等48个单位未公布" in item["summary"] and "财政局" not in item["summary"]


def test_zwgk_transform_rebuilds_the_annual_marts(tmp_path):
    cfg = load_config(DEFAULT_CONFIG)
    wh = tmp_path / "warehouse.duckdb"
    spec = make_spec("华容县财政局", 2020, seed=1)
    f = tmp_path / "r.html"
    f.write_text(render_page(spec), encoding="utf-8")
    review_year(cfg, wh, 2020, None, files=[f])
    con = runner.connect(wh)
    try:
        runner.execute(con, "DELETE FROM annual_unit_review")
        assert runner.run_all(con) == 1
        assert runner.scalar(con, "SELECT count(*) FROM annual_unit_review WHERE period = '2020'") == 50
    finally:
        con.close()
