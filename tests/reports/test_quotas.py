"""Quotas (最低标准, [quotas] in the county config: flows/domain/quotas.py, reports/context.py apply_quotas): the
minimum scaled to the run's period by hand, the 达标情况 column in every format and the 存在问题 item naming the
units below it, on the seed against its hand-typed rows (tests/bulletin_fixtures.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bulletin_fixtures import SEED_DEPARTMENTS, SEED_TOWNS

REGISTRY = Path(__file__).resolve().parents[2] / "data" / "registry" / "huarong.csv"
from flows.domain.quotas import scaled

pytestmark = pytest.mark.slow  # an expensive module fixture: in `make test`, not in `make test-fast`


@pytest.mark.parametrize("minimum,per,kind,expected", [
    (20, "month", "month", 20), (20, "month", "quarter", 60), (20, "month", "half", 120), (20, "month", "year", 240),
    (20, "quarter", "month", 7),    # 20 / 3 = 6.67: rounded up, a unit must reach it
    (100, "year", "half", 50), (100, "year", "month", 9),   # 100 / 12 = 8.33 → 9
    (30, "half", "year", 60),
])
def test_the_minimum_scales_to_the_period(minimum, per, kind, expected):
    assert scaled(minimum, per, kind) == expected


def test_the_config_takes_quotas_and_refuses_bad_ones_in_one_line(tmp_path):
    from flows.domain.config import ConfigError, load_config

    base = 'county = "华容县"\nslug = "huarong"\n'
    good = tmp_path / "good.toml"
    good.write_text(base + '[quotas]\nper = "month"\nminimum = { "县直部门" = 5, "乡镇" = 3 }\n', encoding="utf-8")
    assert load_config(good).quotas == {"per": "month", "minimum": {"县直部门": 5, "乡镇": 3}}
    for body, expected in (('per = "week"', "per"), ('minimum = { "县直部门" = 0 }', "minimum"),
                           ('minimun = { "县直部门" = 5 }', "minimun")):
        bad = tmp_path / "bad.toml"
        bad.write_text(base + f"[quotas]\n{body}\n", encoding="utf-8")
        with pytest.raises(ConfigError) as info:
            load_config(bad)
        assert "\n" not in str(info.value) and str(bad) in str(info.value) and expected in str(info.value)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from flows.domain.config import DEFAULT_CONFIG, load_config
    from flows.steps import pipeline

    tmp = tmp_path_factory.mktemp("quotas")
    # 5 a month for a department, 3 for a township: 30 and 18 for the half-year
    cfg = replace(load_config(DEFAULT_CONFIG), quotas={"per": "month", "minimum": {"县直部门": 5, "乡镇": 3}})
    warehouse = tmp / "wh.duckdb"
    pipeline.ingest_config(cfg, warehouse, "2021H1")
    pipeline.transform(warehouse, cfg.slug, "2021H1")
    validation = pipeline.validate_period(warehouse, cfg.slug, "2021H1", docs_dir=None)
    pipeline.render_outputs(cfg, warehouse, "2021H1", validation, tmp, {})
    return tmp


def test_markdown_shows_the_column_and_names_the_units_below(rendered):
    md = (rendered / "bulletin.md").read_text(encoding="utf-8")
    below_departments = [(u, c) for u, c, _r in SEED_DEPARTMENTS if c < 30]
    below_towns = [(u, c) for u, c, _r in SEED_TOWNS if c < 18]
    assert len(below_departments) == 28 and len(below_towns) == 3  # 农业农村局 has 30: it reaches the minimum
    assert "| 单位名称 | 2021年上半年度更新条数 | 排名 | 达标情况（最低30条） |" in md
    assert "| 农业农村局 | 30 | 8 | 达标 |" in md and "| 政府办 | 29 | 9 | 未达标（差1条） |" in md
    assert "| 三封寺镇 | 6 | 14 | 未达标（差12条） |" in md and "| 操军镇 | 18 | 10 | 达标 |" in md
    assert md.count("未达标（") == 28 + 3
    assert "信息发布未达到最低标准" in md
    assert "县直部门按每月最低5条（本期30条）的标准，28个单位未达标：政府办（29条）、" in md
    assert "乡镇按每月最低3条（本期18条）的标准，3个单位未达标：东山镇（15条）、团洲乡（10条）、三封寺镇（6条）。" in md


def test_word_excel_and_html_show_the_column(rendered):
    from docx import Document
    from openpyxl import load_workbook

    table = Document(rendered / "bulletin.docx").tables[0]
    assert [c.text for c in table.rows[0].cells] == ["单位名称", "2021年上半年度更新条数", "排名", "达标情况（最低30条）"]
    assert [c.text for c in table.rows[9].cells] == ["政府办", "29", "9", "未达标（差1条）"]
    ws = load_workbook(rendered / "attachments.xlsx")["附件2"]
    assert ws.cell(row=2, column=4).value == "达标情况（最低18条）"
    assert [ws.cell(row=16, column=c).value for c in (1, 2, 4)] == ["三封寺镇", 6, "未达标（差12条）"]
    html = (rendered / "bulletin.html").read_text(encoding="utf-8")
    assert '<th scope="col">达标情况（最低30条）</th>' in html and '<td class="below">未达标（差1条）</td>' in html


def test_without_quotas_nothing_changes(tmp_path):
    from reports.context import apply_quotas
    from flows.domain.periods import parse_period

    tables = [{"category": "县直部门", "rows": [{"unit": "a", "short_name": "a", "count": 1}]}]
    assert apply_quotas(tables, parse_period("2021H1"), {}) is None
    assert tables[0]["extra_headers"] == [] and tables[0]["rows"][0]["extra"] == []


def test_check_with_the_config_flags_units_below_quota_the_text_does_not_name(rendered, tmp_path):
    """`zwgk check --config` knows [quotas]: our bulletin names every unit below the minimum (存在问题), so it
    passes; the same bulletin without that item is flagged, naming exactly the units below the minimum (from the
    seed's hand-typed rows) that the rest of its text does not mention."""
    import json
    import re

    from typer.testing import CliRunner

    from flows.cli import app
    from flows.ingest.bulletin import compact

    config = tmp_path / "county.toml"
    config.write_text(f'county = "华容县"\nslug = "huarong"\nregistry = "{REGISTRY}"\n[quotas]\nper = "month"\n'
                      'minimum = { "县直部门" = 5, "乡镇" = 3 }\n', encoding="utf-8")
    good = json.loads(CliRunner().invoke(app, ["check", str(rendered / "bulletin.html"), "--config", str(config),
                                               "--json"]).stdout)
    assert not [f for f in good["findings"] if f["code"].startswith("quota_")], good["findings"]

    html = (rendered / "bulletin.html").read_text(encoding="utf-8")
    cut = re.sub(r"<p>\d+、<strong>信息发布未达到最低标准。</strong>.*?</p>", "", html, flags=re.S)
    assert cut != html
    bad = tmp_path / "unnamed.html"
    bad.write_text(cut, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(bad), "--config", str(config), "--json"])
    found = {f["message"].split("：")[0]: f["message"] for f in json.loads(result.stdout)["findings"]
             if f["code"] == "quota_unnamed"}
    text = compact(re.sub(r"<table.*?</table>", "", cut, flags=re.S))  # the prose, tables left out
    # the overview names units by the registry's short names (typed here from data/registry/huarong.csv)
    short = {"市生态环境局华容分局": "生态环境局", "广播电视台": "电视台", "文化旅游广电局": "文旅广电局",
             "小集成洪泛区管委会": "小集成洪泛区"}
    for seed, category, quota in ((SEED_DEPARTMENTS, "县直部门", 30), (SEED_TOWNS, "乡镇", 18)):
        unnamed = [f"{u}（{c}条）" for u, c, _r in seed
                   if c < quota and compact(u) not in text and compact(short.get(u, u)) not in text]
        assert unnamed  # the overview names a few of them (信息发布量较少的单位有…), not all
        assert found[f"{category}本期最低标准{quota}条"] == \
            f"{category}本期最低标准{quota}条：{'、'.join(unnamed)}未达到，正文未点名"
