"""The document reader (flows/ingest/document) and its checks on the layouts real offices use, each
written out here in the form the issue found them (the real documents themselves are in
tests/fixtures/real/ and tests/ingest/test_real_documents.py). Each test states what a careful reader
sees in the text, by hand."""

from __future__ import annotations

import pytest

from flows.ingest.document import read_document_file
from flows.ingest.document.period import document_period, period_in
from flows.steps.document_check import check_file


def _write(tmp_path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _codes(report: dict) -> list[str]:
    return [f["code"] for f in report["findings"]]


# A monthly 一览表 as a web page's text gives it: one cell per line, a blank cell as a line of spaces,
# two unit/count pairs per row under a count header 信息数 with an empty unit header, and 最低标准 in
# each section's label. 县直: 158 + 30 + 119 + 28 + 65 + 0 = 400; 乡镇: 120 + 80 = 200; all: 600.
PAIRS = """关于2024年3月份政务公开工作情况的通报

2024年3月全县政务公开单位主动公开政府信息600条，其中县直单位主动公开信息400条，乡镇政府主动公开信息200条。

附件

2024年3月份信息公开情况一览表

单位:条

县直单位(最低标准:20)

 

信息数

 

信息数

政府办公室

158

住房和城乡建设局

30

市场监管局

119

发展和改革委员会

28

财政局

65

统计局

0

乡镇(最低标准:20)

 

信息数

 

信息数

甲镇

120

乙镇

80
"""


def test_pairs_side_by_side_under_an_empty_unit_header(tmp_path):
    doc = read_document_file(_write(tmp_path, PAIRS))
    (table,) = doc.tables
    assert [r.unit for r in table.records] == ["政府办公室", "住房和城乡建设局", "市场监管局", "发展和改革委员会",
                                               "财政局", "统计局", "甲镇", "乙镇"]
    assert table.sums() == {"信息数": 600}
    assert {r.section for r in table.records} == {"县直单位(最低标准:20)", "乡镇(最低标准:20)"}
    assert table.complete  # it runs to the end without 合计, but the text states its sum (600)
    report = check_file(_write(tmp_path, PAIRS))
    assert report["period"] == "2024-03" and report["findings"] == []


def test_a_category_total_is_compared_with_its_section(tmp_path):
    wrong = PAIRS.replace("乙镇\n\n80", "乙镇\n\n90")  # 乡镇 now add up to 210, all to 610
    report = check_file(_write(tmp_path, wrong))
    (finding,) = [f for f in report["findings"] if f["code"] == "overall_total_mismatch"]
    assert "600" in finding["message"] and "610" in finding["message"]
    assert "200" in finding["message"] and "210" in finding["message"]


# A 考核 table ranked by score: counts do not follow the rank, the score does.
SCORES = """2023年度各县市区政务公开考核结果的通报

按得分排名如下。

县 市\t发布条数\t得分\t排名
甲县\t120\t95.5\t1
乙县\t300\t92\t2
丙县\t80\t90\t3
"""


def test_a_score_table_is_ranked_by_its_score(tmp_path):
    report = check_file(_write(tmp_path, SCORES))
    assert report["period"] == "2023"
    assert report["tables"][0]["ranked_by"] == "得分" and "rank_inconsistent" not in _codes(report)
    bad = check_file(_write(tmp_path, SCORES.replace("丙县\t80\t90\t3", "丙县\t80\t97\t3"), "bad.txt"))
    (finding,) = [f for f in bad["findings"] if f["code"] == "rank_inconsistent"]
    assert "丙县" in finding["message"] and "第1名" in finding["message"]


# 报送 / 采纳 / 采纳率 with the period in the title's first line; 采纳率 = 采纳 ÷ 报送:
# 甲局 6/20 = 30.0%, 乙局 5/12 = 41.67% (41.7%), 丙局 1/3 = 33.3% — printed 35.0%: wrong.
RATES = """关于2017年4月份政务信息报送采纳情况的通报

单位\t报送\t采纳\t采纳率
甲局\t20\t6\t30.0%
乙局\t12\t5\t41.7%
丙局\t3\t1\t35.0%
合计\t35\t12\t34.3%
"""


def test_every_column_is_read_and_rates_recompute(tmp_path):
    report = check_file(_write(tmp_path, RATES))
    assert report["period"] == "2017-04"
    table = report["tables"][0]
    assert table["sums"] == {"报送": 35, "采纳": 12} and table["printed_totals"]["报送"] == 35
    (finding,) = [f for f in report["findings"] if f["code"] == "rate_mismatch"]
    assert "丙局" in finding["message"] and "33.33" in finding["message"] and "甲局" not in finding["message"]


@pytest.mark.parametrize("title, body, code", [
    ("关于第一季度政务信息报送及采用情况的通报", "现将2019年第一季度各单位信息报送采用情况通报如下。", "2019Q1"),
    ("2022年1-3月政务信息采用情况通报", "", "2022Q1"),
    ("2022年1-6月信息发布情况", "", "2022H1"),
    ("2023年度政务信息工作通报", "", "2023"),
    ("20243月份政务公开工作情况通报", "", "2024-03"),        # 年 dropped by the stored copy
    ("关于第四季度政府网站抽查情况的报告", "截至2020年11月，全市运行网站56个。", "2020Q4"),
    ("惠州市2017年第二季度及上半年信息发布情况", "", "2017H1"),
    ("2023年第三季度暨九月份政府网站监管情况的通报", "", "2023Q3"),
])
def test_periods_in_the_forms_offices_write(title, body, code):
    assert document_period(title, [body] if body else [])[0] == code


def test_a_december_bulletin_signed_in_january_is_last_years():
    code, source = document_period("12月份政府网站监测情况通报", ["现将监测情况通报如下。", "2023年1月4日"])
    assert (code, source) == ("2022-12", "date")
    assert period_in("2024年1月1日至2024年12月31日") == "2024"


# A yearly 采用 bulletin that gives every unit's count in prose.
PROSE = """2022年度政务信息采用情况通报

全年共采用各单位政务信息773条。县财政局3条、县教育局2条、县民政局5条、甲镇763条。
"""


def test_counts_in_prose_become_a_table_and_a_stated_total_is_not_missing(tmp_path):
    report = check_file(_write(tmp_path, PROSE))
    (table,) = report["tables"]
    assert table["from_prose"] and table["rows"] == 4 and table["sums"] == {"条数": 773}
    assert "overall_total_missing" not in _codes(report) and "not_read" not in _codes(report)


def test_a_prose_total_and_its_parts(tmp_path):
    ok = "2021年通报\n全县共发布信息2450条，其中县直单位1454条，乡镇996条。\n"
    assert "prose_sum_mismatch" not in _codes(check_file(_write(tmp_path, ok)))
    bad = "2021年通报\n全县共发布信息2450条，其中县直单位1454条，乡镇1096条。\n"
    (finding,) = check_file(_write(tmp_path, bad, "bad.txt"))["findings"]
    assert finding["code"] == "prose_sum_mismatch" and "2550" in finding["message"]
    partial = "2021年通报\n全县共发布信息2450条，其中政策解读120条，图解30条。\n"  # a subset: not a mismatch
    assert check_file(_write(tmp_path, partial, "partial.txt"))["findings"] == []


# A copy that stops mid-table: 3 whole rows (60 + 50 + 40 = 150) and a cut fourth.
CUT = """关于2021年第一季度信息报送采用情况的通报

第一季度全县共报送信息301条。

序号\t单位\t报送\t排名
1\t甲局\t60\t1
2\t乙局\t50\t2
3\t丙局\t40\t3
4\t丁"""


def test_a_copy_that_stops_mid_table_is_said_cut_never_a_mismatch(tmp_path):
    report = check_file(_write(tmp_path, CUT))
    assert report["period"] == "2021Q1"
    table = report["tables"][0]
    assert table["rows"] == 3 and table["sums"] == {"报送": 150} and not table["complete"]
    assert _codes(report) == ["table_truncated"] and not report["read_completely"]


def test_a_flattened_three_line_header_is_read_by_the_rows_stride(tmp_path):
    """A page's text and table on one line, `|` between cells, a header over three lines flattened into
    one run (采用情况 spans 园林动态 and 区级信息): the rows' stride (unit to unit: 1 + 4 cells) gives the
    columns. Sums by hand: 本月报送 2+0+1+0 = 3, 采用 1+3+0+0 = 4, …"""
    prose = "2016年9月信息报送及采用情况通报 各科室: 2016年9月,各部门向局办公室报送信息总计3条,被采用4条。 附件1: 信息报送分数统计表 单位"
    rows = ["甲科 | 2 | 1 | 0 | 4", "乙科 | | 3 | 1 | 2", "丙科 | 1 | 0 | | 6", "丁科 | 0 | 0 | 0 | 0"]
    text = (prose + " | 本月报送条数 | 采用情况 | 报送分数 | 采用分数 | 园林动态 | 区级信息 | " + " | ".join(rows)
            + " | " + " | ".join(["附件2"] + ["说明"] * 30) + " |\n")
    doc = read_document_file(_write(tmp_path, text))
    table = doc.tables[0]
    assert [r.unit for r in table.records] == ["甲科", "乙科", "丙科", "丁科"]
    assert sorted(table.sums().values()) == [1, 3, 4, 12]
    assert doc.period == "2016-09"


def test_a_document_with_nothing_to_check_says_so(tmp_path):
    report = check_file(_write(tmp_path, "关于加强政务公开工作的通知\n各单位要高度重视。\n"))
    assert _codes(report) == ["not_read"] and not report["read_completely"]


def test_html_tables_on_their_grid(tmp_path):
    html = """<html><head><title>2021年第二季度信息发布情况通报</title></head><body>
    <p>第二季度全县共发布信息90条。</p>
    <table><tr><th rowspan="2">单位</th><th colspan="2">发布</th></tr><tr><th>网站</th><th>新媒体</th></tr>
    <tr><td>甲局</td><td>30</td><td>10</td></tr><tr><td>乙局</td><td>40</td><td>10</td></tr>
    <tr><td>合计</td><td>70</td><td>20</td></tr></table></body></html>"""
    report = check_file(_write(tmp_path, html, "doc.html"))
    assert report["period"] == "2021Q2"
    assert report["tables"][0]["sums"] == {"发布网站": 70, "发布新媒体": 20}
    assert report["findings"] == []


def test_ingest_reads_a_real_layout_through_the_same_reader(tmp_path):
    """zwgk ingest: a bulletin the standard-layout reader cannot follow (pairs under an empty unit
    header) seeds the warehouse from the document reader: every unit with its count."""
    from flows.ingest.document.as_bulletin import parse_any_bulletin

    parsed = parse_any_bulletin(_write(tmp_path, PAIRS))
    assert parsed.period == "2024-03" and parsed.stated_total == 600
    (table,) = parsed.tables
    assert [(r.unit_raw, r.count) for r in table.rows][:2] == [("政府办公室", 158), ("住房和城乡建设局", 30)]
    assert sum(r.count for r in table.rows) == 600


def test_a_total_column_totals_its_row(tmp_path):
    """网站 + 新媒体 = 合计 on every row but 乙局's (40 + 10 ≠ 45)."""
    text = ("2021年第二季度信息发布情况通报\n\n单位\t网站\t新媒体\t合计\n甲局\t30\t10\t40\n"
            "乙局\t40\t10\t45\n丙局\t5\t5\t10\n")
    report = check_file(_write(tmp_path, text))
    (finding,) = [f for f in report["findings"] if f["code"] == "table_total_mismatch"]
    assert "乙局" in finding["message"] and "45" in finding["message"] and "50" in finding["message"]
    assert "甲局" not in finding["message"]


def test_a_table_of_some_units_is_not_compared_with_the_whole(tmp_path):
    """全县共发布2450条, and a table of the 前3名 only (1000 + 800 + 600 = 2400): no mismatch."""
    text = ("2021年第一季度信息发布情况通报\n\n全县共发布信息2450条。\n\n发布信息数前3名单位\n\n"
            "单位\t发布数\n甲局\t1000\n乙局\t800\n丙局\t600\n\n特此通报。\n")
    assert "overall_total_mismatch" not in _codes(check_file(_write(tmp_path, text)))


def test_ranks_by_a_score_the_table_does_not_print_are_not_called_wrong(tmp_path):
    """Ranks follow none of the printed columns (a composite score not shown): not checked, said so."""
    rows = [("甲局", 5, 1), ("乙局", 30, 2), ("丙局", 2, 3), ("丁局", 40, 4), ("戊局", 1, 5), ("己局", 50, 6)]
    text = "2021年第一季度考核情况通报\n\n单位\t发布数\t排名\n" + "".join(f"{u}\t{n}\t{r}\n" for u, n, r in rows) + "\n特此通报。\n"
    report = check_file(_write(tmp_path, text))
    assert "rank_inconsistent" not in _codes(report)
    assert report["tables"][0]["ranked_by"] == "" and "未核对" in report["tables"][0]["rank_basis"]


def test_a_count_with_a_note_in_brackets_is_a_count(tmp_path):
    text = "2021年第一季度信息发布情况通报\n\n单位\t发布数\n甲局\t12（含转载3）\n乙局\t8\n合计\t20\n\n特此通报。\n"
    report = check_file(_write(tmp_path, text))
    assert report["tables"][0]["sums"] == {"发布数": 20} and report["findings"] == []
