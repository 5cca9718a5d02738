"""Reporting periods: half-years (default), years, quarters and months.

One parser serves the CLI (``2021H1``, ``2021``, ``2021Q2``, ``2021-03``), the bulletin ingest
(``2021年上半年``, ``2021年第二季度``, ``2021年3月份``, ``2021年度``) and the transforms (which store
the period code plus its first and last day).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

KINDS = ("year", "half", "quarter", "month")

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
              "十": 10, "十一": 11, "十二": 12}


OFFICE_TZ = ZoneInfo("Asia/Shanghai")


def office_today() -> date:
    """Today where the office is (Asia/Shanghai): the day periods, deadlines and cut-offs are counted on, whatever
    the machine's clock zone (a server on UTC is still on yesterday until 08:00 Beijing time)."""
    return datetime.now(OFFICE_TZ).date()


class PeriodError(ValueError):
    """A text that names no period we know."""


@dataclass(frozen=True, order=True)
class Period:
    kind: str  # year | half | quarter | month
    year: int
    n: int = 1  # half 1-2, quarter 1-4, month 1-12; 1 for a year

    def __post_init__(self) -> None:
        limit = {"year": 1, "half": 2, "quarter": 4, "month": 12}.get(self.kind)
        if limit is None:
            raise PeriodError(f"unknown period kind {self.kind!r}; expected one of {KINDS}")
        if not 1 <= self.n <= limit:
            raise PeriodError(f"{self.kind} number must be 1..{limit}, got {self.n}")
        if not 1900 <= self.year <= 2999:
            raise PeriodError(f"year out of range: {self.year}")

    # --- codes and labels -------------------------------------------------------------------
    @property
    def code(self) -> str:
        return {
            "year": f"{self.year}",
            "half": f"{self.year}H{self.n}",
            "quarter": f"{self.year}Q{self.n}",
            "month": f"{self.year}-{self.n:02d}",
        }[self.kind]

    @property
    def label(self) -> str:
        """How an office writes the period: 2021年上半年, 2021年第二季度, 2021年3月, 2021年."""
        if self.kind == "year":
            return f"{self.year}年"
        if self.kind == "half":
            return f"{self.year}年{'上' if self.n == 1 else '下'}半年"
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[self.n - 1]}季度"
        return f"{self.year}年{self.n}月"

    @property
    def short_label(self) -> str:
        """The period without its year, as the bulletin's text uses it: 上半年, 第二季度, 3月, 全年."""
        return self.label.removeprefix(f"{self.year}年") or "全年"

    # --- dates -------------------------------------------------------------------------------
    @property
    def months(self) -> tuple[int, int]:
        first, span = {"year": (1, 12), "half": (6 * (self.n - 1) + 1, 6),
                       "quarter": (3 * (self.n - 1) + 1, 3), "month": (self.n, 1)}[self.kind]
        return first, first + span - 1

    @property
    def start(self) -> date:
        return date(self.year, self.months[0], 1)

    @property
    def end(self) -> date:
        last = self.months[1]
        return date(self.year, last, calendar.monthrange(self.year, last)[1])

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    # --- neighbours --------------------------------------------------------------------------
    def previous(self) -> Period:
        per_year = {"year": 1, "half": 2, "quarter": 4, "month": 12}[self.kind]
        if self.n > 1:
            return Period(self.kind, self.year, self.n - 1)
        return Period(self.kind, self.year - 1, per_year)

    def next(self) -> Period:
        per_year = {"year": 1, "half": 2, "quarter": 4, "month": 12}[self.kind]
        if self.n < per_year:
            return Period(self.kind, self.year, self.n + 1)
        return Period(self.kind, self.year + 1, 1)

    def same_last_year(self) -> Period:
        return Period(self.kind, self.year - 1, self.n)

    def __str__(self) -> str:
        return self.code


_CODE_PATTERNS = [
    (re.compile(r"^(\d{4})$"), lambda m: Period("year", int(m[1]))),
    (re.compile(r"^(\d{4})[-_ ]?H([12])$", re.I), lambda m: Period("half", int(m[1]), int(m[2]))),
    (re.compile(r"^(\d{4})[-_ ]?Q([1-4])$", re.I), lambda m: Period("quarter", int(m[1]), int(m[2]))),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), lambda m: Period("month", int(m[1]), int(m[2]))),
]

_CN_NUM = r"(?:[1-9]|1[0-2]|十[一二]?|[一二三四五六七八九])"
# Chinese period phrases, searched for anywhere in a text (a title, a table heading).
_ZH_PATTERNS = [
    (re.compile(r"(\d{4})\s*年\s*(?:度\s*)?(上|下)\s*半\s*年"),
     lambda m: Period("half", int(m[1]), 1 if m[2] == "上" else 2)),
    (re.compile(rf"(\d{{4}})\s*年\s*(?:度\s*)?第?\s*({_CN_NUM})\s*季\s*度"),
     lambda m: Period("quarter", int(m[1]), _cn_int(m[2]))),
    (re.compile(rf"(\d{{4}})\s*年\s*({_CN_NUM})\s*月(?:份)?"),
     lambda m: Period("month", int(m[1]), _cn_int(m[2]))),
    (re.compile(r"(\d{4})\s*(?:年\s*度|年\s*全\s*年|全\s*年|年)"), lambda m: Period("year", int(m[1]))),
]


ACCEPTED = ("可用写法：2021H1、2021H2、2021、2021Q2、2021-03，"
            "或 2021年上半年、2021年第二季度、2021年3月份、2021年度")


def _cn_int(text: str) -> int:
    return int(text) if text.isdigit() else _CN_DIGITS[text]


def parse_period(text: str | Period) -> Period:
    """Parse a period code (2021H1, 2021, 2021Q2, 2021-03) or Chinese phrase (2021年上半年 …).

    Raises PeriodError with the accepted forms when nothing matches.
    """
    if isinstance(text, Period):
        return text
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    try:
        for pattern, build in _CODE_PATTERNS:
            m = pattern.match(raw)
            if m:
                return build(m)
        found = find_period(raw)
    except PeriodError as exc:
        raise PeriodError(f"不是可识别的期间：{text!r}（{exc}）。{ACCEPTED}") from None
    if found is not None:
        return found
    raise PeriodError(f"不是可识别的期间：{text!r}。{ACCEPTED}")


def find_period(text: str) -> Period | None:
    """The first period phrase in a free text, or None. Finer phrases win over the bare year."""
    raw = unicodedata.normalize("NFKC", text)
    best: tuple[int, int, Period] | None = None
    for rank, (pattern, build) in enumerate(_ZH_PATTERNS):
        m = pattern.search(raw)
        if m:
            candidate = (m.start(), rank, build(m))
            if best is None or candidate[:2] < best[:2]:
                best = candidate
    return best[2] if best else None


def parse_period_range(text: str) -> list[Period]:
    """``2019H1..2021H2`` → every period from the first to the last, inclusive, same kind."""
    if ".." not in text:
        return [parse_period(text)]
    first_text, last_text = text.split("..", 1)
    first, last = parse_period(first_text), parse_period(last_text)
    if first.kind != last.kind:
        raise PeriodError(f"期间范围两端的类型不同：{first.code} 与 {last.code}")
    if last < first:
        raise PeriodError(f"期间范围的终点早于起点：{text}")
    out = [first]
    while out[-1] != last:
        out.append(out[-1].next())
    return out
