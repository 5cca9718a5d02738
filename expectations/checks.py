"""The named data-quality checks, each attached to the table (frame) it guards.

A check is one Great Expectations expectation plus what the office needs around it: a finding
code, a severity, whether it blocks a final bulletin, a Chinese description and a message built
from the offending rows GX returns. The three frames come from the warehouse:

- ``rows``   — ``stg_reported_rows``: one printed row (unit, count, rank, provenance);
- ``tables`` — ``category_period_totals``: one attachment table, its sum and printed 合计;
- ``period`` — ``period_totals``: the total stated in the text and the sum of the tables;
- ``reconciliation`` — ``reconciliation``: per unit, the reported count against the count
  crawled from the portal (only when the county is crawled).

Expectations are built from the run's settings (e.g. ``tolerance`` for the reconciliation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flows.domain.rules import RULE_OF_CHECK

# A county's units publish hundreds of items a half-year, the whole county a few thousand: a count above
# this is a typo or a hostile input (docs/rules.md), reported as bad_count rather than ranked.
MAX_PLAUSIBLE_COUNT = 1_000_000

FRAMES = ("rows", "tables", "period", "claims", "reconciliation", "rule_summary", "crawl_columns")


@dataclass(frozen=True)
class Check:
    name: str
    code: str
    frame: str
    severity: str  # error | warning
    description: str
    expectation: Callable[[dict], Any]  # settings → the GX expectation (GX is imported lazily)
    index_columns: tuple[str, ...]
    message: Callable[[dict], str]  # one finding message from one offending row
    # frames → whether the check runs. Always an "exists" test (some row of some frame is so), so a
    # check that does not apply to a region's frames put together applies to none of its counties
    # (expectations/scope.py asks the whole region first).
    applies: Callable[[dict], bool] = lambda frames: True
    group_by: str | None = None  # merge offending rows into one finding per value of this column
    blocking: bool | None = None  # default: severity == "error"
    # (observed, expected) for run.json, from the county's rows: it is given ``rows(frame)`` → that
    # frame's rows as plain dicts (expectations/runner.py ``plain_records``); default: offending rows
    # against 0
    summarize: Callable[[Callable[[str], list[dict]]], tuple[Any, Any]] | None = None
    # A rule check over items: GX validates the rule's per-unit summary (frame ``rule_summary``, columns
    # ``<name>_checked`` / ``<name>_flagged``) and the findings are the offending items this query of
    # transforms/queries/ returns from the rule's mart (frame ``findings:<name>``), never a frame of
    # every item walked row by row.
    findings_query: str | None = None

    @property
    def findings_frame(self) -> str | None:
        return f"findings:{self.name}" if self.findings_query else None

    @property
    def blocking_default(self) -> bool:
        return self.severity == "error" if self.blocking is None else self.blocking


def _gxe():
    import great_expectations.expectations as gxe  # lazy: GX takes seconds to import

    return gxe


def _n(value: Any) -> str:
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return str(value)


def _int(value: Any) -> int | None:
    try:
        return None if value is None or value != value else int(value)
    except (TypeError, ValueError):
        return None


def _registry_loaded(frames: dict) -> bool:
    rows = frames["rows"]
    return bool(len(rows)) and bool(rows["registry_loaded"].any())


def _has_ranks(frames: dict) -> bool:
    rows = frames["rows"]
    return bool(len(rows)) and bool(rows["has_rank_column"].any())


def _d(value) -> str:
    """2021年3月1日 for a date (or its ISO text); '' for none."""
    if value is None or value != value:
        return ""
    text = str(value)[:10]
    y, m, d = text.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


_AGE = {"days": "天", "day": "天", "weeks": "周", "week": "周", "months": "个月", "month": "个月",
        "years": "年", "year": "年"}


def _age(text: str) -> str:
    n, unit = str(text).split()
    return "两周" if (n, unit) == ("14", "days") else f"{n}{_AGE.get(unit, unit)}"


def _freshness_message(r: dict) -> str:
    where = f"{r['unit']}“{r['column']}”栏目" if r.get("unit") and r["unit"] not in str(r["column"]) \
        else f"“{r['column']}”栏目"
    verdict = r["verdict"]
    if verdict == "blank":
        return f"{where}为空白栏目，从未发布信息"
    if verdict == "undated":
        return f"{where}的信息均无发布日期，视为未更新"
    if verdict == "unreachable":
        return f"{where}无法访问（{r.get('crawl_status')}），未能核查更新情况"
    return f"{where}最后更新于{_d(r['last_publish'])}，超过{_age(r['max_age'])}未更新"


def _none_flagged(name: str):
    """A rule check's expectation on the per-unit summary: no unit has a flagged row."""
    return _gxe().ExpectColumnValuesToBeBetween(column=f"{name}_flagged", min_value=0, max_value=0)


