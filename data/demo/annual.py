"""Synthetic annual disclosure reports (演示数据（合成）) in both national formats and three media.

``make_spec`` draws a consistent report (table 三's identities hold, table 四's groups add up, the
text states the table's numbers); ``plant`` breaks one thing on purpose (the defects the checks in
expectations/annual.py look for); ``render_html`` / ``render_docx`` / ``render_text`` write it as a
portal article body, a Word file, or text copied out of a page. The demo portal uses the HTML
bodies (data/demo/portal.py); tests and bench/bench_annual.py use all three.
"""

from __future__ import annotations

import copy
import io
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from html import escape

# The national form's tables, typed here from the form itself (国办公开办函〔2021〕30号; the 2019 trial form
# differs only in （六）其他处理, one row there) and never imported from the parser
# (flows/ingest/annual_model.py): the reports generated from them are an independent check of what the parser
# reads. The keys are the parser's names for the same rows, so the tests can compare numbers row by row.
APPLICANT_COLUMNS = ("natural", "business", "research", "charity", "legal", "other_org")
COLUMN_LABELS = {"natural": "自然人", "business": "商业企业", "research": "科研机构", "charity": "社会公益组织",
                 "legal": "法律服务机构", "other_org": "其他", "total": "总计"}
_R3, _R4, _R5, _R6 = "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"
ROWS_COMMON = (
    ("new", "", "一、本年新收政府信息公开申请数量", ()),
    ("carried_in", "", "二、上年结转政府信息公开申请数量", ()),
    ("granted", "r1", "（一）予以公开", ()),
    ("partial", "r2", "（二）部分公开", ()),
    ("withheld_secret", "r3", f"{_R3} 1.属于国家秘密", ()),
    ("withheld_law", "r3", f"{_R3} 2.其他法律行政法规禁止公开", ()),
    ("withheld_safety", "r3", f"{_R3} 3.危及“三安全一稳定”", ()),
    ("withheld_third_party", "r3", f"{_R3} 4.保护第三方合法权益", ()),
    ("withheld_internal", "r3", f"{_R3} 5.属于三类内部事务信息", ()),
    ("withheld_process", "r3", f"{_R3} 6.属于四类过程性信息", ()),
    ("withheld_enforcement", "r3", f"{_R3} 7.属于行政执法案卷", ()),
    ("withheld_query", "r3", f"{_R3} 8.属于行政查询事项", ()),
    ("unable_not_held", "r4", f"{_R4} 1.本机关不掌握相关政府信息", ()),
    ("unable_no_record", "r4", f"{_R4} 2.没有现成信息需要另行制作", ()),
    ("unable_unclear", "r4", f"{_R4} 3.补正后申请内容仍不明确", ()),
    ("unhandled_petition", "r5", f"{_R5} 1.信访举报投诉类申请", ()),
    ("unhandled_repeat", "r5", f"{_R5} 2.重复申请", ()),
    ("unhandled_publication", "r5", f"{_R5} 3.要求提供公开出版物", ()),
    ("unhandled_mass", "r5", f"{_R5} 4.无正当理由大量反复申请", ()),
    ("unhandled_confirm", "r5", f"{_R5} 5.要求行政机关确认或重新出具已获取信息", ()),
)
ROWS_OTHER_2019 = (("other_handling", "r6", _R6, ()),)
ROWS_OTHER_2021 = (
    ("other_no_correction", "r6", f"{_R6} 1.申请人无正当理由逾期不补正", ()),
    ("other_no_fee", "r6", f"{_R6} 2.申请人逾期未按收费通知要求缴纳费用", ()),
    ("other_other", "r6", f"{_R6} 3.其他", ()),
)
ROWS_TAIL = (("results_total", "", "（七）总计", ()), ("carried_out", "", "四、结转下年度继续办理", ()))
# 表四: 行政复议, 行政诉讼 (未经复议直接起诉, 复议后起诉), each 结果维持 / 结果纠正 / 其他结果 / 尚未审结 / 总计.
REVIEW_GROUPS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_PARTS = ("upheld", "corrected", "other", "pending", "total")


