"""Parse a county's 政务公开 bulletin (通报, .txt or .docx) into a ParsedBulletin.

The body is plain paragraphs; the attachments are tables of units with their item counts. A table
is found by its header row (a name column, a count column, optionally a rank column) and read in
the layout it comes in:

- a real Word table in a .docx (merged cells deduplicated, or read by the header's grid columns);
- one cell per line, rows in blocks separated by empty lines (a Word table pasted into a .txt;
  each cell line usually starts with a TAB, a blank cell is a line holding only a TAB), or with
  the empty lines removed;
- one row per line, cells separated by TABs, by ``|`` (markdown-like) or by runs of 2+ spaces / U+3000.

Everything is read as printed: a count that is not an integer keeps its text and gets ``count=None``,
for the checker to report. Only input that cannot be read at all raises BulletinParseError.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flows.ingest.bulletin_model import BulletinParseError, ParsedBulletin, ReportedTable
from flows.domain.periods import find_period
from flows.ingest.bulletin.text import (  # noqa: F401 (re-exported)
    _is_marker,
    collapse_spaces,
    column_role,
    compact,
    decode_text,
    nfkc,
    parse_count,
)
from flows.ingest.bulletin.document import _Doc, _Header, _Item, _docx_items, _txt_items
from flows.ingest.bulletin.tables import _scan
from flows.ingest.bulletin.body import _county, _stated_total


FORMATS = (".txt", ".docx")
CATEGORY_TOWNS = "乡镇"
CATEGORY_DEPARTMENTS = "县直部门"
NO_TABLE = "未找到附件统计表：应有含“单位名称”“条数/数量”“排名”表头的表格"


def _category(title: str, header: _Header, units: list[str], table_no: int) -> str:
    text, name_header = nfkc(title), compact(header.cells[header.name])
    towns = "乡镇" in text or "街道" in text
    departments = bool(re.search(r"[县区市]直|部门", text))
    if towns != departments:
        return CATEGORY_TOWNS if towns else CATEGORY_DEPARTMENTS
    if "乡镇" in name_header:
        return CATEGORY_TOWNS
    named = [compact(u) for u in units if compact(u)]
    if named and sum(u.endswith(("镇", "乡", "街道", "办事处")) for u in named) * 2 > len(named):
        return CATEGORY_TOWNS
    if departments or re.search(r"部门|单位", name_header + text):
        return CATEGORY_DEPARTMENTS
    return collapse_spaces(title) or f"表{table_no}"


def _body_end(items: list[_Item], start: int) -> int:
    """Where the body stops: before the first table's title and the 附件 markers above it."""
    while start > 0:
        parts = items[start - 1].parts()
        if parts and not (len(parts) == 1 and _is_marker(parts[0])):
            break
        start -= 1
    return start


def _assemble(doc: _Doc, sha256: str) -> ParsedBulletin:
    found = _scan(doc)
    if not found:
        raise doc.error(None, NO_TABLE)
    lines = [item for item in doc.items if not item.is_row and item.text.strip()]
    title_item = lines[0] if lines else None
    first = found[0]
    end = _body_end(doc.items, first.title_at if first.title_at is not None else first.header_at)
    paragraphs = [
        (item.text.strip(), doc.where(item)) for item in doc.items[:end]
        if not item.is_row and item.text.strip() and item is not title_item
    ]
    tables = []
    for no, f in enumerate(found, start=1):
        total = f.total
        tables.append(ReportedTable(
            table_no=no, category=_category(f.title, f.header, [r.unit_raw for r in f.rows], no),
            title=f.title, rows=f.rows,
            printed_total_raw=total.count_raw if total else None,
            printed_total=total.count if total else None,
            total_where=total.where if total else "",
            has_rank_column=f.header.rank is not None,
            where=doc.where(doc.items[f.header_at]),
        ))
    title = collapse_spaces(title_item.text) if title_item else ""
    stated, stated_where, sentence = _stated_total(paragraphs)
    period = find_period(title) or next((p for t in tables if (p := find_period(t.title))), None)
    return ParsedBulletin(
        path=doc.path, sha256=sha256, file_format=doc.fmt,
        county=_county([t.title for t in tables], [title, *(p for p, _ in paragraphs)]),
        period=period.code if period else None, title=title,
        stated_total=stated, stated_total_where=stated_where, stated_total_sentence=sentence,
        paragraphs=paragraphs, tables=tables,
    )


def parse_bulletin(path: str | Path) -> ParsedBulletin:
    """Read a bulletin (.txt or .docx) without modifying it. Unreadable input: BulletinParseError."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        hint = "；.doc 请先用 Word 另存为 .docx" if suffix == ".doc" else ""
        raise BulletinParseError(path, "文件格式", (
            f"不支持的文件格式“{p.suffix or '无扩展名'}”：只接受 .txt（UTF-8 或 GB18030 编码的纯文本）"
            f"和 .docx（Word 文档）{hint}"
        ))
    from flows.domain.limits import check_archive, check_lines, read_input

    data = read_input(path, " .txt 或 .docx 格式的通报")
    sha256 = hashlib.sha256(data).hexdigest()
    if suffix == ".txt":
        text = decode_text(data, path)
        if not text.strip():
            raise BulletinParseError(path, "第1行", "文件为空：应为含正文和附件统计表的通报")
        check_lines(text.count("\n") + 1, str(path))
        return _assemble(_Doc(str(path), "txt", _txt_items(text)), sha256)
    if not data:
        raise BulletinParseError(path, "文件", "文件为空：应为含正文和附件统计表的 Word 文档")
    check_archive(data, str(path), "Word 文档（.docx）")
    try:
        items = _docx_items(data, str(path))
    except BulletinParseError:
        raise
    except Exception as exc:  # python-docx raises zip, XML and key errors alike
        raise BulletinParseError(path, "文件", (
            f"无法作为 Word 文档（.docx）打开：文件已损坏或不是 .docx（{type(exc).__name__}）"
        )) from None
    return _assemble(_Doc(str(path), "docx", items), sha256)
