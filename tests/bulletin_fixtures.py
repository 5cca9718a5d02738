"""Shared test data and builders for bulletins: the seed's expected rows, text and docx writers."""

from __future__ import annotations

import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "bulletins" / "huarong_2021H1.txt"
SEED_TITLE = "关于2021年上半年全县政务公开工作情况的通报"
SEED_STATED_SENTENCE = "上半年，全县各单位在政府门户网站共公开政府信息1267条。"
SEED_DEPARTMENTS_TITLE = "华容县县直部门2021年上半年信息公开情况统计"
SEED_TOWNS_TITLE = "华容县各乡镇2021年上半年信息公开情况统计"
COUNT_HEADER = "2021年上半年度更新条数"

# (unit, count, rank) as printed in the seed's attachment 1 and 2, top to bottom.
SEED_DEPARTMENTS = [
    ("自然资源局", 179, 1), ("市生态环境局华容分局", 60, 2), ("公安局", 59, 3), ("人社局", 53, 4),
    ("教育体育局", 52, 5), ("民政局", 44, 6), ("林业局", 35, 7), ("农业农村局", 30, 8),
    ("政府办", 29, 9), ("司法局", 27, 10), ("卫生健康局", 27, 11), ("行政审批服务局", 26, 12),
    ("发改局", 25, 13), ("市场监督管理局", 25, 14), ("商务粮食局", 24, 15), ("工信局", 23, 16),
    ("统计局", 20, 17), ("退役军人事务局", 14, 18), ("投融资服务中心", 13, 19),
    ("蔬菜产业服务中心", 13, 20), ("住房保障中心", 13, 21), ("交通运输局", 12, 22), ("城管局", 12, 23),
    ("住建局", 11, 24), ("扶贫办", 11, 25), ("科学技术局", 10, 26), ("供销联社", 9, 27),
    ("信访局", 9, 28), ("应急管理局", 9, 29), ("财政局", 8, 30), ("审计局", 8, 31), ("水利局", 8, 32),
    ("广播电视台", 7, 33), ("文化旅游广电局", 7, 34), ("医保局", 2, 35), ("小集成洪泛区管委会", 1, 36),
]
SEED_TOWNS = [
    ("禹山镇", 61, 1), ("梅田湖镇", 42, 2), ("北景港镇", 41, 3), ("插旗镇", 35, 4), ("新河乡", 33, 5),
    ("鲇鱼须镇", 29, 6), ("治河渡镇", 27, 7), ("章华镇", 25, 8), ("万庾镇", 23, 9), ("操军镇", 18, 10),
    ("注滋口镇", 18, 11), ("东山镇", 15, 12), ("团洲乡", 10, 13), ("三封寺镇", 6, 14),
]
# 1-based line of each row's first cell in the seed: 4 lines per row from the first data row.
SEED_DEPARTMENTS_FIRST_LINE = 32
SEED_TOWNS_FIRST_LINE = 192


def seed_body() -> list[str]:
    """The seed's non-empty lines before the attachments (title first), as printed."""
    lines = SEED.read_text(encoding="utf-8").splitlines()[:17]
    return [line.strip() for line in lines if line.strip()]


def table_rows(units: list[tuple[str, int, int]], name_header: str = "单位名称",
               total: bool = True, rank: bool = True) -> list[list[str]]:
    """Header, one row per unit and a 合计 row (blank rank), as strings."""
    header = [name_header, COUNT_HEADER] + (["排名"] if rank else [])
    rows = [[u, str(c)] + ([str(r)] if rank else []) for u, c, r in units]
    out = [header, *rows]
    if total:
        out.append(["合计", str(sum(c for _, c, _ in units))] + ([""] if rank else []))
    return out


def seed_tables() -> list[tuple[str, list[list[str]]]]:
    return [
        (SEED_DEPARTMENTS_TITLE, table_rows(SEED_DEPARTMENTS)),
        (SEED_TOWNS_TITLE, table_rows(SEED_TOWNS, name_header="乡镇名称")),
    ]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_rows(rows: list[list[str]], layout: str) -> list[str]:
    """A table as text lines: block (one TAB-led cell per line), tab, pipe or space."""
    if layout == "block":
        out: list[str] = []
        for row in rows:
            out += [f"\t{cell}" for cell in row] + [""]
        return out
    if layout == "tab":
        return ["\t".join(row) for row in rows]
    if layout == "pipe":
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        return [lines[0], "|" + "---|" * len(rows[0]), *lines[1:]]
    if layout == "space":
        widths = [max(_width(row[i]) for row in rows) + 4 for i in range(len(rows[0]))]
        return ["".join(c + " " * (w - _width(c)) for c, w in zip(row, widths)).rstrip() for row in rows]
    raise ValueError(layout)


def text_bulletin(tables: list[tuple[str, list[list[str]]]], layout: str = "block",
                  body: list[str] | None = None) -> str:
    """A bulletin as text: the body, then per table 附件N：, its title and its rows."""
    lines = list(seed_body() if body is None else body) + [""]
    for no, (title, rows) in enumerate(tables, start=1):
        lines += [f"附件{no}：", title, "", *render_rows(rows, layout), ""]
    return "\n".join(lines) + "\n"


def write_text_bulletin(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = Path(path)
    path.write_bytes(text.encode(encoding))
    return path


def write_docx_bulletin(path: Path, paragraphs: list[str], tables: list[tuple[str, list[list[str]]]],
                        markers: bool = False) -> Path:
    """A .docx: the paragraphs, then per table its title paragraph (after 附件N： when markers)
    and a real Word table holding the rows (header included)."""
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    for no, (title, rows) in enumerate(tables, start=1):
        if markers:
            doc.add_paragraph(f"附件{no}：")
        doc.add_paragraph(title)
        table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    path = Path(path)
    doc.save(path)
    return path


def seed_docx(path: Path, markers: bool = True) -> Path:
    """The seed as a Word document: its body paragraphs and its two tables."""
    return write_docx_bulletin(path, seed_body(), seed_tables(), markers=markers)
