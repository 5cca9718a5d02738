"""The period a document covers, from its title in every common form, or else from its body
(docs/real-documents.md, "Periods"): 2024年3月份, 第一季度, 1-3月, 上半年, 2023年度, 2024年1月1日至
2024年12月31日, and titles without a year (the year then comes from the body or the document's date).
"""

from __future__ import annotations

import re

from flows.domain.periods import Period, find_period
from flows.ingest.document.vocabulary import nfkc

_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
       "十一": 11, "十二": 12}
_MONTH = r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_SPAN = re.compile(rf"(?:(20\d{{2}})\s{{0,2}}年度?\s{{0,2}})?{_MONTH}\s{{0,2}}月?\s{{0,2}}(?:份)?\s{{0,2}}[-—–~～至到]\s{{0,2}}"
                   rf"(?:(20\d{{2}})\s{{0,2}}年\s{{0,2}})?{_MONTH}\s{{0,2}}月")
_DAYS = re.compile(r"(20\d{2})\s{0,2}年\s{0,2}(\d{1,2})\s{0,2}月\s{0,2}(\d{1,2})\s{0,2}日?\s{0,2}(?:起\s{0,2})?[-—–~～至到]\s{0,2}"
                   r"(20\d{2})\s{0,2}年\s{0,2}(\d{1,2})\s{0,2}月\s{0,2}(\d{1,2})\s{0,2}日")
_QUARTER = re.compile(r"第?\s{0,2}([一二三四1-4])\s{0,2}季\s{0,2}度")
_HALF = re.compile(r"([上下])\s{0,2}半\s{0,2}年")
_LONE_MONTH = re.compile(rf"(?<![\d年])(?<!\d)({_MONTH})\s{{0,2}}月份")
_GLUED_MONTH = re.compile(r"(?<!\d)(20\d{2})(1[0-2]|[1-9])月份?")   # 年 dropped by the stored copy
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s{0,2}年")
_DATE = re.compile(r"(20\d{2})\s{0,2}[年.\-/]\s{0,2}(\d{1,2})\s{0,2}[月.\-/]\s{0,2}(\d{1,2})\s{0,2}日?")


def _int(text: str) -> int:
    return int(text) if text.isdigit() else _CN[text]


def _span_code(year: int, first: int, last: int) -> str:
    named = {(1, 3): f"{year}Q1", (4, 6): f"{year}Q2", (7, 9): f"{year}Q3", (10, 12): f"{year}Q4",
             (1, 6): f"{year}H1", (7, 12): f"{year}H2", (1, 12): f"{year}"}
    if (first, last) in named:
        return named[(first, last)]
    if first == last:
        return f"{year}-{first:02d}"
    return f"{year}-{first:02d}..{year}-{last:02d}"


def period_in(text: str, year_hint: int | None = None) -> str | None:
    """The period a text names, as a code (2024-03, 2024Q1, 2024H1, 2024, 2024-01..2024-11), or None.
    A text naming a quarter, half or month without its year takes ``year_hint``."""
    raw = nfkc(text)
    m = _DAYS.search(raw)
    if m:
        y1, m1, y2, m2 = int(m[1]), int(m[2]), int(m[4]), int(m[5])
        if y1 == y2 and int(m[3]) == 1 and m2 >= m1:
            return _span_code(y1, m1, m2)
        if y2 == y1 + 1 and int(m[3]) == 1:
            return f"{y1}-{m1:02d}..{y2}-{m2:02d}"  # a span over the new year (评比年度 2015年8月至2016年6月)
    if re.search(r"(20\d{2})\s{0,2}[-—–~～至到]\s{0,2}(20\d{2})", raw) and not _SPAN.search(raw):
        return None  # “2015—2016评比年度”: two years, no period the codes can name
    m = _SPAN.search(raw)
    if m:
        year = int(m[1] or m[3] or 0) or _year_before(raw, m.start()) or year_hint
        first, last = _int(m[2]), _int(m[4])
        if year and 1 <= first <= last <= 12:
            return _span_code(year, first, last)
    m = _GLUED_MONTH.search(raw)
    if m and not re.search(r"(20\d{2})\s{0,2}年", raw[:m.end()]):
        return f"{m[1]}-{int(m[2]):02d}"
    found = find_period(raw)
    if found is not None and (found.kind != "year" or not _has_finer(raw)):
        return found.code
    year = found.year if found is not None else year_hint
    finer = _finer(raw, year)
    if finer:
        return finer
    return found.code if found is not None else None


def _has_finer(raw: str) -> bool:
    return bool(_QUARTER.search(raw) or _HALF.search(raw) or _LONE_MONTH.search(raw))


def _finer(raw: str, year: int | None) -> str | None:
    if year is None:
        return None
    m = _QUARTER.search(raw)
    if m:
        q = int(m[1]) if m[1].isdigit() else _CN[m[1]]
        return Period("quarter", year, q).code
    m = _HALF.search(raw)
    if m:
        return Period("half", year, 1 if m[1] == "上" else 2).code
    m = _LONE_MONTH.search(raw)
    if m:
        return Period("month", year, _int(m[1])).code
    return None


