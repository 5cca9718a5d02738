"""bulletin.docx: the 通报 as the office issues it, laid out to GB/T 9704-2012 《党政机关公文格式》.

Built with python-docx from the render context only (reports/context.py); the wording mirrors
templates/bulletin.md and bulletin.html. Every layout number below comes from GB/T 9704-2012 as summarised in
docs/domain.md §6, unless its comment says otherwise.

Fonts are the names Chinese government offices have installed (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体),
set for both Latin and East-Asian text (w:ascii/w:hAnsi and w:eastAsia). Where they are missing:
- Word uses the w:altName of word/fontTable.xml, which this module fills in (仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体,
  方正小标宋简体 → 宋体, 黑体 → SimHei, 宋体 → SimSun: faces every Chinese Windows has);
- LibreOffice (bulletin.pdf) asks fontconfig, and reports/fonts.conf maps the names to installed Noto CJK / AR PL
  UKai faces (see reports/pdf.py and docs/output-formats.md).

Modules: ``layout`` (the GB/T 9704 numbers), ``ooxml`` (python-docx helpers), ``setup`` (page, styles,
font table, headers/footers), ``body`` (the text), ``attachments`` (tables and charts); this module
assembles them (``build_document``, ``render_docx``).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document

from reports.docx.setup import _font_table, _headers_footers, _page_setup, _styles
from reports.docx.body import (
    NUMERALS,
    _attachment_note,
    _blank,
    _draft_mark,
    _problems,
    _quality,
    _signature,
    _title,
    overview_text,
)
from reports.docx.attachments import _chart, attachment_table



def build_document(ctx: dict, out_dir: Path | None = None):
    """The python-docx Document for a render context (charts are read from out_dir when present)."""
    document = Document()
    document.core_properties.title = ctx["title"]
    document.core_properties.author = ctx.get("issuer") or ""
    document.core_properties.language = "zh-CN"
    document.core_properties.keywords = f"{ctx['county']} {ctx['period']} {ctx['status_label']}"
    _page_setup(document)
    styles = _styles(document)
    _font_table(document)
    draft = ctx.get("status") == "draft"
    _headers_footers(document, styles, draft)

    if draft:
        _draft_mark(document, styles)
    _title(document, styles, ctx["title"])
    _blank(document, styles)
    document.add_paragraph(ctx["addressee"], style=styles["flush"])
    document.add_paragraph(
        f"县政务公开领导小组办公室对全县{ctx['period_short']}政府信息公开工作情况进行了检查统计。现将有关情况通报如下：",
        style=styles["body"])
    document.add_paragraph("一、总体情况", style=styles["h1"])
    document.add_paragraph(overview_text(ctx), style=styles["body"])
    if ctx.get("data_source"):
        document.add_paragraph(ctx["data_source"], style=styles["body"])
    section = 1  # 一、总体情况; then 存在问题 and 数据质量说明 when there are any, numbered on
    for add in (_problems, _quality):
        if add(document, styles, ctx, NUMERALS[section]):
            section += 1
    tables = ctx["tables"]
    if tables:
        _attachment_note(document, styles, tables)
    _signature(document, styles, ctx)

    charts = ctx.get("charts") or []
    figure = 0
    for i, table in enumerate(tables, 1):
        label = document.add_paragraph(f"附件{i}", style=styles["attachment_label"])
        label.paragraph_format.page_break_before = True  # 附件另面编排 (§7.3.7)
        _blank(document, styles)  # 附件标题居中排布在版心第三行
        _title(document, styles, table["title"])
        _blank(document, styles)
        attachment_table(document, styles, table, ctx.get("comparison"))
        if out_dir is not None:
            for chart in (c for c in charts if c.get("category") == table["category"]):
                figure += 1
                _blank(document, styles)
                _chart(document, styles, out_dir, chart, figure)
    return document


def render_docx(context: dict, out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    path = out_dir / "bulletin.docx"
    build_document(context, out_dir).save(path)
    return path
