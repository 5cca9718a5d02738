"""The row layouts a table comes in: one row per line (TABs, pipes, space runs aligned under the
header) or one cell per line in blocks.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import combinations

from flows.ingest.bulletin.document import _Item


_SPACE_RUN = re.compile(r"[ \u00a0]{2,}|\u3000[ \u3000\u00a0]*|\t")


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
