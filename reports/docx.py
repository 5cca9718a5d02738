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
"""

from __future__ import annotations

import math
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor, Twips

# --- GB/T 9704-2012 (docs/domain.md §6) ------------------------------------------------------------------
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297  # A4
MARGIN_TOP_MM = 37  # 天头（上白边）37 mm
MARGIN_LEFT_MM = 28  # 订口（左白边）28 mm
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156, 225  # 版心 156 mm × 225 mm
MARGIN_RIGHT_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - TEXT_WIDTH_MM  # 26 mm
MARGIN_BOTTOM_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - TEXT_HEIGHT_MM  # 35 mm
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28  # 每面22行，每行28个字
BODY_PT = 16  # 正文 3号仿宋
TITLE_PT = 22  # 标题 2号小标宋
PAGE_NO_PT = 14  # 页码 4号宋体
LINE_PT = 28.95  # 固定行距：225 mm / 22 行 ≈ 28.95 pt (= 579 twips, the docGrid linePitch of GB templates)
INDENT_CHARS = 2  # 段首空二字
# 28 characters of 3号 in 156 mm: a pitch of 442.2 pt / 28 = 15.79 pt, so 0.25 pt (5 twips) less than 16 pt.
CHAR_SPACING_TWIPS = math.floor((TEXT_WIDTH_MM / 25.4 * 72 / CHARS_PER_LINE - BODY_PT) * 20)
DATE_RIGHT_CHARS = 4  # 成文日期右空四字 (§7.3.5.1)
PAGE_NO_GAP_MM = 7  # 页码一字线上距版心下边缘 7 mm (§7.5)
PAGE_NO_SIDE_CHARS = 1  # 单页码居右空一字，双页码居左空一字 (§7.5)

# Table text: GB/T 9704 does not size table text; 4号 (14 pt) is the usual size in attachments (house rule).
TABLE_PT = 14
TABLE_LINE_PT = 20
CELL_MARGIN_TWIPS = 80  # 4 pt left/right inside each cell (house rule)

FONT_BODY = "仿宋_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_HEADING_1 = "黑体"  # 一、
FONT_HEADING_2 = "楷体_GB2312"  # （一）
FONT_PAGE_NO = "宋体"
# Word's own substitutes (w:altName in fontTable.xml), used when a name above is not installed.
WORD_ALT_NAMES = {
    FONT_BODY: "仿宋",
    FONT_TITLE: "宋体",
    FONT_HEADING_1: "SimHei",
    FONT_HEADING_2: "楷体",
    FONT_PAGE_NO: "SimSun",
}
RED = RGBColor(0xC0, 0x00, 0x00)

CHART_MAX_HEIGHT_MM = 200  # a chart and its caption stay inside the 225 mm text block

# Attachment table column widths in mm; each set adds up to the 156 mm text width.
COLUMNS_MM = (66, 60, 30)  # 单位名称, 2021年上半年度更新条数 (one line of 4号), 排名
COLUMNS_COMPARED_MM = (56, 28, 18, 28, 26)  # …, 上期条数, 增减
assert sum(COLUMNS_MM) == TEXT_WIDTH_MM and sum(COLUMNS_COMPARED_MM) == TEXT_WIDTH_MM


def twips(mm: float) -> int:
    """Millimetres in twentieths of a point, rounded down (so widths that add up to 156 mm stay inside it)."""
    return math.floor(mm / 25.4 * 1440)


# --- small OOXML helpers -----------------------------------------------------------------------------

def set_fonts(rpr_parent, name: str) -> None:
    """One font for Latin and East-Asian text; theme fonts removed (they would override the names)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _set(parent, tag: str, **attrs) -> OxmlElement:
    """Get or create the child element `tag` of parent and set its w: attributes."""
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def char_indent(paragraph_format, *, first_line_chars: float = 0, left_chars: float = 0, right_chars: float = 0,
                size_pt: float = BODY_PT) -> None:
    """Indents in characters (w:*Chars, what Word shows as 字符) with the same in points for readers that
    ignore the *Chars attributes (LibreOffice)."""
    if first_line_chars:
        paragraph_format.first_line_indent = Pt(first_line_chars * size_pt)
    if left_chars:
        paragraph_format.left_indent = Pt(left_chars * size_pt)
    if right_chars:
        paragraph_format.right_indent = Pt(right_chars * size_pt)
    ind = paragraph_format.element.get_or_add_pPr().find(qn("w:ind"))
    if ind is None:
        return
    if first_line_chars > 0:
        ind.set(qn("w:firstLineChars"), str(round(first_line_chars * 100)))
    elif first_line_chars < 0:
        ind.set(qn("w:hangingChars"), str(round(-first_line_chars * 100)))
    if left_chars:
        ind.set(qn("w:leftChars"), str(round(left_chars * 100)))
    if right_chars:
        ind.set(qn("w:rightChars"), str(round(right_chars * 100)))


