"""The applications register (flows/ingest/applications.py): the demo register read, every bad row refused in
one line naming the row and the column, a bad file loading nothing, the template's lists, the commands."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.ingest.applications import FIELDS, RESULTS, RegisterError, read_register

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "applications" / "huarong_demo_register.csv"
SHIPPED = ROOT / "data" / "templates" / "依申请公开登记表.xlsx"
HEADER = ",".join(f.header for f in FIELDS)
GOOD = "A-1,2024-03-04,当面,自然人,某事项,公安局,,,,,,,2024-03-20,当面,予以公开,,,,"


def _csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "register.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_demo_register_reads_as_entered():
    register = read_register(DEMO)
    apps = {a.number: a for a in register.applications}
    assert len(apps) == 12
    restart = apps["2020-004"]
    assert (restart.row, restart.unit, restart.applicant) == (7, "自然资源局", "natural")  # row 1 is the title
    assert (restart.correction_notice, restart.correction_received) == (date(2020, 6, 17), date(2020, 7, 1))
    assert restart.result == "withheld_process" and restart.review and restart.review_result == "upheld"
    assert apps["2020-010"].litigation_result == "pending" and apps["2020-005"].applicant == "legal"
    assert apps["2020-011"].answered is None and apps["2020-011"].result is None


BAD_ROWS = {
    "date": ("A-1,2024-13-04,当面,自然人,x,公安局,,,,,,,,,,,,,", "第2行“收到日期”列", "应为日期（如 2024-03-15），实为 '2024-13-04'"),
    "choice": (GOOD.replace("予以公开", "已公开"), "第2行“答复结果”列", "实为 '已公开'"),
    "applicant": (GOOD.replace("自然人", "个人"), "第2行“申请人类型”列", "应为 自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他 之一"),
    "required": (GOOD.replace("公安局", ""), "第2行“承办单位”列", "不能为空"),
    "before_receipt": (GOOD.replace("2024-03-20", "2024-03-01"), "第2行“答复日期”列", "不应早于收到日期 2024-03-04"),
    "result_without_date": ("A-1,2024-03-04,当面,自然人,x,公安局,,,,,,,,,予以公开,,,,", "第2行“答复日期”列",
                            "填了答复结果，也应填答复日期"),
    "no_approver": ("A-1,2024-03-04,当面,自然人,x,公安局,,,,,2024-03-20,,,,,,,,", "第2行“延期批准人”列",
                    "应填批准人"),
    "correction_without_notice": ("A-1,2024-03-04,当面,自然人,x,公安局,,2024-03-10,,,,,,,,,,,", "第2行“补正告知日期”列",
                                  "填了补正收到日期，也应填补正告知日期"),
    "review_result_without_review": (GOOD[:-4] + ",,维持,,", "第2行“行政复议”列", "填了行政复议结果，行政复议列应为“是”"),
    "review_without_result": (GOOD[:-4] + ",是,,,", "第2行“行政复议结果”列", "行政复议为“是”时应填结果"),
    "formula": (GOOD.replace("A-1", "=1+1"), "第2行“编号”列", "是公式"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_bad_row_is_one_line_naming_row_column_and_expectation(tmp_path, case):
    row, where, expected = BAD_ROWS[case]
    path = _csv(tmp_path, GOOD.replace("A-1", "A-0"), row)
    with pytest.raises(RegisterError) as info:
        read_register(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    assert where.replace("第2行", "第3行") in message and expected in message, message


def test_duplicate_numbers_and_missing_columns_are_refused(tmp_path):
    with pytest.raises(RegisterError, match="第3行“编号”列: 编号 A-1 与第2行重复"):
        read_register(_csv(tmp_path, GOOD, GOOD))
    with pytest.raises(RegisterError, match="缺少必填列：承办单位"):
        read_register(_csv(tmp_path, "A-1,2024-03-04,当面,自然人", header="编号,收到日期,收到方式,申请人类型"))
    with pytest.raises(RegisterError, match="未找到登记表表头"):
        read_register(_csv(tmp_path, "1,2,3", header="甲,乙,丙"))


def test_units_are_checked_against_the_registry_and_named_canonically(tmp_path):
    from flows.domain.registry import load_registry

    registry = load_registry(ROOT / "data" / "registry" / "huarong.csv")

    def resolve(name):
        unit = registry.resolve(name)
        return unit.unit if unit else None

    assert read_register(_csv(tmp_path, GOOD.replace("公安局", "县公安局")), resolve=resolve).applications[0].unit == "公安局"
    with pytest.raises(RegisterError, match="第2行“承办单位”列: “县档案馆”不在单位名录中"):
        read_register(_csv(tmp_path, GOOD.replace("公安局", "县档案馆")), resolve=resolve)


def test_the_template_lists_every_column_and_its_values_and_the_shipped_copy_is_the_same(tmp_path):
    from openpyxl import load_workbook

    from reports.register_template import write_template

    def lists(path):
        book = load_workbook(path)
        ws, options = book["登记表"], book["选项"]
        out = {}
        for dv in ws.data_validations.dataValidation:
            column = ws.cell(row=1, column=next(iter(dv.sqref.ranges)).min_col).value
            if dv.type == "list":
                ref = dv.formula1.split("!")[1].replace("$", "")
                out[column] = [c.value for row in options[ref] for c in row]
            else:
                out[column] = dv.type
        return [c.value for c in ws[1]], out, options.sheet_state

    made = lists(write_template(tmp_path / "t.xlsx"))
    headers, validations, state = made
    assert headers == [f.header for f in FIELDS] and state == "hidden"
    assert validations["答复结果"] == list(RESULTS) and len(RESULTS) == 21
    assert validations["收到日期"] == "date" and validations["申请人类型"][0] == "自然人"
    assert all(f.header in validations for f in FIELDS if f.kind in ("choice", "date"))
    assert lists(SHIPPED) == made


def test_a_filled_template_reads_back(tmp_path):
    from openpyxl import load_workbook

    from reports.register_template import write_template

    path = write_template(tmp_path / "filled.xlsx")
    book = load_workbook(path)
    ws = book["登记表"]
    values = {"编号": "2024-001", "收到日期": datetime(2024, 3, 4), "收到方式": "网络", "申请人类型": "科研机构",
              "承办单位": "公安局", "答复日期": datetime(2024, 3, 20), "答复方式": "邮寄", "答复结果": "无法提供：本机关不掌握相关政府信息"}
    for col, f in enumerate(FIELDS, start=1):
        ws.cell(row=2, column=col, value=values.get(f.header))
    book.save(path)
    (app,) = read_register(path).applications
    assert (app.received, app.answered, app.applicant, app.result) == (date(2024, 3, 4), date(2024, 3, 20), "research",
                                                                       "unable_not_held")


@pytest.fixture
def county(tmp_path):
    config = tmp_path / "county.toml"
    registry = (ROOT / "data" / "registry" / "huarong.csv").resolve()
    config.write_text(f'county = "华容县"\nslug = "huarong"\nregistry = "{registry}"\n', encoding="utf-8")
    return config


def test_a_bad_file_loads_nothing_and_the_previous_register_stays(tmp_path, county):
    from flows.cli import app
    from transforms import runner

    warehouse = tmp_path / "wh.duckdb"
    runner_ = CliRunner()
    ok = runner_.invoke(app, ["applications", "import", str(DEMO), "--config", str(county), "--warehouse", str(warehouse)])
    assert ok.exit_code == 0 and "已导入 12 件申请（3 个承办单位）" in ok.output
    bad = _csv(tmp_path, GOOD, GOOD.replace("A-1", "A-2").replace("当面,自然人", "当面,外星人"))
    refused = runner_.invoke(app, ["applications", "import", str(bad), "--config", str(county),
                                   "--warehouse", str(warehouse)])
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert "第3行“申请人类型”列" in refused.output
    with runner.connect(warehouse, read_only=True, schema=False) as con:
        assert runner.execute(con, "SELECT count(*) FROM raw_application_loads")[0][0] == 1
        assert {r["number"] for r in runner.records(con, "applications", county_slug="huarong")} >= {"2020-011"}


def test_due_lists_overdue_per_unit_and_exits_3(tmp_path, county):
    from flows.cli import app

    warehouse = tmp_path / "wh.duckdb"
    cli = CliRunner()
    assert cli.invoke(app, ["applications", "import", str(DEMO), "--config", str(county),
                            "--warehouse", str(warehouse)]).exit_code == 0
    # 2020-011 (人社局), received Mon 2020-12-28, due Tue 2021-01-26 (tests/transforms/test_application_tables.py)
    soon = cli.invoke(app, ["applications", "due", "--today", "2021-01-22", "--config", str(county),
                            "--warehouse", str(warehouse)])
    assert soon.exit_code == 0 and "将到期 2020-011  收到 2020-12-28  期限 2021-01-26  剩 2 个工作日" in soon.output
    late = cli.invoke(app, ["applications", "due", "--today", "2021-02-01", "--config", str(county),
                            "--warehouse", str(warehouse)])
    # after 01-26: 27, 28, 29, 02-01 = 4 working days
    assert late.exit_code == 3 and "超期 2020-011  收到 2020-12-28  期限 2021-01-26  已超期 4 个工作日" in late.output
    bad_day = cli.invoke(app, ["applications", "due", "--today", "2021-02-30", "--config", str(county),
                               "--warehouse", str(warehouse)])
    assert bad_day.exit_code == 2 and "--today 应为日期" in bad_day.output


def test_a_warehouse_another_process_holds_is_one_line(tmp_path, county):
    import subprocess
    import sys

    from flows.cli import app

    warehouse = tmp_path / "wh.duckdb"
    cli = CliRunner()
    assert cli.invoke(app, ["applications", "import", str(DEMO), "--config", str(county),
                            "--warehouse", str(warehouse)]).exit_code == 0
    hold = ("import sys\nfrom transforms import runner\ncon = runner.connect(sys.argv[1])\nprint('holding', flush=True)\n"
            "sys.stdin.read()\n")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(warehouse)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "holding"  # synchronised on the holder's own word, no sleep
        busy = cli.invoke(app, ["applications", "due", "--config", str(county), "--warehouse", str(warehouse)])
    finally:
        holder.communicate("", timeout=30)
    assert busy.exit_code == 2 and "Traceback" not in busy.output
    # the import let go long ago: the message does not name it as the holder
    assert "正被另一个进程使用，暂时无法读取依申请公开登记表" in busy.output
