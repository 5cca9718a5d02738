"""Read an adoptions sheet (采用情况表): per unit, how many of its items each count source took — for example
the city portal (市门户采用) or the province's (省门户采用). A county that scores its units ([scoring],
docs/rules.md, "Scores") weighs these counts beside the unit count itself.

The sheet (CSV or .xlsx): a header row with the unit column (单位名称 / 单位 / 名称 …) and one column per
source, named as [scoring.weights] names it (a unit in brackets is dropped: 市门户采用（条） → 市门户采用);
optional 序号 / 类别 / 期间 / 备注 columns are ignored. Each source cell is a whole number of items, or blank
(none); a unit is given once per source. A bad cell gets one line naming the row, the column and what was
expected, and nothing is loaded.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from flows.ingest.bulletin import compact, parse_count
from flows.ingest.bulletin_model import BulletinParseError
from flows.ingest.sheets import read_sheets

FORMATS = (".csv", ".xlsx")
UNIT_HEADERS = ("单位名称", "单位", "名称", "部门名称", "乡镇名称", "部门", "乡镇")
IGNORED = re.compile(r"^(序号|编号|类别|分类|单位类别|期间|统计期间|备注|说明|排名|名次|合计)$")
_HEADER_SEARCH_ROWS = 5
MAX_COUNT = 10**9


@dataclass
class AdoptionRow:
    unit_raw: str
    source: str
    count: int
    where: str  # 第3行 / Sheet1!第3行


@dataclass
class Adoptions:
    path: str
    sha256: str
    file_format: str
    sources: list[str]  # in the sheet's order
    rows: list[AdoptionRow] = field(default_factory=list)


def source_name(header: str) -> str:
    """A source column's name without a trailing unit in brackets: 市门户采用（条） → 市门户采用."""
    return re.sub(r"[（(][^（）()]*[)）]$", "", compact(header))


def _header(cells: list[str]) -> tuple[int, dict[int, str]] | None:
    """(unit column, {column: source}) when the row is a header, else None."""
    names = [compact(c) for c in cells]
    unit = next((i for i, n in enumerate(names) if n in UNIT_HEADERS), None)
    if unit is None:
        return None
    sources = {i: source_name(n) for i, n in enumerate(names) if i != unit and n and not IGNORED.match(n)}
    return (unit, sources) if sources else None


def read_adoptions(path: str | Path, wanted: list[str] | None = None) -> Adoptions:
    """The sheet's counts, or BulletinParseError naming the file, the row and column, and what was expected.
    ``wanted``: the sources the county weighs ([scoring.weights]); any other column (得分, 排名 an office
    computed by hand …) is left unread, and a sheet with none of them is refused."""
    p = Path(path)
    if p.suffix.lower() not in FORMATS:
        raise BulletinParseError(path, "文件格式", f"采用情况表应为 .csv 或 .xlsx，实为“{p.suffix or '无扩展名'}”")
    from flows.domain.limits import read_input

    data = read_input(path, " .csv 或 .xlsx 格式的采用情况表")
    out = Adoptions(str(path), hashlib.sha256(data).hexdigest(), p.suffix.lower()[1:], [])
    seen: dict[tuple[str, str], str] = {}  # (unit, source) → where it was first given
    for sheet in read_sheets(p, data):
        filled = [(no, cells) for no, cells in sheet.rows if any(cells)]
        found = next(((k, h) for k, (_, cells) in enumerate(filled[:_HEADER_SEARCH_ROWS]) if (h := _header(cells))),
                     None)
        if found is None:
            if filled:
                raise BulletinParseError(path, sheet.where(filled[0][0]), (
                    "表头应有单位列（单位名称、单位或名称）和至少一个来源列（如 市门户采用），来源列名与配置"
                    " [scoring.weights] 中的名称一致"))
            continue
        k, (unit_col, sources) = found
        if wanted is not None:
            header = "、".join(sources.values())
            sources = {i: s for i, s in sources.items() if s in wanted}
            if not sources:
                raise BulletinParseError(path, sheet.where(filled[k][0]), (
                    f"表头中没有 [scoring.weights] 所列的来源列（{'、'.join(wanted)}），表头为：{header}"))
        for name in sources.values():
            if name not in out.sources:
                out.sources.append(name)
        for row_no, cells in filled[k + 1:]:
            unit = cells[unit_col].strip() if unit_col < len(cells) else ""
            where = sheet.where(row_no)
            if not unit or compact(unit) in ("合计", "总计"):
                continue
            for col, source in sources.items():
                raw = cells[col].strip() if col < len(cells) else ""
                if not raw:
                    continue
                value = parse_count(raw)
                if value is None or not 0 <= value <= MAX_COUNT:
                    raise BulletinParseError(path, f"{where}“{source}”列", (
                        f"应为不小于 0 的整数（采用条数），实为“{raw[:40]}”"))
                key = (compact(unit), source)
                if key in seen:
                    raise BulletinParseError(path, f"{where}“{source}”列", (
                        f"“{unit}”的{source}已在{seen[key]}填写；每个单位每个来源只填一次"))
                seen[key] = where
                out.rows.append(AdoptionRow(unit, source, value, where))
    if not out.sources:
        raise BulletinParseError(path, "第1行", "文件为空：应有表头（单位名称和各来源列，如 市门户采用）和各单位的数据行")
    return out
