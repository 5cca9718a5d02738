"""`zwgk annual --year 2020` on the default config: the demo portal's planted mix, exactly (Prefect flow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from tests.receivers import webhook_receiver  # noqa: F401
from transforms import runner as sql

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.flow


def test_annual_review_of_the_demo_portal(prefect_harness, tmp_path, monkeypatch, webhook_receiver):  # noqa: F811
    url = webhook_receiver.url("json", "/hook")
    monkeypatch.setenv("ZWGK_ALERT_URLS", url)
    out, wh = tmp_path / "out", tmp_path / "wh" / "warehouse.duckdb"
    # first the flow itself (a rerun must replace the year), then the command the office types
    from flows.annual_flow import annual_report_review

    first = annual_report_review(county="huarong", year=2020, out_dir=str(out), warehouse=str(wh))
    assert first["status"] == "findings"
    webhook_receiver.wait_for(1)
    manifest = json.loads((wh.parent / "demo_portal" / "manifest.json").read_text(encoding="utf-8"))
    planted = {unit: sorted(codes) for unit, codes in manifest["annual_2020"].items()}
    planted.update({"医保局": ["annual_missing"], "小集成洪泛区管委会": ["annual_missing"]})
    # without the applications register, 人社局's planted table 三 (wrong only against the register) is not found
    assert planted["人社局"] == ["annual_register_mismatch"]
    found_first = {u["unit"]: sorted(u["codes"]) for u in first["units"] if u["codes"]}
    assert found_first == {u: c for u, c in planted.items() if c and u != "人社局"}
    assert first["summary"]["with_defects"] == 7
    # with it (docs/applications.md), the rerun finds it, naming the cells and both numbers
    from flows.domain.config import DEFAULT_CONFIG, load_config
    from flows.steps.applications import import_register

    import_register(load_config(DEFAULT_CONFIG), wh, ROOT / "data" / "applications" / "huarong_demo_register.csv")
    args = ["annual", "--year", "2020", "--out", str(out), "--warehouse", str(wh)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 3, result.output
    assert "应公布 50 个单位" in result.output
    final = out / "huarong" / "2020-annual"
    run = json.loads((final / "run.json").read_text(encoding="utf-8"))
    found = {u["unit"]: sorted(u["codes"]) for u in run["units"]}
    assert len(found) == 50
    assert {u: c for u, c in found.items() if c} == {u: c for u, c in planted.items() if c}
    assert run["summary"] | {} == {"county_slug": "huarong", "period": "2020", "registered": 50, "published": 48,
                                   "on_time": 45, "late": 3, "missing": 2, "with_defects": 8}
    (mismatch,) = [f for f in run["findings"] if f["code"] == "annual_register_mismatch"]
    assert mismatch["unit"] == "人社局"
    assert "表三“（一）予以公开”行“商业企业”列：报告填0，依申请公开登记表统计为1" in mismatch["message"]
    assert "表三“（二）部分公开”行“商业企业”列：报告填1，依申请公开登记表统计为0" in mismatch["message"]
    assert {u["format"] for u in run["units"] if u["has_report"]} == {"2019", "2021"}
    for name in ("review.md", "review.html", "review.xlsx", "validation/index.html"):
        assert (final / name).exists(), name
    wb = load_workbook(final / "review.xlsx")
    assert wb["各单位"].max_row == 51
    assert set(wb.sheetnames) >= {"annual_late", "annual_missing", "annual_balance_mismatch"}
    md = (final / "review.md").read_text(encoding="utf-8")
    assert "逾期公布3个" in md and "医保局" in md
    webhook_receiver.wait_for(2)
    assert len(webhook_receiver.requests) == 2  # one alert per run
    assert "3个逾期、2个未公布、8个有问题" in json.dumps(webhook_receiver.requests[1].json(), ensure_ascii=False)

    # the rerun replaced that year's mart rows
    con = sql.connect(wh)
    try:
        assert sql.scalar(con, "SELECT count(*) FROM annual_unit_review WHERE period = '2020'") == 50
        assert sql.scalar(con, "SELECT count(*) FROM raw_annual_loads") == 2
        assert sql.scalar(con, "SELECT count(DISTINCT sha256) FROM stg_annual_reports") == 48
    finally:
        con.close()
    assert [p.name for p in (out / "huarong").iterdir()] == ["2020-annual"]