def table3_rows(fmt: str) -> tuple:
    """表三's rows in the given form ("2019" trial or "2021"), top to bottom."""
    return ROWS_COMMON + (ROWS_OTHER_2019 if fmt == "2019" else ROWS_OTHER_2021) + ROWS_TAIL


SYNTHETIC = "演示数据（合成）"
RESULT_ROWS_2019 = [k for k, g, *_ in ROWS_COMMON + ROWS_OTHER_2019 if g]
RESULT_ROWS_2021 = [k for k, g, *_ in ROWS_COMMON + ROWS_OTHER_2021 if g]
SUB_LABELS = {k: label.split(" ", 1)[1] for k, _g, label, _kw in ROWS_COMMON + ROWS_OTHER_2019 + ROWS_OTHER_2021
              if " " in label}
GROUP_HEADS = {"r3": "（三）不予公开", "r4": "（四）无法提供", "r5": "（五）不予处理", "r6": "（六）其他处理"}


@dataclass
class ReportSpec:
    unit: str
    year: int
    format: str                                   # "2019" | "2021"
    table3: dict[str, dict[str, int | None]]      # row → column → n (None = blank cell)
    table4: dict[str, dict[str, int | None]]
    table2: list[tuple[str, list[str], list[str]]]  # (item, column names, values)
    has_total_column: bool = True
    published: date | None = None
    text_overrides: dict[str, int] = field(default_factory=dict)  # received/granted/review … as stated
    extra: str = ""                               # a sentence that differs between units

    @property
    def title(self) -> str:
        return f"{self.unit}{self.year}年政府信息公开工作年度报告"


def make_spec(unit: str, year: int, seed: int, fmt: str | None = None, extra: str = "") -> ReportSpec:
    rng = random.Random(f"{unit}|{year}|{seed}")
    fmt = fmt or ("2019" if year <= 2020 else "2021")
    results = RESULT_ROWS_2019 if fmt == "2019" else RESULT_ROWS_2021
    t3: dict[str, dict[str, int | None]] = {}
    for col in APPLICANT_COLUMNS:
        weights = {"natural": 9, "business": 3}.get(col, 1)
        new = rng.randint(0, 2 * weights)
        carried_in = rng.randint(0, 1) if col == "natural" else 0
        handled = new + carried_in
        carried_out = rng.randint(0, min(1, handled))
        left = handled - carried_out
        counts = {k: 0 for k in results}
        for _ in range(left):
            k = rng.choices(results, [8 if k == "granted" else 2 if k in ("partial", "unable_not_held") else 0.3
                                      for k in results])[0]
            counts[k] += 1
        t3.setdefault("new", {})[col] = new
        t3.setdefault("carried_in", {})[col] = carried_in
        for k in results:
            t3.setdefault(k, {})[col] = counts[k]
        t3.setdefault("results_total", {})[col] = left
        t3.setdefault("carried_out", {})[col] = carried_out
    for row in t3.values():
        row["total"] = sum(row[c] for c in APPLICANT_COLUMNS)
    t4 = {}
    for g in REVIEW_GROUPS:
        parts = [rng.randint(0, 2 if g == "review" else 1) for _ in range(4)]
        t4[g] = dict(zip(REVIEW_PARTS, parts + [sum(parts)]))
    if fmt == "2019":
        t2 = [("规章", ["本年新制作数量", "本年新公开数量", "对外公开总数量"], ["0", "0", "0"]),
              ("规范性文件", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
               [str(n := rng.randint(0, 5)), str(n), str(n + rng.randint(3, 20))]),
              ("行政许可", ["上一年项目数量", "本年增/减", "处理决定数量"], [str(rng.randint(5, 40)), "0", str(rng.randint(10, 900))]),
              ("行政处罚", ["上一年项目数量", "本年增/减", "处理决定数量"], [str(rng.randint(5, 40)), "0", str(rng.randint(0, 90))]),
              ("政府集中采购", ["采购项目数量", "采购总金额"], [str(rng.randint(0, 9)), f"{rng.randint(0, 900)}.5"])]
    else:
        t2 = [("规章", ["本年制发件数", "本年废止件数", "现行有效件数"], ["0", "0", "0"]),
              ("行政规范性文件", ["本年制发件数", "本年废止件数", "现行有效件数"],
               [str(rng.randint(0, 5)), str(rng.randint(0, 2)), str(rng.randint(5, 30))]),
              ("行政许可", ["本年处理决定数量"], [str(rng.randint(10, 900))]),
              ("行政处罚", ["本年处理决定数量"], [str(rng.randint(0, 90))]),
              ("行政事业性收费", ["本年收费金额（单位：万元）"], [f"{rng.randint(0, 90)}.2"])]
    return ReportSpec(unit, year, fmt, t3, t4, t2, extra=extra)


