"""Scores ([scoring] in the county config, docs/rules.md "Scores"): the config and the adoptions sheet refuse bad
input in one line; the warehouse ranks by score or by count as configured; the bulletin shows the score columns
in every format; `zwgk check --config` accepts a bulletin ranked by its 得分 column and flags one whose ranks
contradict it. Expected scores are computed here from the seed's hand-typed rows (tests/bulletin_fixtures.py)
and the demo sheet's numbers typed below, never from the product's own readers."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bulletin_fixtures import SEED_DEPARTMENTS, SEED_TOWNS

ROOT = Path(__file__).resolve().parents[2]
SCORED = ROOT / "data" / "counties" / "huarong_scored.toml"
# data/adoptions/huarong_demo_2021H1.csv, typed by hand: 市门户采用 per unit
CITY = {"自然资源局": 2, "公安局": 6, "人社局": 4, "民政局": 3, "梅田湖镇": 3, "新河乡": 2}
WEIGHTS = {"本县门户采用": 5, "市门户采用": 10}


def expected_order(seed_rows, by_score: bool) -> list[tuple[str, int, int, int]]:
    """(unit, count, city, score) in rank order: score (or count) first, then count, then the seed's own order
    (its ranks are the registry's display order among equal counts)."""
    rows = [(u, c, CITY.get(u, 0), 5 * c + 10 * CITY.get(u, 0), r) for u, c, r in seed_rows]
    rows.sort(key=lambda x: ((-x[3] if by_score else 0), -x[1], x[4]))
    return [x[:4] for x in rows]


def test_the_config_takes_scoring_and_refuses_bad_settings_in_one_line(tmp_path):
    from flows.domain.config import ConfigError, load_config

    assert load_config(SCORED).scoring == {"rank_by": "score", "count_source": "本县门户采用",
                                           "weights": {"本县门户采用": 5.0, "市门户采用": 10.0}}
    base = 'county = "华容县"\nslug = "x"\n'
    for body, expected in (
        ('[scoring]\nrank_by = "score"\n', "需要 [scoring.weights]"),
        ('[scoring]\ncount_source = "县门户"\n[scoring.weights]\n"市门户采用" = 10\n', "count_source"),
        ('[scoring]\nrank_by = "points"\n', "rank_by"),
        ('[scoring.weights]\n"市门户采用" = -1\n', "weights"),
        ('[[sources]]\npath = "a.csv"\nkind = "adoptions"\n', "period"),
        ('[[sources]]\npath = "a.csv"\nkind = "adoptions"\nperiod = "2021H1"\n', "[scoring.weights]"),
    ):
        bad = tmp_path / "bad.toml"
        bad.write_text(base + body, encoding="utf-8")
        with pytest.raises(ConfigError) as info:
            load_config(bad)
        message = str(info.value)
        assert "\n" not in message and str(bad) in message and expected in message, message
    plain = tmp_path / "plain.toml"
    plain.write_text(base, encoding="utf-8")
    assert load_config(plain).scoring == {}  # no weights: the tables rank by count, as before


def test_the_adoptions_sheet_is_read_and_a_bad_cell_is_named(tmp_path):
    from flows.ingest.adoptions import read_adoptions
    from flows.ingest.bulletin_model import BulletinParseError

    sheet = read_adoptions(ROOT / "data" / "adoptions" / "huarong_demo_2021H1.csv")
    assert sheet.sources == ["市门户采用"]  # the （条） after the name is dropped; 序号 is not a source
    assert {r.unit_raw: r.count for r in sheet.rows} == CITY and sheet.rows[0].where == "第3行"
    bad = tmp_path / "bad.csv"
    bad.write_text("单位名称,市门户采用,省门户采用\n公安局,6,1\n民政局,三条,0\n", encoding="utf-8")
    with pytest.raises(BulletinParseError) as info:
        read_adoptions(bad)
    assert str(info.value) == f"{bad}: 第3行“市门户采用”列: 应为不小于 0 的整数（采用条数），实为“三条”"
    twice = tmp_path / "twice.csv"
    twice.write_text("单位名称,市门户采用\n公安局,6\n公 安 局,2\n", encoding="utf-8")
    with pytest.raises(BulletinParseError) as info:
        read_adoptions(twice)
    assert str(info.value) == f"{twice}: 第3行“市门户采用”列: “公 安 局”的市门户采用已在第2行填写；每个单位每个来源只填一次"
    scored = tmp_path / "scored.csv"  # an office's own 得分 and 排名 beside the counts: left unread when told
    scored.write_text("单位名称,市门户采用,得分,排名\n公安局,6,355.5,1\n", encoding="utf-8")
    assert [(r.source, r.count) for r in read_adoptions(scored, ["本县门户采用", "市门户采用"]).rows] == [("市门户采用", 6)]
    with pytest.raises(BulletinParseError) as info:
        read_adoptions(scored, ["省门户采用"])
    assert str(info.value) == f"{scored}: 第1行: 表头中没有 [scoring.weights] 所列的来源列（省门户采用），表头为：市门户采用、得分"
    headless = tmp_path / "headless.csv"
    headless.write_text("公安局,6\n", encoding="utf-8")
    with pytest.raises(BulletinParseError, match="表头应有单位列"):
        read_adoptions(headless)


def test_an_xlsx_adoptions_sheet_reads_as_the_csv(tmp_path):
    from openpyxl import Workbook

    from flows.ingest.adoptions import read_adoptions

    book = Workbook()
    ws = book.active
    ws.title = "采用情况"
    ws.append(["华容县2021年上半年采用情况"])
    ws.append(["单位", "市门户采用（条）", "省门户采用", "备注"])
    ws.append(["公安局", 6, None, "含转载"])
    ws.append(["民政局", 3.0, 1, None])
    ws.append(["合计", 9, 1, None])
    book.save(tmp_path / "a.xlsx")
    sheet = read_adoptions(tmp_path / "a.xlsx")
    assert sheet.sources == ["市门户采用", "省门户采用"]
    assert [(r.unit_raw, r.source, r.count, r.where) for r in sheet.rows] == [
        ("公安局", "市门户采用", 6, "采用情况!第3行"), ("民政局", "市门户采用", 3, "采用情况!第4行"),
        ("民政局", "省门户采用", 1, "采用情况!第4行")]


def _build(tmp: Path, cfg) -> Path:
    from flows.steps import pipeline

    warehouse = tmp / "wh.duckdb"
    pipeline.ingest_config(cfg, warehouse, "2021H1")
    pipeline.transform(warehouse, cfg.slug, "2021H1", cfg.rules, cfg.scoring)
    return warehouse


def _mart(warehouse: Path, slug: str, category: str) -> list[tuple]:
    from transforms import runner

    with runner.connect(warehouse, read_only=True) as con:
        return [(r["unit"], r["count"], r["score"], r["rank"])
                for r in runner.records(con, "units_for_period", county_slug=slug, period="2021H1")
                if r["category"] == category]


@pytest.mark.slow
def test_ranks_follow_the_configured_order(tmp_path):
    from flows.domain.config import load_config

    scored = load_config(SCORED)
    for rank_by in ("score", "count"):
        cfg = replace(scored, scoring={**scored.scoring, "rank_by": rank_by})
        warehouse = _build(tmp_path / rank_by, cfg)
        for seed, category in ((SEED_DEPARTMENTS, "县直部门"), (SEED_TOWNS, "乡镇")):
            got = _mart(warehouse, cfg.slug, category)
            want = expected_order(seed, by_score=rank_by == "score")
            assert [(u, c, s) for u, c, _city, s in want] == [(u, c, int(s)) for u, c, s, _ in got]
            assert [r for *_, r in got] == list(range(1, len(got) + 1))
    # ranked by score, 公安局 (59 + 6 adopted: 355) passes 生态环境局 (60: 300); by count it does not
    assert expected_order(SEED_DEPARTMENTS, True)[1][0] == "公安局"
    assert expected_order(SEED_DEPARTMENTS, False)[1][0] == "市生态环境局华容分局"


@pytest.mark.slow
def test_a_county_without_scoring_has_no_scores_and_ranks_as_before(tmp_path):
    from flows.domain.config import DEFAULT_CONFIG, load_config

    cfg = replace(load_config(DEFAULT_CONFIG), crawl_demo=False)
    got = _mart(_build(tmp_path, cfg), cfg.slug, "县直部门")
    assert [(u, c, r) for u, c, _s, r in got][:3] == [("自然资源局", 179, 1), ("市生态环境局华容分局", 60, 2),
                                                      ("公安局", 59, 3)]
    assert all(s is None for _u, _c, s, _r in got)


@pytest.mark.slow
def test_an_adoption_for_a_unit_the_registry_lacks_is_named(tmp_path):
    from flows.domain.config import Source, load_config
    from reports.scoring import unknown_units
    from transforms import runner

    sheet = tmp_path / "adoptions.csv"
    sheet.write_text("单位名称,市门户采用\n公安局,6\n县档案馆,4\n", encoding="utf-8")
    base = load_config(SCORED)
    cfg = replace(base, sources=[base.sources[0], Source(path=sheet, kind="adoptions", period="2021H1")])
    warehouse = _build(tmp_path, cfg)
    with runner.connect(warehouse, read_only=True) as con:
        lines = unknown_units(con, {"county_slug": cfg.slug, "period": "2021H1"})
    assert lines == ["采用情况表 adoptions.csv 第3行“县档案馆”未在单位名册中，其市门户采用4条未计入得分；"
                     "请在名册中补充该单位或其别名"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from flows.domain.config import load_config
    from flows.steps import pipeline

    tmp = tmp_path_factory.mktemp("scored")
    cfg = load_config(SCORED)
    warehouse = _build(tmp, cfg)
    validation = pipeline.validate_period(warehouse, cfg.slug, "2021H1", docs_dir=None)
    pipeline.render_outputs(cfg, warehouse, "2021H1", validation, tmp, {})
    return tmp


@pytest.mark.slow
def test_markdown_shows_the_scores_ranks_by_them_and_says_so(rendered):
    md = (rendered / "bulletin.md").read_text(encoding="utf-8")
    assert "| 单位名称 | 本县门户采用（条） | 排名 | 市门户采用（条） | 得分 |" in md
    for seed, title in ((SEED_DEPARTMENTS, "附件1"), (SEED_TOWNS, "附件2")):
        section = md.split(f"### {title}：")[1].split("### ")[0]
        rows = re.findall(r"^\| (\S+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", section, re.M)
        want = expected_order(seed, by_score=True)
        assert [(u, int(c), int(city), int(s)) for u, c, _r, city, s in rows] == want
        assert [int(r) for _u, _c, r, _city, _s in rows] == list(range(1, len(want) + 1))
        total = sum(c for _u, c, _r in seed)
        assert f"| 合计 | {total} | | {sum(x[2] for x in want)} | {sum(x[3] for x in want)} |" in section
    assert "得分按本县门户采用每条5分、市门户采用每条10分计算，各表按得分排名。" in md
    import json

    units = json.loads((rendered / "run.json").read_text(encoding="utf-8"))["units"]
    assert units[1] == {"unit": "公安局", "category": "县直部门", "count": 59, "rank": 2, "score": 355}
    short = {"市生态环境局华容分局": "生态环境局"}  # the registry's short name
    top = [short.get(u, u) for seed in (SEED_DEPARTMENTS, SEED_TOWNS) for u, *_ in expected_order(seed, True)[:4]]
    assert f"{'、'.join(top)}等单位得分较高，工作成效明显。" in md
    assert top[:4] == ["自然资源局", "公安局", "人社局", "生态环境局"] and top[4:] == ["禹山镇", "梅田湖镇", "北景港镇", "新河乡"]


@pytest.mark.slow
def test_word_excel_and_html_show_the_scores(rendered):
    from docx import Document
    from openpyxl import load_workbook
    from selectolax.lexbor import LexborHTMLParser

    table = Document(rendered / "bulletin.docx").tables[0]
    assert [c.text for c in table.rows[0].cells] == ["单位名称", "本县门户采用（条）", "排名", "市门户采用（条）", "得分"]
    assert [c.text for c in table.rows[2].cells] == ["公安局", "59", "2", "6", "355"]
    assert [c.text for c in table.rows[-1].cells] == ["合计", "915", "", "15", "4725"]
    ws = load_workbook(rendered / "attachments.xlsx")["附件1"]
    assert [c.value for c in ws[2]] == ["单位名称", "本县门户采用（条）", "排名", "市门户采用（条）", "得分"]
    assert [c.value for c in ws[4]] == ["公安局", 59, 2, 6, 355]
    last = ws.max_row
    assert ws.cell(last, 5).value == f"=SUM(E3:E{last - 1})" and ws.cell(last, 4).value == f"=SUM(D3:D{last - 1})"
    html = LexborHTMLParser((rendered / "bulletin.html").read_text(encoding="utf-8"))
    first = html.css("table")[0]
    assert [th.text() for th in first.css("thead th")] == ["单位名称", "本县门户采用（条）", "排名", "市门户采用（条）", "得分"]
    assert [c.text() for c in first.css("tbody tr")[1].css("th, td")] == ["公安局", "59", "2", "6", "355"]


@pytest.mark.slow
def test_check_accepts_ranks_by_score_and_flags_ranks_that_contradict_it(rendered, tmp_path):
    from flows.cli import app
    from flows.commands.common import EXIT_FOUND

    good = rendered / "bulletin.html"
    result = CliRunner().invoke(app, ["check", str(good), "--config", str(SCORED), "--json"])
    import json

    report = json.loads(result.stdout)
    assert result.exit_code == 0, report["findings"]
    assert [t.get("ranked_by") for t in report["tables"]] == ["得分", "得分"]
    assert not [f for f in report["findings"] if f["code"] == "rank_inconsistent"], report["findings"]
    # the same table with 公安局 and 生态环境局 swapped back to their count order: ranks that follow 本县门户采用
    html = good.read_text(encoding="utf-8")
    police = '<th scope="row">公安局</th><td class="num">59</td><td class="num">2</td>'
    ecology = '<th scope="row">市生态环境局华容分局</th><td class="num">60</td><td class="num">4</td>'
    assert police in html and ecology in html
    bad = tmp_path / "ranked_by_count.html"
    bad.write_text(html.replace(police, police.replace(">2<", ">3<")).replace(ecology, ecology.replace(">4<", ">2<"))
                   .replace('<th scope="row">人社局</th><td class="num">53</td><td class="num">3</td>',
                            '<th scope="row">人社局</th><td class="num">53</td><td class="num">4</td>'),
                   encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(bad), "--config", str(SCORED), "--json"])
    assert result.exit_code == EXIT_FOUND, result.output
    flagged = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "rank_inconsistent"]
    assert [f["message"] for f in flagged] == [
        "公安局得分355，列第3名，按得分应为第2名；人社局得分305，列第4名，按得分应为第3名；"
        "市生态环境局华容分局得分300，列第2名，按得分应为第4名"]
    # without --config the bulletin's own words (各表按得分排名) say what the ranks follow
    by_text = json.loads(CliRunner().invoke(app, ["check", str(bad), "--json"]).stdout)
    assert by_text["tables"][0]["rank_basis"] == "正文：“按得分排名”"
    assert [f["message"] for f in by_text["findings"] if f["code"] == "rank_inconsistent"] == [f["message"] for f in flagged]
    # without those words and without the county's [scoring], the ranks are taken to follow the column they
    # contradict least (the count); the config still holds them to the score
    silent = tmp_path / "silent.html"
    silent.write_text(bad.read_text(encoding="utf-8").replace("，各表按得分排名。", "。"), encoding="utf-8")
    unconfigured = json.loads(CliRunner().invoke(app, ["check", str(silent), "--json"]).stdout)
    assert unconfigured["tables"][0]["ranked_by"] == "本县门户采用(条)"
    assert not [f for f in unconfigured["findings"] if f["code"] == "rank_inconsistent"]
    configured = json.loads(CliRunner().invoke(app, ["check", str(silent), "--config", str(SCORED), "--json"]).stdout)
    assert configured["tables"][0]["rank_basis"] == '配置：[scoring] rank_by = "score"'
    assert [f["message"] for f in configured["findings"] if f["code"] == "rank_inconsistent"] == [f["message"] for f in flagged]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bulletin.html", "bulletin.docx"])