def _summary_columns(name: str) -> tuple[str, ...]:
    return ("unit", "unit_id", "category", f"{name}_checked", f"{name}_flagged")


def _judged(name: str) -> Callable[[dict], bool]:
    """Whether a rule check runs: its rule judged at least one row (item, column or required item)."""
    def applies(frames: dict) -> bool:
        summary = frames.get("rule_summary")
        return summary is not None and len(summary) > 0 and bool(summary[f"{name}_checked"].sum())
    applies.summary_column = f"{name}_checked"  # a region sums it per county at once (expectations/scope.py)
    return applies


# Disclosure rules on crawled items: check name → rule id, declared with the rules (flows/domain/rules.py).
# Severity: warning unless [rules.severity] makes a rule blocking.
RULE_CHECKS = RULE_OF_CHECK

CRAWL_STATUS = {"partial": "未读完", "blocked": "被拦截", "missing": "不存在", "error": "读取出错"}


def _incomplete_message(r: dict) -> str:
    where = f"{r['unit']}“{r['column']}”栏目" if r.get("unit") and r["unit"] not in str(r["column"]) \
        else f"“{r['column']}”栏目"
    reason = f"：{r['reason']}" if r.get("reason") else ""
    return (f"{where}未能完整采集（{CRAWL_STATUS.get(r['status'], r['status'])}{reason}），"
            f"按门户采集统计的条数可能偏少")


