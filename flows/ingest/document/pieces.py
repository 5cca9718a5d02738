"""A document as a list of pieces: text lines, table rows and the breaks between them, from any
medium (plain text as an office or a web page's text gives it, an HTML page, a .docx).

Plain text comes in several table layouts: one row per line (TABs, ``|`` pipes, runs of spaces), or
one cell per line (a web page's table flattened to text: cells between empty lines, a blank cell as a
line of spaces only). Pieces keep them apart so the table reader can follow either.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from flows.ingest.document.vocabulary import compact, read_number

_SPACE_RUN = re.compile(r"[ \u00a0]{2,}|\u3000+|\t")
_PIPE = re.compile(r"[|｜]")
_TRAILING_PIPE = re.compile(r"^\s*[^|｜\s][^|｜]*[|｜](\s*[|｜])*\s*$")
_RULE = re.compile(r"^[\s|｜:：\-—–=+]*$")


@dataclass
class Piece:
    kind: str                   # text | row | blank_cell | gap
    cells: list[str] = field(default_factory=list)   # row: its cells; text: [the line]
    where: str = ""
    table: int = 0              # HTML/Word: which table the row belongs to (0: none)

    @property
    def text(self) -> str:
        return self.cells[0] if self.kind == "text" and self.cells else ""


def _split_row(line: str) -> list[str] | None:
    """A text line's cells when it is a table row (pipes, TABs or space runs), else None."""
    stripped = line.strip()
    if _PIPE.search(stripped):
        inner = re.sub(r"^[|｜]|[|｜]$", "", stripped)
        cells = [c.strip() for c in _PIPE.split(inner)]
        if len([c for c in cells if c]) >= 1 and len(cells) >= 2:
            return cells
    if "\t" in line:
        cells = [c.strip() for c in line.strip("\r\n").split("\t")]
        while cells and not cells[0]:
            cells.pop(0)
        if len([c for c in cells if c]) >= 2:
            return cells
    parts = [c.strip() for c in _SPACE_RUN.split(stripped) if c.strip()]
    # runs of spaces make a row only between short cells, one of them a number (not an indented paragraph)
    if len(parts) >= 2 and all(len(compact(p)) <= 20 for p in parts) and not re.search(r"[。；]", stripped) \
            and any(read_number(p)[0] in ("number", "percent") for p in parts):
        return parts
    return None


def text_pieces(text: str) -> list[Piece]:
    out: list[Piece] = []
    for no, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        where = f"第{no}行"
        if not line:
            out.append(Piece("gap", where=where))
        elif not line.strip():
            out.append(Piece("blank_cell", [""], where))
        elif _RULE.match(line):
            out.append(Piece("gap", where=where))
        elif _TRAILING_PIPE.match(line):
            # one cell per line, each followed by a pipe (a flattened table): stream cells
            for cell in _PIPE.split(line.strip())[:-1]:
                out.append(Piece("text", [cell.strip()], where) if cell.strip() else Piece("blank_cell", [""], where))
        else:
            cells = _split_row(line)
            if cells and len(cells) > _STREAM_ROW and _PIPE.search(line):
                out.extend(_flattened(cells, where))
                continue
            out.append(Piece("row", cells, where) if cells else Piece("text", [line.strip()], where))
    return out


_STREAM_ROW = 40  # more cells than any table row: a whole page flattened onto one line with | between cells


def _flattened(cells: list[str], where: str) -> list[Piece]:
    """A page's text and tables on one line (`…通报 单位 | 本月报送条数 | … | 林政资源科 | | 0 |`): each
    cell a piece of a stream; a long cell's paragraphs (joined by single spaces) one text piece each."""
    out: list[Piece] = []
    for cell in cells:
        if not cell:
            out.append(Piece("blank_cell", [""], where))
        elif len(compact(cell)) > 30 and " " in cell:
            out.extend(Piece("text", [part], where) for part in cell.split(" ") if part)
        else:
            out.append(Piece("text", [cell], where))
    return out


