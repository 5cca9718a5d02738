"""The small readers every part of the annual-report parser shares: a table cell's number, a compacted
label, a date in a line. Kept apart so that the media readers (annual_media), the identity readers
(annual_identity) and the report parser (annual_report) import them without importing one another.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_NUMBER = re.compile(r"[+-]?\d{1,9}(?:\.\d{1,4})?")
_UNIT_SUFFIX = re.compile(r"(?:件|个|项|宗|起|份|条|万元|元)$")
_BLANK = {"", "/", "-", "—", "－", "——"}
_DATE = re.compile(r"(20\d{2})\s{0,2}[-/年.]\s{0,2}(\d{1,2})\s{0,2}[-/月.]\s{0,2}(\d{1,2})")


def normalise(text: str) -> str:
    return text.translate(_FULLWIDTH)


def compact(text: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or ""))


def read_cell(raw: str) -> tuple[bool, float | int | None]:
    """(is a number or blank, value): '１２' → 12, '3件' → 3, '' → None, '2.5万元' → 2.5; text → (False, None)."""
    t = compact(raw).replace(",", "")
    if t in _BLANK:
        return True, None
    t = _UNIT_SUFFIX.sub("", t)
    if not _NUMBER.fullmatch(t):
        return False, None
    return True, (float(t) if "." in t else int(t))


def is_value(raw: str) -> bool:
    return read_cell(raw)[0]


def parse_date(text: str | None) -> date | None:
    m = _DATE.search(text or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
