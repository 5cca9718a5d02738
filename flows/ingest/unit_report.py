"""Parse units' self-reported counts (CSV or XLSX) into the same shape as a parsed bulletin.

Columns are found by their Chinese or English header: 单位名称/unit and 条数/count are required;
类别/category, 期间/period and 排名/rank are optional. One ReportedTable per category, in order of
first appearance. A workbook may hold one sheet, or a sheet per category.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flows.ingest.bulletin import (
    CATEGORY_DEPARTMENTS,
    CATEGORY_TOWNS,
    column_role,
    compact,
    parse_count,
)
from flows.ingest.bulletin_model import BulletinParseError, ParsedBulletin, ReportedRow, ReportedTable
from flows.ingest.sheets import Sheet, read_csv, read_xlsx
from flows.domain.periods import PeriodError, parse_period

FORMATS = (".csv", ".xlsx")
HEADERS = {
    "unit": ("单位名称", "单位", "名称", "部门名称", "乡镇名称", "unit", "unit_name", "name"),
    "count": ("条数", "数量", "信息条数", "公开条数", "更新条数", "信息量", "count", "items"),
    "category": ("类别", "分类", "类型", "单位类别", "category"),
    "period": ("期间", "统计期间", "时期", "报告期", "period"),
    "rank": ("排名", "名次", "rank"),
}
_REQUIRED = ("unit", "count")
_LABELS = {"unit": "单位名称", "count": "条数", "category": "类别", "period": "期间", "rank": "排名"}
_HEADER_SEARCH_ROWS = 5  # a title row or two may sit above the header


def _role(cell: str) -> str | None:
    text = compact(cell).lower()
    for role, names in HEADERS.items():
        if text in (n.lower() for n in names):
            return role
    if re.search(r"类别|分类", text):
        return "category"
    if re.search(r"期间|时期", text):
        return "period"
    return {"name": "unit", "count": "count", "rank": "rank"}.get(column_role(cell) or "")


def _columns(cells: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, cell in enumerate(cells):
        role = _role(cell)
        if role and role not in out:
            out[role] = i
    return out


def _missing_message(columns: dict[str, int]) -> str:
    missing = [r for r in _REQUIRED if r not in columns] or list(_REQUIRED)
    wanted = "；".join(f"“{_LABELS[r]}”列（可用表头：{'、'.join(HEADERS[r])}）" for r in missing)
    return f"表头缺少{wanted}"


def _find_header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """(index into sheet.rows, column map) of the header, or None."""
    nonblank = [i for i, (_, cells) in enumerate(sheet.rows) if any(cells)]
    for i in nonblank[:_HEADER_SEARCH_ROWS]:
        columns = _columns(sheet.rows[i][1])
        if all(r in columns for r in _REQUIRED):
            return i, columns
    return None


def _category(raw: str, unit: str, sheet_default: str | None) -> str:
    text = compact(raw)
    if text:
        if "乡镇" in text or text in {"乡", "镇", "街道"}:
            return CATEGORY_TOWNS
        if re.search(r"[县区市]直|部门", text):
            return CATEGORY_DEPARTMENTS
        return text
    if sheet_default:
        return sheet_default
    return CATEGORY_TOWNS if compact(unit).endswith(("镇", "乡")) else CATEGORY_DEPARTMENTS


def _sheet_category(name: str | None) -> str | None:
    if not name:
        return None
    if "乡镇" in name:
        return CATEGORY_TOWNS
    return CATEGORY_DEPARTMENTS if re.search(r"[县区市]直|部门", name) else None


def _resolve_period(path: Path, seen: list[tuple[str, str, str]], given: str | None) -> str:
    """The one period of the file: from its 期间 column (all rows agree) or the argument."""
    first_seen: dict[str, tuple[str, str]] = {}  # code → (cell as written, where)
    for raw, code, where in seen:
        first_seen.setdefault(code, (raw, where))

    def describe(code: str) -> str:
        raw, where = first_seen[code]
        return f"{where}为“{raw}”"

    if given is not None:
        try:
            given_code = parse_period(given).code
        except PeriodError as exc:
            raise BulletinParseError(path, "参数 period", str(exc)) from None
        other = next((c for c in first_seen if c != given_code), None)
        if other:
            raise BulletinParseError(path, first_seen[other][1], (
                f"期间与指定的 {given_code} 不一致：{describe(other)}；同一文件只能报一个期间"
            ))
        return given_code
    if not first_seen:
        raise BulletinParseError(path, "全文", (
            "未给出期间：文件中没有“期间/period”列，调用时也未指定 period（如 2021H1）"
        ))
    if len(first_seen) > 1:
        a, b = list(first_seen)[:2]
        raise BulletinParseError(path, first_seen[b][1], (
            f"期间不一致：{describe(a)}，{describe(b)}；同一文件只能报一个期间"
        ))
    return next(iter(first_seen))


def _get(cells: list[str], columns: dict[str, int], role: str) -> str:
    i = columns.get(role)
    return cells[i] if i is not None and i < len(cells) else ""


def parse_unit_report(path: str | Path, period: str | None = None, county: str | None = None) -> ParsedBulletin:
    """Read units' self-reported counts. Errors name the file, the row and what was expected."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        hint = "；.xls 请先另存为 .xlsx" if suffix == ".xls" else ""
        raise BulletinParseError(path, "文件格式", (
            f"不支持的文件格式“{p.suffix or '无扩展名'}”：只接受 .csv（UTF-8 或 GB18030 编码）和 .xlsx{hint}"
        ))
    from flows.domain.limits import read_input

    data = read_input(path, " .csv 或 .xlsx 格式的单位自报数据")
    sheets = read_csv(p, data) if suffix == ".csv" else read_xlsx(p, data)
    filled = [s for s in sheets if any(any(cells) for _, cells in s.rows)]
    if not filled:
        raise BulletinParseError(path, "第1行", "文件为空：应有表头（单位名称、条数，可选类别、期间、排名）和各单位的数据行")

    headed = [(s, h) for s in filled if (h := _find_header(s))]
    if not headed:
        sheet = filled[0]
        row_no, cells = next((no, c) for no, c in sheet.rows if any(c))
        raise BulletinParseError(path, sheet.where(row_no), _missing_message(_columns(cells)))

    tables: dict[str, ReportedTable] = {}
    periods: list[tuple[str, str, str]] = []
    for sheet, (header_index, columns) in headed:
        header_where = sheet.where(sheet.rows[header_index][0])
        data_rows = [(no, cells) for no, cells in sheet.rows[header_index + 1:] if any(cells)]
        if not data_rows:
            raise BulletinParseError(path, header_where, "表头之后没有数据行：应至少有一行单位名称和条数")
        for row_no, cells in data_rows:
            unit, count_raw, rank_raw, period_raw = (
                _get(cells, columns, role) for role in ("unit", "count", "rank", "period")
            )
            where = sheet.where(row_no)
            if period_raw:
                try:
                    periods.append((period_raw, parse_period(period_raw).code, where))
                except PeriodError:
                    raise BulletinParseError(path, where, (
                        f"期间“{period_raw}”无法识别：应写作 2021H1、2021年上半年 等"
                    )) from None
            category = _category(_get(cells, columns, "category"), unit, _sheet_category(sheet.name))
            table = tables.setdefault(category, ReportedTable(
                table_no=len(tables) + 1, category=category, title=category,
                has_rank_column=False, where=header_where,
            ))
            table.has_rank_column |= "rank" in columns
            table.rows.append(ReportedRow(
                unit_raw=unit, count_raw=count_raw, count=parse_count(count_raw),
                rank_raw=rank_raw, rank=parse_count(rank_raw) if rank_raw else None,
                line=row_no if sheet.name is None else None,
                table_row=row_no if sheet.name is not None else None,
                where=where,
            ))

    return ParsedBulletin(
        path=str(path), sha256=hashlib.sha256(data).hexdigest(), file_format=suffix[1:],
        county=county, period=_resolve_period(p, periods, period), title=p.stem,
        stated_total=None, tables=list(tables.values()),
    )
