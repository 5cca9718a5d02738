"""Claims in a draft's text: the sentences that name units publishing many or few items.

The seed says "县自然资源局、生态环境局、公安局、人社局、禹山镇……等单位主动公开政府信息数量较多"
and, after a sentence about units that publish little, "表现突出的单位有小集成洪泛区、医保局……等"
(docs/domain.md §1: the top 4 of each table, and the bottom 5 departments and bottom 2 townships).
Each such sentence becomes one claim per named unit; the SQL model ``claim_checks`` then checks
that the units named as "many" are the top k of their table (k = how many the sentence names from
that table) and those named as "few" the bottom k.

Polarity comes from the sentence's own words; a sentence with none (表现突出的单位有…) takes the
polarity of the sentence before it in the same paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.domain.registry import normalize_name

MANY = ("较多", "最多", "名列前茅", "靠前", "成效明显", "表现较好", "较好")
FEW = ("较少", "偏少", "最少", "靠后", "较差", "不及时", "未更新", "滞后")
_LEAD = re.compile(r"^.*?(?:单位有|部门有|乡镇有|单位是|部门是|乡镇是|包括|其中|分别是)")
_UNIT_LEAD = re.compile(r"(?:单位|部门|乡镇)(?:有|是|包括|分别是)")


# a list of names separated by 、 and closed by 等 (等单位 / 等部门 / 等乡镇 / 等). Found by a scan, not by one
# backtracking pattern: that pattern took seconds on one long sentence (quadratic); the scan is linear.
_NAME_CHARS = "\u4e00-\u9fa5A-Za-z0-9（）()"
_RUN = re.compile(f"[{_NAME_CHARS}、]+")
_DOUBLE_SEP = re.compile("、{2,}")
_KIND_AFTER = ("单位", "部门", "乡镇")


def find_list(sentence: str) -> tuple[str, str | None] | None:
    """The first list of names "甲、乙、丙等(单位)" in a sentence: (the names joined by 、, the word after
    等 or None). The answer of the regex ``([X]+(?:、[X]+)+)等(单位|部门|乡镇)?`` (X: the name
    characters) searched leftmost with greedy names, found in one pass."""
    if "等" not in sentence or "、" not in sentence:
        return None
    for run in _RUN.finditer(sentence):
        text, piece_start = run.group(), 0
        if "等" not in text or "、" not in text:
            continue
        for sep in [*_DOUBLE_SEP.finditer(text), None]:  # a list cannot run across 、、
            end = sep.start() if sep else len(text)
            piece = text[piece_start:end]
            lead = len(piece) - len(piece.lstrip("、"))
            names = piece[lead:].split("、")
            for k in range(len(names) - 1, 0, -1):  # the last 等 that is not a name's first character
                j = names[k].rfind("等")
                if j >= 1:
                    head = "、".join([*names[:k], names[k][:j]])
                    after = run.start() + piece_start + lead + len(head) + 1
                    return head, next((w for w in _KIND_AFTER if sentence.startswith(w, after)), None)
            piece_start = sep.end() if sep else end
    return None


@dataclass
class Claim:
    claim_no: int
    polarity: str  # many | few
    name_raw: str
    sentence: str
    where: str


def _polarity(sentence: str) -> str | None:
    many = any(w in sentence for w in MANY)
    few = any(w in sentence for w in FEW)
    if many and not few:
        return "many"
    if few and not many:
        return "few"
    return None


def find_claims(paragraphs: list[tuple[str, str]]) -> list[Claim]:
    """(text, where) paragraphs → the claims they make about units with many or few items."""
    claims: list[Claim] = []
    for text, where in paragraphs:
        previous: str | None = None
        for sentence in re.split(r"(?<=[。；！？])", text):
            sentence = sentence.strip()
            if not sentence:
                continue
            own = _polarity(sentence)
            match = find_list(sentence)
            polarity = own or previous
            # only lists of units: "…等单位/等部门/等乡镇", or "单位有…" before the list
            about_units = bool(match) and (match[1] or _UNIT_LEAD.search(match[0].split("、")[0]))
            if match and polarity and about_units:
                names = match[0].split("、")
                names[0] = _LEAD.sub("", names[0]) or names[0]
                for name in names:
                    name = normalize_name(name)
                    if name:
                        claims.append(Claim(len(claims) + 1, polarity, name, sentence, where))
            previous = own or previous
    return claims
