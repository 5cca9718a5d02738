"""Annual review outputs without Prefect: Excel cells never formulas, HTML escaped; the schedule."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from reports import annual

EVIL = "=HYPERLINK(\"http://x\",\"<script>alert(1)</script>\")"


def _review():
    unit = {"unit": EVIL, "category": None, "has_report": True, "published": "2021-01-02", "on_time": True,
            "format": "2021", "codes": ["annual_row_total_mismatch"], "source": "javascript:alert(1)",
            "display_order": None}
    finding = {"unit": EVIL, "code": "annual_row_total_mismatch", "severity": "error", "message": EVIL, "where": "+1"}
    return {"county": "华容县", "year": 2022, "units": [unit], "findings": [finding], "notes": [],
            "summary": {"registered": 1, "published": 1, "on_time": 1, "late": 0, "missing": 0, "with_defects": 1}}


def test_excel_cells_from_input_are_strings(tmp_path):
    review = _review()
    ctx = annual.context(review)
    path = annual.render_xlsx(ctx, review, tmp_path)
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    assert wb["各单位"]["A2"].value == EVIL


def test_html_is_escaped(tmp_path):
    review = _review()
    html = annual.render_html(annual.context(review), tmp_path).read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html


def test_schedule_serves_the_annual_review_on_1_february():
    from flows.domain.config import DEFAULT_CONFIG, load_config
    from flows.schedule import ANNUAL_CRON, deployments

    cfg = load_config(DEFAULT_CONFIG)
    deps = deployments(cfg, config=DEFAULT_CONFIG, out=Path("/tmp/out"), warehouse=Path("/tmp/w.duckdb"))
    annual_dep = next(d for d in deps if d.name == "annual-huarong")
    assert annual_dep.flow_name == "annual_report_review"
    (schedule,) = annual_dep.schedules
    assert schedule.schedule.cron == ANNUAL_CRON == "0 8 1 2 *"
    assert schedule.schedule.timezone == "Asia/Shanghai"
    assert "year" not in annual_dep.parameters  # each run reviews the year just ended
    text = (Path(__file__).resolve().parents[2] / "prefect.yaml").read_text(encoding="utf-8")
    assert "flows/annual_flow.py:annual_report_review" in text and '"0 8 1 2 *"' in text


def test_annual_command_bad_config_exits_2(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    missing = CliRunner().invoke(app, ["annual", "--config", str(tmp_path / "nope.toml"), "--year", "2020"])
    assert missing.exit_code == 2 and "nope.toml" in missing.output and "Traceback" not in missing.output
    bad = tmp_path / "c.toml"
    bad.write_text('county = "华容县"\nslug = "huarong"\n[annual]\ndeadline_department = "1月31日"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["annual", "--config", str(bad), "--year", "2020"])
    assert result.exit_code == 2 and "deadline_" in result.output


def test_table4_one_row_per_group_layout():
    from data.demo.annual import make_spec, render_html
    from flows.ingest.annual_report import parse_annual_report

    spec = make_spec("华容县水利局", 2022, seed=4)
    page = f"<html><head><meta charset='utf-8'></head><body><div id='zoom'>{render_html(spec, table4_by_group=True)}</div></body></html>"
    report = parse_annual_report(page.encode(), "by-group.html")
    assert report.table4 == spec.table4 and report.year == 2022


def test_every_annual_check_has_its_short_label():
    from expectations.annual import ANNUAL_CHECKS
    from reports.annual import CODE_SHORT

    assert sorted(CODE_SHORT) == sorted(c.code for c in ANNUAL_CHECKS)
