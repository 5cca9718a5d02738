"""The annual-report checks: each one named Great Expectations expectation (docs/annual-reports.md).

A check has a finding code, a severity and a Chinese message that names the row or column and
both numbers. Frames come from expectations/annual_frames.py; GX runs in an ephemeral context on
pandas frames (as expectations/runner.py does for bulletins) and returns the offending rows by
``row_id``; offending rows of one report and check merge into one finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from expectations.checks import CheckResult, Finding


def _gxe():
    import great_expectations.expectations as gxe  # lazy: GX takes seconds to import

    return gxe


def _n(v: Any) -> str:
    if v is None or v != v:
        return "（空白）"
    f = float(v)
    return str(int(f)) if f.is_integer() else f"{f:g}"


@dataclass(frozen=True)
class AnnualCheck:
    name: str
    code: str
    frame: str
    severity: str
    description: str
    expectation: Callable[[], Any]
    message: Callable[[dict], str]      # one offending row → one clause


def _pair(a: str, b: str):
    return lambda: _gxe().ExpectColumnPairValuesToBeEqual(column_A=a, column_B=b, ignore_row_if="either_value_is_missing")


def _in(column: str, values: list):
    return lambda: _gxe().ExpectColumnValuesToBeInSet(column=column, value_set=values)


ANNUAL_CHECKS: tuple[AnnualCheck, ...] = (
    AnnualCheck("annual_balance_holds", "annual_balance_mismatch", "annual_columns", "error",
                "表三每一列：第一项加第二项之和等于第三项（七）总计加第四项之和",
                _pair("lhs", "rhs"),
                lambda r: f"表三“{r['column_label']}”列：一、本年新收与二、上年结转之和为{_n(r['lhs'])}，"
                          f"（七）总计与四、结转下年度之和为{_n(r['rhs'])}，两者不等"),
    AnnualCheck("annual_column_totals_match", "annual_column_total_mismatch", "annual_columns", "error",
                "表三每一列：（七）总计等于（一）至（六）各项之和",
                _pair("results_total", "results_sum"),
                lambda r: f"表三“{r['column_label']}”列：（七）总计填{_n(r['results_total'])}，"
                          f"（一）至（六）各项之和为{_n(r['results_sum'])}"),
    AnnualCheck("annual_row_totals_match", "annual_row_total_mismatch", "annual_rows", "error",
                "表三每一行：总计等于自然人与五类法人或其他组织之和",
                _pair("total", "parts_sum"),
                lambda r: f"表三“{r['row_label']}”行：总计栏填{_n(r['total'])}，六类申请人之和为{_n(r['parts_sum'])}"),
    AnnualCheck("annual_total_column_filled", "annual_total_column_blank", "annual_reports", "error",
                "表三“总计”列应当填写",
                _in("total_column_blank", [False]),
                lambda r: "表三未列“总计”栏" if r.get("total_column_missing") else (
                    "表三“总计”列全部空白" if r.get("blank_total_rows") == r.get("table3_rows")
                    else f"表三“总计”列有{int(r['blank_total_rows'])}行空白（{r['blank_total_labels']}）")),
    AnnualCheck("annual_review_totals_match", "annual_review_total_mismatch", "annual_review", "error",
                "表四每一组：结果维持、结果纠正、其他结果、尚未审结之和等于总计",
                _pair("total", "parts_sum"),
                lambda r: f"表四“{r['group_label']}”：总计填{_n(r['total'])}，"
                          f"维持、纠正、其他、尚未审结四项之和为{_n(r['parts_sum'])}"),
    AnnualCheck("annual_text_matches_tables", "annual_text_table_mismatch", "annual_text", "error",
                "正文所述数字与表格一致（比例按所述件数四舍五入计算）",
                _pair("stated", "table_value"),
                lambda r: f"正文“{r['sentence'][:60]}”称{r['label']}为{_n(r['stated'])}{r['suffix']}，"
                          f"{r['figure']}{_n(r['table_value'])}{r['suffix']}"),
    AnnualCheck("annual_prose_sums_hold", "annual_prose_sum_mismatch", "annual_prose", "error",
                "正文“共N件，其中A件、B件”：各部分之和不超过总数，互补划分（自然人/法人或其他组织）之和等于总数",
                _pair("total", "bound"),
                lambda r: f"正文“{r['sentence'][:80]}”：总数{_n(r['total'])}件，其中各项（{r['parts']}）之和为"
                          f"{_n(r['parts_sum'])}件"),
    AnnualCheck("annual_shares_recompute", "rate_mismatch", "annual_shares", "error",
                "正文所列“N条，占比x%”：按所述总数与所印精度重算相符（四舍五入或截断）",
                lambda: _gxe().ExpectColumnValuesToBeBetween(column="deviation", max_value=0),
                lambda r: f"正文“{r['quote']}”：按{r['formula']}应为{r['recomputed']:.2f}%"),
    AnnualCheck("annual_published_on_time", "annual_late", "annual_reports", "warning",
                "年度报告在规定期限内公布（县级以上部门次年1月31日前，条例第五十条；期限可按县配置）",
                lambda: _gxe().ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="deadline", column_B="published", or_equal=True, ignore_row_if="either_value_is_missing"),
                lambda r: f"{r['year']}年度报告{r['published']}公布，晚于{r['deadline']}的期限"),
    AnnualCheck("annual_current_format", "annual_obsolete_format", "annual_reports", "warning",
                "2021年度起的报告使用国办公开办函〔2021〕30号格式",
                _pair("format", "expected_format"),
                lambda r: f"{r['year']}年度报告仍使用2019年试行格式（国办公开办函〔2019〕60号），"
                          f"应使用2021年格式（国办公开办函〔2021〕30号）"),
    AnnualCheck("annual_not_copied", "annual_copied", "annual_reports", "warning",
                "本年报告的表格与上一年相同且正文基本相同（疑似照搬上年报告）",
                _in("copied", [False]),
                lambda r: f"{r['year']}年度报告表二至表四与上一年度报告完全相同，正文相同比例"
                          f"{round((r.get('similarity') or 0) * 100)}%（年份除外），疑似照搬上年报告"),
    AnnualCheck("annual_matches_register", "annual_register_mismatch", "annual_register", "error",
                "表三每一格与本单位依申请公开登记表按年度统计的数字一致（docs/applications.md）",
                _pair("reported", "register"),
                lambda r: f"表三“{r['row_label']}”行“{r['column_label']}”列：报告填{_n(r['reported'])}，"
                          f"依申请公开登记表统计为{_n(r['register'])}"),
    AnnualCheck("annual_published", "annual_missing", "annual_units", "error",
                "名册中每个单位都公布了本年度报告",
                _in("has_report", [True]),
                lambda r: f"{r['unit']}未找到{r['year']}年度政府信息公开工作年度报告"),
)
CODES = tuple(c.code for c in ANNUAL_CHECKS)


@dataclass
class AnnualValidation:
    results: list[CheckResult]
    findings_by_report: dict[int, list[Finding]]
    findings_by_unit: dict[str, list[Finding]]     # annual_missing, by unit
    docs_index: Path | None = None


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index(drop=True).copy()
    out.insert(0, "row_id", range(len(out)))
    for col in out.columns:
        if out[col].dtype == object and col not in ("unit", "where", "sentence"):
            if out[col].map(lambda v: isinstance(v, (int, float)) or v is None).all():
                out[col] = pd.to_numeric(out[col], errors="coerce")
    return out


def validate_annual(frames: Mapping[str, pd.DataFrame], *, docs_dir: str | Path | None = None,
                    checks: Iterable[AnnualCheck] = ANNUAL_CHECKS, run_name: str = "annual") -> AnnualValidation:
    """Run every check on its frame (frames without rows are skipped); Data Docs into docs_dir."""
    from expectations.runner import ephemeral_context

    context, sites = ephemeral_context(docs_dir, "zwgk_annual")
    import great_expectations as gx  # imported by ephemeral_context: only where validation runs

    docs_dir = Path(docs_dir).resolve() if docs_dir is not None else None
    source = context.data_sources.add_pandas("annual")
    results: list[CheckResult] = []
    by_report: dict[int, list[Finding]] = {}
    by_unit: dict[str, list[Finding]] = {}
    checks = list(checks)
    for frame_name in dict.fromkeys(c.frame for c in checks):
        frame = frames.get(frame_name)
        if frame is None or frame.empty:
            continue
        prepared = _prepare(frame)
        frame_checks = [c for c in checks if c.frame == frame_name]
        asset = source.add_dataframe_asset(frame_name)
        batch = asset.add_batch_definition_whole_dataframe(f"{frame_name}_batch")
        suite = context.suites.add(gx.ExpectationSuite(name=f"zwgk.{frame_name}"))
        by_id: dict[str, AnnualCheck] = {}
        for check in frame_checks:
            expectation = check.expectation()
            expectation.meta = {"check": check.name, "code": check.code, "severity": check.severity}
            expectation.description = f"{check.name}：{check.description}"
            by_id[str(suite.add_expectation(expectation).id)] = check
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{run_name}.{frame_name}", data=batch, suite=suite))
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"{run_name}.{frame_name}.checkpoint", validation_definitions=[definition],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=sites)] if sites else [],
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["row_id"]}))
        outcome = checkpoint.run(batch_parameters={"dataframe": prepared})
        records = prepared.to_dict("records")
        for suite_result in outcome.run_results.values():
            for er in suite_result.results:
                check = by_id.get(str(er.expectation_config.id))
                if check is None:
                    continue
                if er.exception_info and er.exception_info.get("raised_exception"):
                    raise RuntimeError(f"Great Expectations could not evaluate {check.name}: "
                                       f"{er.exception_info.get('exception_message')}")
                bad = [int(x["row_id"]) for x in (er.result or {}).get("unexpected_index_list") or []
                       if isinstance(x, Mapping)]
                findings = _findings(check, [records[i] for i in bad], by_report, by_unit)
                results.append(CheckResult(check.name, check.code, check.severity, check.severity == "error",
                                           bool(er.success), check.description, observed=len(findings),
                                           expected=0, findings=findings))
    index = docs_dir / "index.html" if docs_dir is not None and (docs_dir / "index.html").exists() else None
    return AnnualValidation(results, by_report, by_unit, index)


def _findings(check: AnnualCheck, rows: list[dict], by_report: dict, by_unit: dict) -> list[Finding]:
    """Offending rows of one report merge into one finding (its clauses joined by '；')."""
    grouped: dict = {}
    for row in rows:
        key = ("unit", row["unit"]) if "report_id" not in row else ("report", int(row["report_id"]))
        grouped.setdefault(key, []).append(row)
    out = []
    for (kind, key), group in grouped.items():
        where = "；".join(dict.fromkeys(str(r.get("where") or "") for r in group))
        finding = Finding(check.code, check.severity, "；".join(check.message(r) for r in group), where)
        out.append(finding)
        (by_report if kind == "report" else by_unit).setdefault(key, []).append(finding)
    return out
