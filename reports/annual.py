"""Renderers of the annual-report review (docs/annual-reports.md): review.md, review.html, review.xlsx.

The context comes from flows/annual_steps.review_year (marts annual_unit_review / annual_summary /
annual_findings). HTML is autoescaped; every cell of review.xlsx that comes from a report, a page or
a finding is written as a string cell (never a formula, whatever its first character).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from expectations.annual import ANNUAL_CHECKS
from reports.render import render_template, write_markdown

CODE_LABELS = {c.code: c.description for c in ANNUAL_CHECKS}
CODE_SHORT = {"annual_balance_mismatch": "表三收支不平衡", "annual_column_total_mismatch": "表三办理结果合计不符",
              "annual_row_total_mismatch": "表三行总计不符", "annual_total_column_blank": "表三总计栏空白",
              "annual_review_total_mismatch": "表四总计不符", "annual_text_table_mismatch": "正文与表格不一致",
              "annual_late": "逾期公布", "annual_obsolete_format": "使用旧格式", "annual_copied": "照搬上年报告",
              "annual_missing": "未公布", "annual_prose_sum_mismatch": "正文总数与分项不符",
              "rate_mismatch": "正文占比不符", "annual_register_mismatch": "表三与登记表不符"}
FORMAT_LABELS = {"2019": "2019年试行格式", "2021": "2021年格式", None: ""}
SEVERITY = {"error": "错误", "warning": "提醒"}


def context(review: dict) -> dict:
    units = review["units"]
    s = review["summary"]
    defects = [u for u in units if u["has_report"] and any(c not in ("annual_late",) for c in u["codes"])]
    by_code: dict[str, list[dict]] = {}
    for f in review["findings"]:
        by_code.setdefault(f["code"], []).append(f)
    worst = sorted(defects, key=lambda u: (-len(u["codes"]), u.get("display_order") or 0))[:5]
    examples = []
    for u in worst:
        msgs = [f["message"] for f in review["findings"] if f["unit"] == u["unit"] and f["code"] != "annual_late"]
        examples.append({"unit": u["unit"], "message": "；".join(msgs[:2])})
    return {
        "county": review["county"], "year": review["year"], "summary": s, "units": units,
        "late": [u for u in units if u["on_time"] is False], "missing": [u for u in units if not u["has_report"]],
        "defects": defects, "examples": examples,
        "by_code": [{"code": c, "label": CODE_SHORT.get(c, c), "findings": fs} for c, fs in sorted(by_code.items())],
        "format_labels": FORMAT_LABELS, "code_labels": CODE_SHORT, "notes": review.get("notes", []),
    }


def render_markdown(ctx: dict, out_dir: Path) -> Path:
    return write_markdown("annual_review.md", ctx, out_dir / "review.md")


def render_html(ctx: dict, out_dir: Path) -> Path:
    path = out_dir / "review.html"
    path.write_text(render_template("annual_review.html", ctx), encoding="utf-8")
    return path


def _text_cell(ws, row: int, col: int, value) -> None:
    """Input text as a string cell: never a formula, even when it starts with '=', '+', '-' or '@'."""
    cell = ws.cell(row=row, column=col)
    if value is None:
        return
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, (int, float)):
        cell.value = value
        return
    from reports.inert import inert
    from reports.xlsx import FORMULA_START

    cell.value = inert(str(value))
    cell.data_type = "s"
    cell.quotePrefix = cell.value[:1] in FORMULA_START  # kept text when the office edits the cell


def _sheet(ws, headers: list[str], rows: list[list]) -> None:
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="D9E1F2")
    for j, h in enumerate(headers, start=1):
        c = ws.cell(row=1, column=j, value=h)
        c.font, c.fill = bold, fill
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            _text_cell(ws, i, j, value)
            ws.cell(row=i, column=j).alignment = Alignment(wrap_text=True, vertical="top")
    for j, h in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = 40 if h in ("问题", "说明", "链接") else 14
    ws.freeze_panes = "A2"


def render_xlsx(ctx: dict, review: dict, out_dir: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "各单位"
    codes = [c.code for c in ANNUAL_CHECKS]
    headers = ["单位", "类别", "是否公布", "公布日期", "按时公布", "格式"] + [CODE_SHORT[c] for c in codes] + ["问题", "链接"]
    rows = []
    for u in ctx["units"]:
        msgs = [f["message"] for f in review["findings"] if f["unit"] == u["unit"]]
        checks = ["✗" if c in u["codes"] else ("" if not u["has_report"] and c != "annual_missing" else "✓")
                  for c in codes]
        on_time = "" if u["on_time"] is None else ("是" if u["on_time"] else "否")
        rows.append([u["unit"], u.get("category") or "未在名册", "是" if u["has_report"] else "否", u.get("published"),
                     on_time, FORMAT_LABELS.get(u.get("format"), u.get("format"))] + checks
                    + ["；".join(msgs), u.get("source")])
    _sheet(ws, headers, rows)
    for group in ctx["by_code"]:
        sheet = wb.create_sheet(group["code"][:31])
        _sheet(sheet, ["单位", "严重程度", "问题", "位置"],
               [[f["unit"], SEVERITY.get(f["severity"], f["severity"]), f["message"], f.get("where")]
                for f in group["findings"]])
    path = out_dir / "review.xlsx"
    wb.save(path)
    return path
