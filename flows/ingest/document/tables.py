"""Tables found by their header vocabulary and read in the layout they come in (docs/real-documents.md).

A header may hold several unit/count groups side by side (单位 信息数 单位 信息数); each row then gives
one record per group. Rows come as rows (a Word or HTML table, TABs, pipes, space runs) or as a
stream of cells (a web page's table flattened to one cell per line), read by the cells' kinds: a
unit is text, a count is a number or blank. A label row inside the table (县直单位, 乡镇) is a
section; 合计 rows give the printed totals. Where the copy stops inside a table, the table says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from expectations.checks import MAX_PLAUSIBLE_COUNT
from flows.ingest.document.model import Column, NotRead, ReadTable, Record
from flows.ingest.document.pieces import Piece
from flows.ingest.document.vocabulary import (
    NUMERIC_ROLES, compact, header_roles, is_subtotal_label, is_total_label, read_number, role_of,
)

_TITLE_HINT = re.compile(r"(表|一览|统计|情况|排名|排行|汇总|得分|通报)")
_HEADING = re.compile(r"^([一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十\d]+[)）]|附\s*[件表])")
_STREAM_CELL_MAX = 30
NO_TOTAL_AT_END = "表格延续到文末，没有合计行"
# a count written in words (五, 十二): it stands where a number belongs (and is reported as no number)
_CN_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千]{1,6}")


def is_prose(text: str) -> bool:
    t = compact(text)
    return bool(re.search(r"[。；;！？]", t)) or len(t) > 40 or bool(re.search(r"[，,].*[，,]", t))


@dataclass
class Header:
    at: int                      # index of the (last) header piece
    cells: list[str]
    roles: list[str | None]
    groups: list[list[int]]      # per unit group: the column indices (the unit's first)
    layout: str                  # rows | stream
    after: int                   # index after the header
    table: int = 0               # the HTML/Word table (0: text)


def _groups(roles: list[str | None]) -> list[list[int]] | None:
    units = [i for i, r in enumerate(roles) if r == "unit"]
    if not units:  # a count header over an empty unit header: the blank cell before a number column
        units = [i for i, r in enumerate(roles) if r is None and i + 1 < len(roles) and roles[i + 1] in NUMERIC_ROLES]
    if not units:
        return None
    starts = []
    for u in units:
        s = u
        while s - 1 >= 0 and roles[s - 1] in ("serial", "rank") and (not starts or s - 1 > starts[-1]):
            s -= 1
        starts.append(s if starts else 0)
    groups = []
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(roles)
        cols = [units[k]] + [i for i in range(s, end) if i != units[k] and roles[i] is not None]
        if not any(roles[i] in NUMERIC_ROLES for i in cols):
            return None
        groups.append(cols)
    return groups


def _combine(upper: list[str], lower: list[str]) -> list[str]:
    """Two header lines as one: 省级 over 报送 → 省级报送 (a cell the upper line spans is repeated)."""
    n = max(len(upper), len(lower))
    upper, lower = upper + [""] * (n - len(upper)), lower + [""] * (n - len(lower))
    out = []
    for u, lo in zip(upper, lower):
        u, lo = compact(u), compact(lo)
        out.append(lo if not u or u == lo or role_of(u) in ("unit", "serial", "rank") and not lo else
                   (u if not lo else (lo if role_of(u) in ("unit", "serial", "rank") else u + lo)))
    return out


def _second_line(pieces: list[Piece], i: int, cells: list[str]) -> Header | None:
    """This header's second line (发布 over 网站 | 新媒体): a row of words only, no number, that adds
    to the names above it."""
    j = i + 1
    if j >= len(pieces) or pieces[j].kind != "row" or (pieces[i].table and pieces[j].table != pieces[i].table):
        return None
    lower = [c.strip() for c in pieces[j].cells]
    if any(read_number(c)[0] in ("number", "percent") for c in lower) or not any(
            compact(c) and role_of(c) is None and compact(c) != compact(u) for c, u in zip(lower, cells)):
        return None
    if any(len(compact(c)) > 16 for c in lower):
        return None
    combined = _combine(cells, lower)
    roles = _combined_roles(cells, lower)
    groups = _groups(roles) if roles else None
    return Header(j, combined, roles, groups, "rows", j + 1, pieces[i].table) if groups else None


def _combined_roles(upper: list[str], lower: list[str]) -> list[str | None] | None:
    """Each column's role from its lower header cell, else from the cell above it (发布 over 网站: a count)."""
    n = max(len(upper), len(lower))
    upper, lower = upper + [""] * (n - len(upper)), lower + [""] * (n - len(lower))
    roles = [role_of(lo) or role_of(u) if compact(lo) or compact(u) else None for u, lo in zip(upper, lower)]
    if any(r is None for u, lo, r in zip(upper, lower, roles) if compact(u) or compact(lo)):
        return None
    if not any(r in NUMERIC_ROLES for r in roles) or ("unit" not in roles and None not in roles):
        return None
    return roles


