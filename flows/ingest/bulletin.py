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

import codecs
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from flows.ingest.bulletin_model import BulletinParseError, ParsedBulletin, ReportedRow, ReportedTable
from flows.domain.periods import find_period

FORMATS = (".txt", ".docx")
CATEGORY_TOWNS = "乡镇"
CATEGORY_DEPARTMENTS = "县直部门"
NO_TABLE = "未找到附件统计表：应有含“单位名称”“条数/数量”“排名”表头的表格"

_TOTAL_NAMES = {"合计", "总计", "共计", "总数", "合计数"}
_NAME_PREFIXES = ("单位", "部门", "乡镇", "县直", "区直", "市直", "镇", "乡", "街道")
_NAME_ENDINGS = ("单位", "部门", "乡镇", "街道", "名")
_TITLE_WORDS = re.compile(r"情况|通报|一览|汇总|附件|统计表?$")
_TITLE_END = re.compile(r"(统计表?|情况表?|一览表?|汇总表?|排名表?|排行榜?)$")
_MARKER = re.compile(r"^附\s*[件表]\s*[0-9一二三四五六七八九十]*\s*[:：.、]?\s*")
_LIST_NO = re.compile(r"^[0-9]+\s*[、.．]\s*")
_SPACE_RUN = re.compile(r"[ \u00a0]{2,}|\u3000[ \u3000\u00a0]*|\t")
_HEADER_LINES = 12  # a one-cell-per-line header block is never longer
_PIPE_RULE = re.compile(r"^[\s|｜:：\-—–=+]*$")
_NOTE = re.compile(r"^(注|备注|说明|数据来源|制表|填表|审核)\s*[:：\d]")
_HEADING = re.compile(r"^([一二三四五六七八九十]+\s*[、.]|[(][一二三四五六七八九十\d]+[)]|\d+\s*[、.]\D)|[:：]$")


# --- small text helpers, shared with the unit-report parser ------------------------------------
def nfkc(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "")


def compact(text: str | None) -> str:
    """NFKC without any whitespace: how header and total cells are compared."""
    return re.sub(r"\s+", "", nfkc(text))


def collapse_spaces(text: str) -> str:
    """Runs of whitespace → one space, none next to a CJK character (通  报 → 通报)."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", text)


def parse_count(raw: str | None) -> int | None:
    """An integer as an office prints it: ``179``, ``１７９``, ``179条``, ``1,267``, ``-3``; else None."""
    text = compact(raw).replace("−", "-").removeprefix("第")
    text = re.sub(r"(条|个|名|项|篇|件)$", "", text)
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", text):
        text = text.replace(",", "")
    # at most 18 digits: any count fits the warehouse's 64-bit columns (implausible ones are then reported)
    return int(text) if re.fullmatch(r"[+-]?\d{1,18}", text) else None


def column_role(cell: str) -> str | None:
    """What a header cell announces: name | count | rank | serial, or None."""
    text = compact(cell).lower()
    if not text:
        return None
    if re.search(r"排名|名次|排序|rank", text):
        return "rank"
    if re.search(r"序号|编号", text) or text in {"no", "no.", "#"}:
        return "serial"
    if "名称" in text:
        return "name"
    if re.search(r"条数|数量|信息量|信息数|更新|公开|发布|总数|条|count|数$|数\(", text):
        return "count"
    if (text.startswith(_NAME_PREFIXES) or text.endswith(_NAME_ENDINGS)) and len(text) <= 8:
        return "name"
    return None


def _is_marker(text: str) -> bool:
    """An attachment marker on its own: 附件1：, 附件：, 附表2."""
    text = nfkc(text).strip()
    m = _MARKER.match(text)
    return bool(m) and m.end() == len(text)


def _clean_title(text: str) -> str:
    text = _MARKER.sub("", nfkc(text).strip())
    return collapse_spaces(_LIST_NO.sub("", text))


def _is_prose(text: str) -> bool:
    return "。" in text or len(text) > 40


def _is_title_like(text: str) -> bool:
    text = _clean_title(text)
    if not text or _is_prose(text) or parse_count(text) is not None:
        return False
    return find_period(text) is not None or bool(_TITLE_END.search(text))


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


# --- layouts ---------------------------------------------------------------------------------------
def _split_line(text: str, mode: str) -> list[str] | None:
    """A text line's cells in a row-per-line layout, or None when the line is not in that layout."""
    if mode == "pipe":
        if not re.search(r"[|｜]", text):
            return None
        inner = re.sub(r"^[|｜]|[|｜]$", "", text.strip())
        return [c.strip() for c in re.split(r"[|｜]", inner)]
    if mode == "tab":
        return [c.strip() for c in text.split("\t")] if "\t" in text else None
    parts = [c.strip() for c in _SPACE_RUN.split(text.strip())]
    return parts if len(parts) >= 2 else None