def _year_before(raw: str, pos: int) -> int | None:
    years = _YEAR.findall(raw[:pos])
    return int(years[-1]) if years else None


def document_date(texts: list[str]) -> tuple[int, int] | None:
    """The (year, month) of the last full date in the document (its signature date), if any."""
    for text in reversed(texts):
        dates = _DATE.findall(nfkc(text))
        if dates:
            y, mth, _d = dates[-1]
            if 1 <= int(mth) <= 12:
                return int(y), int(mth)
    return None


_ROUND = re.compile(r"(20\d{2})\s{0,2}年\s{0,2}(?:度\s{0,2})?第\s{0,2}([一二三四1-4])\s{0,2}次")
_AS_OF = re.compile(r"(截至|截止|截止到|截至到)\s{0,2}(20\d{2})\s{0,2}年[^，。；]{0,12}")
_BOTH = re.compile(r"(季度|月份?)\s{0,2}(?:及|和|暨)\s{0,2}(上半年|下半年|全年|年度|前三季度)")
_WITHIN = re.compile(r"(第?[一二三四1-4]季度)\s{0,2}(?:暨|及|和)\s{0,2}(?:[一二三四五六七八九十]{1,2}|\d{1,2})月份?")


def _without_as_of(text: str) -> str:
    """“截至2020年11月” is the date of a figure, not the period a document covers."""
    return _AS_OF.sub("", nfkc(text))


def _quarterly_round(title: str, paragraphs: list[str]) -> str | None:
    """“2020年第四次抽查” in a title, with the body speaking of 季度: the quarterly check of that quarter."""
    m = _ROUND.search(nfkc(title))
    if m and any("季度" in nfkc(p) for p in paragraphs):
        return Period("quarter", int(m[1]), _int(m[2])).code
    return None


def document_period(title: str, paragraphs: list[str]) -> tuple[str | None, str]:
    """(code, where it came from: title | body | date) — the title first, then the body's opening."""
    head = [_without_as_of(p) for p in paragraphs[:6]]
    # the year a title without one takes: the body's first, an “as of” phrase included, a signature date not
    body_year = next((int(m[1]) for p in paragraphs[:6] for m in [_YEAR.search(_DATE.sub("", nfkc(p)))] if m), None)
    code = (_quarterly_round(title, paragraphs) or _cumulative(title, body_year)
            or period_in(title, year_hint=body_year)) if title else None
    if code:
        return code, "title"
    for text in head:  # the span the figures cover, to the day (据统计：2015年8月1日至2016年6月6日)
        raw = nfkc(text)
        m = _DAYS.search(raw)
        rest = raw[:m.start()] + raw[m.end():] if m else raw
        named = find_period(rest)
        if m and int(m[1]) != int(m[4]) and not _has_finer(rest) and (named is None or named.kind == "year"):
            return period_in(m.group(0)), "body"
    head = [t if _DAYS.search(nfkc(t)) else _DATE.sub("", nfkc(t)) for t in head]  # a signature date is no period
    for text in head:
        quoted = re.findall(r"《([^》]{4,60})》", text)  # the bulletin's own title quoted in a report of it
        code = (_quarterly_round(text, paragraphs) or next((c for q in quoted if re.search(r"通报|情况", q)
                                                            for c in [_cumulative(q, None) or period_in(q)] if c), None)
                or _cumulative(text, None) or period_in(text))
        if code and _YEAR.search(nfkc(text)):
            return code, "body"
    dated = document_date(paragraphs[-8:] if paragraphs else [])
    if dated is not None:
        for text in [title, *head]:
            code = period_in(text, year_hint=dated[0]) if text else None
            if code:
                kind_month = _last_month(code)
                if kind_month and kind_month > dated[1] + (0 if kind_month <= 12 else 0) and code[:4] == str(dated[0]):
                    code = period_in(text, year_hint=dated[0] - 1)  # 12月 reported in January
                return code, "date"
    return None, ""


def _cumulative(text: str, year_hint: int | None) -> str | None:
    """Two periods named together, one containing the other: the containing one. “第二季度及上半年
    信息发布情况” → the half-year; “第三季度暨九月份…监管情况” → the quarter."""
    raw = nfkc(text)
    m = _BOTH.search(raw)
    if m:
        return period_in(raw[:m.start()] + m.group(2), year_hint=year_hint)
    m = _WITHIN.search(raw)
    if m:
        return period_in(raw[:m.start()] + m.group(1), year_hint=year_hint)
    return None


def _last_month(code: str) -> int | None:
    last = code.split("..")[-1]
    if "-" in last:
        return int(last.split("-")[1])
    if "Q" in last:
        return int(last[-1]) * 3
    if "H" in last:
        return int(last[-1]) * 6
    return None
