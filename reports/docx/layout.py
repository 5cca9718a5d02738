"""The GB/T 9704-2012 numbers of bulletin.docx (docs/domain.md §6): page, margins, type sizes, line
pitch, fonts and their Word fallbacks, table columns.
"""

from __future__ import annotations

import math

from docx.shared import RGBColor


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