# Every check, in the order results are reported: the bulletin's own numbers, the reconciliation with the
# portal, the five disclosure rules, the claims of the text, the dates, the crawl's completeness.
CHECKS: tuple[Check, ...] = (
    Check(
        name="table_totals_match",
        code="table_total_mismatch",
        frame="tables",
        severity="error",
        description="每张附件表的“合计”等于表中各单位条数之和。",
        expectation=lambda s: _gxe().ExpectColumnPairValuesToBeEqual(
            column_A="sum", column_B="printed_total", ignore_row_if="either_value_is_missing"),
        index_columns=("table_no", "category", "sum", "printed_total", "total_where"),
        summarize=lambda rows: (
            {str(r["category"]): _int(r["printed_total"]) for r in rows("tables")},
            {str(r["category"]): _int(r["sum"]) for r in rows("tables")},
        ),
        message=lambda r: (
            f"附件{_n(r['table_no'])}（{r['category']}）合计栏为{_n(r['printed_total'])}条，"
            f"各单位相加为{_n(r['sum'])}条（相差{abs(int(r['sum']) - int(r['printed_total']))}条）"
        ),
    ),
    Check(
        name="table_totals_printed",
        code="table_total_missing",
        frame="tables",
        severity="warning",
        description="每张附件表列出了整数“合计”。",
        expectation=lambda s: _gxe().ExpectColumnValuesToNotBeNull(column="printed_total"),
        index_columns=("table_no", "category", "printed_total_raw", "total_where"),
        applies=lambda frames: bool(len(frames["period"]))
        and bool((frames["period"]["source_kind"] == "bulletin").any()),  # unit reports print no 合计
        message=lambda r: f"附件{_n(r['table_no'])}（{r['category']}）没有可读的合计栏"
        + (f"（写作“{r['printed_total_raw']}”）" if r.get("printed_total_raw") else ""),
    ),
    Check(
        name="overall_total_matches_tables",
        code="overall_total_mismatch",
        frame="period",
        severity="error",
        description="正文所述全县公开总数等于各附件表合计之和。",
        expectation=lambda s: _gxe().ExpectColumnPairValuesToBeEqual(
            column_A="stated_in_text", column_B="sum_of_tables", ignore_row_if="either_value_is_missing"),
        index_columns=("stated_in_text", "sum_of_tables", "stated_total_where"),
        summarize=lambda rows: (
            _int(rows("period")[0]["stated_in_text"]) if rows("period") else None,
            _int(rows("period")[0]["sum_of_tables"]) if rows("period") else None,
        ),
        message=lambda r: (
            f"正文所述公开总数{_n(r['stated_in_text'])}条与附件合计{_n(r['sum_of_tables'])}条不一致"
            f"（相差{abs(int(r['sum_of_tables']) - int(r['stated_in_text']))}条）"
        ),
    ),
    Check(
        name="overall_total_stated",
        code="overall_total_missing",
        frame="period",
        severity="warning",
        description="正文写明了全县公开总数（“共公开政府信息N条”）。",
        expectation=lambda s: _gxe().ExpectColumnValuesToNotBeNull(column="stated_in_text"),
        index_columns=("source_name",),
        message=lambda r: "正文未写明全县公开总数，无法与附件合计核对",
        applies=lambda frames: bool(len(frames["period"]))
        and bool((frames["period"]["source_kind"] == "bulletin").any()),
    ),
    Check(
        name="units_unique",
        code="duplicate_unit",
        frame="rows",
        severity="error",
        description="同一单位（含简称、别名）在附件表中只出现一次。",
        expectation=lambda s: _gxe().ExpectColumnValuesToBeUnique(column="unit_key"),
        index_columns=("unit_key", "unit", "unit_raw", "where"),
        group_by="unit_key",
        message=lambda r: f"“{r['unit']}”在附件表中出现{len(r['where'])}次（{'、'.join(r['where'])}）",
    ),
    Check(
        name="counts_are_integers",
        code="bad_count",
        frame="rows",
        severity="error",
        description="每个单位的条数是整数。",
        expectation=lambda s: _gxe().ExpectColumnValuesToNotBeNull(column="count"),
        index_columns=("unit", "count_raw", "where"),
        message=lambda r: (
            f"{r['unit']}的条数是公式“{r['count_raw']}”，但文件中没有它的计算结果（公式无计算结果：请在 Excel/WPS "
            f"中打开、保存后再导入）（{r['where']}）" if str(r.get("count_raw") or "").startswith("=") else
            f"{r['unit']}的条数“{r['count_raw'] or ''}”不是整数（{r['where']}）"
        ),
    ),
    Check(
        name="counts_non_negative",  # the name predates the upper bound; kept for run histories
        code="bad_count",
        frame="rows",
        severity="error",
        description=f"每个单位的条数不小于0，且不超过{MAX_PLAUSIBLE_COUNT:,}条（更大的数不合常理）。",
        expectation=lambda s: _gxe().ExpectColumnValuesToBeBetween(
            column="count", min_value=0, max_value=MAX_PLAUSIBLE_COUNT),
        index_columns=("unit", "count_raw", "count", "where"),
        message=lambda r: (
            f"{r['unit']}的条数“{r['count_raw']}”为负数（{r['where']}）" if _int(r.get("count")) is not None
            and _int(r.get("count")) < 0 else
            f"{r['unit']}的条数“{r['count_raw']}”不合常理（超过{MAX_PLAUSIBLE_COUNT:,}条），请核实（{r['where']}）"
        ),
    ),
    Check(
        name="stated_total_plausible",
        code="bad_count",
        frame="period",
        severity="error",
        description=f"正文所述公开总数不超过{MAX_PLAUSIBLE_COUNT:,}条（更大的数不合常理）。",
        expectation=lambda s: _gxe().ExpectColumnValuesToBeBetween(
            column="stated_in_text", min_value=0, max_value=MAX_PLAUSIBLE_COUNT),
        index_columns=("stated_in_text", "stated_total_where"),
        message=lambda r: (
            f"正文所述公开总数{_n(r['stated_in_text'])}条不合常理（超过{MAX_PLAUSIBLE_COUNT:,}条），"
            f"请核实（{r.get('stated_total_where') or '正文'}）"
        ),
    ),
    Check(
        name="ranks_follow_counts",
        code="rank_inconsistent",
        frame="rows",
        severity="error",
        description="排名与条数一致：条数多的单位不排在条数少的单位之后。",
        expectation=lambda s: _gxe().ExpectColumnValuesToBeBetween(column="rank_conflicts", min_value=0, max_value=0),
        index_columns=("unit", "count", "rank", "rank_conflicts", "where"),
        message=lambda r: (
            f"{r['unit']}（{_n(r['count'])}条）排第{_n(r['rank'])}名，"
            f"却排在{_n(r['rank_conflicts'])}个条数更少的单位之后（{r['where']}）"
        ),
        applies=_has_ranks,
    ),
    Check(
        name="ranks_present",
        code="rank_inconsistent",
        frame="rows",
        severity="error",
        description="有排名列的附件表中，每个单位都有整数排名。",
        expectation=lambda s: _gxe().ExpectColumnValuesToBeInSet(column="rank_missing", value_set=[False]),
        index_columns=("unit", "rank_raw", "where"),
        message=lambda r: f"{r['unit']}的排名“{r['rank_raw'] or ''}”缺失或不是整数（{r['where']}）",
        applies=_has_ranks,
    ),
    Check(
        name="units_known",
        code="unknown_unit",
        frame="rows",
        severity="warning",
        description="附件表中的每个单位都能在单位名册中找到（含简称、别名及有效期）。",
        expectation=lambda s: _gxe().ExpectColumnValuesToNotBeNull(column="unit_id"),
        index_columns=("unit_raw", "where"),
        message=lambda r: f"“{r['unit_raw']}”不在单位名册中（{r['where']}）：请核对名称，或在名册中补充别名",
        applies=_registry_loaded,
    ),
    Check(
        name="reported_matches_crawled",
        code="reconciliation_mismatch",
        frame="reconciliation",
        severity="warning",
        description="各单位报送的条数与从门户网站实际采集的条数一致（允许误差见配置 reconciliation.tolerance）。",
        expectation=lambda s: _gxe().ExpectColumnValuesToBeBetween(
            column="difference", min_value=-int(s.get("tolerance", 0)), max_value=int(s.get("tolerance", 0))),
        index_columns=("unit", "category", "reported", "crawled", "difference", "example_url"),
        message=lambda r: (
            f"{r['unit']}：通报列{_n(r['reported']) if r.get('reported') is not None else '（未列）'}条，"
            f"网站实际采集{_n(r['crawled'])}条（相差{abs(int(r['difference']))}条）"
        ),
        applies=lambda frames: bool(len(frames.get("reconciliation", ()))),
        summarize=lambda rows: (
            sum(_int(r["crawled"]) or 0 for r in rows("reconciliation")) if rows("reconciliation") else None,
            sum(_int(r["reported"]) or 0 for r in rows("reconciliation")) if rows("reconciliation") else None,
        ),
    ),
    Check(
        name="columns_fresh",
        code=RULE_OF_CHECK["columns_fresh"],
        frame="rule_summary",
        severity="warning",
        description="各公开栏目在期末前按栏目类型规定的周期内有更新（国办秘函〔2019〕19号）；无空白栏目、无全部无日期的栏目。",
        expectation=lambda s: _none_flagged("columns_fresh"),
        index_columns=_summary_columns("columns_fresh"),
        message=_freshness_message,
        applies=_judged("columns_fresh"),
        findings_query="findings_columns_fresh",
    ),
    Check(
        name="documents_timely",
        code=RULE_OF_CHECK["documents_timely"],
        frame="rule_summary",
        severity="warning",
        description="信息自成文之日起20个工作日内公开（《政府信息公开条例》第二十六条），行政规范性文件单列。",
        expectation=lambda s: _none_flagged("documents_timely"),
        index_columns=_summary_columns("documents_timely"),
        message=lambda r: (
            f"{'【行政规范性文件】' if r.get('is_normative') else ''}{r['unit']}《{r['title']}》"
            f"成文于{_d(r['doc_date'])}，{_d(r['publish_date'])}才公开，用时{_n(r['working_days'])}个工作日"
            + (f"（应于{_d(r['due_date'])}前公开）" if r.get("due_date") else "")
        ),
        applies=_judged("documents_timely"),
        findings_query="findings_documents_timely",
    ),
    Check(
        name="bodies_well_formatted",
        code=RULE_OF_CHECK["bodies_well_formatted"],
        frame="rule_summary",
        severity="warning",
        description="正文无连续空格、无成串空白段落、表格不超出页面、无Word复制格式。",
        expectation=lambda s: _none_flagged("bodies_well_formatted"),
        index_columns=_summary_columns("bodies_well_formatted"),
        message=lambda r: f"{r['unit']}《{r['title']}》{r['defects']}",
        applies=_judged("bodies_well_formatted"),
        findings_query="findings_bodies_well_formatted",
    ),
    Check(
        name="key_areas_disclosed",
        code=RULE_OF_CHECK["key_areas_disclosed"],
        frame="rule_summary",
        severity="warning",
        description="各单位按时公开部门预算、上年度部门决算和三公经费（预算法第十四条：批复后20日内）。",
        expectation=lambda s: _none_flagged("key_areas_disclosed"),
        index_columns=_summary_columns("key_areas_disclosed"),
        message=lambda r: (
            f"{r['unit']}未公开{_n(r['about_year'])}年{r['label']}（应于{_d(r['due_date'])}前公开）"
            if r["verdict"] == "missing" else
            f"{r['unit']}{_n(r['about_year'])}年{r['label']}于{_d(r['published'])}公开，晚于{_d(r['due_date'])}"
        ),
        applies=_judged("key_areas_disclosed"),
        findings_query="findings_key_areas_disclosed",
    ),
    Check(
        name="items_in_right_column",
        code=RULE_OF_CHECK["items_in_right_column"],
        frame="rule_summary",
        severity="warning",
        description="信息发布在与其内容相符的栏目（按栏目类型的标题关键词判断，只报告不改动）。",
        expectation=lambda s: _none_flagged("items_in_right_column"),
        index_columns=_summary_columns("items_in_right_column"),
        message=lambda r: f"{r['unit']}《{r['title']}》发布在“{r['column']}”栏目，与栏目内容不符",
        applies=_judged("items_in_right_column"),
        findings_query="findings_items_in_right_column",
    ),
    Check(
        name="claims_match_ranks",
        code="claim_inconsistent",
        frame="claims",
        severity="warning",
        description="正文点名“公开数量较多/较少”的单位与附件表排名一致（较多者在前k名，较少者在后k名）。",
        expectation=lambda s: _gxe().ExpectColumnValuesToBeInSet(column="consistent", value_set=[True]),
        index_columns=("name_raw", "polarity", "unit", "category", "rank", "table_size", "named_in_table", "where"),
        message=lambda r: (
            f"正文点名的“{r['name_raw']}”不在附件表中（{r['where']}）" if r.get("rank") is None else
            f"正文称“{r['name_raw']}”公开信息{'较多' if r['polarity'] == 'many' else '较少'}，"
            f"但其在{r['category']}中排第{_n(r['rank'])}名（共{_n(r['table_size'])}个，正文点名{_n(r['named_in_table'])}个）"
            f"（{r['where']}）"
        ),
        applies=lambda frames: bool(len(frames.get("claims", ()))),
    ),
    Check(
        name="dates_plausible",
        code="implausible_date",
        frame="rule_summary",
        severity="warning",
        description="信息的成文日期、发布日期合乎常理：不早于《政府信息公开条例》施行（2008年5月1日）、成文不晚于发布、"
                    "发布不在今天之后；不合常理的日期是门户上的笔误，按条列出请核实，不影响其余统计。",
        expectation=lambda s: _none_flagged("dates_plausible"),
        index_columns=_summary_columns("dates_plausible"),
        message=lambda r: (f"{r['unit'] or '未知单位'}《{r['title']}》的日期不合常理（成文日期{_d(r['doc_date'])}，"
                           f"发布日期{_d(r['publish_date'])}），未计入时效统计，请核实：{r['url']}"),
        applies=_judged("dates_plausible"),
        findings_query="findings_dates_plausible",
    ),
    Check(
        name="columns_complete",
        code="crawl_incomplete",
        frame="crawl_columns",
        severity="error",
        description="按门户采集统计条数时，每个公开栏目都已完整读取（分页可识别、各页可访问），否则条数偏少。",
        expectation=lambda s: _gxe().ExpectColumnValuesToBeInSet(column="status", value_set=["ok"]),
        index_columns=("column", "unit", "status", "reason", "url"),
        message=_incomplete_message,
        applies=lambda frames: bool(len(frames.get("crawl_columns", ()))),
    ),
)

CHECKS_BY_NAME = {c.name: c for c in CHECKS}


@dataclass
class Finding:
    code: str
    severity: str
    message: str
    where: str

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message, "where": self.where}


@dataclass
class CheckResult:
    name: str
    code: str
    severity: str
    blocking: bool
    success: bool
    description: str
    observed: Any = None
    expected: Any = None
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "name": self.name, "code": self.code, "severity": self.severity, "blocking": self.blocking,
            "success": self.success, "description": self.description,
            "observed": self.observed, "expected": self.expected,
            "findings": [f.to_dict() for f in self.findings],
        }
