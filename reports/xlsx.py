"""attachments.xlsx: the bulletin's attachments as worksheets the office can sort, check and print.

Sheets: 附件1, 附件2 … (one per attachment table: merged title row, bold filled header row, one row per unit,
a 合计 row whose totals are SUM formulas so Excel/WPS recompute after an edit, frozen header, A4 portrait
print fitted to the page width), 数据核查 (every check with its result), and one sheet per rule when the
context has "rules" (findings of the portal rules: rule, severity, unit, column, url, detail).
Numbers come from the render context only (reports/context.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from reports.inert import inert
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

FONT_NAME = "宋体"  # the spreadsheet default of Chinese Excel/WPS
TITLE_FONT = Font(name="黑体", size=14, bold=True)
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=11)
TOTAL_FONT = Font(name=FONT_NAME, size=11, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
FAILED_FILL = PatternFill("solid", fgColor="F8CBAD")
PASSED_FILL = PatternFill("solid", fgColor="E2EFDA")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")

RULE_HEADERS = ("规则", "严重程度", "单位", "栏目", "链接", "详情")
RULE_KEYS = ("rule", "severity", "unit", "column", "url", "detail")
CHECK_HEADERS = ("检查项", "说明", "结果", "观测值", "期望值", "问题")
SEVERITY = {"error": "错误", "warning": "提醒", "info": "提示"}
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as the start of a formula


def put(ws, row: int, column: int, value, *, formula: bool = False):
    """Write one cell. Text from input is always stored as text: openpyxl would turn a string that
    starts with "=" into a live formula (``=HYPERLINK(…)`` in a unit name), so only the formulas
    zwgk writes itself (``formula=True``: the 合计 SUMs) stay formulas. Control characters Excel
    cannot store are dropped instead of failing the whole workbook."""
    if isinstance(value, str) and not formula:
        value = inert(ILLEGAL_CHARACTERS_RE.sub("", value))
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and not formula and (cell.data_type == "f" or value[:1] in FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel/WPS show it as typed text and keep it text when edited
    return cell


def text_width(value) -> float:
    """Excel column width units for a value: a Chinese character is about two digits wide."""
    text = "" if value is None else str(value)
    return sum(2.1 if ord(ch) > 0x2E7F else 1.1 for ch in text)


def fit_columns(ws, min_width: float = 6, max_width: float = 60, skip_rows: int = 0) -> None:
    """Column widths from the longest value in each column (rows after skip_rows: not the merged title)."""
    widths: dict[int, float] = {}
    for row in ws.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            if cell.value is None or (isinstance(cell.value, str) and cell.value.startswith("=")):
                continue
            longest = max(text_width(line) for line in str(cell.value).splitlines() or [""])
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(min_width, min(max_width, width + 2))


def print_setup(ws, title_rows: str) -> None:
    """A4 portrait, fitted to one page wide (as many pages tall as needed), header rows on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.7, right=0.7, top=0.75, bottom=0.75)
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _header(ws, row: int, headers) -> None:
    for col, text in enumerate(headers, 1):
        cell = put(ws, row, col, text)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, CENTER, BORDER


def attachment_sheet(wb: Workbook, number: int, table: dict, comparison: dict | None):
    """附件N: title row, header row, one row per unit, 合计 row with SUM formulas."""
    ws = wb.create_sheet(f"附件{number}")
    headers = [table["name_header"], table["count_header"], "排名"]
    if comparison:
        headers += [comparison["label"], "增减"]
    headers += table.get("extra_headers") or []
    ncols = len(headers)
    put(ws, 1, 1, f"附件{number}：{table['title']}").font = TITLE_FONT
    ws.cell(row=1, column=1).alignment = CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 30
    _header(ws, 2, headers)
    ws.row_dimensions[2].height = 32
    first = 3
    for i, r in enumerate(table["rows"]):
        values = [r["unit"], r["count"], r["rank"]]
        if comparison:
            values += [r.get("previous"), r.get("change")]
        fixed = len(values)
        values += r.get("extra") or []
        for col, value in enumerate(values, 1):
            cell = put(ws, first + i, col, value)
            cell.font, cell.border = BODY_FONT, BORDER
            cell.alignment = LEFT if col == 1 else (CENTER if col > fixed else RIGHT)
            if col == 5 and comparison:
                cell.number_format = "+0;-0;0"
    last = first + len(table["rows"]) - 1
    total_row = last + 1
    totals = ["合计", f"=SUM(B{first}:B{last})", None]
    if comparison:
        totals += [f"=SUM(D{first}:D{last})", f"=B{total_row}-D{total_row}"]
    from openpyxl.utils import get_column_letter

    for j, value in enumerate(table.get("extra_totals") or []):  # score columns ([scoring]): summed as well
        letter = get_column_letter(len(totals) + 1)
        totals.append(f"=SUM({letter}{first}:{letter}{last})" if isinstance(value, (int, float)) else None)
    totals += [None] * (ncols - len(totals))
    for col, value in enumerate(totals, 1):
        cell = put(ws, total_row, col, value, formula=True)
        cell.font, cell.fill, cell.border = TOTAL_FONT, TOTAL_FILL, BORDER
        cell.alignment = CENTER if col == 1 else RIGHT
        if col == 5 and comparison:
            cell.number_format = "+0;-0;0"
    fit_columns(ws, skip_rows=1)
    ws.column_dimensions["B"].width = max(ws.column_dimensions["B"].width, 14)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width, 24)
    ws.freeze_panes = "B3"  # header row and unit names stay in view
    print_setup(ws, "1:2")
    return ws