def _space_spans(text: str) -> list[tuple[str, float]]:
    """Cells of a space-aligned line with the display column of each cell's centre."""
    out, col = [], 0
    for chunk in re.split(f"({_SPACE_RUN.pattern})", text.rstrip()):
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in chunk)
        if chunk.strip() and not _SPACE_RUN.fullmatch(chunk):
            out.append((chunk.strip(), col + width / 2))
        col += width if chunk != "\t" else 8 - col % 8
    return out


def _align(cells: list[tuple[str, float]], header: list[tuple[str, float]]) -> list[str]:
    """Place fewer cells than columns under the header columns nearest to them (blank cells)."""
    best = min(
        combinations(range(len(header)), len(cells)),
        key=lambda cols: sum(abs(c[1] - header[i][1]) for c, i in zip(cells, cols)),
    )
    out = [""] * len(header)
    for (text, _), i in zip(cells, best):
        out[i] = text
    return out


def _is_cell_line(text: str, tabbed: bool) -> bool:
    """A line of the one-cell-per-line layout (TAB-led, or any non-blank line when not tabbed)."""
    return "\t" in text if tabbed else bool(text.strip())


def _collect_block(items: list[_Item], i: int, tabbed: bool,
                   limit: int | None = None) -> tuple[list[tuple[str, int]], int]:
    """The cells of the block starting at items[i] as (text, item index), and the index after it
    (after at most ``limit`` lines)."""
    cells: list[tuple[str, int]] = []
    j, stop = i, len(items) if limit is None else min(len(items), i + limit)
    while j < stop and not items[j].is_row and _is_cell_line(items[j].text, tabbed):
        stripped = items[j].text.strip()
        parts = [c.strip() for c in stripped.split("\t")] if stripped else [""]
        cells.extend((c, j) for c in parts)
        j += 1
    return cells, j


def _trim(cells: list[str], n: int, from_end: bool) -> list[str]:
    """Drop blank edge cells until n remain: trailing ones first when from_end, else leading first."""
    for side in ((-1, 0) if from_end else (0, -1)):
        while len(cells) > n and not cells[side]:
            cells = cells[:-1] if side == -1 else cells[1:]
    return cells


def _chunks(block: list[tuple[str, int]], n: int):
    """A block's rows of n cells: a stray TAB on a separator line glues two rows with a blank cell."""
    while len(block) > n and not block[n][0]:
        yield block[:n]
        block = block[n + 1:]
    if block:
        yield block


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


# --- the bulletin's text ---------------------------------------------------------------------------
# Linear by construction (a 1 MB sentence parses in well under a second): the keyword is found first,
# then the first "N条" after it; the number's quantifiers are bounded and it never starts inside a run
# of digits, so no position is tried more than a bounded number of times.
_STATED_KEYWORD = re.compile(r"共|总计|合计|累计|总量|总数")
_LOOSE_KEYWORD = re.compile(r"公开|发布|更新")
_NUMBER_ITEMS = re.compile(r"(?<!\d)(?<!\d,)(\d[\d,]{0,22})\s{0,8}条")
_CLAUSE_STOP = re.compile(r"[。；;，,]")
_SENTENCE_STOP = re.compile(r"[。；;]")
_SCOPE = re.compile(r"全[县区市]|各单位")
_SECTION = re.compile(r"^[一二三四五六七八九十]+\s*[、.．]")


