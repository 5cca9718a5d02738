"""Read an annual report's medium into lines: an HTML article page, a .docx, or copied text.

A line is either a paragraph (one cell) or a table row (its cells, blanks kept). Copied text has
one table row per line with cells separated by tabs or by runs of spaces (docs/annual-reports.md,
"Reading the three media"); for space runs each cell keeps the display column of its centre, so a
row with blank cells can be aligned under a full row. Regexes here are linear (no nested repetition).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

from flows.ingest.bulletin.layouts import _space_spans
from flows.ingest.bulletin.text import decode_text
from flows.ingest.annual_model import AnnualReportError

_WS = re.compile(r"[\s\u00a0\u3000]+")


@dataclass
class Line:
    cells: list[str]
    where: str                     # 第3行 / 第2个表格第5行 / 第7段
    spans: list[float] | None = None   # display centre of each cell (space-separated text only)
    row: bool = False              # a table row (or a text line with several cells)

    @property
    def text(self) -> str:
        return "".join(self.cells)


@dataclass
class Document:
    lines: list[Line]
    medium: str                    # html | docx | text
    title: str = ""
    published: date | None = None
    publisher: str | None = None
    meta: dict = field(default_factory=dict)


def clean(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()




# --- HTML --------------------------------------------------------------------------------------------
def _in_cell(node) -> bool:
    parent = node.parent
    for _ in range(40):  # bounded walk up
        if parent is None:
            return False
        if parent.tag in ("td", "th"):
            return True
        parent = parent.parent
    return False


def read_html(data: bytes | str, source: str) -> Document:
    from selectolax.lexbor import LexborHTMLParser

    text = data if isinstance(data, str) else _decode_html(data, source)
    tree = LexborHTMLParser(text)
    metas = {(n.attributes.get("name") or "").lower(): n.attributes.get("content") or ""
             for n in tree.css("meta[name]")}
    lines: list[Line] = []
    table_no = 0
    tables_seen: dict[int, int] = {}
    rows_seen: dict[int, int] = {}
    for node in tree.css("p, h1, h2, h3, h4, h5, h6, tr, li"):
        if node.tag == "tr":
            table = node.parent
            while table is not None and table.tag != "table":
                table = table.parent
            key = id(table) if table is None else table.mem_id
            if key not in tables_seen:
                table_no += 1
                tables_seen[key] = table_no
            cells = [clean(c.text(separator="")) for c in node.iter() if c.tag in ("td", "th")]
            rows_seen[key] = rows_seen.get(key, 0) + 1
            lines.append(Line(cells, f"第{tables_seen[key]}个表格第{rows_seen[key]}行", row=True))
        elif not _in_cell(node):
            t = clean(node.text(separator=""))
            if t:
                lines.append(Line([t], f"第{len(lines) + 1}段"))
    title = (clean(metas.get("articletitle")) or _first(tree, "h1") or _first(tree, "title")
             or next((ln.cells[0] for ln in lines if not ln.row and "报告" in ln.cells[0]), ""))
    from flows.ingest.annual_identity import labelled_date, meta_date, node_date

    publisher = clean(metas.get("contentsource")) or None
    for ln in lines:  # the portal's metadata table: 发布机构
        for i, cell in enumerate(ln.cells[:-1]):
            if publisher is None and cell.startswith("发布机构"):
                publisher = ln.cells[i + 1] or None
    body = tree.body
    page_lines = [[clean(t)] for t in (body.text(separator="\n") if body is not None else "").splitlines() if clean(t)]
    # the page's own label first: some templates fill <meta PubDate> with the time the page was generated
    published = labelled_date([ln.cells for ln in lines] + page_lines[:400]) or node_date(tree) or meta_date(metas)
    return Document(lines, "html", title=title, published=published, publisher=publisher, meta=metas)


def _first(tree, selector: str) -> str:
    node = tree.css_first(selector)
    return clean(node.text(separator="")) if node is not None else ""


def _decode_html(data: bytes, source: str) -> str:
    head = data[:2048].decode("ascii", "ignore").lower()
    m = re.search(r"charset=[\"']?([a-z0-9_-]{2,20})", head)
    if m and m.group(1) in ("gbk", "gb2312", "gb18030"):
        return data.decode("gb18030", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


# --- .docx ---------------------------------------------------------------------------------------------
def read_docx(data: bytes, source: str) -> Document:
    from docx import Document as Docx
    from docx.table import Table

    try:
        doc = Docx(io.BytesIO(data))
        blocks = list(doc.iter_inner_content())
    except Exception as exc:  # python-docx raises zip, XML and key errors alike
        raise AnnualReportError(source, "文件", f"无法作为 Word 文档（.docx）打开：文件已损坏或不是 .docx（{type(exc).__name__}）") from None
    lines: list[Line] = []
    table_no = para_no = 0
    for block in blocks:
        if isinstance(block, Table):
            table_no += 1
            for row_no, row in enumerate(block.rows, start=1):
                cells, previous = [], None
                for cell in row.cells:  # a merged cell is listed once per grid column: keep it once
                    if cell._tc is not previous:
                        cells.append(clean(cell.text))
                    previous = cell._tc
                lines.append(Line(cells, f"第{table_no}个表格第{row_no}行", row=True))
        else:
            para_no += 1
            t = clean(block.text)
            if t:
                lines.append(Line([t], f"第{para_no}段"))
    title = next((ln.cells[0] for ln in lines if not ln.row and "报告" in ln.cells[0]), "")
    return Document(lines, "docx", title=title)


# --- copied text ---------------------------------------------------------------------------------------
_SPACE_SPLIT = re.compile(r"[ \u00a0]{2,}|\u3000")


def read_text(data: bytes | str, source: str) -> Document:
    from flows.ingest.bulletin_model import BulletinParseError

    try:
        text = data if isinstance(data, str) else decode_text(data, source)
    except BulletinParseError as exc:
        raise AnnualReportError(source, exc.where, exc.expected) from None
    lines: list[Line] = []
    for no, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        where = f"第{no}行"
        if not raw.strip():
            continue
        if "|" in raw or "｜" in raw:
            if re.fullmatch(r"[\s|｜:：\-—=+]*", raw):
                continue  # a markdown rule line |---|---|
            cells = [clean(c) for c in re.split(r"[|｜]", raw.strip())]
            while cells and not cells[-1]:
                cells.pop()  # border pipes, and the empty cells a copied colspan leaves at the end
            while cells and not cells[0]:
                cells.pop(0)
            if len(cells) > 1:
                lines.append(Line(cells, where, row=True))
                continue
            if re.fullmatch(r"[^|｜]+[|｜]\s*", raw.strip()):  # one cell per line, each closed by a pipe
                lines.append(Line([cells[0]] if cells else [""], where, row=False))
                lines[-1].spans = [-1.0]  # marks a stream cell for _rows_from_stream
                continue
        if "\t" in raw:
            cells = [clean(c) for c in raw.rstrip().split("\t")]
            while cells and not cells[0]:
                cells.pop(0)
            lines.append(Line(cells, where, row=len(cells) > 1))
            continue
        stripped = raw.strip()
        # a paragraph is prose: indented with full-width spaces, or one run of text
        if not _SPACE_SPLIT.search(stripped.lstrip("\u3000")):
            lines.append(Line([clean(stripped)], where))
            continue
        spans = _space_spans(raw.replace("\u3000", "  "))
        lines.append(Line([c for c, _ in spans], where, spans=[s for _, s in spans], row=True))
    lines = _rows_from_stream(lines)
    title = next((ln.cells[0] for ln in lines if not ln.row and "报告" in ln.cells[0]), "")
    from flows.ingest.annual_identity import labelled_date

    return Document(lines, "text", title=title, published=labelled_date([ln.cells for ln in lines[:60]]))


def _rows_from_stream(lines: list[Line]) -> list[Line]:
    """A table flattened to one cell per line (“一、本年新收政府信息公开申请数量 |” then “0 |” …): each
    label with the numbers that follow it becomes one row; a lone text cell stays a line."""
    from flows.ingest.annual_cells import is_value

    out: list[Line] = []
    row: Line | None = None
    for ln in lines:
        stream = ln.spans == [-1.0]
        if not stream:
            row = None
            out.append(ln)
            continue
        ln.spans = None
        cell = ln.cells[0] if ln.cells else ""
        if is_value(cell) and row is not None:
            row.cells.append(cell)
            row.row = True
            continue
        row = Line([cell], ln.where)
        out.append(row)
    return out


def read_document(data: bytes, source: str) -> Document:
    """Pick the reader by content: a .docx is a zip, HTML starts with a tag, anything else is text."""
    if not data.strip():
        raise AnnualReportError(source, "文件", "文件为空：应为政府信息公开工作年度报告（网页、.docx 或文本）")
    if data[:4] == b"PK\x03\x04":
        return read_docx(data, source)
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"<meta", b"<div", b"<table")):
        return read_html(data, source)
    return read_text(data, source)