def _plain(value) -> str | int | float | None:
    if value is None or isinstance(value, (int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def checks_sheet(wb: Workbook, checks) -> None:
    ws = wb.create_sheet("数据核查")
    _header(ws, 1, CHECK_HEADERS)
    for i, c in enumerate(checks, 2):
        messages = "\n".join(f["message"] for f in c.get("findings", []) if f.get("message")) \
            or "\n".join(c.get("messages") or [])
        passed = c.get("success", True)
        values = [c.get("name"), c.get("description") or "", "通过" if passed else "未通过",
                  _plain(c.get("observed")), _plain(c.get("expected")), messages]
        for col, value in enumerate(values, 1):
            cell = put(ws, i, col, value)
            cell.font, cell.border = BODY_FONT, BORDER
            cell.alignment = RIGHT if isinstance(value, (int, float)) else LEFT
        result = ws.cell(row=i, column=3)
        result.fill = PASSED_FILL if passed else FAILED_FILL
        result.alignment = CENTER
    fit_columns(ws, max_width=50)
    ws.freeze_panes = "B2"
    print_setup(ws, "1:1")
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE  # six wide text columns


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unused worksheet name (≤ 31 characters, none of []:*?/\\)."""
    base = (str(name).translate(INVALID_SHEET_CHARS).strip("'") or "规则")[:31]
    title, n = base, 2
    while title in taken:
        suffix = f"_{n}"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    return title


def _detail(value) -> str | int | float | None:
    """A rule finding's detail for a cell: a dict as "key：value" lines, anything else as it is."""
    if isinstance(value, dict):
        return "\n".join(f"{k}：{_plain(v)}" for k, v in value.items() if v not in (None, ""))
    return _plain(value)


def rule_sheets(wb: Workbook, rules, titles: dict[str, str] | None = None) -> None:
    """One sheet per rule, its findings one a row, headers in Chinese. titles: rule code → the Chinese
    name the bulletin uses (from context["problems"]); the sheet and the 规则 column show it."""
    titles = titles or {}
    by_rule: dict[str, list[dict]] = {}
    for finding in rules:
        by_rule.setdefault(str(finding.get("rule") or "规则"), []).append(finding)
    for rule, findings in by_rule.items():
        ws = wb.create_sheet(sheet_title(titles.get(rule, rule), set(wb.sheetnames)))
        _header(ws, 1, RULE_HEADERS)
        for i, f in enumerate(findings, 2):
            for col, key in enumerate(RULE_KEYS, 1):
                value = f.get(key)
                if key == "rule":
                    value = titles.get(str(value), value)
                elif key == "severity":
                    value = SEVERITY.get(str(value), value)
                cell = put(ws, i, col, _detail(value) if key == "detail" else _plain(value))
                cell.font, cell.border, cell.alignment = BODY_FONT, BORDER, LEFT
                if key == "url" and value and str(value).lower().startswith(("http://", "https://")):
                    cell.hyperlink = str(value)
                    cell.font = Font(name=FONT_NAME, size=11, color="0563C1", underline="single")
        fit_columns(ws, max_width=60)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(RULE_HEADERS))}{len(findings) + 1}"
        print_setup(ws, "1:1")
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE


PUBLISHER_HEADERS = ("发布机构（网页所载）", "本期信息条数", "示例链接")


def unknown_publishers_sheet(wb: Workbook, publishers) -> None:
    """未登记发布机构: publishers of the period's crawled items the registry does not know (not counted)."""
    ws = wb.create_sheet("未登记发布机构")
    _header(ws, 1, PUBLISHER_HEADERS)
    for i, p in enumerate(publishers, 2):
        for col, value in enumerate((p.get("unit_raw"), p.get("items"), p.get("example_url")), 1):
            cell = put(ws, i, col, _plain(value))  # text from the portal is text, never a formula
            cell.font, cell.border = BODY_FONT, BORDER
            cell.alignment = RIGHT if isinstance(value, int) else LEFT
            if col == 3 and value:
                cell.hyperlink = str(value)
                cell.font = Font(name=FONT_NAME, size=11, color="0563C1", underline="single")
    fit_columns(ws, max_width=60)
    ws.freeze_panes = "A2"
    print_setup(ws, "1:1")


def build_workbook(context: dict) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for number, table in enumerate(context["tables"], 1):
        attachment_sheet(wb, number, table, context.get("comparison"))
    checks_sheet(wb, context.get("checks") or [])
    if context.get("unknown_publishers"):
        unknown_publishers_sheet(wb, context["unknown_publishers"])
    if context.get("rules"):
        titles = {p["rule"]: p["title"] for p in context.get("problems") or [] if p.get("rule") and p.get("title")}
        rule_sheets(wb, context["rules"], titles)
    wb.properties.title = f"{context['title']}（附件）"
    wb.properties.creator = context.get("issuer") or "zwgk"
    wb.properties.language = "zh-CN"
    return wb


def render_xlsx(context: dict, out_dir: Path) -> Path:
    path = Path(out_dir) / "attachments.xlsx"
    build_workbook(context).save(path)
    return path
