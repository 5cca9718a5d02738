"""A bulletin as a list of items (text lines, .docx paragraphs, Word table rows) and the header
row that announces a table.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from flows.ingest.bulletin_model import BulletinParseError, ReportedRow
from flows.ingest.bulletin.text import column_role, compact, parse_count


_TITLE_WORDS = re.compile(r"情况|通报|一览|汇总|附件|统计表?$")

_PIPE_RULE = re.compile(r"^[\s|｜:：\-—–=+]*$")


# --- headers -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Header:
    cells: tuple[str, ...]
    name: int
    count: int
    rank: int | None

    @property
    def ncols(self) -> int:
        return len(self.cells)

    def describe(self) -> str:
        return "、".join(c for c in self.cells if c)


def _strip_edges(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    while cells and not cells[0]:
        cells = cells[1:]
    return cells


def _header(cells: list[str]) -> _Header | None:
    """The header row these cells form, or None."""
    cells = _strip_edges([c.strip() for c in cells])
    if sum(1 for c in cells if c) < 2:
        return None
    if any(len(compact(c)) > 24 or _TITLE_WORDS.search(c) or parse_count(c) is not None for c in cells):
        return None
    roles = [column_role(c) for c in cells]
    if "name" not in roles or "count" not in roles:
        return None
    rank = roles.index("rank") if "rank" in roles else None
    return _Header(tuple(cells), roles.index("name"), roles.index("count"), rank)


# --- the document as a list of items -------------------------------------------------------------
@dataclass
class _Item:
    """A text line (.txt line or .docx paragraph) or a row of a Word table."""

    text: str = ""
    cells: list[str] | None = None  # a Word table row, merged cells deduplicated
    pos: int = 0  # line number, paragraph number, or row number inside its Word table
    table: int = 0  # the Word table's number in the document
    grid: list[str] = field(default_factory=list)  # a Word row's text per grid column (merges repeat)
    starts: list[int] = field(default_factory=list)  # the grid column each of ``cells`` starts at

    @property
    def is_row(self) -> bool:
        return self.cells is not None

    def parts(self) -> list[str]:
        """The item's non-blank pieces: Word cells, or the line's TAB-separated parts."""
        if self.is_row:
            return [c.strip() for c in self.cells if c.strip()]
        if _PIPE_RULE.match(self.text):
            return []  # blank, or a rule line such as |---|---|
        return [c.strip() for c in self.text.split("\t") if c.strip()]


@dataclass
class _Doc:
    path: str
    fmt: str  # txt | docx
    items: list[_Item]

    def where(self, item: _Item) -> str:
        if item.is_row:
            return f"表{item.table}第{item.pos}行"
        return f"第{item.pos}{'行' if self.fmt == 'txt' else '段'}"

    def error(self, item: _Item | None, expected: str) -> BulletinParseError:
        return BulletinParseError(self.path, self.where(item) if item else "全文", expected)


@dataclass
class _Found:
    header: _Header
    header_at: int
    title: str = ""
    title_at: int | None = None
    rows: list[ReportedRow] = field(default_factory=list)
    total: ReportedRow | None = None


def _txt_items(text: str) -> list[_Item]:
    return [_Item(text=line, pos=no) for no, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1)]


def _docx_items(data: bytes, path: str = "") -> list[_Item]:
    from docx import Document
    from docx.table import Table

    from flows.domain.limits import check_lines, max_lines

    items: list[_Item] = []
    paragraph_no = table_no = 0
    limit = max_lines()
    for block in Document(io.BytesIO(data)).iter_inner_content():
        if len(items) > limit:
            check_lines(len(items), path, "个段落和表格行")
        if isinstance(block, Table):
            table_no += 1
            for row_no, row in enumerate(block.rows, start=1):
                if len(items) > limit:
                    check_lines(len(items), path, "个段落和表格行")
                item = _Item(cells=[], pos=row_no, table=table_no, grid=[""] * row.grid_cols_before)
                item.cells, item.starts = list(item.grid), list(range(len(item.grid)))
                previous = None
                for cell in row.cells:
                    text = re.sub(r"\s*\n\s*", "", cell.text).strip()
                    if cell._tc is not previous:
                        item.cells.append(text)
                        item.starts.append(len(item.grid))
                    item.grid.append(text)
                    previous = cell._tc
                items.append(item)
        else:
            paragraph_no += 1
            items.extend(_Item(text=part, pos=paragraph_no) for part in block.text.split("\n"))
    return items
