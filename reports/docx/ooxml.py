"""Small OOXML helpers for python-docx: fonts for Latin and East-Asian text, indents in characters,
exact line pitch, title line breaking, the PAGE field.
"""

from __future__ import annotations

from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from reports.docx.layout import BODY_PT


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