def plant(spec: ReportSpec, defect: str) -> ReportSpec:
    """A copy of spec with one defect (the finding code without its ``annual_`` prefix)."""
    s = copy.deepcopy(spec)
    t3 = s.table3
    if defect == "balance_mismatch":          # 四 wrong: 一+二 ≠ （七）+四 in 自然人 and 总计
        t3["carried_out"]["natural"] += 1
        t3["carried_out"]["total"] += 1
    elif defect == "column_total_mismatch":   # （七） and 一 both one more: only the column sum fails
        for row in ("new", "results_total"):
            t3[row]["natural"] += 1
            t3[row]["total"] += 1
    elif defect == "row_total_mismatch":      # two 总计 cells off by one in opposite directions
        t3["granted"]["total"] += 1
        t3["unable_not_held"]["total"] -= 1
        if t3["unable_not_held"]["total"] < 0:
            t3["unable_not_held"]["total"] += 2
            t3["granted"]["total"] -= 2
    elif defect == "total_column_blank":
        for row in t3.values():
            row["total"] = None
    elif defect == "review_total_mismatch":
        s.table4["review"]["total"] += 1
    elif defect == "text_table_mismatch":
        s.text_overrides["received"] = t3["new"]["total"] + 3
    elif defect == "obsolete_format":
        s.format = "2019"
        fresh = make_spec(s.unit, s.year, 0, fmt="2019")
        s.table2 = fresh.table2
        other = {c: sum(t3[k][c] or 0 for k, *_ in ROWS_OTHER_2021) for c in t3["new"]}
        for k, *_ in ROWS_OTHER_2021:
            t3.pop(k, None)
        t3["other_handling"] = other
    else:
        raise ValueError(f"unknown defect {defect}")
    return s


# --- text -------------------------------------------------------------------------------------------------
def _share(part: int, whole: int) -> str:
    if not whole:
        return "0"
    from decimal import ROUND_HALF_UP, Decimal
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def paragraphs(spec: ReportSpec) -> dict[str, list[str]]:
    t3, o = spec.table3, spec.text_overrides
    total = lambda row: sum(v or 0 for v in t3[row].values()) if t3[row].get("total") is None else t3[row]["total"]  # noqa: E731
    received = o.get("received", sum(t3["new"][c] or 0 for c in APPLICANT_COLUMNS))
    granted = o.get("granted", total("granted"))
    unable = sum(total(k) for k in t3 if k.startswith("unable_"))
    review = o.get("review", spec.table4["review"]["total"])
    lit = (spec.table4["litigation_direct"]["total"] or 0) + (spec.table4["litigation_after_review"]["total"] or 0)
    whole = received
    return {
        "一、总体情况": [
            f"本报告由{spec.unit}根据《中华人民共和国政府信息公开条例》要求编制（{SYNTHETIC}，不代表任何真实单位）。"
            f"{spec.year}年，{spec.unit}坚持以公开为常态、不公开为例外，持续推进政务公开工作。{spec.extra}",
            f"全年共收到政府信息公开申请{received}件，予以公开{granted}件，占{_share(granted, whole)}%；"
            f"无法提供{unable}件。",
            f"本年度发生政府信息公开行政复议{review}件，行政诉讼{lit}件。",
        ],
        "五、存在的主要问题及改进情况": [f"{spec.year}年政府信息公开工作仍存在公开内容不够全面等问题，下一步将加强培训。"],
        "六、其他需要报告的事项": ["本单位未收取信息处理费。"],
    }