def _numbers_below(pieces: list[Piece], i: int, cells: list[str]) -> list[str | None] | None:
    """Roles for a header with words the vocabulary lacks (单位 | 网站 | 新媒体 | 合计): a unit column and a
    numeric one are named, and the row below has a number under every unnamed word — counts."""
    roles = [role_of(c) if c else None for c in cells]
    if "unit" not in roles or not any(r in NUMERIC_ROLES for r in roles):
        return None
    j = i + 1
    if j >= len(pieces) or pieces[j].kind != "row" or len(pieces[j].cells) < len(cells):
        return None
    below = [c.strip() for c in pieces[j].cells]
    unknown = [k for k, (c, r) in enumerate(zip(cells, roles)) if c and r is None]
    if not unknown or any(len(compact(cells[k])) > 10 or read_number(below[k])[0] not in ("number", "blank")
                          for k in unknown):
        return None
    return [("count" if k in unknown else r) for k, r in enumerate(roles)]


def _row_header(pieces: list[Piece], i: int) -> Header | None:
    p = pieces[i]
    cells = [c.strip() for c in p.cells]
    roles = header_roles(cells) or _numbers_below(pieces, i, cells)
    if roles is not None:
        two = _second_line(pieces, i, cells)
        if two is not None:
            return two
    if roles is None:
        # a second header line under this one (省级 | 市级 over 报送 | 采用)
        j = i + 1
        if j < len(pieces) and pieces[j].kind == "row" and not any(read_number(c)[0] in ("number", "percent") for c in cells):
            combined = _combine(cells, [c.strip() for c in pieces[j].cells])
            roles = header_roles(combined)
            if roles is not None and header_roles([c.strip() for c in pieces[j].cells]) is None or \
                    roles is not None and any(compact(c) and role_of(c) is None for c in cells):
                groups = _groups(roles)
                if groups:
                    return Header(j, combined, roles, groups, "rows", j + 1, p.table)
        return None
    groups = _groups(roles)
    if not groups:
        return None
    # a third line of the header (rare): the next row of header words only
    return Header(i, cells, roles, groups, "rows", i + 1, p.table)


def _stream_cells(pieces: list[Piece], i: int, limit: int) -> list[tuple[str, int]]:
    out, j = [], i
    while j < len(pieces) and len(out) < limit:
        p = pieces[j]
        if p.kind == "gap":
            j += 1
            continue
        if p.kind == "blank_cell":
            out.append(("", j))
        elif p.kind == "text" and len(compact(p.text)) <= _STREAM_CELL_MAX and not is_prose(p.text):
            out.append((p.text, j))
        else:
            break
        j += 1
    return out


def _stream_header(pieces: list[Piece], i: int) -> Header | None:
    p = pieces[i]
    if p.kind not in ("text", "blank_cell") or (p.kind == "text" and role_of(p.text) is None):
        if not (p.kind == "blank_cell" and i + 1 < len(pieces)):
            return None
    cells = _stream_cells(pieces, i, 16)
    k = 0
    while k < len(cells) and (not cells[k][0] or role_of(cells[k][0]) is not None):
        k += 1
    while k > 0 and not cells[k - 1][0]:
        k -= 1  # trailing blank cells belong to the data
    head = cells[:k]
    if len(head) < 2 or not head[0][0] and sum(1 for c, _ in head if c) < 1:
        return None
    roles = [role_of(c) if c else None for c, _ in head]
    if not any(r in NUMERIC_ROLES for r in roles) or ("unit" not in roles and None not in roles):
        return None
    groups = _groups(roles)
    if not groups:
        return None
    flattened = _flattened_header(pieces, i, len(head))
    if flattened is not None:
        return flattened
    return Header(head[-1][1], [c for c, _ in head], roles, groups, "stream", head[-1][1] + 1)


def _starts_row(cells: list[tuple[str, int]], k: int) -> bool:
    """cells[k] is a unit's name: text, followed by a number or a blank cell."""
    return (k + 1 < len(cells) and read_number(cells[k][0])[0] == "text" and bool(cells[k][0])
            and read_number(cells[k + 1][0])[0] in ("number", "blank", "percent"))


