"""`zwgk check` on the seed and on bulletins it has never seen, .txt and .docx alike."""

import json

import pytest
from bulletin_fixtures import SEED_DEPARTMENTS, SEED_TOWNS, seed_body, seed_docx, table_rows, text_bulletin, \
    write_docx_bulletin, write_text_bulletin
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def check(*args):
    result = runner.invoke(app, ["check", *map(str, args)])
    return result


def check_json(*args):
    result = check(*args, "--json")
    return result.exit_code, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else None), result


def test_seed_only_error_is_overall_total(seed_path, registry_path):
    code, data, _ = check_json(seed_path, "--registry", registry_path)
    assert code == 3
    assert data["period"] == "2021H1"
    legacy = ("category", "rows", "sum", "printed_total")
    assert [{k: t[k] for k in legacy} for t in data["tables"]] == [
        {"category": "县直部门", "rows": 36, "sum": 915, "printed_total": 915},
        {"category": "乡镇", "rows": 14, "sum": 383, "printed_total": 383},
    ]
    # the document reader's view of the same tables: every column, printed as headed
    assert [(t["headers"], t["sums"], t["complete"]) for t in data["tables"]] == [
        (["单位名称", "2021年上半年度更新条数", "排名"], {"2021年上半年度更新条数": 915}, True),
        (["乡镇名称", "2021年上半年度更新条数", "排名"], {"2021年上半年度更新条数": 383}, True),
    ]
    assert data["overall"] == {"in_text": 1267, "sum_of_tables": 1298}
    assert [(f["code"], f["severity"]) for f in data["findings"]] == [("overall_total_mismatch", "error")]
    assert "1267" in data["findings"][0]["message"] and "1298" in data["findings"][0]["message"]


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_seed_as_docx_gives_the_same_answer(tmp_path, registry_path):
    code, data, _ = check_json(seed_docx(tmp_path / "seed.docx"), "--registry", registry_path)
    assert code == 3
    assert data["overall"] == {"in_text": 1267, "sum_of_tables": 1298}
    assert [f["code"] for f in data["findings"]] == ["overall_total_mismatch"]


def _body(total):
    return [line.replace("1267条", f"{total}条") for line in seed_body()]


def _unseen(tmp_path, fmt, departments, towns, total, dep_total=None, layout="tab"):
    dep_rows = table_rows(departments)
    if dep_total is not None:
        dep_rows[-1][1] = str(dep_total)
    tables = [("某县县直部门2022年第一季度信息公开情况统计", dep_rows),
              ("某县各乡镇2022年第一季度信息公开情况统计", table_rows(towns, name_header="乡镇名称"))]
    body = [line.replace("2021年上半年", "2022年第一季度") for line in _body(total)]
    if fmt == "docx":
        return write_docx_bulletin(tmp_path / "unseen.docx", body, tables, markers=True)
    return write_text_bulletin(tmp_path / "unseen.txt", text_bulletin(tables, layout=layout, body=body))


@pytest.mark.parametrize("fmt", ["txt", "docx"])
@pytest.mark.slow  # over ~1.3 s: in `make test`, not in `make test-fast`
def test_clean_unseen_bulletin_exits_0(tmp_path, fmt):
    deps, towns = [("甲局", 9, 1), ("乙局", 5, 2)], [("丙镇", 3, 1)]
    code, data, result = check_json(_unseen(tmp_path, fmt, deps, towns, 17))
    assert code == 0, result.output
    assert data["period"] == "2022Q1" and data["findings"] == []