def _stated_number(text: str, loose: bool) -> re.Match | None:
    """The "N条" a total keyword announces: after 共/总计/… in the same sentence or, loose, after
    公开/发布/更新 in the same clause (no comma between). Each keyword, number and stop is found once."""
    keyword, stops = (_LOOSE_KEYWORD, _CLAUSE_STOP) if loose else (_STATED_KEYWORD, _SENTENCE_STOP)
    pos, number, stop = 0, None, None
    while k := keyword.search(text, pos):
        if number is None or number.start(1) < k.end():
            number = _NUMBER_ITEMS.search(text, k.end())
            if number is None:
                return None
        if stop is None or stop.start() < k.end():
            stop = stops.search(text, k.end())
        if stop is None or stop.start() >= number.start(1):
            return number
        pos = stop.end()
    return None


def _stated_total(paragraphs: list[tuple[str, str]]) -> tuple[int | None, str, str]:
    """The overall count stated in the body: (total, where, sentence).

    A 共…N条 sentence of the 总体情况 part wins; a sentence about one category only (县直部门…共N条)
    is no overall total; 全县…公开…N条 without 共 is the last resort.
    """
    candidates = []
    in_overall = False
    for order, (text, where) in enumerate(paragraphs):
        if _SECTION.match(text):
            in_overall = "总体情况" in text
        for sentence in re.split(r"(?<=[。！？!?；;])", text):
            plain = nfkc(sentence)
            scoped = bool(_SCOPE.search(plain))
            if not scoped and re.search(r"乡镇|部门|县直", plain):
                continue
            for loose in (0, 1):
                m = _stated_number(plain, loose=bool(loose))
                if m and (scoped or not loose):
                    key = (not in_overall, loose, not scoped, order)
                    value = int(m[1].replace(",", ""))
                    if value < 10**18:  # fits the warehouse's 64-bit column; larger is no count at all
                        candidates.append((key, value, where, sentence.strip()))
                    break
    if not candidates:
        return None, "", ""
    _, total, where, sentence = min(candidates, key=lambda c: c[0])
    return total, where, sentence


_COUNTY_AT_START = re.compile(r"^([\u4e00-\u9fff]{1,6}?[县区市旗])")
_COUNTY_AFTER_CITY = re.compile(r"^([\u4e00-\u9fff]{1,5}?[县区])(?=县直|区直|各|直属|部门|乡镇|人民政府|政府)")
# In free text only at the start of a line or clause, before words that follow a county's name.
_COUNTY_IN_TEXT = re.compile(
    r"(?:^|[|\s，。；：、（(])([\u4e00-\u9fff]{1,5}?[县区旗])(?=人民政府|县直|区直|各乡镇|各部门|政务公开)"
)
_NOT_COUNTY = set("全各本我该此省年月日于")


def _county_from_title(title: str) -> str | None:
    text = _clean_title(title)
    m = _COUNTY_AT_START.match(text)
    if not m or m[1][0] in _NOT_COUNTY:
        return None
    name = m[1]
    if name.endswith("市"):
        inner = _COUNTY_AFTER_CITY.match(text[len(name):])
        name = inner[1] if inner else name
    return name


def _county_in_text(text: str) -> str | None:
    text = re.sub(r"\d{4}\s{0,8}年度?|[上下]半年|第.季度|(?<!\d)\d{1,2}月份?|关于", "|", nfkc(text))
    for m in _COUNTY_IN_TEXT.finditer(text):
        if not _NOT_COUNTY & set(m[1]):
            return m[1]
    return None


def _county(table_titles: list[str], texts: list[str]) -> str | None:
    for title in table_titles:
        if name := _county_from_title(title):
            return name
    for text in [*table_titles, *texts]:
        if name := _county_in_text(text):
            return name
    return None


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


# --- reading files -----------------------------------------------------------------------------------
_CONTROL_CHARS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_text(data: bytes, path: str | Path, where: str = "编码") -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; BulletinParseError otherwise."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        if data.startswith(codecs.BOM_UTF8):
            return data.decode("utf-8-sig")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        raise BulletinParseError(path, where, "无法解码：应为 UTF-8（可带 BOM）或 GB18030/GBK 编码的纯文本")
    # Other C0 control characters (no printed bulletin has them) would make Word/Excel output invalid XML.
    return _CONTROL_CHARS.sub("", text)


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
