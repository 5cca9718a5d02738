"""The bulletin's text: title, draft mark, overview, problems, quality, attachment note and signature.
"""

from __future__ import annotations

import math

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

from reports.docx.layout import DATE_RIGHT_CHARS, INDENT_CHARS, RED, TEXT_WIDTH_MM, TITLE_PT
from reports.docx.ooxml import _set, char_indent, text_width_chars, title_lines


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
    by_score = bool((ctx.get("scoring") or {}).get("by_score"))
    if ctx.get("most"):
        text += f"{'、'.join(ctx['most'])}等单位{'得分较高' if by_score else '主动公开政府信息数量较多'}，工作成效明显。"
    if ctx.get("fewest"):
        text += f"{'得分较低' if by_score else '信息发布量较少'}的单位有{'、'.join(ctx['fewest'])}等。"
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