def test_check_reads_our_own_tables_with_their_titles(rendered, name):
    """The title of an attachment table is the HTML table's <caption>, and in Word a title paragraph broken over
    two lines (华容县县直部门2021年上半年 / 信息公开情况统计): `zwgk check` reads it whole and takes the category from it."""
    import json

    from flows.cli import app

    report = json.loads(CliRunner().invoke(app, ["check", str(rendered / name), "--json"]).stdout)
    assert [(t["category"], t["title"], t["rows"]) for t in report["tables"]] == [
        ("县直部门", "华容县县直部门2021年上半年信息公开情况统计", len(SEED_DEPARTMENTS)),
        ("乡镇", "华容县各乡镇2021年上半年信息公开情况统计", len(SEED_TOWNS))]


@pytest.mark.slow
def test_ingest_loads_an_adoptions_sheet_all_or_nothing_and_the_ranks_follow(tmp_path):
    """`zwgk ingest --kind adoptions`: the sheet beside the seed, then the marts ranked by score; a bad sheet among
    good files loads none of them; without --period or without [scoring.weights] it is one line, exit 2."""
    from flows.cli import app

    warehouse, adoptions = tmp_path / "wh.duckdb", ROOT / "data" / "adoptions" / "huarong_demo_2021H1.csv"
    common = ["--config", str(SCORED), "--warehouse", str(warehouse)]
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text("单位名称,市门户采用\n公安局,六\n", encoding="utf-8")
    refused = runner.invoke(app, ["ingest", str(adoptions), str(bad), "--kind", "adoptions", "--period", "2021H1",
                                  *common])
    assert refused.exit_code == 2 and "其余 1 个文件也未导入" in refused.output and not warehouse.exists()
    for args in (["--kind", "adoptions"], ["--kind", "adoptions", "--period", "2021H1", "--config",
                                           str(ROOT / "data" / "counties" / "huarong.toml")]):
        result = runner.invoke(app, ["ingest", str(adoptions), "--warehouse", str(warehouse), *args])
        assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, result.output
    assert runner.invoke(app, ["ingest", str(ROOT / "data" / "bulletins" / "huarong_2021H1.txt"), *common]).exit_code == 0
    loaded = runner.invoke(app, ["ingest", str(adoptions), "--kind", "adoptions", "--period", "2021H1", *common])
    assert loaded.exit_code == 0 and "2021H1 已导入，6 行" in loaded.output, loaded.output
    got = _mart(warehouse, "huarong-scored", "县直部门")
    assert [(u, c, int(s)) for u, c, s, _r in got] == [(u, c, s) for u, c, _city, s in
                                                       expected_order(SEED_DEPARTMENTS, by_score=True)]