# --- HTML ----------------------------------------------------------------------------------------------
def _clean(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", " ", text or "").strip()


def _row_grid(tr, pending: dict[int, tuple[str, int]]) -> list[str]:
    """One <tr>'s cells on the table's grid: colspan repeats the text across its columns, a rowspan
    carries a label cell down (a number is not repeated: it would count twice)."""
    cells: list[str] = []
    col = 0
    tds = [c for c in tr.iter() if c.tag in ("td", "th")]
    k = 0
    while k < len(tds) or col in pending:
        if col in pending:
            text, left = pending[col]
            cells.append(text)
            pending[col] = (text, left - 1)
            if left - 1 <= 0:
                del pending[col]
            col += 1
            continue
        td = tds[k]
        k += 1
        text = _clean(td.text(separator=""))
        span = _int_attr(td, "colspan")
        rows = _int_attr(td, "rowspan")
        for i in range(span):
            cells.append(text if i == 0 or read_number(text)[0] == "text" else "")
            if rows > 1:
                pending[col] = (text if read_number(text)[0] == "text" else "", rows - 1)
            col += 1
    return cells


def _int_attr(node, name: str) -> int:
    try:
        return max(1, min(50, int(node.attributes.get(name) or 1)))
    except ValueError:
        return 1


def html_pieces(html: str) -> tuple[list[Piece], dict]:
    """Pieces of an HTML page, and its metadata (<meta name=…>, the page's title)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    meta = {(n.attributes.get("name") or "").lower(): n.attributes.get("content") or ""
            for n in tree.css("meta[name]")}
    title_node = tree.css_first("title")
    meta["<title>"] = _clean(title_node.text()) if title_node is not None else ""
    for node in tree.css("script, style, noscript"):
        node.decompose()
    body = tree.body
    out: list[Piece] = []
    if body is None:
        return out, meta
    tables: dict[int, int] = {}
    pending: dict[int, dict] = {}
    rows_in: dict[int, int] = {}
    for node in body.traverse(include_text=False):
        if node.tag == "tr":
            table = node.parent
            while table is not None and table.tag != "table":
                table = table.parent
            key = table.mem_id if table is not None else 0
            no = tables.setdefault(key, len(tables) + 1)
            rows_in[key] = rows_in.get(key, 0) + 1
            cells = _row_grid(node, pending.setdefault(key, {}))
            out.append(Piece("row", cells, f"第{no}个表格第{rows_in[key]}行", table=no))
        elif node.tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "br", "span", "font", "td", "caption") \
                and not _inside(node, "tr"):
            if node.tag in ("div", "span", "font") and _has_block_child(node):
                continue
            if node.tag in ("span", "font") and _inside(node, "p"):
                continue
            text = _clean(node.text(separator=""))
            if text:
                out.append(Piece("text", [text], f"第{len(out) + 1}段"))
    return _dedupe(out), meta


def _inside(node, tag: str) -> bool:
    parent = node.parent
    for _ in range(60):
        if parent is None:
            return False
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def _has_block_child(node) -> bool:
    return any(c.tag in ("p", "div", "table", "h1", "h2", "h3", "li", "br", "tr") for c in node.traverse(include_text=False)
               if c is not node)


def _dedupe(pieces: list[Piece]) -> list[Piece]:
    """A nested text node read once (the same text twice in a row is one paragraph)."""
    out: list[Piece] = []
    for p in pieces:
        if p.kind == "text" and out and out[-1].kind == "text" and out[-1].text == p.text:
            continue
        out.append(p)
    return out


# --- .docx -----------------------------------------------------------------------------------------------
def docx_pieces(data: bytes) -> list[Piece]:
    from docx import Document
    from docx.table import Table

    out: list[Piece] = []
    table_no = para_no = 0
    for block in Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, Table):
            table_no += 1
            for row_no, row in enumerate(block.rows, start=1):
                cells = [re.sub(r"\s*\n\s*", "", c.text).strip() for c in row.cells]
                out.append(Piece("row", cells, f"第{table_no}个表格第{row_no}行", table=table_no))
        else:
            para_no += 1
            for part in block.text.split("\n"):
                if part.strip():
                    out.append(Piece("text", [part.strip()], f"第{para_no}段"))
    return out
