"""Setting up the document: A4 page and margins, the styles, the font table's fallbacks, headers and
footers with page numbers (and the draft mark).
"""

from __future__ import annotations

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from reports.docx.layout import (
    BODY_PT,
    CHAR_SPACING_TWIPS,
    FONT_BODY,
    FONT_HEADING_1,
    FONT_HEADING_2,
    FONT_PAGE_NO,
    FONT_TITLE,
    INDENT_CHARS,
    LINE_PT,
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
    PAGE_HEIGHT_MM,
    PAGE_NO_GAP_MM,
    PAGE_NO_PT,
    PAGE_NO_SIDE_CHARS,
    PAGE_WIDTH_MM,
    RED,
    TABLE_LINE_PT,
    TABLE_PT,
    TITLE_PT,
    WORD_ALT_NAMES,
)
from reports.docx.ooxml import _set, add_page_field, char_indent, exact_lines, no_grid, set_fonts


def _page_setup(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.gutter = Mm(0)
    section.header_distance = Mm(15)  # inside the 37 mm top margin (house rule: GB/T 9704 has no header)
    # The page-number line: its top 7 mm below the text block (§7.5), one exact 18 pt line high.
    section.footer_distance = Emu(Mm(MARGIN_BOTTOM_MM - PAGE_NO_GAP_MM) - Pt(18))
    # No document grid (w:type absent): the 22 lines come from the exact 28.95 pt line spacing and the
    # 28 characters from CHAR_SPACING_TWIPS. Word's "linesAndChars" grid of GB templates (charSpace -842)
    # is laid out by LibreOffice 7.4 as two grid cells per character, i.e. 14 characters a line.
    _set(section._sectPr, "w:docGrid", linePitch=round(LINE_PT * 20))
    document.settings.odd_and_even_pages_header_footer = True  # 单页码居右，双页码居左


def _styles(document) -> dict:
    styles = document.styles
    # Defaults for everything: the body font, Chinese as the East-Asian language.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr_default.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT_BODY)
    _set(rpr_default, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    # The character grid's pitch is reckoned from the default size: 3号 (16 pt) in half-points.
    _set(rpr_default, "w:sz", val=BODY_PT * 2)
    _set(rpr_default, "w:szCs", val=BODY_PT * 2)

    normal = styles["Normal"]
    set_fonts(normal.element, FONT_BODY)
    normal.font.size = Pt(BODY_PT)
    normal.font.color.rgb = RGBColor(0, 0, 0)
    exact_lines(normal.paragraph_format, LINE_PT)
    normal.paragraph_format.widow_control = False  # official documents fill every line of the grid
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _set(normal.element.get_or_add_rPr(), "w:spacing", val=CHAR_SPACING_TWIPS)

    def style(name, base="Normal", *, font=None, size=None, bold=None, align=None, indent=0.0, outline=None):
        s = styles.add_style(name, 1)
        s.base_style = styles[base]
        s.quick_style = True
        if font:
            set_fonts(s.element, font)
        if size:
            s.font.size = Pt(size)
        if bold is not None:
            s.font.bold = bold
        if align is not None:
            s.paragraph_format.alignment = align
        if indent:
            char_indent(s.paragraph_format, first_line_chars=indent)
        if outline is not None:
            _set(s.element.get_or_add_pPr(), "w:outlineLvl", val=outline)
        return s

    out = {
        "body": style("公文正文", indent=INDENT_CHARS),
        "title": style("公文标题", font=FONT_TITLE, size=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, outline=0),
        "h1": style("一级标题", font=FONT_HEADING_1, indent=INDENT_CHARS, outline=1),
        "h2": style("二级标题", font=FONT_HEADING_2, indent=INDENT_CHARS, outline=2),
        "flush": style("顶格"),
        "attachment_label": style("附件标识", font=FONT_HEADING_1),
        "table": style("表格文字", size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER),
        "table_head": style("表头", base="表格文字", font=FONT_HEADING_1),
        "figure": style("图", align=WD_ALIGN_PARAGRAPH.CENTER),
        "caption": style("图题", size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER),
        "page_no": style("页码", font=FONT_PAGE_NO, size=PAGE_NO_PT),
        "draft": style("草稿标记", font=FONT_HEADING_1, size=26, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER),
    }
    # The title is 2号 (two lines of the grid when it wraps); tables and captions are 4号: off the grid.
    exact_lines(out["title"].paragraph_format, LINE_PT * 1.2)  # ≈ 35 pt, the usual title leading (house rule)
    exact_lines(out["table"].paragraph_format, TABLE_LINE_PT)
    exact_lines(out["caption"].paragraph_format, TABLE_LINE_PT * 1.2)
    out["figure"].paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact line would clip it
    out["figure"].paragraph_format.keep_with_next = True
    exact_lines(out["page_no"].paragraph_format, 18)
    exact_lines(out["draft"].paragraph_format, 40)
    out["draft"].font.color.rgb = RED
    for key in ("title", "table", "figure", "caption", "page_no", "draft"):
        no_grid(out[key])
    for key in ("h1", "h2"):
        out[key].paragraph_format.keep_with_next = True
    return out


def _font_table(document) -> None:
    """Declare the Chinese fonts in word/fontTable.xml with Word's substitutes (w:altName) and the GB2312
    character set, so Word on a machine without 仿宋_GB2312 etc. falls back to the right family."""
    part = None
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
    if part is None:
        return
    from docx.oxml import parse_xml

    root = parse_xml(part.blob)
    for font in list(root):
        if font.get(qn("w:name")) in WORD_ALT_NAMES:
            root.remove(font)
    for name, alt in WORD_ALT_NAMES.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        _set(font, "w:altName", val=alt)
        _set(font, "w:charset", val="86")  # GB2312
        _set(font, "w:family", val="modern" if name != FONT_HEADING_1 else "swiss")
        _set(font, "w:pitch", val="fixed")
        root.append(font)
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _headers_footers(document, styles: dict, draft: bool) -> None:
    section = document.sections[0]
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = styles["page_no"]
        if odd:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            char_indent(p.paragraph_format, right_chars=PAGE_NO_SIDE_CHARS, size_pt=PAGE_NO_PT)
        else:
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            char_indent(p.paragraph_format, left_chars=PAGE_NO_SIDE_CHARS, size_pt=PAGE_NO_PT)
        p.add_run("— ")
        add_page_field(p)
        p.add_run(" —")
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        if draft:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = p.add_run("草稿")
            set_fonts(run._r, FONT_HEADING_1)
            run.font.size = Pt(PAGE_NO_PT)
            run.font.bold = True
            run.font.color.rgb = RED
