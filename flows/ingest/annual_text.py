"""Numbers an annual report's text states, each with the sentence it came from.

Patterns (docs/annual-reports.md, "What the text states"): 收到/新收…申请N件, 予以公开N件,
部分公开N件, 不予公开N件, 无法提供N件, 行政复议N件, 行政诉讼N件, and a share "…N件，占x%".
Every quantifier is bounded and none is nested, so matching is linear in the text.
"""

from __future__ import annotations

import re

from flows.ingest.annual_model import StatedNumber

_SENTENCE = re.compile(r"[^。；;！!\n]{1,400}")
_COUNT = r"(\d{1,7})\s{0,2}(?:件|个|起|宗|份)"
PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("received", re.compile(r"(?:收到|新收|受理|接收)[^。；，,\d]{0,16}?申请[^。；，,\d]{0,6}?" + _COUNT)),
    ("granted", re.compile(r"(?<!不)予以公开[^。；，,\d]{0,4}?" + _COUNT)),
    ("partial", re.compile(r"部分公开[^。；，,\d]{0,4}?" + _COUNT)),
    ("withheld", re.compile(r"不予公开[^。；，,\d]{0,4}?" + _COUNT)),
    ("unable", re.compile(r"无法提供[^。；，,\d]{0,4}?" + _COUNT)),
    ("review", re.compile(r"行政复议[^。；，,\d]{0,6}?" + _COUNT)),
    ("litigation", re.compile(r"行政诉讼[^。；，,\d]{0,6}?" + _COUNT)),
)
SHARE = re.compile(r"(予以公开|部分公开|不予公开|无法提供)[^。；，,\d]{0,4}?(\d{1,7})\s{0,2}件[，,、]?\s{0,2}"
                   r"占[^。；，,\d%]{0,12}?(\d{1,3}(?:\.\d{1,3})?)\s{0,2}%")
SHARE_PART = {"予以公开": "granted", "部分公开": "partial", "不予公开": "withheld", "无法提供": "unable"}


def stated_numbers(text: str) -> list[StatedNumber]:
    """Every number the text states that names a table figure (text already has ASCII digits)."""
    found: list[StatedNumber] = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0).strip()
        if not sentence:
            continue
        for kind, pattern in PATTERNS:
            for hit in pattern.finditer(sentence):
                found.append(StatedNumber(kind, int(hit.group(1)), sentence))
        for hit in SHARE.finditer(sentence):
            found.append(StatedNumber("share", float(hit.group(3)), sentence, part=SHARE_PART[hit.group(1)],
                                      part_value=int(hit.group(2))))
    return found
