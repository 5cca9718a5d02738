"""A unit's annual disclosure report (政府信息公开工作年度报告) drafted in the 2021 format (国办公开办函〔2021〕30号):
tables 三 and 四 filled from the applications register, the text of sections 三 and 四 written from them (shares
computed, rounded half up), and what a person must write marked 【待填写】 in red (docs/applications.md §5).

``zwgk annual --draft UNIT --year Y`` calls ``write_draft``. The page is the bulletin's (A4, GB/T 9704 margins and
fonts: reports/docx/setup.py); the tables use a smaller type so table 四's 15 numbers fit the text block.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from flows.ingest.annual_model import (APPLICANT_COLUMNS, COLUMN_LABELS, COLUMNS, GROUP_LABELS, REVIEW_GROUPS,
                                       REVIEW_PARTS, REVIEW_PART_LABELS, SECTION_HEADINGS, table3_rows)

TODO = "【待填写】"
TABLE_FONT_PT = 9
TABLE2 = (  # (the item of 第二十条, its rows, the columns) in the 2021 form
    ("第二十条第（一）项", ("规章", "行政规范性文件"), ("本年制发件数", "本年废止件数", "现行有效件数")),
    ("第二十条第（五）项", ("行政许可",), ("本年处理决定数量",)),
    ("第二十条第（六）项", ("行政处罚", "行政强制"), ("本年处理决定数量",)),
    ("第二十条第（八）项", ("行政事业性收费",), ("本年收费金额（单位：万元）",)),
)
NUMERALS = "一二三四五六"


def share(part: int, whole: int) -> str:
    """part / whole as a percentage with two decimals, rounded half up (as the review recomputes it)."""
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def _group(t3: dict, group: str) -> int:
    return sum(t3[key]["total"] for key, g, *_ in table3_rows("2021") if g == group)


def section3_text(year: int, t3: dict) -> str:
    """Section 三's paragraph: every figure from table 三, each share of the results over （七）总计."""
    new, carried_in, done, out = (t3[k]["total"] for k in ("new", "carried_in", "results_total", "carried_out"))
    by_type = "，".join(f"{COLUMN_LABELS[c]}{t3['new'][c]}件" for c in APPLICANT_COLUMNS if t3["new"][c])
    head = f"{year}年，本机关共收到政府信息公开申请{new}件" + (f"（{by_type}）" if by_type else "") + f"，上年结转{carried_in}件。"
    if not done:
        return head + f"本年度未办结政府信息公开申请，结转下年度继续办理{out}件。"
    parts = []
    for group in ("r1", "r2", "r3", "r4", "r5", "r6"):
        n = _group(t3, group)
        if n:
            parts.append(f"{GROUP_LABELS[group].split('）', 1)[1]}{n}件，占{share(n, done)}")
    return head + f"本年度办结{done}件，其中{'；'.join(parts)}。结转下年度继续办理{out}件。"


def section4_text(year: int, t4: dict) -> str:
    review = t4["review"]
    litigation = {g: t4[g] for g in ("litigation_direct", "litigation_after_review")}
    cases = review["total"] + sum(g["total"] for g in litigation.values())
    if not cases:
        return f"{year}年，本机关未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"

    def parts(group: dict) -> str:
        return "、".join(f"{REVIEW_PART_LABELS[p]}{group[p]}件" for p in REVIEW_PARTS[:4] if group[p])

    text = f"{year}年，本机关因政府信息公开工作被申请行政复议{review['total']}件"
    text += f"（{parts(review)}）" if review["total"] else ""
    total = sum(g["total"] for g in litigation.values())
    text += f"，被提起行政诉讼{total}件"
    if total:
        text += (f"（未经复议直接起诉{litigation['litigation_direct']['total']}件，"
                 f"复议后起诉{litigation['litigation_after_review']['total']}件）")
    return text + "。"


