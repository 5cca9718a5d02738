"""Finding the attachment tables (by their header row) and reading their rows, in their layout,
until the table ends.
"""

from __future__ import annotations

import re

from flows.ingest.bulletin_model import ReportedRow
from flows.ingest.bulletin.text import (
    _clean_title,
    _is_marker,
    _is_prose,
    _is_title_like,
    column_role,
    compact,
    nfkc,
    parse_count,
)
from flows.ingest.bulletin.document import _Doc, _Found, _Header, _Item, _PIPE_RULE, _header
from flows.ingest.bulletin.layouts import (
    _align,
    _chunks,
    _collect_block,
    _is_cell_line,
    _space_spans,
    _split_line,
    _trim,
)


_TOTAL_NAMES = {"合计", "总计", "共计", "总数", "合计数"}

_HEADER_LINES = 12  # a one-cell-per-line header block is never longer

_NOTE = re.compile(r"^(注|备注|说明|数据来源|制表|填表|审核)\s*[:：\d]")
_HEADING = re.compile(r"^([一二三四五六七八九十]+\s*[、.]|[(][一二三四五六七八九十\d]+[)]|\d+\s*[、.]\D)|[:：]$")


# --- finding and reading tables ----------------------------------------------------------------
def _header_at(items: list[_Item], i: int) -> tuple[_Header, str, int] | None:
    """The header starting at items[i]: (header, layout, index after the header)."""
    item = items[i]
    if item.is_row:
        header = _header(item.cells)
        return (header, "word", i + 1) if header else None
    for mode in ("pipe", "tab", "space"):
        cells = _split_line(item.text, mode)
        header = _header(cells) if cells else None
        if header:
            return header, mode, i + 1
    if len(compact(item.text)) > 24:
        return None  # too long for a header cell
    for tabbed in (True, False):
        if _is_cell_line(item.text, tabbed) and (tabbed or "\t" not in item.text):
            block, end = _collect_block(items, i, tabbed, limit=_HEADER_LINES + 1)
            texts = [c for c, _ in block]
            layout = "block-tab" if tabbed else "block"
            candidates = [(texts, end, layout)] if end - i <= _HEADER_LINES else []  # longer: no header
            # A stray TAB on a separator line may glue the header to the first row.
            cut = next((k for k, t in enumerate(texts) if not t and any(texts[:k])), None)
            if cut and cut + 1 < len(texts) and texts[cut + 1]:
                candidates.append((texts[:cut], block[cut][1] + 1, layout))
            # No separator lines at all: the header is the run of header cells the block starts with.
            run = next((k for k, t in enumerate(texts) if not column_role(t)), len(texts))
            if 2 <= run < len(texts) and block[run][1] != block[run - 1][1]:
                candidates.append((texts[:run], block[run][1], layout + "-run"))
            for cells, after, found_layout in candidates:
                header = _header(cells)
                if header:
                    return header, found_layout, after
    return None


def _is_heading(cells: list[str]) -> bool:
    """A title, attachment marker, note or paragraph where a table row was expected."""
    nonblank = [c for c in cells if c]
    if any(_is_prose(c) for c in nonblank):
        return True
    if len(nonblank) != 1:
        return False
    text = nfkc(nonblank[0])
    return _is_marker(text) or _is_title_like(text) or bool(_NOTE.match(text) or _HEADING.search(text))


def _is_total(cells: list[str], header: _Header) -> bool:
    candidates = [cells[header.name], *[c for c in cells if c][:2]]
    return any(compact(c) in _TOTAL_NAMES for c in candidates)


