"""`zwgk annual --draft UNIT --year Y` (reports/annual_draft.py): the 2021-format report drafted from the demo
register — its figures by hand, read back by the product's own annual-report parser and checks, and its PDF
through LibreOffice."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytestmark = pytest.mark.slow  # an expensive module fixture: in `make test`, not in `make test-fast`

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "applications" / "huarong_demo_register.csv"


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    from flows.cli import app

    folder = tmp_path_factory.mktemp("draft")
    config = folder / "county.toml"
    config.write_text(f'county = "华容县"\nslug = "huarong"\nregistry = "{ROOT / "data" / "registry" / "huarong.csv"}"\n',
                      encoding="utf-8")
    wh, out = folder / "wh.duckdb", folder / "out"
    cli = CliRunner()
    assert cli.invoke(app, ["applications", "import", str(DEMO), "--config", str(config),
                            "--warehouse", str(wh)]).exit_code == 0
    result = cli.invoke(app, ["annual", "--draft", "县人社局", "--year", "2020", "--config", str(config),
                              "--warehouse", str(wh), "--out", str(out)])
    assert result.exit_code == 0, result.output
    path = out / "huarong" / "2020-annual-drafts" / "人社局.docx"
    assert f"已起草：{path}" in result.output
    return path, config, wh, out


def test_the_text_states_the_registers_figures_and_shares(drafted):
    from docx import Document

    text = "\n".join(p.text for p in Document(drafted[0]).paragraphs)
    assert "华容县人社局2020年政府信息公开工作年度报告" in text
    # 人社局 in 2020 (tests/transforms/test_application_tables.py): received 4 (自然人 2, 商业企业 1, 其他 1), none
    # carried in; 3 answered — 予以公开 1, 部分公开 1, 其他处理 1, each 1/3 = 33.33 %; 1 carried out
    assert ("2020年，本机关共收到政府信息公开申请4件（自然人2件，商业企业1件，其他1件），上年结转0件。本年度办结3件，"
            "其中予以公开1件，占33.33%；部分公开1件，占33.33%；其他处理1件，占33.33%。结转下年度继续办理1件。") in text
    # 2020-010 went to 行政复议 (纠正) and then to court (复议后起诉, 尚未审结)
    assert ("2020年，本机关因政府信息公开工作被申请行政复议1件（结果纠正1件），被提起行政诉讼1件"
            "（未经复议直接起诉0件，复议后起诉1件）。") in text
    assert text.count("【待填写】") == 5  # the note that explains it, then sections 一, 二 (its table), 五, 六


def test_the_review_reads_the_draft_back_and_finds_nothing_wrong_with_its_tables(drafted):
    from flows.steps.annual import check_report
    from flows.steps.applications import county_tables

    report = check_report(drafted[0])
    assert (report["unit"], report["year"], report["format"]) == ("华容县人社局", 2020, "2021")
    counted = county_tables(drafted[2], "huarong", 2020)["人社局"]
    assert report["tables"]["table3"] == counted["table3"]
    assert report["tables"]["table4"] == counted["table4"]
    assert report["findings"] == []


def test_drafting_needs_a_year_a_known_unit_and_a_register(drafted, tmp_path):
    from flows.cli import app

    _path, config, wh, out = drafted
    cli = CliRunner()
    no_year = cli.invoke(app, ["annual", "--draft", "人社局", "--config", str(config), "--warehouse", str(wh)])
    assert no_year.exit_code == 2 and "--draft 须同时给出 --year" in no_year.output
    unknown = cli.invoke(app, ["annual", "--draft", "档案馆", "--year", "2020", "--config", str(config),
                               "--warehouse", str(wh), "--out", str(out)])
    assert unknown.exit_code == 2 and "档案馆：不在单位名录" in unknown.output
    empty = cli.invoke(app, ["annual", "--draft", "人社局", "--year", "2020", "--config", str(config),
                             "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(out)])
    assert empty.exit_code == 2 and "zwgk applications import" in empty.output and "Traceback" not in empty.output


@pytest.mark.slow
def test_the_draft_opens_in_libreoffice_as_the_forms_tables(drafted, tmp_path):
    from reports.pdf import convert_to_pdf, skip_reason

    if skip_reason():
        pytest.skip(skip_reason())
    pdf = convert_to_pdf(drafted[0], tmp_path / "draft.pdf") or tmp_path / "draft.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    order = ["一、总体情况", "二、主动公开政府信息情况", "第二十条第（一）项", "三、收到和处理政府信息公开申请情况",
             "申请人情况", "法人或其他组织", "一、本年新收政府信息公开申请数量", "（七）总计", "四、结转下年度继续办理",
             "四、政府信息公开行政复议、行政诉讼情况", "未经复议直接起诉", "复议后起诉", "五、存在的主要问题及改进情况"]
    at = [text.find(s) for s in order]
    assert -1 not in at and at == sorted(at), dict(zip(order, at))
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in pages
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-2.png").stat().st_size > 5000  # the page with table 三 renders
