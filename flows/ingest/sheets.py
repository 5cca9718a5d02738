"""Reading a CSV or an .xlsx into plain rows of text cells: the one reader of the office's tables (units'
reports, the applications register).

A workbook is opened only after its ZIP directory passes the caps of flows/domain/limits.py; a sheet's
declared dimensions are not trusted (rows present are read); a formula the file holds no computed value for
is kept as its text ("=SUM(B2:B9)") so the caller can say so instead of reading an empty cell.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from flows.ingest.bulletin import decode_text
from flows.ingest.bulletin_model import BulletinParseError


@dataclass
class Sheet:
    name: str | None  # None for a CSV
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells)

    def where(self, row_no: int) -> str:
        return f"{self.name}!第{row_no}行" if self.name else f"第{row_no}行"


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_csv(path: Path, data: bytes) -> list[Sheet]:
    text = decode_text(data, path)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=first.count) if first else ","
    from flows.domain.limits import check_lines

    check_lines(text.count("\n") + 1, str(path))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for no, row in enumerate(reader, start=1):
            rows.append((no, [c.strip() for c in row]))
    except csv.Error as exc:  # a field over csv's size limit, a NUL byte, an unclosed quote
        raise BulletinParseError(path, f"第{reader.line_num}行", (
            f"无法按 CSV 读取（{exc}）：每行应为以逗号、制表符或分号分隔的单元格"
        )) from None
    return [Sheet(None, rows)]


def read_xlsx(path: Path, data: bytes) -> list[Sheet]:
    from openpyxl import load_workbook

    from flows.domain.limits import check_archive

    check_archive(data, str(path), "Excel 工作簿（.xlsx）")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl's own errors alike
        raise BulletinParseError(path, "文件", (
            f"无法作为 Excel 工作簿（.xlsx）打开：文件已损坏或不是 .xlsx（{type(exc).__name__}）"
        )) from None
    from flows.domain.limits import check_lines, max_lines

    limit, seen = max_lines(), 0
    try:
        sheets = []
        for ws in book.worksheets:
            ws.reset_dimensions()  # trust the rows present, not a declared A1:XFD1048576
            rows = []
            for no, row in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
                seen += 1
                if seen > limit:
                    check_lines(seen, str(path))
                rows.append((no, [cell_text(v) for v in row]))
            sheets.append(Sheet(ws.title, rows))
    finally:
        book.close()
    formulas_without_values(data, sheets)
    return sheets


def formulas_without_values(data: bytes, sheets: list[Sheet]) -> None:
    """A blank cell may be a formula the file holds no computed value for (saved by a program that
    does not calculate): put the formula text there ("=SUM(B2:B9)") so the check can say
    "公式无计算结果" instead of reporting an empty count."""
    from openpyxl import load_workbook

    blanks = {(i, r): {c for c, v in enumerate(cells) if v == ""} for i, s in enumerate(sheets)
              for r, (_, cells) in enumerate(s.rows) if "" in cells}
    if not blanks:
        return
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for i, ws in enumerate(book.worksheets):
            ws.reset_dimensions()
            for r, row in enumerate(ws.iter_rows(min_row=1, max_row=len(sheets[i].rows), values_only=True)):
                for c in blanks.get((i, r), ()):
                    value = row[c] if c < len(row) else None
                    if isinstance(value, str) and value.startswith("="):
                        sheets[i].rows[r][1][c] = value
    finally:
        book.close()


def read_sheets(path: Path, data: bytes) -> list[Sheet]:
    """The file's sheets: one for a CSV, every worksheet of an .xlsx."""
    return read_xlsx(path, data) if path.suffix.lower() == ".xlsx" else read_csv(path, data)