class _TableReader:
    """Reads the rows of one table, in its layout, until its end."""

    def __init__(self, doc: _Doc, found: _Found, layout: str):
        self.doc, self.found, self.layout = doc, found, layout
        self.header = found.header
        self.done = False

    def fit(self, cells: list[str], item: _Item) -> list[str]:
        """Cells padded to the header's width; stray blank edge cells dropped; too many is an error."""
        n = self.header.ncols
        if len(cells) > n:
            # Drop stray blank cells at the ends; prefer the way that leaves a name in the name column.
            options = [_trim(cells, n, from_end) for from_end in (True, False)]
            cells = next((o for o in options if len(o) <= n and self.named(o)), options[0])
        if len(cells) > n:
            raise self.doc.error(item, (
                f"该行有{len(cells)}个单元格，多于表头的{n}列（{self.header.describe()}）："
                f"每行应有{n}个单元格"
            ))
        return cells + [""] * (n - len(cells))

    def named(self, cells: list[str]) -> bool:
        name = cells[self.header.name] if self.header.name < len(cells) else ""
        return bool(name) and parse_count(name) is None

    def take(self, cells: list[str], item: _Item) -> None:
        """One row's cells: skipped when blank, the total row ends the table."""
        if not any(cells):
            return
        cells = self.fit(cells, item)
        row = self.make_row(cells, item)
        if _is_total(cells, self.header):
            self.found.total, self.done = row, True
        else:
            self.found.rows.append(row)

    def make_row(self, cells: list[str], item: _Item) -> ReportedRow:
        h = self.header
        rank_raw = cells[h.rank] if h.rank is not None else ""
        return ReportedRow(
            unit_raw=cells[h.name], count_raw=cells[h.count], count=parse_count(cells[h.count]),
            rank_raw=rank_raw, rank=parse_count(rank_raw) if rank_raw else None,
            line=item.pos if self.doc.fmt == "txt" and not item.is_row else None,
            table_row=item.pos if item.is_row else None,
            where=self.doc.where(item),
        )

    def read(self, j: int) -> int:
        """Read rows from items[j]; return the index after the table."""
        if self.layout.startswith("block"):
            tabbed = self.layout.startswith("block-tab")
            return self.read_run(j, tabbed) if self.layout.endswith("-run") else self.read_blocks(j, tabbed)
        items = self.doc.items
        while j < len(items) and not self.done:
            item = items[j]
            cells = self.row_cells(item)
            if cells is None or self.ends_at(cells) or (item.is_row and _is_heading(item.cells)):
                break
            if not self.repeats_header(cells):
                self.take(cells, item)
            j += 1
        return j

    def ends_at(self, cells: list[str]) -> bool:
        """The next table's header, or a heading / paragraph where a row was expected."""
        return bool(_header(cells) and not self.repeats_header(cells)) or _is_heading(cells)

    def repeats_header(self, cells: list[str]) -> bool:
        """The header printed again (a Word table's header repeated on a new page)."""
        header = _header(cells)
        return bool(header) and header.cells == self.header.cells

    def row_cells(self, item: _Item) -> list[str] | None:
        """The item's cells ([] to skip it), or None when it is not part of this table."""
        if self.layout == "word":
            header_item = self.doc.items[self.found.header_at]
            if not item.is_row or item.table != header_item.table:
                return None
            if len(item.cells) >= self.header.ncols:
                return item.cells
            # Cells merged across columns (合计 over 序号 and 名称): read by the header's grid columns.
            lead = next(k for k, c in enumerate(header_item.cells) if c.strip())
            columns = header_item.starts[lead:lead + self.header.ncols]
            return [item.grid[g] if g < len(item.grid) else "" for g in columns]
        if item.is_row:
            return None
        if not item.text.strip() or (self.layout == "pipe" and _PIPE_RULE.match(item.text)):
            return []
        cells = _split_line(item.text, self.layout)
        if self.layout == "space" and cells and len(cells) < self.header.ncols:
            header_text = self.doc.items[self.found.header_at].text
            cells = _align(_space_spans(item.text), _space_spans(header_text))
        return cells

    def read_blocks(self, j: int, tabbed: bool) -> int:
        items = self.doc.items
        while j < len(items):
            item = items[j]
            if item.is_row:
                break
            if not _is_cell_line(item.text, tabbed):
                if item.text.strip():
                    break  # a paragraph
                j += 1
                continue
            block, end = _collect_block(items, j, tabbed)
            for chunk in _chunks(block, self.header.ncols):
                texts, first = [c for c, _ in chunk], chunk[0][1]
                if self.repeats_header(texts):
                    continue
                if _header(texts) or _is_heading(texts):
                    return first  # the next table's header or title: the scan resumes there
                self.take(texts, items[first])
                if self.done:
                    return chunk[-1][1] + 1
            j = end
        return j

    def read_run(self, j: int, tabbed: bool) -> int:
        """One cell per line with no separator lines: every n cells make a row."""
        items, n = self.doc.items, self.header.ncols
        cells: list[str] = []
        first = j
        while j < len(items) and not self.done:
            item = items[j]
            if item.is_row or (not _is_cell_line(item.text, tabbed) and item.text.strip()):
                break  # a Word table or a paragraph
            text = item.text.strip()
            if not _is_cell_line(item.text, tabbed):  # an empty line after all: it ends a row
                if cells:
                    self.take(cells, items[first])
                cells = []
            elif not cells and (_is_heading([text]) or _header_at(items, j)):
                break  # the next table's title or header
            else:
                first = first if cells else j
                cells += [c.strip() for c in text.split("\t")] if text else [""]
                if len(cells) >= n:
                    self.take(cells, items[first])
                    cells = []
            j += 1
        if cells and not self.done:
            self.take(cells, items[first])
        return j


def _title_before(items: list[_Item], i: int, barrier: int) -> tuple[str, int | None]:
    """The nearest title-like line before items[i], skipping blanks and 附件 markers."""
    for k in range(i - 1, barrier - 1, -1):
        parts = items[k].parts()
        if not parts:
            continue
        if len(parts) > 1:
            if any(parse_count(p) is not None for p in parts):
                return "", None  # a data row
            continue  # the upper level of a two-level header
        if _is_marker(parts[0]):
            continue
        return (_clean_title(parts[0]), k) if _is_title_like(parts[0]) else ("", None)
    return "", None


def _scan(doc: _Doc) -> list[_Found]:
    items, found, i, barrier = doc.items, [], 0, 0
    # The document's own title (its first line) is no table's title.
    doc_title = next((k for k, item in enumerate(items) if not item.is_row and item.parts()), len(items))
    while i < len(items):
        hit = _header_at(items, i)
        if hit is None:
            i += 1
            continue
        header, layout, after = hit
        table = _Found(header=header, header_at=i)
        stop = max(barrier, doc_title + 1) if doc_title < i else barrier
        table.title, table.title_at = _title_before(items, i, stop)
        end = _TableReader(doc, table, layout).read(after)
        if not table.rows:
            raise doc.error(items[i], (
                f"表头（{header.describe()}）之后没有数据行：应至少有一行单位名称和条数"
            ))
        barrier = i = end
        found.append(table)
    return found