# --- HTML (a portal article body: real tables, merged header cells) -------------------------------------
def _fmt(v) -> str:
    return "" if v is None else str(v)


def _t3_rows(spec: ReportSpec) -> list[tuple[list[tuple[str, int, int]], str]]:
    """[(label cells as (text, colspan, rowspan)), row key] in print order, with rowspans for groups."""
    keys = [k for k, *_ in table3_rows(spec.format) if k in spec.table3]
    out = []
    results = [k for k in keys if k not in ("new", "carried_in", "carried_out")]
    for k in keys:
        if k in ("new", "carried_in", "carried_out"):
            label = {"new": "一、本年新收政府信息公开申请数量", "carried_in": "二、上年结转政府信息公开申请数量",
                     "carried_out": "四、结转下年度继续办理"}[k]
            out.append(([(label, 3, 1)], k))
            continue
        cells = []
        if k == results[0]:
            cells.append(("三、本年度办理结果", 1, len(results)))
        group = next(g for key, g, *_ in table3_rows(spec.format) if key == k)
        if k in SUB_LABELS and group in GROUP_HEADS:
            members = [m for m in results if next(g for key, g, *_ in table3_rows(spec.format) if key == m) == group]
            if k == members[0]:
                cells.append((GROUP_HEADS[group], 1, len(members)))
            cells.append((SUB_LABELS[k], 1, 1))
        else:
            cells.append(({"granted": "（一）予以公开", "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                           "other_handling": "（六）其他处理", "results_total": "（七）总计"}[k], 2, 1))
        out.append((cells, k))
    return out


def render_html(spec: ReportSpec, table4_by_group: bool = False) -> str:
    """The article body (what sits inside the portal's #zoom div). ``table4_by_group``: table 四 as
    one row per group (6 columns) instead of the 15-column layout."""
    paras = paragraphs(spec)
    p = lambda t: f"<p>\u3000\u3000{escape(t)}</p>"  # noqa: E731
    parts = [f"<p style=\"text-align:center\"><strong>{escape(spec.title)}</strong></p>",
             p(f"（{SYNTHETIC}）"), "<p><strong>一、总体情况</strong></p>", *map(p, paras["一、总体情况"]),
             "<p><strong>二、主动公开政府信息情况</strong></p>", "<table border=\"1\"><tbody>"]
    for item, cols, values in spec.table2:
        parts.append(f"<tr><td>信息内容</td>{''.join(f'<td>{escape(c)}</td>' for c in cols)}</tr>")
        parts.append(f"<tr><td>{escape(item)}</td>{''.join(f'<td>{escape(v)}</td>' for v in values)}</tr>")
    parts.append("</tbody></table>")
    parts.append("<p><strong>三、收到和处理政府信息公开申请情况</strong></p>")
    cols = APPLICANT_COLUMNS + (("total",) if spec.has_total_column else ())
    total_head = "<td rowspan=\"2\">总计</td>" if spec.has_total_column else ""
    parts.append(
        "<table border=\"1\"><tbody>"
        f"<tr><td colspan=\"3\" rowspan=\"3\">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
        f"<td colspan=\"{len(cols)}\">申请人情况</td></tr>"
        f"<tr><td rowspan=\"2\">自然人</td><td colspan=\"5\">法人或其他组织</td>{total_head}</tr>"
        "<tr>" + "".join(f"<td>{COLUMN_LABELS[c]}</td>" for c in APPLICANT_COLUMNS[1:]) + "</tr>")
    for cells, key in _t3_rows(spec):
        label = "".join(f"<td colspan=\"{cs}\" rowspan=\"{rs}\">{escape(t)}</td>" for t, cs, rs in cells)
        parts.append(f"<tr>{label}{''.join(f'<td>{_fmt(spec.table3[key].get(c))}</td>' for c in cols)}</tr>")
    parts.append("</tbody></table>")
    parts.append("<p><strong>四、政府信息公开行政复议、行政诉讼情况</strong></p>")
    five = "".join(f"<td>{x}</td>" for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
    if table4_by_group:
        names = {"review": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
                 "litigation_after_review": "行政诉讼（复议后起诉）"}
        parts.append(f"<table border=\"1\"><tbody><tr><td>类别</td>{five}</tr>" + "".join(
            f"<tr><td>{names[g]}</td>" + "".join(f"<td>{_fmt(spec.table4[g][k])}</td>" for k in REVIEW_PARTS) + "</tr>"
            for g in REVIEW_GROUPS) + "</tbody></table>")
    else:
        parts.append("<table border=\"1\"><tbody><tr><td colspan=\"5\">行政复议</td><td colspan=\"10\">行政诉讼</td></tr>"
                     f"<tr>{five}<td colspan=\"5\">未经复议直接起诉</td><td colspan=\"5\">复议后起诉</td></tr>"
                     f"<tr><td colspan=\"5\"></td>{five}{five}</tr>"
                     "<tr>" + "".join(f"<td>{_fmt(spec.table4[g][k])}</td>" for g in REVIEW_GROUPS for k in REVIEW_PARTS)
                     + "</tr></tbody></table>")
    for head in ("五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        parts.append(f"<p><strong>{head}</strong></p>")
        parts.extend(map(p, paras[head]))
    return "\n".join(parts)


def render_page(spec: ReportSpec) -> str:
    """A whole article page, as a portal serves it (meta ArticleTitle / PubDate / ContentSource)."""
    pub = f'<meta name="PubDate" content="{spec.published:%Y-%m-%d} 09:00">' if spec.published else ""
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"ArticleTitle\" "
            f"content=\"{escape(spec.title)}\"><meta name=\"ContentSource\" content=\"{escape(spec.unit)}\">{pub}"
            f"<title>{escape(spec.title)}</title></head><body><h1>{escape(spec.title)}</h1>"
            f"<div id=\"zoom\">{render_html(spec)}</div></body></html>")


# --- copied text: tabs, or runs of spaces ----------------------------------------------------------------
def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * max(2, w - _width(s))


def render_text(spec: ReportSpec, sep: str = "\t") -> str:
    """Text as copied out of the page: one table row per line, cells joined by tabs or space runs."""
    paras = paragraphs(spec)
    cols = APPLICANT_COLUMNS + (("total",) if spec.has_total_column else ())

    def row(label: str, values: list[str]) -> str:
        if sep == "\t":
            return "\t".join([label] + values)
        return _pad(label, 60) + "".join(_pad(v, 10) for v in values).rstrip()

    out = [spec.title, f"（{SYNTHETIC}）", "一、总体情况", *paras["一、总体情况"], "二、主动公开政府信息情况"]
    for item, names, values in spec.table2:
        out.append(row("信息内容", names))
        out.append(row(item, values))
    out.append("三、收到和处理政府信息公开申请情况")
    out.append(row("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                   [COLUMN_LABELS[c] for c in cols]))
    for cells, key in _t3_rows(spec):
        label = "".join(t for t, *_ in cells if not t.startswith("三、本年度"))
        out.append(row(label, [_fmt(spec.table3[key].get(c)) for c in cols]))
    out.append("四、政府信息公开行政复议、行政诉讼情况")
    five = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    out.append(row("", five * 3).lstrip("\t"))
    out.append(row("", [_fmt(spec.table4[g][k]) for g in REVIEW_GROUPS for k in REVIEW_PARTS]).lstrip("\t"))
    for head in ("五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        out.append(head)
        out.extend(paras[head])
    return "\n".join(out) + "\n"


# --- .docx ---------------------------------------------------------------------------------------------------
def render_docx(spec: ReportSpec) -> bytes:
    """A Word file with real tables (merged header cells: 申请人情况, 法人或其他组织, 行政诉讼)."""
    from docx import Document

    paras = paragraphs(spec)
    doc = Document()
    doc.add_paragraph(spec.title)
    doc.add_paragraph(f"（{SYNTHETIC}）")
    doc.add_paragraph("一、总体情况")
    for t in paras["一、总体情况"]:
        doc.add_paragraph(t)
    doc.add_paragraph("二、主动公开政府信息情况")
    t2 = doc.add_table(rows=0, cols=1 + max(len(c) for _i, c, _v in spec.table2))
    for item, names, values in spec.table2:
        for first, cells in (("信息内容", names), (item, values)):
            r = t2.add_row().cells
            r[0].text = first
            for i, v in enumerate(cells):
                r[i + 1].text = v
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    cols = APPLICANT_COLUMNS + (("total",) if spec.has_total_column else ())
    table = doc.add_table(rows=2, cols=2 + len(cols))
    h1, h2 = table.rows[0].cells, table.rows[1].cells
    h1[0].merge(h2[1]).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    h1[2].text = "自然人"
    h1[2].merge(h2[2])
    h1[3].merge(h1[7]).text = "法人或其他组织"
    for i, c in enumerate(APPLICANT_COLUMNS[1:]):
        h2[3 + i].text = COLUMN_LABELS[c]
    if spec.has_total_column:
        h1[8].merge(h2[8]).text = "总计"
    for cells, key in _t3_rows(spec):
        labels = [t for t, *_ in cells if not t.startswith("三、本年度")]
        r = table.add_row().cells
        if len(labels) == 1:
            r[0].merge(r[1]).text = labels[0]
        else:
            r[0].text, r[1].text = labels[0], labels[1]
        for i, c in enumerate(cols):
            r[2 + i].text = _fmt(spec.table3[key].get(c))
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t4 = doc.add_table(rows=3, cols=15)
    t4.rows[0].cells[0].merge(t4.rows[0].cells[4]).text = "行政复议"
    t4.rows[0].cells[5].merge(t4.rows[0].cells[14]).text = "行政诉讼"
    for i, x in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3):
        t4.rows[1].cells[i].text = x
    for i, v in enumerate(spec.table4[g][k] for g in REVIEW_GROUPS for k in REVIEW_PARTS):
        t4.rows[2].cells[i].text = _fmt(v)
    for head in ("五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        doc.add_paragraph(head)
        for t in paras[head]:
            doc.add_paragraph(t)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- the demo portal's 2020 reports (published January–March 2021) -------------------------------------------
# Which of the demo portal's reports carry which planted problem, by position among the units that have
# a report (the seed's table order). Units with fewer than 5 items in H1 2021 have no report (missing).
DEMO_LATE = {4: date(2021, 2, 8), 19: date(2021, 2, 25), 41: date(2021, 3, 3)}
DEMO_DEFECTS = {2: "balance_mismatch", 8: "column_total_mismatch", 12: "row_total_mismatch",
                16: "total_column_blank", 24: "review_total_mismatch", 30: "text_table_mismatch"}
DEMO_NO_TOTAL_COLUMN = 44          # table 三 printed without its 总计 column (annual_total_column_blank)
DEMO_2021_LAYOUT = (1, 6, 11, 21, 26, 33, 38)   # consistent reports written in the 2021 layout
# Table 三 of 2020 of the three units of the demo applications register (data/applications/huarong_demo_register.csv),
# typed by hand from its rows: their reports print these numbers, but 人社局's moves one 商业企业 application from
# （一）予以公开 to （二）部分公开 — consistent in itself, wrong against the register (annual_register_mismatch once
# the register is imported: zwgk applications import).
DEMO_REGISTER_TABLE3 = {
    "自然资源局": {"new": {"natural": 3, "business": 1}, "carried_in": {"natural": 1}, "granted": {"natural": 2},
              "partial": {"business": 1}, "unable_not_held": {"natural": 1}, "withheld_process": {"natural": 1},
              "results_total": {"natural": 4, "business": 1}, "carried_out": {}},
    "民政局": {"new": {"natural": 2, "legal": 1}, "carried_in": {}, "granted": {"natural": 1},
            "unhandled_petition": {"natural": 1}, "results_total": {"natural": 2}, "carried_out": {"legal": 1}},
    "人社局": {"new": {"natural": 2, "business": 1, "other_org": 1}, "carried_in": {}, "granted": {"business": 1},
            "partial": {"natural": 1}, "other_no_correction": {"natural": 1},
            "results_total": {"natural": 2, "business": 1}, "carried_out": {"other_org": 1}},
}
DEMO_REGISTER_MISMATCH = "人社局"


def register_table3(cells: dict[str, dict[str, int]], fmt: str) -> dict[str, dict[str, int]]:
    """A full table 三 in the given form from the non-zero cells (2021 rows of （六） fold into the 2019 row)."""
    table = {key: {col: 0 for col in APPLICANT_COLUMNS} for key, *_ in table3_rows(fmt)}
    for key, row in cells.items():
        target = "other_handling" if fmt == "2019" and key.startswith("other_") else key
        for col, n in row.items():
            table[target][col] += n
    for row in table.values():
        row["total"] = sum(row[c] for c in APPLICANT_COLUMNS)
    return table


def plant_demo_reports(arts: list, unit_order: list[str]) -> dict:
    """Give the demo portal's annual-report articles full bodies and plant the mix (in place).

    Publish dates only move within H1 2021 (late reports: February/March), so the portal's H1 counts
    per unit stay the seed's. Returns the plan for the manifest: unit → planted problems.
    """
    from datetime import datetime

    reports = sorted((a for a in arts if a.type == "annual_report"),
                     key=lambda a: (unit_order.index(a.unit) if a.unit in unit_order else 999, a.id))
    plan: dict[str, list[str]] = {}
    for i, a in enumerate(reports):
        unit_name = a.title.split("2020年")[0]
        spec = make_spec(unit_name, 2020, seed=i, fmt="2021" if i in DEMO_2021_LAYOUT else "2019",
                         extra=f"本单位联系电话：0730-42{i:05d}。")
        problems = []
        if a.unit in DEMO_REGISTER_TABLE3:  # the seed's (and the registry's) name, not the title's publisher
            spec.table3 = register_table3(DEMO_REGISTER_TABLE3[a.unit], spec.format)
            if a.unit == DEMO_REGISTER_MISMATCH:
                for row, step in (("granted", -1), ("partial", 1)):
                    spec.table3[row]["business"] += step
                    spec.table3[row]["total"] += step
                problems.append("annual_register_mismatch")
        if i in DEMO_DEFECTS:
            spec = plant(spec, DEMO_DEFECTS[i])
            problems.append(f"annual_{DEMO_DEFECTS[i]}")
        if i == DEMO_NO_TOTAL_COLUMN:
            spec.has_total_column = False
            for row in spec.table3.values():
                row.pop("total", None)
            problems.append("annual_total_column_blank")
        if i in DEMO_LATE:
            d = DEMO_LATE[i]
            a.publish = datetime(d.year, d.month, d.day, a.publish.hour, a.publish.minute)
            a.doc_date = d
            for e in a.column.entries:
                if e.get("article") is a:
                    e["date"] = a.publish
            problems.append("annual_late")
        a.body = a.body + "\n" + render_html(spec, table4_by_group=True)
        plan[a.unit] = problems
    for col in {id(a.column): a.column for a in reports}.values():
        col.entries.sort(key=lambda e: (e.get("date") is None, -(e["date"].timestamp() if e.get("date") else 0),
                                        e["href"]))
    return plan