def _flattened_header(pieces: list[Piece], i: int, known: int) -> Header | None:
    """A header over several lines flattened into one run of cells (单位 本月报送条数 … 采用情况 … 园林动态
    … 一句话、综合信息 独立信息 …): more header cells than a data row has. The rows' own stride (from
    one unit's name to the next) gives the columns, named by position (第2列 …): the levels of the
    header cannot be told apart in the flattened text."""
    cells = _stream_cells(pieces, i, 400)
    k = known
    while k < len(cells) and cells[k][0] and read_number(cells[k][0])[0] == "text" and not _starts_row(cells, k):
        k += 1
    if k == known or k >= len(cells):
        return None
    starts = [m for m in range(k, len(cells)) if _starts_row(cells, m)]
    strides = {b - a for a, b in zip(starts, starts[1:4])}
    if len(starts) < 3 or len(strides) != 1:
        return None
    stride = strides.pop()
    if stride == k - 0 or stride < 2:
        return None
    names = ["单位", *(f"第{n}列" for n in range(2, stride + 1))]
    roles: list[str | None] = ["unit", *(["count"] * (stride - 1))]
    return Header(cells[k - 1][1], names, roles, [list(range(stride))], "stream", cells[k - 1][1] + 1)


def header_at(pieces: list[Piece], i: int) -> Header | None:
    p = pieces[i]
    if p.kind == "row":
        return _row_header(pieces, i)
    if p.kind in ("text", "blank_cell"):
        return _stream_header(pieces, i)
    return None


# --- records -------------------------------------------------------------------------------------------
class _Reader:
    def __init__(self, pieces: list[Piece], header: Header, where):
        self.pieces, self.h, self.where = pieces, header, where
        names = _column_names(header)
        self.names = names
        first = header.groups[0]
        self.table = ReadTable(title="", headers=list(header.cells),
                               columns=[Column(names[i], header.roles[i] or "unit") for i in first[1:]],
                               where=where(pieces[header.at]))
        for g in header.groups[1:]:
            for i in g[1:]:
                if all(c.name != names[i] for c in self.table.columns):
                    self.table.columns.append(Column(names[i], header.roles[i] or "count"))
        self.section = ""
        self.not_read: list[NotRead] = []

    def group_record(self, cells: list[str], group: list[int], at: str) -> None:
        unit = cells[group[0]].strip() if group[0] < len(cells) else ""
        values = {self.names[i]: (cells[i] if i < len(cells) else "") for i in group[1:]}
        if not compact(unit) and not any(compact(v) for v in values.values()):
            return
        if is_subtotal_label(unit):
            return
        if read_number(unit)[0] == "number":
            # a number where the unit's name belongs and a blank count: the name cell is missing
            blanks = [i for i in group[1:] if self.h.roles[i] in NUMERIC_ROLES and not compact(values[self.names[i]])]
            if len(blanks) == 1:
                values[self.names[blanks[0]]], unit = unit, ""
        rec = Record(unit=unit, raw=values, values={}, where=at, section=self.section)
        for i in group[1:]:
            name, role = self.names[i], self.h.roles[i]
            kind, value, decimals = read_number(values[name])
            if role == "rank":
                rec.rank = int(value) if kind == "number" and value is not None else None
                continue
            if role == "serial" or role == "note":
                continue
            if kind == "text" or (value is not None and role == "count" and not 0 <= value <= MAX_PLAUSIBLE_COUNT):
                rec.bad.append(name)  # text, or a count no unit publishes (docs/rules.md): never summed
                value = None
            rec.values[name], rec.decimals[name] = value, decimals
        if is_total_label(unit):
            for name, v in rec.values.items():
                if v is not None:
                    self.table.totals[name] = v
            self.table.total_where = at
            return
        self.table.records.append(rec)

    def take_row(self, cells: list[str], at: str) -> None:
        n = len(self.h.cells)
        cells = [c.strip() for c in cells]
        while len(cells) > n and not cells[-1]:
            cells.pop()
        while len(cells) > n and not cells[0]:
            cells.pop(0)
        if len(cells) > n:
            self.not_read.append(NotRead(at, f"该行有{len(cells)}个单元格，多于表头的{n}列"))
            return
        nonblank = [c for c in cells if c]
        if len(nonblank) == 1 and read_number(nonblank[0])[0] == "text" and not is_total_label(nonblank[0]):
            self.section = nonblank[0]
            return
        for group in self.h.groups:
            self.group_record(cells, group, at)


def _column_names(h: Header) -> list[str]:
    """Each column's name: its header text; a blank unit header is 单位."""
    return [compact(c) or ("单位" if h.roles[i] in (None, "unit") else f"第{i + 1}列") for i, c in enumerate(h.cells)]