@pytest.mark.parametrize("fmt", ["txt", "docx"])
@pytest.mark.slow  # over ~1.3 s: in `make test`, not in `make test-fast`
def test_unseen_bulletin_with_every_kind_of_error(tmp_path, fmt, registry_path):
    deps = [("公安局", 9, 2), ("民政局", 12, 1), ("县公安局", 5, 3), ("火星局", 6, 4)]
    towns = [("禹山镇", 3, 1)]
    path = _unseen(tmp_path, fmt, deps, towns, total=40, dep_total=31)
    code, data, result = check_json(path, "--registry", registry_path)
    assert code == 3, result.output
    codes = {f["code"] for f in data["findings"]}
    # the body is the seed's: the units it names as publishing most are not in these tables
    assert codes == {"table_total_mismatch", "overall_total_mismatch", "duplicate_unit", "rank_inconsistent",
                     "unknown_unit", "claim_inconsistent"}, data["findings"]
    dup = next(f for f in data["findings"] if f["code"] == "duplicate_unit")
    assert "公安局" in dup["message"]


def test_bad_count_is_found_not_crashed(tmp_path):
    rows = table_rows([("甲局", 9, 1), ("乙局", 5, 2)])
    rows[2][1] = "五"
    path = write_text_bulletin(tmp_path / "b.txt", text_bulletin([("某县县直部门2021年上半年统计", rows)],
                                                                 body=_body(14)))
    code, data, _ = check_json(path)
    assert code == 3
    assert any(f["code"] == "bad_count" and "“五”" in f["message"] for f in data["findings"])


@pytest.mark.slow  # over ~1.3 s: in `make test`, not in `make test-fast`
def test_human_output_and_data_docs(seed_path, registry_path, tmp_path):
    result = check(seed_path, "--registry", registry_path, "--docs", tmp_path / "docs")
    assert result.exit_code == 3
    assert "overall_total_mismatch" in result.output and "1298" in result.output
    assert (tmp_path / "docs" / "index.html").exists()


@pytest.mark.parametrize("content, fragment", [
    (None, "不存在"),
    (b"", "unreadable.txt"),
    (b"\xff\xfe\x00garbage\x00\x00" * 3, "unreadable.txt"),
])
def test_unreadable_input_exits_2_naming_the_file(tmp_path, content, fragment):
    path = tmp_path / "unreadable.txt"
    if content is not None:
        path.write_bytes(content)
    result = check(path)
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "unreadable.txt" in result.output


def test_a_bulletin_without_tables_or_numbers_is_said_unread(tmp_path):
    """Read, but nothing in it to check: not_read (exit 3), never 未发现问题 and never a refusal."""
    path = tmp_path / "no_table.txt"
    path.write_text("关于2021年上半年的通报\n正文没有附件表。\n", encoding="utf-8")
    code, data, result = check_json(path)
    assert code == 3
    assert [f["code"] for f in data["findings"]] == ["not_read"]
    assert "未找到可读的统计表" in data["findings"][0]["message"] and data["read_completely"] is False
    assert "未发现问题" not in check(path).output


def test_unsupported_format_exits_2(tmp_path):
    path = tmp_path / "b.pdf"
    path.write_bytes(b"%PDF-1.4")
    result = check(path)
    assert result.exit_code == 2 and "b.pdf" in result.output


def test_raw_file_is_never_modified(seed_path, tmp_path):
    before = seed_path.read_bytes()
    check(seed_path)
    assert seed_path.read_bytes() == before


def test_help_lists_every_command():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("check", "run", "ingest", "transform"):
        assert command in result.output


