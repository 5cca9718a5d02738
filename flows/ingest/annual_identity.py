"""Who published an annual report, for which year, and when (docs/annual-reports.md, "Unit, year and
date"): from the title in its forms (unit first or year first), else from a lead-in sentence
(现公布XX局2021年度政府信息公开工作年度报告), else from the body (统计期限自2024年1月1日…至2024年12月
31日); the date from the page's labels (发布日期, 发文日期, 公开日期, 成文日期, 日期, 时间) before its
metadata, which some templates fill with the time the page was generated.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flows.ingest.annual_cells import parse_date as _parse_date

_ANNUAL = r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)"
_UNIT_FIRST = re.compile(rf"^(.{{2,60}}?)(?:关于)?\s{{0,2}}(20\d{{2}})\s{{0,2}}年\s{{0,2}}(?:度)?\s{{0,2}}(?:本级)?{_ANNUAL}")
_YEAR_FIRST = re.compile(rf"^(20\d{{2}})\s{{0,2}}年\s{{0,2}}(?:度)?\s{{0,2}}(.{{2,60}}?){_ANNUAL}")
_LEAD_IN = re.compile(rf"(?:公布|发布|编制|形成)(?:了)?\s{{0,2}}(.{{0,40}}?)\s{{0,2}}(20\d{{2}})\s{{0,2}}年\s{{0,2}}(?:度)?\s{{0,2}}"
                      rf"(.{{0,24}}?){_ANNUAL}")
_SPAN = re.compile(r"(20\d{2})\s{0,2}年\s{0,2}1\s{0,2}月\s{0,2}1\s{0,2}日[^。；]{0,12}?(?:至|到|-|—)\s{0,2}(20\d{2})?\s{0,2}年?\s{0,2}12\s{0,2}月\s{0,2}3[01]\s{0,2}日")
_BODY_YEAR = re.compile(r"(20\d{2})\s{0,2}年\s{0,2}(?:度)?\s{0,2}(?:本级|本单位|本镇|本乡|本局|本部门)?\s{0,2}" + _ANNUAL)
_SELF = re.compile(r"^(本级|本单位|本镇|本乡|本局|本部门|我局|我镇|我乡|我单位|我委|我办|我中心|本机关|本委|本办|向社会|特|现将|现)+")
_CONTACT = re.compile(r"(?:请与|请联系|联系单位[:：]?)\s{0,2}([\u4e00-\u9fff（）()]{2,30}?(?:人民政府|政府|办公室|局|委员会|委|办|中心|镇|乡|街道办事处|街道))")
_DATE_LABELS = ("发布日期", "发布时间", "发文日期", "公开日期", "成文日期", "生成日期", "日期", "时间")
_META_DATE_KEYS = ("pubdate", "publishdate", "firstpublishedtime", "articletime", "createdate", "date")


def _nfkc(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


def _clean_unit(unit: str) -> str | None:
    unit = re.sub(r"^(关于|根据)", "", _nfkc(unit)).strip(" ，,：:《》<>“”\"'")
    unit = re.sub(r"(关于|的)$", "", unit)
    unit = _SELF.sub("", unit)
    unit = re.sub(r"^(现将|现|特|向社会)*(公布|发布|公开|编制|印发)(了)?", "", unit)
    unit = _SELF.sub("", unit)
    return unit or None


def unit_and_year(title: str, lines: list[str]) -> tuple[str | None, int | None, str]:
    """(unit, year, where they came from: title | lead-in | body). Text taken from a PDF wraps its
    lines anywhere: the opening lines are also read joined."""
    if not title or not (_UNIT_FIRST.match(_nfkc(title).replace(" ", "")) or _YEAR_FIRST.match(_nfkc(title).replace(" ", ""))):
        joined = "".join(_nfkc(x).replace(" ", "") for x in lines[:4])
        m = re.search(r"(20\d{2}年度?.{2,40}?" + _ANNUAL + r"|.{2,40}?20\d{2}年度?" + _ANNUAL + ")", joined)
        if m and len(m.group(1)) <= 60 and not re.search(r"[。，；]", m.group(1)):
            title = m.group(1)
        lines = [*lines, "".join(_nfkc(x).replace(" ", "") for x in lines[:40])]
    t = _nfkc(title).replace(" ", "")
    m = _UNIT_FIRST.match(t)
    if m and not re.fullmatch(r"\d+", m.group(1)):
        return _clean_unit(m.group(1)), int(m.group(2)), "title"
    m = _YEAR_FIRST.match(t)
    if m:
        return _clean_unit(m.group(2)), int(m.group(1)), "title"
    unit = year = None
    for line in lines[:12]:
        text = _nfkc(line).replace(" ", "")
        m = _LEAD_IN.search(text)
        if m:
            unit = _clean_unit(m.group(1) or m.group(3) or "")
            year = int(m.group(2))
            break
    if year is None:
        for line in lines[:40]:
            text = _nfkc(line).replace(" ", "")
            m = _SPAN.search(text) or _BODY_YEAR.search(text)
            if m:
                year = int(m.group(1))
                break
    if year is None:  # “2023年，我局……”: the year the first paragraph of 总体情况 opens with
        for line in lines[:12]:
            m = re.match(r"^(20\d{2})\s{0,2}年\s{0,2}(?:度)?\s{0,2}[,，]", _nfkc(line))
            if m:
                year = int(m.group(1))
                break
    if unit is None:
        for line in lines:
            m = _CONTACT.search(_nfkc(line).replace(" ", ""))
            if m:
                unit = m.group(1)
                break
    return unit, year, ("lead-in" if year is not None else "")




def labelled_date(cells_of_lines: list[list[str]]) -> date | None:
    """The date the page labels as its publication (发布日期: 2022-01-25, in a cell or a line)."""
    for label in _DATE_LABELS:
        for cells in cells_of_lines:
            for i, cell in enumerate(cells):
                text = _nfkc(cell).replace(" ", "")
                k = text.find(label)
                if k < 0 or (label in ("日期", "时间") and k > 0 and text[k - 1] in "成生截止至"):
                    continue
                found = _parse_date(text[k + len(label):k + len(label) + 24])
                if found is None and i + 1 < len(cells) and text.endswith((label, label + ":", label + "：")):
                    found = _parse_date(_nfkc(cells[i + 1]))
                if found is not None:
                    return found
    return None


def meta_date(meta: dict) -> date | None:
    for key in _META_DATE_KEYS:
        found = _parse_date(meta.get(key) or "")
        if found is not None:
            return found
    return None


_PUBLISH_NODE = re.compile(r"(publish|pub|release|fb)[_-]?(time|date|sj|rq)", re.I)


def node_date(tree) -> date | None:
    """The date in an element the template names for it (<span id="p_publishtime">2012-01-05</span>)."""
    for node in tree.css("[id], [class]"):
        names = f"{node.attributes.get('id') or ''} {node.attributes.get('class') or ''}"
        if _PUBLISH_NODE.search(names):
            found = _parse_date(_nfkc(node.text(separator=" ")))
            if found is not None:
                return found
    return None