def _ends_table(piece: Piece, h: Header, pieces: list[Piece], j: int) -> bool:
    if piece.kind == "text":
        t = piece.text
        return is_prose(t) or bool(_HEADING.match(compact(t))) or (bool(_TITLE_HINT.search(t)) and len(compact(t)) > 6)
    if piece.kind == "row":
        if h.table and piece.table != h.table:
            return True
        other = header_at(pieces, j)
        return other is not None and [compact(c) for c in other.cells] != [compact(c) for c in h.cells]
    return False


def read_rows(pieces: list[Piece], h: Header, where) -> tuple[ReadTable, int, list[NotRead]]:
    reader = _Reader(pieces, h, where)
    j = h.after
    last_row = None
    while j < len(pieces):
        p = pieces[j]
        if p.kind in ("gap", "blank_cell"):
            j += 1
            continue
        if _ends_table(p, h, pieces, j):
            break
        if p.kind == "text":
            if h.table:  # text between rows of an HTML/Word table's rows: the table has ended
                break
            reader.section = p.text if read_number(p.text)[0] == "text" else reader.section
            j += 1
            continue
        cells = [c.strip() for c in p.cells]
        if [compact(c) for c in cells] != [compact(c) for c in h.cells]:
            reader.take_row(cells, where(p))
            last_row = cells
        j += 1
    table = reader.table
    if j >= len(pieces) and not table.totals:
        table.complete, table.cut_reason = False, NO_TOTAL_AT_END
        if last_row is not None and len([c for c in last_row if c]) < len([c for c in h.cells if c]) and table.records \
                and not h.table:
            table.cut_reason = "文本止于表格的一行之中"  # the copy stops inside its last row: no record
            table.records.pop()
    return table, j, reader.not_read


def _same(a: Header, b: Header) -> bool:
    return [compact(c) for c in a.cells] == [compact(c) for c in b.cells]


def _next_cell(pieces: list[Piece], j: int) -> int | None:
    while j < len(pieces) and pieces[j].kind == "gap":
        j += 1
    return j if j < len(pieces) else None


def read_stream(pieces: list[Piece], h: Header, where) -> tuple[ReadTable, int, list[NotRead]]:
    """One cell per line: each row's cells in the header's order, a unit being text and a value a
    number or blank. A text where a number belongs after a lone text is a label row (a section)."""
    reader = _Reader(pieces, h, where)
    n = len(h.cells)
    units = {g[0] for g in h.groups}
    j, row, row_at, stop_reason = h.after, [], None, ""
    while j < len(pieces):
        p = pieces[j]
        if p.kind == "gap":
            j += 1
            continue
        if p.kind == "row" or (p.kind == "text" and read_number(p.text)[0] == "text"
                               and (is_prose(p.text) or len(compact(p.text)) > _STREAM_CELL_MAX)):
            break
        text = "" if p.kind == "blank_cell" else p.text
        pos = len(row)
        role = h.roles[pos] if pos < n else None
        kind = read_number(text)[0]
        if not row:
            other = header_at(pieces, j)
            if other is not None:
                if not _same(other, h):
                    break
                j = other.after  # the header printed again
                continue
            if kind == "text":
                k = _next_cell(pieces, j + 1)
                again = header_at(pieces, k) if k is not None else None
                if again is not None and _same(again, h):
                    reader.section, j = text, again.after  # a section label over the header printed again
                    continue
                if _ends_table(p, h, pieces, j):
                    break
        wants_number = pos not in units and role in NUMERIC_ROLES + ("rank", "serial")
        if wants_number and kind == "text" and not _CN_NUMERAL.fullmatch(compact(text)):
            if pos == 0:  # a label row before the serial column
                reader.section, j = text, j + 1
                continue
            if all(read_number(c)[0] != "number" for c in row) and [k for k in range(pos) if k in units] == [pos - 1]:
                reader.section = row[-1] or reader.section  # the cell taken for a unit was a label row
                row = row[:-1] + [text]
                j += 1
                continue
            stop_reason = f"{where(p)}：“{text}”处应为数字"
            break
        if not row:
            row_at = where(p)
        row.append(text)
        j += 1
        if len(row) == n:
            reader.take_row(row, row_at)
            row = []
    table = reader.table
    if row and j >= len(pieces):  # the copy stops inside this row: the part-row is no record
        table.complete, table.cut_reason = False, "文本止于表格的一行之中"
    elif row:
        reader.take_row(row + [""] * (n - len(row)), row_at)
    if table.complete and j >= len(pieces) and not table.totals:
        table.complete, table.cut_reason = False, NO_TOTAL_AT_END
    if stop_reason:
        reader.not_read.append(NotRead(stop_reason.split("：")[0], f"表格在此无法按表头对齐（{stop_reason}），其后未读"))
    return table, j, reader.not_read