def exact_lines(paragraph_format, points: float) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(points)
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def no_grid(style_or_paragraph) -> None:
    """Leave the document grid (w:snapToGrid off): for text not in 3号, e.g. the title and the tables."""
    _set(style_or_paragraph.element.get_or_add_pPr(), "w:snapToGrid", val=0)


def text_width_chars(text: str) -> float:
    """Width in full-width characters: CJK and full-width punctuation 1, ASCII ½."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch != "—" else 1 for ch in text)


def title_lines(title: str, max_chars: float) -> list[str]:
    """Break a long title into two lines at a word boundary, as balanced as possible, the upper line not
    longer than the lower by much (GB/T 9704 §7.3.1: 回行时要做到词意完整，排列对称，梯形或菱形)."""
    if text_width_chars(title) <= max_chars:
        return [title]
    cuts = set()
    for word in ("全县", "各乡镇", "部门", "年上半年", "年下半年", "年度", "季度", "月份"):
        for i in range(len(title)):
            if title.startswith(word, i):
                cuts.add(i + len(word))
    for word in ("政务公开", "信息公开", "工作情况", "情况的通报", "的通报"):
        i = title.find(word)
        if i > 0:
            cuts.add(i)
    best = None
    for cut in sorted(cuts):
        a, b = title[:cut], title[cut:]
        wa, wb = text_width_chars(a), text_width_chars(b)
        if 0 < cut < len(title) and wa <= max_chars and wb <= max_chars:
            score = abs(wa - wb)
            if best is None or score < best[0]:
                best = (score, [a, b])
    return best[1] if best else [title]


def add_page_field(paragraph) -> None:
    """A PAGE field (complex field: begin / instrText / separate / result / end)."""
    def fld(kind):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
        return run

    fld("begin")
    instr = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = " PAGE "
    instr._r.append(text)
    fld("separate")
    paragraph.add_run("1")
    fld("end")


# --- document set-up --------------------------------------------------------------------------------

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


# --- content ----------------------------------------------------------------------------------------

def _change_words(d: int) -> str:
    return f"增加{d}条" if d > 0 else (f"减少{-d}条" if d < 0 else "持平")


def _signed(d) -> str:
    if d is None:
        return "—"
    return f"+{d}" if d > 0 else str(d)


def _blank(document, styles) -> None:
    document.add_paragraph(style=styles["flush"])


def _box(paragraph, colour: str = "C00000") -> None:
    """A border round the paragraph (consecutive paragraphs with the same border share one box)."""
    pbdr = _set(paragraph._p.get_or_add_pPr(), "w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        _set(pbdr, f"w:{side}", val="single", sz=18, space=4, color=colour)


def overview_text(ctx: dict) -> str:
    """The 总体情况 paragraph, worded as in templates/bulletin.md."""
    tables = ctx["tables"]
    parts = "，".join(f"{t['category']}{t['total']}条" for t in tables)
    text = f"{ctx['period_short']}，全县各单位在政府门户网站共公开政府信息{ctx['totals']['all']}条。其中：{parts}。"
    if ctx.get("comparison"):
        previous = sum(t.get("previous_total") or 0 for t in tables)
        text += f"与{ctx['comparison']['label']}（{previous}条）相比{_change_words(ctx['totals']['all'] - previous)}。"
    if ctx.get("most"):
        text += f"{'、'.join(ctx['most'])}等单位主动公开政府信息数量较多，工作成效明显。"
    if ctx.get("fewest"):
        text += f"信息发布量较少的单位有{'、'.join(ctx['fewest'])}等。"
    return text


def _draft_mark(document, styles) -> None:
    p = document.add_paragraph(style=styles["draft"])
    run = p.add_run("草稿")
    _set(run._r.get_or_add_rPr(), "w:spacing", val=13 * 20)  # 13 pt between the two characters
    _box(p)
    note = document.add_paragraph(style=styles["caption"])
    for i, line in enumerate(("数据核查未通过，本通报暂不得印发。", "未通过的检查见“数据质量说明”。")):
        run = note.add_run(line)
        run.font.color.rgb = RED
        if i == 0:
            run.add_break(WD_BREAK.LINE)
    _box(note)
    _blank(document, styles)


def _title(document, styles, title: str) -> None:
    p = document.add_paragraph(style=styles["title"])
    # A line of 2号 holds 442 pt / 22 pt ≈ 20 characters.
    lines = title_lines(title, max_chars=math.floor(TEXT_WIDTH_MM / 25.4 * 72 / TITLE_PT))
    for i, line in enumerate(lines):
        if i:
            p.add_run().add_break(WD_BREAK.LINE)
        p.add_run(line)


NUMERALS = "一二三四五六七八九十"


def _problems(document, styles, ctx: dict, number: str) -> bool:
    """存在问题 (context "problems": title, summary, examples), worded as in templates/bulletin.md; items
    numbered 1. as GB/T 9704 §7.3.3 numbers the third level."""
    problems = ctx.get("problems") or []
    if not problems:
        return False
    document.add_paragraph(f"{number}、存在问题", style=styles["h1"])
    for i, problem in enumerate(problems, 1):
        p = document.add_paragraph(style=styles["body"])
        p.add_run(f"{i}.{problem['title']}。").font.bold = True
        examples = problem.get("examples") or []
        p.add_run(f"{problem.get('summary') or ''}{'如：' + '；'.join(examples) + '。' if examples else ''}")
    return True


def _quality(document, styles, ctx: dict, number: str) -> bool:
    quality = ctx.get("quality") or {}
    groups = [(label, msgs) for label, msgs in (("须更正", quality.get("blocking") or []),
                                                ("请核实", quality.get("warnings") or [])) if msgs]
    if not groups:
        return False
    document.add_paragraph(f"{number}、数据质量说明", style=styles["h1"])
    for i, (label, messages) in enumerate(groups):
        document.add_paragraph(f"（{NUMERALS[i]}）{label}", style=styles["h2"])
        for j, message in enumerate(messages, 1):
            document.add_paragraph(f"{j}.{message}", style=styles["body"])
    return True


def _attachment_note(document, styles, tables: list[dict]) -> None:
    """附件：1.… — after the body, one blank line, 2 characters in; later names aligned under the first
    name (GB/T 9704 §7.3.4: 附件名称较长需回行时，应当与上一行附件名称的首字对齐; 附件名称后不加标点符号)."""
    _blank(document, styles)
    label = "附件："
    for i, t in enumerate(tables, 1):
        number = f"{i}."
        p = document.add_paragraph(style=styles["flush"])
        # Wrapped lines align with the name: left = 2 + 附件： + number; the first line hangs back.
        left = INDENT_CHARS + text_width_chars(label) + text_width_chars(number)
        first = -(text_width_chars(label) + text_width_chars(number)) if i == 1 else -text_width_chars(number)
        char_indent(p.paragraph_format, left_chars=left, first_line_chars=first)
        p.add_run(f"{label if i == 1 else ''}{number}{t['title']}")


def _signature(document, styles, ctx: dict) -> None:
    """发文机关署名 centred over the date; the date 4 characters from the right (GB/T 9704 §7.3.5.1)."""
    issuer, issued_on = ctx.get("issuer") or "", ctx.get("issued_on")
    if not issuer and not issued_on:
        return
    _blank(document, styles)
    date_width = text_width_chars(str(issued_on)) if issued_on else text_width_chars("2021年12月31日")
    if issuer:
        p = document.add_paragraph(issuer, style=styles["flush"])
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        right = max(0.0, DATE_RIGHT_CHARS + (date_width - text_width_chars(issuer)) / 2)
        if right:
            char_indent(p.paragraph_format, right_chars=right)
    if issued_on:
        p = document.add_paragraph(str(issued_on), style=styles["flush"])
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        char_indent(p.paragraph_format, right_chars=DATE_RIGHT_CHARS)


def _cell(cell, text: str, style, *, align=None, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p.style = style
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    if bold:
        run.font.bold = True
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def attachment_table(document, styles, table: dict, comparison: dict | None):
    """One attachment as a Word table that fits the 156 mm text width: explicit table, grid and cell widths,
    fixed layout (autofit off), header row repeated on every page, rows not split, 合计 row last."""
    widths = COLUMNS_COMPARED_MM if comparison else COLUMNS_MM
    headers = [table["name_header"], table["count_header"], "排名"]
    if comparison:
        headers += [comparison["label"], "增减"]
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
        for i, (cell, text) in enumerate(zip(row.cells, values)):
            _cell(cell, text, styles["table"], align=left if i == 0 else center)
    total = ["合计", str(table["total"]), ""]
    if comparison:
        previous_total = table.get("previous_total") or 0
        total += [str(previous_total), _signed(table["total"] - previous_total)]
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
