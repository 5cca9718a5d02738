"""Dates as portals print them: ``2021年07月03日``, ``2021-07-03``, ``2021/7/3``, ``2021.7.3``, with or
without a time, and epoch seconds / milliseconds (read in Asia/Shanghai). See docs/domain.md §5
("dates come as 2021年07月03日, 2021-07-03, 2021/7/3 or epoch ms")."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

# China has kept UTC+8 without daylight saving since 1991: a fixed offset is Asia/Shanghai for every
# date a portal can carry, and needs no tz database on the machine.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

_YMD = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})(?!\d)\s*日?"
)
_EPOCH = re.compile(r"^\s*(\d{10}|\d{13})(?:\.\d+)?\s*$")
_CN_NUM = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_CN_YMD = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")


def _cn_small(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_NUM[text[1]]
    if text.endswith("十"):
        return _CN_NUM[text[0]] * 10
    if "十" in text:
        a, b = text.split("十")
        return _CN_NUM[a] * 10 + _CN_NUM[b]
    return _CN_NUM[text]


def parse_date(value: object) -> date | None:
    """The calendar date in ``value`` (str, int epoch, date, datetime) or None when there is none."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    m = _EPOCH.match(text)
    if m:
        return _from_epoch(float(m.group(1)))
    m = _YMD.search(text)
    if m:
        return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _CN_YMD.search(str(value))
    if m:
        try:
            year = int("".join(str(_CN_NUM[c]) for c in m.group(1)))
            return _mk(year, _cn_small(m.group(2)), _cn_small(m.group(3)))
        except (KeyError, ValueError):
            return None
    return None


def find_dates(text: str) -> list[date]:
    """Every date written in ``text`` (numeric or Chinese numerals), in order."""
    out: list[tuple[int, date]] = []
    norm = unicodedata.normalize("NFKC", text)
    for m in _YMD.finditer(norm):
        d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            out.append((m.start(), d))
    for m in _CN_YMD.finditer(text):
        d = parse_date(m.group(0))
        if d:
            out.append((m.start(), d))
    return [d for _, d in sorted(out, key=lambda t: t[0])]


def _from_epoch(seconds: float) -> date | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, SHANGHAI).date()
    except (OverflowError, OSError, ValueError):
        return None


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