def test_claims_in_the_text_are_checked_against_ranks(seed_path, registry_path, tmp_path):
    text = seed_path.read_text(encoding="utf-8")
    text = text.replace("县自然资源局、生态环境局、公安局、人社局", "县自然资源局、生态环境局、公安局、医保局")
    text = text.replace("三封寺镇、团洲乡等", "三封寺镇、禹山镇等")
    path = tmp_path / "claims.txt"
    path.write_text(text, encoding="utf-8")
    code, data, _ = check_json(path, "--registry", registry_path)
    claims = [f["message"] for f in data["findings"] if f["code"] == "claim_inconsistent"]
    assert claims == [
        "正文称“医保局”公开信息较多，但其在县直部门中排第35名（共36个，正文点名4个）（第6行）",
        "正文称“禹山镇”公开信息较少，但其在乡镇中排第1名（共14个，正文点名2个）（第6行）",
    ]
    assert {f["severity"] for f in data["findings"] if f["code"] == "claim_inconsistent"} == {"warning"}


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_seed_claims_hold_with_or_without_registry(seed_path, registry_path):
    for extra in ([], ["--registry", str(registry_path)]):
        _, data, _ = check_json(seed_path, *extra)
        assert [f["code"] for f in data["findings"]] == ["overall_total_mismatch"]


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_unit_report_check_and_ingest(tmp_path, registry_path):
    from transforms import runner as sql_runner

    report = tmp_path / "units.csv"
    report.write_text("单位名称,条数,期间\n公安局,10,2021H2\n民政局,5,2021H2\n禹山镇,3,2021H2\n", encoding="utf-8")
    code, data, _ = check_json(report, "--registry", registry_path)
    assert code == 0 and data["findings"] == []  # a unit report prints no 合计 and states no total
    wh = tmp_path / "wh.duckdb"
    for _ in range(2):  # the same file twice: loaded once
        result = runner.invoke(app, ["ingest", str(report), "--warehouse", str(wh)])
        assert result.exit_code == 0, result.output
    assert "已存在" in result.output
    con = sql_runner.connect(wh)
    try:
        units = sql_runner.query(con, "units_for_period", county_slug="huarong", period="2021H2")
        assert list(zip(units["unit"], units["count"], units["rank"])) == [("公安局", 10, 1), ("民政局", 5, 2),
                                                                           ("禹山镇", 3, 1)]
        assert sql_runner.scalar(con, "SELECT count(*) FROM raw_loads") == 1
    finally:
        con.close()


def test_ingest_bad_file_exits_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("名字,多少\n公安局,10\n", encoding="utf-8")
    wh = tmp_path / "wh.duckdb"
    result = runner.invoke(app, ["ingest", str(bad), "--period", "2021H2", "--warehouse", str(wh)])
    assert result.exit_code == 2 and "bad.csv" in result.output
    from transforms import runner as sql_runner

    con = sql_runner.connect(wh)
    try:
        assert sql_runner.scalar(con, "SELECT count(*) FROM raw_loads") == 0
    finally:
        con.close()


def test_check_period_must_agree_with_the_bulletin(tmp_path, seed_path):
    """--period only fills in a period the file does not state; it never overrides the bulletin's own."""
    code, data, result = check_json(seed_path, "--period", "2021H2")
    assert code == 2 and data["error"] and data["findings"] == []  # --json: one object, a refusal included
    assert "2021H1" in data["error"] and "2021H2" in data["error"] and "不一致" in data["error"]
    assert "2021H1" in result.output and "2021H2" in result.output and "不一致" in result.output
    code, data, _ = check_json(seed_path, "--period", "2021H1")
    assert code == 3 and data["period"] == "2021H1"


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_ingest_is_all_or_nothing(tmp_path, seed_path):
    """zwgk ingest good.txt bad.txt: the bad file is named, and the good one is not loaded either."""
    bad = tmp_path / "bad.txt"
    bad.write_text("", encoding="utf-8")
    wh = tmp_path / "wh.duckdb"
    result = runner.invoke(app, ["ingest", str(seed_path), str(bad), "--warehouse", str(wh)])
    assert result.exit_code == 2 and "bad.txt" in result.output and "全部不导入" in result.output
    assert not wh.exists()
    good = tmp_path / "units.csv"
    good.write_text("单位名称,条数,期间\n公安局,10,2021H2\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(seed_path), str(good), "--warehouse", str(wh)])
    assert result.exit_code == 0, result.output
    assert "同一事务" in result.output
    from transforms import runner as sql_runner

    con = sql_runner.connect(wh)
    try:
        assert sql_runner.scalar(con, "SELECT count(*) FROM raw_loads") == 2
        assert sql_runner.scalar(con, "SELECT count(DISTINCT period) FROM unit_period_counts") == 2
    finally:
        con.close()
