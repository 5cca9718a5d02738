"""Parse a 政府信息公开工作年度报告 into an AnnualReport (docs/annual-reports.md).

Works on lines from any medium (flows/ingest/annual_media.py): sections are found by their
headings (一、总体情况 … 六、其他需要报告的事项), table rows by the row labels of the national
format, the format by table 二's columns and row （六） of table 三. Cells: full-width digits,
"3件", blanks (kept as None: a blank is not a zero), and a table 三 printed without its 总计
column are all read; a cell that is not a number is kept as None and noted.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from itertools import combinations
from pathlib import Path

from flows.ingest.annual_media import Document, Line, read_document
from flows.ingest.annual_model import (
    COLUMNS, REVIEW_GROUPS, REVIEW_PARTS, ROWS_COMMON, ROWS_OTHER_2019, ROWS_OTHER_2021, ROWS_TAIL,
    SECTION_HEADINGS, AnnualReport, AnnualReportError,
)
from flows.ingest.annual_text import stated_numbers
from flows.ingest.annual_cells import (
    _BLANK, compact, is_value, normalise, read_cell,
)

_HEADING = re.compile(r"^([一二三四五六七八九十]{1,2})\s{0,2}[、.．]\s{0,2}(.{2,30})$")
_SECTION_NUMBERS = "一二三四五六"
# Keywords of table 二's columns that tell the formats apart (国办公开办函〔2019〕60号 / 〔2021〕30号).
FORMAT_2021_MARKERS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")
FORMAT_2019_MARKERS = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "政府集中采购")


# --- sections -------------------------------------------------------------------------------------------
def section_of(line: Line) -> int | None:
    """1…6 when the line is one of the six section headings, else None."""
    if line.row:
        return None
    m = _HEADING.match(line.cells[0])
    if not m or m.group(1) not in _SECTION_NUMBERS:
        return None
    name = compact(m.group(2))
    for i, heading in enumerate(SECTION_HEADINGS, start=1):
        if heading in name or (i == 4 and "行政复议" in name):
            return i
    return None


def split_sections(lines: list[Line]) -> dict[int, list[Line]]:
    out: dict[int, list[Line]] = {0: []}
    current = 0
    for line in lines:
        s = section_of(line)
        if s is not None:
            current = s
            out.setdefault(s, [])
            continue
        out.setdefault(current, []).append(line)
    return out


def looks_like_annual_report(doc: Document) -> bool:
    """Recognised by its title, or by at least three of the six section headings."""
    title = compact(doc.title)
    if "信息公开" in title and re.search(r"年度报告|年报|年度工作报告", title) and "通报" not in title:
        return True
    if len({section_of(ln) for ln in doc.lines} - {None}) >= 3:
        return True
    # an untitled copy: a lead-in that names the report (现公布款场乡人民政府2020年政府信息公开工作年度报告)
    opening = compact("".join(ln.text for ln in doc.lines[:6] if not ln.row))
    return bool(re.search(r"信息公开(工作)?(年度报告|年报)|(公布|编制|发布|本报告|现将|撰写)[^。]{0,60}信息公开[^。]{0,6}"
                          r"(年度报告|年报)", opening)) \
        and "通报" not in opening[:40]


# --- rows: label cells and value cells ----------------------------------------------------------------
def _label_and_values(line: Line, ncols: int) -> tuple[str, list[str], list[float] | None]:
    cells = line.cells
    if len(cells) > ncols and all(is_value(c) for c in cells[-ncols:]):
        return "".join(cells[:-ncols]), cells[-ncols:], None
    k = len(cells)
    while k > 0 and is_value(cells[k - 1]) and (line.spans is not None or len(cells) - k < ncols):
        k -= 1
    if k == len(cells):
        return "".join(cells), [], None
    spans = line.spans[k:] if line.spans is not None else None
    return "".join(cells[:k]), cells[k:], spans


def _align(values: list[str], spans: list[float] | None, reference: list[float] | None, n: int) -> list[str]:
    """Fewer values than columns: place them under the nearest reference columns (blanks between)."""
    if len(values) >= n:
        return values[-n:]
    if spans is None or reference is None or len(reference) != n:
        return values + [""] * (n - len(values))  # tabs and HTML keep their blanks; this is a short row
    best = min(combinations(range(n), len(values)),
               key=lambda cols: sum(abs(s - reference[i]) for s, i in zip(spans, cols)))
    out = [""] * n
    for v, i in zip(values, best):
        out[i] = v
    return out


_ROW_DEFS = ROWS_OTHER_2021[:2] + ROWS_COMMON + ROWS_OTHER_2019 + ROWS_TAIL
_GROUP_MARKS = (("（一）", "r1"), ("（二）", "r2"), ("（三）", "r3"), ("（四）", "r4"), ("（五）", "r5"),
                ("（六）", "r6"), ("(一)", "r1"), ("(二)", "r2"), ("(三)", "r3"), ("(四)", "r4"), ("(五)", "r5"),
                ("(六)", "r6"), ("不予处理", "r5"), ("无法提供", "r4"), ("其他处理", "r6"))


def _row_key(label: str, group: str | None) -> tuple[str | None, str | None]:
    """(row key, result group now in force) for a table 三 row label."""
    text = compact(label)
    for mark, g in _GROUP_MARKS:
        if mark in text:
            group = g
            break
    if group == "r6" and re.search(r"\d{1,2}[.、．]?其他$", text):
        # 2021's "3.其他" under merged “三、本年度办理结果” / “（六）其他处理” cells, which a .docx repeats on each of
        # their rows: not the 2019 form's single row “（六）其他处理”
        return "other_other", group
    for key, g, _label, keywords in _ROW_DEFS:
        if any(k in text for k in keywords):
            if key == "results_total" and "本年新收" in text:
                continue
            return key, (g or group)
    if group == "r6" and re.fullmatch(r"(?:[(（]?六[)）]?其他处理)?\d{0,2}[.、．]?其他", text):
        return "other_other", group
    return None, group


def parse_table3(lines: list[Line], notes: list[str]) -> tuple[dict, bool]:
    rows = [ln for ln in lines if ln.row or is_value(ln.cells[-1])]
    header_cells: list[str] = []
    data: list[Line] = []
    for ln in rows:
        if data or "本年新收" in compact(ln.text):
            data.append(ln)
        else:
            header_cells.extend(compact(c) for c in ln.cells)
    # the header names 总计, or (no header copied, or a garbled one) a data row holds seven numbers
    widest = max((len(_label_and_values(ln, 7)[1]) for ln in data), default=7)
    has_total = widest >= 7 or (bool(header_cells) and "总计" in header_cells)
    ncols = 7 if has_total else 6
    columns = COLUMNS if has_total else COLUMNS[:6]
    reference = next((ln.spans[-ncols:] for ln in data if ln.spans and len(_label_and_values(ln, ncols)[1]) == ncols),
                     None)
    table: dict[str, dict] = {}
    group = None
    for ln in data:
        label, values, spans = _label_and_values(ln, ncols)
        key, group = _row_key(label, group)
        if key is None:
            if values and any(v for v in values):
                notes.append(f"表三{ln.where}：未能识别的行“{label[:20]}”")
            continue
        cells = _align(values, spans if spans is not None else (ln.spans[-len(values):] if ln.spans and values else None),
                       reference, ncols)
        row = {}
        for col, raw in zip(columns, cells):
            ok, value = read_cell(raw)
            if not ok:
                notes.append(f"表三{ln.where}“{col}”列：“{raw[:10]}”不是数字")
            row[col] = None if value is None else int(value)
        if not has_total:
            row["total"] = None
        table[key] = row
    return table, has_total


_GROUP_ROW = (("复议后", "litigation_after_review"), ("未经复议", "litigation_direct"), ("直接起诉", "litigation_direct"),
              ("行政复议", "review"))


def _table4_by_group(rows: list[Line], notes: list[str]) -> dict:
    """The other layout: one row per group (行政复议 / 未经复议直接起诉 / 复议后起诉) with five numbers."""
    out: dict[str, dict] = {}
    for ln in rows:
        label, values, _ = _label_and_values(ln, 5)
        text = compact(label)
        group = next((g for k, g in _GROUP_ROW if k in text), None)
        if group is None or len(values) != 5 or group in out:
            continue
        out[group] = {}
        for part, raw in zip(REVIEW_PARTS, values):
            ok, value = read_cell(raw)
            if not ok:
                notes.append(f"表四{ln.where}：“{raw[:10]}”不是数字")
            out[group][part] = None if value is None else int(value)
    return out if len(out) == len(REVIEW_GROUPS) else {}


def parse_table4(lines: list[Line], notes: list[str]) -> dict:
    rows = [ln for ln in lines if ln.row or (ln.cells and is_value(ln.cells[-1]))]
    reference = None
    best: tuple[Line, list[str], list[float] | None] | None = None
    for ln in rows:
        values_part = _label_and_values(ln, 15)
        numbers = [v for v in values_part[1] if v.strip()]
        if not numbers:
            if len(ln.cells) >= 15 and ln.spans:
                reference = ln.spans[-15:]
            continue
        if best is None or len(values_part[1]) > len(best[1]):
            best = (ln, values_part[1], values_part[2])
    if best is None or (len(best[1]) < 15 and best[2] is None):
        return _table4_by_group(rows, notes)
    ln, values, spans = best
    cells = _align(values, spans, reference, 15)
    out: dict[str, dict] = {}
    for gi, group in enumerate(REVIEW_GROUPS):
        out[group] = {}
        for pi, part in enumerate(REVIEW_PARTS):
            ok, value = read_cell(cells[gi * 5 + pi])
            if not ok:
                notes.append(f"表四{ln.where}：“{cells[gi * 5 + pi][:10]}”不是数字")
            out[group][part] = None if value is None else int(value)
    return out


def parse_table2(lines: list[Line]) -> list[dict]:
    items: list[dict] = []
    columns: list[str] = []
    for ln in lines:
        if not ln.row:
            continue
        numeric = [is_value(c) and compact(c) not in _BLANK for c in ln.cells]
        if not any(numeric):
            heads = [c for i, c in enumerate(ln.cells) if i == 0 or c != ln.cells[i - 1]]
            if len(heads) > 1:
                columns = heads[1:]
            continue
        label, values, _ = _label_and_values(ln, max(1, len([c for c in ln.cells if is_value(c)])))
        names = columns[-len(values):] if len(columns) >= len(values) else [f"第{i + 1}列" for i in range(len(values))]
        items.append({"item": label, "values": {n: read_cell(v)[1] for n, v in zip(names, values)}, "where": ln.where})
    return items


def detect_format(table2_lines: list[Line], table3: dict) -> str | None:
    text = "".join(compact(ln.text) for ln in table2_lines)
    if any(m in text for m in FORMAT_2021_MARKERS):
        return "2021"
    if any(m in text for m in FORMAT_2019_MARKERS):
        return "2019"
    if any(k in table3 for k, *_ in ROWS_OTHER_2021):
        return "2021"
    if "other_handling" in table3:
        return "2019"
    return None


def interpret(doc: Document, source: str, sha256: str) -> AnnualReport:
    sections = split_sections(doc.lines)
    if not looks_like_annual_report(doc):
        raise AnnualReportError(source, "标题", "不是政府信息公开工作年度报告：标题或“一、总体情况”等章节标题都未找到")
    report = AnnualReport(source=source, sha256=sha256, medium=doc.medium, title=doc.title,
                          published=doc.published)
    from flows.ingest.annual_identity import unit_and_year

    report.unit, report.year, _ = unit_and_year(doc.title, [ln.text for ln in doc.lines if not ln.row])
    report.unit = report.unit or doc.publisher
    report.table3, report.has_total_column = parse_table3(sections.get(3, []), report.notes)
    report.table4 = parse_table4(sections.get(4, []), report.notes)
    report.table2 = parse_table2(sections.get(2, []))
    report.format = detect_format(sections.get(2, []), report.table3)
    prose = [ln.cells[0] for s, lines in sections.items() if s != 0 for ln in lines if not ln.row]
    report.text = "\n".join(prose)
    report.stated = stated_numbers(normalise(report.text))
    return report


def parse_annual_report(data: bytes, source: str) -> AnnualReport:
    """Parse a report's bytes (HTML, .docx or text); source is its URL or file path."""
    doc = read_document(data, source)
    return interpret(doc, source, hashlib.sha256(data).hexdigest())


def parse_annual_report_file(path: str | Path) -> AnnualReport:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise AnnualReportError(str(path), "文件", "文件不存在：应为年度报告（.html、.docx 或 .txt）") from None
    except OSError as exc:
        raise AnnualReportError(str(path), "文件", f"无法读取文件（{exc.strerror or exc}）") from None
    return parse_annual_report(data, str(path))


def sniff_annual_report(path: str | Path) -> bool:
    """Whether a file reads as an annual report (title or section headings); False when unreadable."""
    try:
        data = Path(path).read_bytes()
        return looks_like_annual_report(read_document(data, str(path)))
    except Exception:  # noqa: BLE001 - any unreadable file is simply not recognised here
        return False