def _cell(cell, text: str, *, bold: bool = False, red: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = 0
    paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run(text)
    run.font.size = Pt(TABLE_FONT_PT)
    run.bold = bold
    if red:
        run.font.color.rgb = RGBColor(0xC0, 0, 0)


def _grid(document, rows: int, cols: int, widths_mm: list[float] | None = None):
    """A bordered table across the text block (156 mm), its columns as wide as given (else equal)."""
    from docx.shared import Mm

    from reports.docx.layout import TEXT_WIDTH_MM

    table = document.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    table.autofit = False
    widths = widths_mm or [TEXT_WIDTH_MM / cols] * cols
    for j, width in enumerate(widths):
        table.columns[j].width = Mm(width)
        for cell in table.columns[j].cells:
            cell.width = Mm(width)
    return table


def _table2(document) -> None:
    """Table 二 as the form prints it: four blocks, every number cell left to the office (【待填写】)."""
    for item, rows, columns in TABLE2:
        table = _grid(document, 2 + len(rows), 1 + len(columns), [40] + [116 / len(columns)] * len(columns))
        _cell(table.cell(0, 0).merge(table.cell(0, len(columns))), item, bold=True)
        _cell(table.cell(1, 0), "信息内容", bold=True)
        for j, column in enumerate(columns, 1):
            _cell(table.cell(1, j), column, bold=True)
        for i, row in enumerate(rows, 2):
            _cell(table.cell(i, 0), row)
            for j in range(1, len(columns) + 1):
                _cell(table.cell(i, j), TODO, red=True)


def _table3(document, t3: dict) -> None:
    """Table 三 in the 2021 layout: three label columns, 自然人, five 法人或其他组织 columns, 总计."""
    rows = table3_rows("2021")
    numbers = (156 - 16 - 16 - 40) / len(COLUMNS)
    table = _grid(document, 3 + len(rows), 3 + len(COLUMNS), [16, 16, 40] + [numbers] * len(COLUMNS))
    _cell(table.cell(0, 0).merge(table.cell(2, 2)), "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    _cell(table.cell(0, 3).merge(table.cell(0, 9)), "申请人情况", bold=True)
    _cell(table.cell(1, 3).merge(table.cell(2, 3)), "自然人", bold=True)
    _cell(table.cell(1, 4).merge(table.cell(1, 8)), "法人或其他组织", bold=True)
    _cell(table.cell(1, 9).merge(table.cell(2, 9)), "总计", bold=True)
    for j, column in enumerate(APPLICANT_COLUMNS[1:], 4):
        _cell(table.cell(2, j), COLUMN_LABELS[column], bold=True)
    r = 3
    results_first = None
    for key, group, label, _k in rows:
        if key == "results_total":
            continue
        if group:
            results_first = r if results_first is None else results_first
            head, _, item = label.partition(" ")
            if item:
                _cell(table.cell(r, 1), head)
                _cell(table.cell(r, 2), item)
            else:
                _cell(table.cell(r, 1).merge(table.cell(r, 2)), head)
        elif key in ("new", "carried_in", "carried_out"):
            _cell(table.cell(r, 0).merge(table.cell(r, 2)), label)
        for j, column in enumerate(COLUMNS, 3):
            _cell(table.cell(r, j), str(t3[key][column]))
        r += 1
        if key == "other_other":  # （七）总计 closes 三、本年度办理结果
            _cell(table.cell(r, 1).merge(table.cell(r, 2)), "（七）总计")
            for j, column in enumerate(COLUMNS, 3):
                _cell(table.cell(r, j), str(t3["results_total"][column]))
            _cell(table.cell(results_first, 0).merge(table.cell(r, 0)), "三、本年度办理结果")
            r += 1
    _merge_group_heads(table, rows, results_first)


def _merge_group_heads(table, rows, first: int) -> None:
    """（三）不予公开 … （六）其他处理: the group's name once, down its numbered rows."""
    r, spans = first, {}
    for key, group, label, _k in rows:
        if not group:
            continue
        spans.setdefault(group, []).append(r)
        r += 1
    for group, at in spans.items():
        if len(at) > 1:
            merged = table.cell(at[0], 1).merge(table.cell(at[-1], 1))
            _cell(merged, GROUP_LABELS[group])


def _table4(document, t4: dict) -> None:
    table = _grid(document, 4, 15)
    _cell(table.cell(0, 0).merge(table.cell(1, 4)), "行政复议", bold=True)
    _cell(table.cell(0, 5).merge(table.cell(0, 14)), "行政诉讼", bold=True)
    _cell(table.cell(1, 5).merge(table.cell(1, 9)), "未经复议直接起诉", bold=True)
    _cell(table.cell(1, 10).merge(table.cell(1, 14)), "复议后起诉", bold=True)
    for g, group in enumerate(REVIEW_GROUPS):
        for p, part in enumerate(REVIEW_PARTS):
            _cell(table.cell(2, g * 5 + p), REVIEW_PART_LABELS[part], bold=True)
            _cell(table.cell(3, g * 5 + p), str(t4[group][part]))
    for row in table.rows[:-1]:  # the four rows stay on one page
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _todo(document, styles, what: str) -> None:
    from docx.shared import RGBColor

    run = document.add_paragraph(style=styles["body"]).add_run(f"{TODO}{what}")
    run.font.color.rgb = RGBColor(0xC0, 0, 0)


def build_draft(title: str, year: int, t3: dict, t4: dict, note: str):
    """The python-docx Document of the draft."""
    from docx import Document

    from reports.docx.setup import _font_table, _page_setup, _styles

    document = Document()
    document.core_properties.title = title
    document.core_properties.language = "zh-CN"
    _page_setup(document)
    styles = _styles(document)
    _font_table(document)
    document.add_paragraph(title, style=styles["title"])
    document.add_paragraph(note, style=styles["body"])
    for n, heading in enumerate(SECTION_HEADINGS):
        document.add_paragraph(f"{NUMERALS[n]}、{heading}", style=styles["h1"])
        if n == 0:
            _todo(document, styles, "本年度政府信息公开工作总体情况（主动公开、依申请公开、政府信息管理、平台建设、监督保障等）。")
        elif n == 1:
            _todo(document, styles, "下表各项数字由本机关填写。")
            _table2(document)
        elif n == 2:
            document.add_paragraph(section3_text(year, t3), style=styles["body"])
            _table3(document, t3)
        elif n == 3:
            document.add_paragraph(section4_text(year, t4), style=styles["body"]).paragraph_format.keep_with_next = True
            _table4(document, t4)
        elif n == 4:
            _todo(document, styles, "上一年度存在问题的改进情况，本年度存在的主要问题及改进措施。")
        else:
            _todo(document, styles, "依据《政府信息公开信息处理费管理办法》收取信息处理费的情况，以及其他需要报告的事项。")
    return document


def write_draft(path: str | Path, *, title: str, year: int, t3: dict, t4: dict, register: str) -> Path:
    note = (f"（草稿：表三、表四及第三、四部分的数字由依申请公开登记表（{register}）统计生成，"
            f"标注{TODO}的内容由本机关填写后删除本段。）")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_draft(title, year, t3, t4, note).save(path)
    return path
