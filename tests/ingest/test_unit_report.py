"""The unit-report parser: units' self-reported counts as CSV or XLSX."""

from __future__ import annotations

import hashlib

import pytest
from openpyxl import Workbook

from flows.ingest.bulletin_model import BulletinParseError
from flows.ingest.unit_report import parse_unit_report


def write_csv(path, rows, encoding="utf-8", delimiter=","):
    path.write_bytes(("\n".join(delimiter.join(r) for r in rows) + "\n").encode(encoding))
    return path


def write_xlsx(path, sheets):
    """sheets: {name: rows}; the first sheet replaces the workbook's default one."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def rows_of(table):
    return [(r.unit_raw, r.count, r.where) for r in table.rows]


def expect_error(path, *fragments, **kwargs):
    with pytest.raises(BulletinParseError) as info:
        parse_unit_report(path, **kwargs)
    message = str(info.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message, message
    return info.value


def test_csv_with_period_column_and_default_categories(tmp_path):
    path = write_csv(tmp_path / "report.csv", [
        ["单位名称", "条数", "期间"],
        ["自然资源局", "179", "2021H1"],
        ["禹山镇", "61", "2021年上半年"],
        ["", "", ""],
        ["新河乡", "33", "2021H1"],
        ["公安局", "59", "2021H1"],
    ])
    report = parse_unit_report(path, county="华容县")
    assert (report.period, report.county, report.file_format) == ("2021H1", "华容县", "csv")
    assert report.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert report.stated_total is None and report.paragraphs == []
    dept, towns = report.tables
    assert (dept.table_no, dept.category, towns.table_no, towns.category) == (1, "县直部门", 2, "乡镇")
    assert rows_of(dept) == [("自然资源局", 179, "第2行"), ("公安局", 59, "第6行")]
    assert rows_of(towns) == [("禹山镇", 61, "第3行"), ("新河乡", 33, "第5行")]
    assert [r.line for r in towns.rows] == [3, 5]
    assert all(t.printed_total is None and not t.has_rank_column for t in report.tables)


def test_csv_english_headers_bom_category_and_rank(tmp_path):
    path = write_csv(tmp_path / "en.csv", [
        ["unit", "count", "category", "rank", "period"],
        ["禹山镇", "61", "乡镇", "1", "2021H2"],
        ["政府办", "29", "县直部门", "", "2021H2"],
        ["团洲乡", "１０", "镇", "2", "2021H2"],
    ], encoding="utf-8-sig")
    report = parse_unit_report(path)
    towns, dept = report.tables
    assert towns.category == "乡镇" and dept.category == "县直部门"
    assert [(r.unit_raw, r.count, r.rank) for r in towns.rows] == [("禹山镇", 61, 1), ("团洲乡", 10, 2)]
    assert dept.rows[0].rank is None and dept.rows[0].rank_raw == ""
    assert towns.has_rank_column
    assert report.period == "2021H2"


def test_csv_gb18030_tab_delimited_with_period_argument(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", [["乡镇名称", "2021年上半年度更新条数"], ["鲇鱼须镇", "29"]],
                     encoding="gb18030", delimiter="\t")
    report = parse_unit_report(path, period="2021年上半年")
    assert report.period == "2021H1"
    assert rows_of(report.tables[0]) == [("鲇鱼须镇", 29, "第2行")]


def test_bad_counts_do_not_raise(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [["单位名称", "条数"], ["甲局", ""], ["乙局", "十二"],
                                            ["丙局", "12.5"], ["丁局", "-3"], ["戊局", "\"1,267\""]])
    (table,) = parse_unit_report(path, period="2021H1").tables
    assert [r.count_raw for r in table.rows] == ["", "十二", "12.5", "-3", "1,267"]
    assert [r.count for r in table.rows] == [None, None, None, -3, 1267]


def test_xlsx_single_sheet(tmp_path):
    path = write_xlsx(tmp_path / "report.xlsx", {"Sheet1": [
        ["单位名称", "条数", "排名", "期间"],
        ["自然资源局", 179, 1, "2021H1"],
        ["禹山镇", 61.0, 2, "2021H1"],
        [None, None, None, None],
        ["团洲乡", 12.5, None, "2021H1"],
    ]})
    report = parse_unit_report(path)
    assert (report.file_format, report.period) == ("xlsx", "2021H1")
    dept, towns = report.tables
    assert rows_of(dept) == [("自然资源局", 179, "Sheet1!第2行")]
    assert rows_of(towns) == [("禹山镇", 61, "Sheet1!第3行"), ("团洲乡", None, "Sheet1!第5行")]
    assert towns.rows[0].count_raw == "61" and towns.rows[1].count_raw == "12.5"
    assert [r.table_row for r in towns.rows] == [3, 5] and towns.rows[0].line is None
    assert towns.where == "Sheet1!第1行"


def test_xlsx_sheet_per_category_with_title_rows(tmp_path):
    path = write_xlsx(tmp_path / "by_sheet.xlsx", {
        "说明": [["本表由各单位填报"]],
        "县直部门": [["县直部门自报条数"], ["单位", "数量"], ["公安局", 59], ["禹山镇", 3]],
        "乡镇": [["乡镇名称", "数量"], ["禹山镇", 61]],
    })
    report = parse_unit_report(path, period="2021H1")
    dept, towns = report.tables
    assert dept.category == "县直部门" and towns.category == "乡镇"
    # The sheet names the category: a 镇 listed on the departments' sheet stays there.
    assert rows_of(dept) == [("公安局", 59, "县直部门!第3行"), ("禹山镇", 3, "县直部门!第4行")]
    assert rows_of(towns) == [("禹山镇", 61, "乡镇!第2行")]


def test_missing_file(tmp_path):
    expect_error(tmp_path / "nope.csv", "文件不存在")


@pytest.mark.parametrize("name", ["r.xls", "r.txt", "r"])
def test_unsupported_format(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"x")
    expect_error(path, "不支持的文件格式", ".csv", ".xlsx")


@pytest.mark.parametrize("content", [b"", b"\n , ,\n"])
def test_empty_csv(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    expect_error(path, "文件为空")


def test_header_only(tmp_path):
    path = write_csv(tmp_path / "header.csv", [["单位名称", "条数", "期间"]])
    expect_error(path, "第1行", "没有数据行")


def test_missing_count_column_lists_accepted_headers(tmp_path):
    path = write_csv(tmp_path / "nocount.csv", [["单位名称", "备注"], ["公安局", "x"]])
    error = expect_error(path, "第1行", "条数", "数量", "count", period="2021H1")
    assert "单位名称”列" not in str(error)


def test_missing_unit_column(tmp_path):
    path = write_xlsx(tmp_path / "nounit.xlsx", {"Sheet1": [["编号", "条数"], [1, 2]]})
    expect_error(path, "Sheet1!第1行", "单位名称", "unit", period="2021H1")


def test_no_period(tmp_path):
    path = write_csv(tmp_path / "noperiod.csv", [["单位名称", "条数"], ["公安局", "5"]])
    expect_error(path, "未给出期间", "period")


def test_conflicting_periods_name_the_rows(tmp_path):
    path = write_csv(tmp_path / "two.csv", [["单位名称", "条数", "期间"], ["公安局", "5", "2021H1"],
                                            ["财政局", "4", "2021H1"], ["禹山镇", "3", "2021年下半年"]])
    error = expect_error(path, "期间不一致", "第2行", "第4行", "2021年下半年")
    assert error.where == "第4行"


def test_period_argument_conflicts_with_file(tmp_path):
    path = write_csv(tmp_path / "arg.csv", [["单位名称", "条数", "期间"], ["公安局", "5", "2021H1"]])
    expect_error(path, "第2行", "2021H2", "不一致", period="2021H2")
    assert parse_unit_report(path, period="2021H1").period == "2021H1"


def test_unreadable_period_cell(tmp_path):
    path = write_csv(tmp_path / "badperiod.csv", [["单位名称", "条数", "期间"], ["公安局", "5", "上半年"]])
    expect_error(path, "第2行", "上半年", "无法识别")


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    expect_error(path, "无法作为 Excel 工作簿")
