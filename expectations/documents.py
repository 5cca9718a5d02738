"""The checks of a published document read as it is (``zwgk check`` on a real bulletin): each one a
named Great Expectations expectation on a frame of expectations/document_frames.py, with a finding
code, a severity and a Chinese message that quotes the statement and both numbers
(docs/real-documents.md, "Checks"). The runner is the annual-report runner (expectations/annual.py):
same ephemeral context, same Data Docs, offending rows by ``row_id``.
"""

from __future__ import annotations

from expectations.annual import AnnualCheck, _gxe, _n


def _pair(a: str, b: str):
    return lambda: _gxe().ExpectColumnPairValuesToBeEqual(column_A=a, column_B=b, ignore_row_if="either_value_is_missing")


def _true(column: str):
    return lambda: _gxe().ExpectColumnValuesToBeInSet(column=column, value_set=[True])


def _at_most_zero(column: str):
    return lambda: _gxe().ExpectColumnValuesToBeBetween(column=column, max_value=0)


DOCUMENT_CHECKS: tuple[AnnualCheck, ...] = (
    AnnualCheck("doc_table_totals_match", "table_total_mismatch", "doc_tables", "error",
                "附表每一数字列：合计行等于各单位之和（表格被截断时不比较）",
                _pair("sum", "printed_total"),
                lambda r: f"{r['title']}“{r['column']}”列：合计行为{_n(r['printed_total'])}，"
                          f"各单位相加为{_n(r['sum'])}"),
    AnnualCheck("doc_stated_totals_match", "overall_total_mismatch", "doc_statements", "error",
                "正文所述总数等于附表相应列的合计（所涉表格被截断且不足时不比较）",
                _pair("stated", "computed"),
                lambda r: f"正文“{r['quote']}”所述{_n(r['stated'])}，附表{r['subject']}相应列合计为{_n(r['computed'])}"),
    AnnualCheck("doc_prose_sums_hold", "prose_sum_mismatch", "doc_identities", "error",
                "正文“共N，其中A、B”：互补的各部分之和等于总数，任何情况下各部分之和不超过总数",
                lambda: _gxe().ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="total", column_B="parts_sum", or_equal=True, ignore_row_if="either_value_is_missing"),
                lambda r: f"正文“{r['quote']}”：总数{_n(r['total'])}，其中各项（{r['parts']}）之和为{_n(r['parts_sum'])}"),
    AnnualCheck("doc_rates_recompute", "rate_mismatch", "doc_rates", "error",
                "每个比率（采用率 = 采用 ÷ 报送 …）按所印精度重算相符（四舍五入或截断）",
                _at_most_zero("deviation"),
                lambda r: f"{r['unit']}“{r['column']}”印为“{r['quote'].split(r['column'])[-1]}”，"
                          f"按{r['formula']}应为{r['recomputed']:.2f}%"),
    AnnualCheck("doc_shares_recompute", "rate_mismatch", "doc_shares", "error",
                "正文所列“N条，占比x%”：按所述总数与所印精度重算相符（四舍五入或截断）",
                _at_most_zero("deviation"),
                lambda r: f"正文“{r['quote']}”：按{r['formula']}应为{r['recomputed']:.2f}%"),
    AnnualCheck("doc_ranks_follow_column", "rank_inconsistent", "doc_ranks", "error",
                "名次与该表的排序依据列（正文所述，或与名次最一致的列：得分、采用数或条数）一致",
                _true("consistent"),
                lambda r: f"{r['unit']}{r['column']}{_n(r['value'])}，列第{r['rank']}名，按{r['column']}应为第"
                          f"{r['lowest']}{'' if r['lowest'] == r['highest'] else '至' + str(r['highest'])}名"),
    AnnualCheck("doc_cells_are_numbers", "bad_count", "doc_records", "error",
                "数字列的每个单元格都是数字或空白",
                _at_most_zero("bad_cells"),
                lambda r: f"{r['unit_raw']}：{r['bad']}不是数字"),
    AnnualCheck("doc_units_unique", "duplicate_unit", "doc_records", "error",
                "同一表格（同一分组）中每个单位只出现一次",
                lambda: _gxe().ExpectCompoundColumnsToBeUnique(column_list=["table_no", "section", "unit"]),
                lambda r: f"{r['unit_raw']}在同一表格中重复出现"),
)
# A total and parts that name a whole partition (县直 + 乡镇) must add up exactly; the check above
# (parts never exceed the total) runs on every identity, this one on the exhaustive ones.
EXHAUSTIVE_CHECK = AnnualCheck(
    "doc_partition_sums_hold", "prose_sum_mismatch", "doc_partitions", "error",
    "正文“共N，其中县直A、乡镇B”这类互补划分：各部分之和等于总数",
    _pair("total", "parts_sum"),
    lambda r: f"正文“{r['quote']}”：总数{_n(r['total'])}，其中各项（{r['parts']}）之和为{_n(r['parts_sum'])}")
CHECKS = (*DOCUMENT_CHECKS, EXHAUSTIVE_CHECK)
