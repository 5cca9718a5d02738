"""`zwgk check REPORT`: an annual report is recognised by itself; --json shape; exit 3 / 0 / 2."""

from __future__ import annotations

import pytest

import json

from typer.testing import CliRunner

from flows.cli import app
from data.demo.annual import make_spec, plant
from tests.annual_fixtures import render

runner = CliRunner()


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_consistent_report_exits_0_and_defect_exits_3(tmp_path):
    good = tmp_path / "good.html"
    good.write_bytes(render(make_spec("华容县财政局", 2022, 1), "html"))
    result = runner.invoke(app, ["check", str(good), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["kind"] == "annual_report"
    assert (data["unit"], data["year"], data["format"]) == ("华容县财政局", 2022, "2021")
    assert data["findings"] == []
    assert set(data["tables"]) >= {"table2", "table3", "table4"}
    received = next(x for x in data["stated"] if x["kind"] == "received")
    assert received["value"] == data["tables"]["table3"]["new"]["total"] and "申请" in received["sentence"]

    bad = tmp_path / "bad.docx"
    bad.write_bytes(render(plant(make_spec("华容县财政局", 2022, 1), "review_total_mismatch"), "docx"))
    result = runner.invoke(app, ["check", str(bad), "--json"])
    assert result.exit_code == 3
    findings = json.loads(result.stdout)["findings"]
    assert [f["code"] for f in findings] == ["annual_review_total_mismatch"]
    assert set(findings[0]) == {"code", "severity", "message", "where"}

    text = runner.invoke(app, ["check", str(bad)])
    assert text.exit_code == 3 and "annual_review_total_mismatch" in text.output


def test_unreadable_report_exits_2(tmp_path):
    broken = tmp_path / "r.txt"
    broken.write_bytes("一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n".encode() + b"\x00\xff")
    result = runner.invoke(app, ["check", str(broken)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_bulletin_still_says_bulletin(seed_path):
    result = runner.invoke(app, ["check", str(seed_path), "--json"])
    assert json.loads(result.stdout)["kind"] == "bulletin"
