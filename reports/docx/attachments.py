"""The attachments: one table per category (with the previous period's counts when compared) and the
charts.
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Twips

from reports.docx.layout import (
    CELL_MARGIN_TWIPS,
    CHART_MAX_HEIGHT_MM,
    COLUMNS_COMPARED_MM,
    COLUMNS_MM,
    TEXT_WIDTH_MM,
    twips,
)
from reports.docx.ooxml import _set
from reports.docx.body import _signed


def _cell(cell, text: str, style, *, align=None, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p.style = style
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    if bold:
        run.font.bold = True
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _widths(columns: int, comparison: dict | None) -> list[float]:
    """Column widths (mm) across the 156 mm text block when a table has extra columns (达标情况 …): the name
    column as in the compared layout, the others sharing the rest."""
    name = COLUMNS_COMPARED_MM[0] - (8 if comparison else 0)
    rest = (TEXT_WIDTH_MM - name) / (columns - 1)
    return [name] + [rest] * (columns - 1)


def attachment_table(document, styles, table: dict, comparison: dict | None):
    """One attachment as a Word table that fits the 156 mm text width: explicit table, grid and cell widths,
    fixed layout (autofit off), header row repeated on every page, rows not split, 合计 row last."""
    headers = [table["name_header"], table["count_header"], "排名"]
    if comparison:
        headers += [comparison["label"], "增减"]
    extra = table.get("extra_headers") or []
    headers += extra
    widths = _widths(len(headers), comparison) if extra else (COLUMNS_COMPARED_MM if comparison else COLUMNS_MM)
    rows = table["rows"]
    t = document.add_table(rows=len(rows) + 2, cols=len(headers))
    t.style = document.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tbl_pr = t._tbl.tblPr
    _set(tbl_pr, "w:tblW", w=sum(twips(mm) for mm in widths), type="dxa")
    _set(tbl_pr, "w:tblLayout", type="fixed")
    _set(tbl_pr, "w:tblInd", w=0, type="dxa")
    margins = _set(tbl_pr, "w:tblCellMar")
    for side in ("left", "right"):
        _set(margins, f"w:{side}", w=CELL_MARGIN_TWIPS, type="dxa")
    for side in ("top", "bottom"):
        _set(margins, f"w:{side}", w=0, type="dxa")
    for grid_col, mm in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(twips(mm)))
    for row in t.rows:
        for cell, mm in zip(row.cells, widths):
            cell.width = Twips(twips(mm))
        _set(row._tr.get_or_add_trPr(), "w:cantSplit")
        row.height = Mm(8)

    head = t.rows[0]
    _set(head._tr.get_or_add_trPr(), "w:tblHeader")  # repeat on every page
    for cell, text in zip(head.cells, headers):
        _cell(cell, text, styles["table_head"])

    center, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
    for row, r in zip(t.rows[1:], rows):
        values = [r["unit"], "" if r["count"] is None else str(r["count"]), "" if r["rank"] is None else str(r["rank"])]
        if comparison:
            values += ["—" if r.get("previous") is None else str(r["previous"]), _signed(r.get("change"))]
        values += [str(x) for x in r.get("extra") or []]
        for i, (cell, text) in enumerate(zip(row.cells, values)):
            _cell(cell, text, styles["table"], align=left if i == 0 else center)
    total = ["合计", str(table["total"]), ""]
    if comparison:
        previous_total = table.get("previous_total") or 0
        total += [str(previous_total), _signed(table["total"] - previous_total)]
    totals = list(table.get("extra_totals") or [])
    total += [str(x) for x in totals] + [""] * (len(extra) - len(totals))
    for cell, text in zip(t.rows[-1].cells, total):
        _cell(cell, text, styles["table_head"])
    return t


def _chart(document, styles, out_dir: Path, chart: dict, number: int) -> None:
    path = out_dir / chart["path"]
    if not path.exists():
        return
    width_mm = min(TEXT_WIDTH_MM, chart["width"] / chart.get("dpi", 200) * 25.4)
    height_mm = width_mm * chart["height"] / chart["width"]
    if height_mm > CHART_MAX_HEIGHT_MM:
        width_mm *= CHART_MAX_HEIGHT_MM / height_mm
    p = document.add_paragraph(style=styles["figure"])
    p.add_run().add_picture(str(path), width=Mm(width_mm))
    doc_pr = p._p.find(".//" + qn("wp:docPr"))
    if doc_pr is not None:
        doc_pr.set("descr", chart.get("alt") or chart["title"])
        doc_pr.set("title", chart["title"])
    document.add_paragraph(f"图{number}　{chart['title']}", style=styles["caption"])
