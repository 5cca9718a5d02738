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

from flows.registry import normalize_name

MANY = ("较多", "最多", "名列前茅", "靠前", "成效明显", "表现较好", "较好")
FEW = ("较少", "偏少", "最少", "靠后", "较差", "不及时", "未更新", "滞后")
# a list of names separated by 、 and closed by 等 (等单位 / 等部门 / 等乡镇 / 等)
_LIST = re.compile(r"([\u4e00-\u9fa5A-Za-z0-9（）()]+(?:、[\u4e00-\u9fa5A-Za-z0-9（）()]+)+)等(单位|部门|乡镇)?")
_LEAD = re.compile(r"^.*?(?:单位有|部门有|乡镇有|单位是|部门是|乡镇是|包括|其中|分别是)")
_UNIT_LEAD = re.compile(r"(?:单位|部门|乡镇)(?:有|是|包括|分别是)")


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
            match = _LIST.search(sentence)
            polarity = own or previous
            # only lists of units: "…等单位/等部门/等乡镇", or "单位有…" before the list
            about_units = bool(match) and (match.group(2) or _UNIT_LEAD.search(match.group(1).split("、")[0]))
            if match and polarity and about_units:
                names = match.group(1).split("、")
                names[0] = _LEAD.sub("", names[0]) or names[0]
                for name in names:
                    name = normalize_name(name)
                    if name:
                        claims.append(Claim(len(claims) + 1, polarity, name, sentence, where))
            previous = own or previous
    return claims
