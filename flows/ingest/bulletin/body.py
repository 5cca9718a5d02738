"""What the bulletin's body text claims: the overall count it states (共…N条) and the county it
is about.
"""

from __future__ import annotations

import re

from flows.ingest.bulletin.text import _clean_title, nfkc


# --- the bulletin's text ---------------------------------------------------------------------------
# Linear by construction (a 1 MB sentence parses in well under a second): the keyword is found first,
# then the first "N条" after it; the number's quantifiers are bounded and it never starts inside a run
# of digits, so no position is tried more than a bounded number of times.
_STATED_KEYWORD = re.compile(r"共|总计|合计|累计|总量|总数")
_LOOSE_KEYWORD = re.compile(r"公开|发布|更新")
_NUMBER_ITEMS = re.compile(r"(?<!\d)(?<!\d,)(\d[\d,]{0,22})\s{0,8}条")
_CLAUSE_STOP = re.compile(r"[。；;，,]")
_SENTENCE_STOP = re.compile(r"[。；;]")
_SCOPE = re.compile(r"全[县区市]|各单位")
_SECTION = re.compile(r"^[一二三四五六七八九十]+\s*[、.．]")


def _stated_number(text: str, loose: bool) -> re.Match | None:
    """The "N条" a total keyword announces: after 共/总计/… in the same sentence or, loose, after
    公开/发布/更新 in the same clause (no comma between). Each keyword, number and stop is found once."""
    keyword, stops = (_LOOSE_KEYWORD, _CLAUSE_STOP) if loose else (_STATED_KEYWORD, _SENTENCE_STOP)
    pos, number, stop = 0, None, None
    while k := keyword.search(text, pos):
        if number is None or number.start(1) < k.end():
            number = _NUMBER_ITEMS.search(text, k.end())
            if number is None:
                return None
        if stop is None or stop.start() < k.end():
            stop = stops.search(text, k.end())
        if stop is None or stop.start() >= number.start(1):
            return number
        pos = stop.end()
    return None


def _stated_total(paragraphs: list[tuple[str, str]]) -> tuple[int | None, str, str]:
    """The overall count stated in the body: (total, where, sentence).

    A 共…N条 sentence of the 总体情况 part wins; a sentence about one category only (县直部门…共N条)
    is no overall total; 全县…公开…N条 without 共 is the last resort.
    """
    candidates = []
    in_overall = False
    for order, (text, where) in enumerate(paragraphs):
        if _SECTION.match(text):
            in_overall = "总体情况" in text
        for sentence in re.split(r"(?<=[。！？!?；;])", text):
            plain = nfkc(sentence)
            scoped = bool(_SCOPE.search(plain))
            if not scoped and re.search(r"乡镇|部门|县直", plain):
                continue
            for loose in (0, 1):
                m = _stated_number(plain, loose=bool(loose))
                if m and (scoped or not loose):
                    key = (not in_overall, loose, not scoped, order)
                    value = int(m[1].replace(",", ""))
                    if value < 10**18:  # fits the warehouse's 64-bit column; larger is no count at all
                        candidates.append((key, value, where, sentence.strip()))
                    break
    if not candidates:
        return None, "", ""
    _, total, where, sentence = min(candidates, key=lambda c: c[0])
    return total, where, sentence


_COUNTY_AT_START = re.compile(r"^([\u4e00-\u9fff]{1,6}?[县区市旗])")
_COUNTY_AFTER_CITY = re.compile(r"^([\u4e00-\u9fff]{1,5}?[县区])(?=县直|区直|各|直属|部门|乡镇|人民政府|政府)")
# In free text only at the start of a line or clause, before words that follow a county's name.
_COUNTY_IN_TEXT = re.compile(
    r"(?:^|[|\s，。；：、（(])([\u4e00-\u9fff]{1,5}?[县区旗])(?=人民政府|县直|区直|各乡镇|各部门|政务公开)"
)
_NOT_COUNTY = set("全各本我该此省年月日于")


def _county_from_title(title: str) -> str | None:
    text = _clean_title(title)
    m = _COUNTY_AT_START.match(text)
    if not m or m[1][0] in _NOT_COUNTY:
        return None
    name = m[1]
    if name.endswith("市"):
        inner = _COUNTY_AFTER_CITY.match(text[len(name):])
        name = inner[1] if inner else name
    return name


def _county_in_text(text: str) -> str | None:
    text = re.sub(r"\d{4}\s{0,8}年度?|[上下]半年|第.季度|(?<!\d)\d{1,2}月份?|关于", "|", nfkc(text))
    for m in _COUNTY_IN_TEXT.finditer(text):
        if not _NOT_COUNTY & set(m[1]):
            return m[1]
    return None


def _county(table_titles: list[str], texts: list[str]) -> str | None:
    for title in table_titles:
        if name := _county_from_title(title):
            return name
    for text in [*table_titles, *texts]:
        if name := _county_in_text(text):
            return name
    return None
