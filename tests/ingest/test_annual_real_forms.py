"""Annual reports in the forms real offices publish them (docs/annual-reports.md): year-first and
missing titles, lead-in sentences, the 发布日期 label, table 四 under three header lines, a 总计
column blank on some rows, totals and shares stated in prose. Every expected number is worked out
here by hand from the text."""

from __future__ import annotations

from flows.ingest.annual_identity import unit_and_year
from flows.steps.annual import check_report

ROWS_2021 = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开",
             "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "1.属于国家秘密", "2.其他法律行政法规禁止公开",
             "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
             "7.属于行政执法案卷", "8.属于行政查询事项", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
             "3.补正后申请内容仍不明确", "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
             "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息",
             "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
             "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "（七）总计",
             "四、结转下年度继续办理"]


def table3(values: dict[int, list]) -> str:
    """Table 三 as TAB rows; row i gets values[i] (7 cells, "" for a blank) or zeros."""
    head = ("\t申请人情况\n\t自然人\t法人或其他组织\t\t\t\t\t总计\n"
            "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\n")
    rows = [label + "\t" + "\t".join(str(v) for v in values.get(i, [0] * 7)) for i, label in enumerate(ROWS_2021)]
    return head + "\n".join(rows) + "\n"


TABLE4 = ("\t行政复议\t\t\t\t\t行政诉讼\n"
          "\t\t\t\t\t\t未经复议直接起诉\t\t\t\t\t复议后起诉\n"
          "\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
          "\t2\t1\t0\t0\t3\t1\t0\t0\t1\t2\t0\t0\t0\t0\t0\n")


def report(title: str, prose: str, t3: dict[int, list], lead: str = "", date: str = "") -> str:
    return (f"{title}\n{date}\n{lead}\n一、总体情况\n{prose}\n二、主动公开政府信息情况\n"
            "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n"
            "三、收到和处理政府信息公开申请情况\n" + table3(t3) + "四、政府信息公开行政复议、行政诉讼情况\n" + TABLE4
            + "五、政府信息公开工作存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n")


# 372 received, all answered: 331 granted + 41 withheld (third party) = 372.
BALANCED = {0: [372, 0, 0, 0, 0, 0, 372], 2: [331, 0, 0, 0, 0, 0, 331], 7: [41, 0, 0, 0, 0, 0, 41],
            23: [372, 0, 0, 0, 0, 0, 372]}


def _codes(result: dict) -> list[str]:
    return [f["code"] for f in result["findings"]]


def test_year_first_title_table4_under_three_header_lines(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(report("2021年度华容县财政局政府信息公开工作年度报告", "本年度收到申请372件。", BALANCED),
                    encoding="utf-8")
    result = check_report(path)
    assert (result["unit"], result["year"], result["format"]) == ("华容县财政局", 2021, "2021")
    t4 = result["tables"]["table4"]
    assert [t4["review"][p] for p in ("upheld", "corrected", "other", "pending", "total")] == [2, 1, 0, 0, 3]
    assert t4["litigation_direct"]["total"] == 2 and t4["litigation_after_review"]["total"] == 0
    assert result["findings"] == []


def test_a_prose_total_whose_parts_exceed_it(tmp_path):
    """共受理372件，其中予以公开331件，不予公开61件: 331 + 61 = 392 > 372."""
    path = tmp_path / "r.txt"
    path.write_text(report("2021年度华容县财政局政府信息公开工作年度报告",
                           "本年度共受理政府信息公开申请372件，其中予以公开331件，不予公开61件。", BALANCED),
                    encoding="utf-8")
    (finding,) = [f for f in check_report(path)["findings"] if f["code"] == "annual_prose_sum_mismatch"]
    assert "372" in finding["message"] and "392" in finding["message"]


def test_a_share_is_taken_on_the_base_the_text_uses(tmp_path):
    """859 received, 805 answered, 54 carried over; 248 granted: 248 / 805 = 30.81% (30.8%), while
    248 / 859 = 28.87%. The text's 30.8% is right on its own base; 32.9% is wrong on every base."""
    t3 = {0: [859, 0, 0, 0, 0, 0, 859], 2: [248, 0, 0, 0, 0, 0, 248], 12: [557, 0, 0, 0, 0, 0, 557],
          23: [805, 0, 0, 0, 0, 0, 805], 24: [54, 0, 0, 0, 0, 0, 54]}
    text = "全年共收到政府信息公开申请859件，已办结805件，其中予以公开248件，占{}%。"
    for share, flagged in (("30.8", False), ("32.9", True)):
        path = tmp_path / f"r{share}.txt"
        path.write_text(report("2022年度华容县公安局政府信息公开工作年度报告", text.format(share), t3), encoding="utf-8")
        findings = [f for f in check_report(path)["findings"] if f["code"] == "annual_text_table_mismatch"]
        assert bool(findings) == flagged, findings
        if flagged:
            assert "805" in findings[0]["message"] and "30.8" in findings[0]["message"]


def test_a_total_column_blank_on_some_rows(tmp_path):
    t3 = dict(BALANCED)
    t3[0] = [372, 0, 0, 0, 0, 0, ""]
    t3[2] = [331, 0, 0, 0, 0, 0, ""]
    path = tmp_path / "r.txt"
    path.write_text(report("2021年度华容县财政局政府信息公开工作年度报告", "无。", t3), encoding="utf-8")
    (finding,) = [f for f in check_report(path)["findings"] if f["code"] == "annual_total_column_blank"]
    assert "有2行空白" in finding["message"]


def test_untitled_copy_with_a_lead_in_and_the_publish_date_label(tmp_path):
    """No title; the lead-in names the unit and year; 发布日期 2023-03-15 is after 31 January 2023."""
    path = tmp_path / "r.txt"
    path.write_text(report("", "无。", BALANCED, lead="现公布华容县民政局2022年度政府信息公开工作年度报告。",
                           date="发布日期：2023-03-15"), encoding="utf-8")
    result = check_report(path)
    assert (result["unit"], result["year"], result["published"]) == ("华容县民政局", 2022, "2023-03-15")
    assert "annual_late" in _codes(result)


def test_unit_and_year_from_the_body():
    assert unit_and_year("", ["本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
                              "如对本报告有疑问，请与华容县教育体育局联系。"])[:2] == ("华容县教育体育局", 2023)
    assert unit_and_year("", ["2024年，我镇认真贯彻落实《条例》。"])[1] == 2024
    assert unit_and_year("左贡县人民政府2021年度信息公开年度报告", [])[:2] == ("左贡县人民政府", 2021)
