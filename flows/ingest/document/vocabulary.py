"""What a table's header cells announce (docs/real-documents.md, "Header vocabulary").

Roles: ``unit`` (单位, 单位名称, 部门, 乡镇, 县市区…), ``count`` (条数, 信息数, 数量, 发布数, 报送, 采用,
采纳, 录用…), ``rate`` (采用率, 完成率…), ``score`` (得分, 分值, 积分…), ``quota`` (最低标准, 任务数),
``rank`` (排名, 名次), ``serial`` (序号), ``note`` (备注, 达标情况). A header row is a row whose every non-blank
cell has a role, with at least one numeric role.
"""

from __future__ import annotations

import re
import unicodedata

NUMERIC_ROLES = ("count", "rate", "score", "quota")
TOTAL_WORDS = ("合计", "总计", "共计", "总数", "合计数", "全县合计", "全市合计", "全区合计", "总和")
SUBTOTAL_WORDS = ("小计",)


def nfkc(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "")


def compact(text: str | None) -> str:
    return re.sub(r"[\s\u3000]+", "", nfkc(text))


_PERIOD_WORDS = re.compile(
    r"\d{4}年度?|[上下]半年度?|全年|本年度?|本月|本季度|第[一二三四1-4]季度|\d{1,2}[-~至]\d{1,2}月份?|\d{1,2}月份?|(截至|截止)[^()]{0,12}")
_RANK = re.compile(r"^(排名|名次|排序|位次|排位)")
_SERIAL = re.compile(r"^(序号|编号|序|no\.?|#)$", re.I)
_RATE = re.compile(r"(率|占比|比例|百分比)(\(%\)|%)?$")
_SCORE = re.compile(r"(得分|分值|积分|分数|总分|考核分|评分|得分情况|分)(\(分\))?$")
_QUOTA = re.compile(r"(最低标准|任务数|任务量|目标数|标准数|应发布数|应报送数|任务)(\(条\))?$")
_COUNT = re.compile(
    r"(条数|信息数|数量|发布数|更新数|公开数|报送数?|上报数?|采用数?|采纳数?|录用数?|篇数|总数|信息量|"
    r"发布量|更新量|报送量|采用量|条|篇|件数|件|发布|更新|公开|小计|合计)(\((条|篇|件|个)\))?$"
)
_UNIT = re.compile(
    r"^(单位|单位名称|部门|部门名称|乡镇|乡镇名称|乡镇\(街道\)|乡镇街道|镇街|镇\(街道\)|县区|县市区|县\(市、?区\)|"
    r"县\(市区\)|县市|区县|地区|名称|责任单位|报送单位|发布单位|公开单位|考核单位|被考核单位|县直单位|县直部门|"
    r"市直单位|市直部门|区直单位|区直部门|县级部门|市级部门|街道|部门单位)$"
)
_MET = re.compile(r"^(是否)?达标(情况)?(\(最低\d+条\))?$")
_NOTE = re.compile(r"^(备注|说明|类别|分类|类型|栏目|存在问题|主要问题)$")


def role_of(cell: str) -> str | None:
    """The role of one header cell, or None when it is no header word (data, a title, prose)."""
    text = _PERIOD_WORDS.sub("", compact(cell).lower().replace("（", "(").replace("）", ")"))
    if _MET.match(text):  # 达标情况（最低30条）: whether the unit reached the minimum, in words (达标 / 未达标)
        return "note"
    if not text or len(text) > 16 or re.search(r"\d|[:：]", text.replace("(%)", "")):
        return None  # a number, or a note such as 单位:条, is no header word
    if _RANK.search(text):
        return "rank"
    if _SERIAL.match(text):
        return "serial"
    if _UNIT.match(text):
        return "unit"
    if _RATE.search(text):
        return "rate"
    if _QUOTA.search(text):
        return "quota"
    if _SCORE.search(text):
        return "score"
    if _COUNT.search(text):
        return "count"
    if _NOTE.match(text):
        return "note"
    return None


def header_roles(cells: list[str]) -> list[str | None] | None:
    """The roles of a header row's cells (None for a blank cell), or None when the row is no header.

    Every non-blank cell must have a role; at least one numeric role; a unit column, or a blank cell
    standing where a unit column would (a count header over an empty unit header)."""
    nonblank = [c for c in cells if compact(c)]
    if len(nonblank) < 2 and not (len(nonblank) == 1 and len(cells) >= 2):
        return None
    roles = [role_of(c) if compact(c) else None for c in cells]
    if any(r is None for c, r in zip(cells, roles) if compact(c)):
        return None
    if not any(r in NUMERIC_ROLES for r in roles):
        return None
    if "unit" not in roles and None not in roles:
        return None
    return roles


def is_total_label(cell: str) -> bool:
    text = compact(cell)
    return text in TOTAL_WORDS or bool(re.fullmatch(r"(全[县区市旗]|总)?(合计|总计|共计)", text))


def is_subtotal_label(cell: str) -> bool:
    return compact(cell) in SUBTOTAL_WORDS


_FULLWIDTH = str.maketrans("０１２３４５６７８９．％－", "0123456789.%-")
_BLANK = {"", "/", "-", "—", "－", "——", "--", "\\", "无", "空"}
_NUM = re.compile(r"[+-]?\d{1,400}(?:\.\d{1,12})?")


def read_number(raw: str) -> tuple[str, float | None, int | None]:
    """A cell as a number: (kind, value, decimals) with kind ``number`` | ``percent`` | ``blank`` | ``text``.

    ``12`` ``１２`` ``12条`` ``1,267`` → number; ``33.3%`` → percent (value 33.3, 1 decimal); ``/`` ``—`` → blank."""
    text = compact(raw).translate(_FULLWIDTH)
    if text in _BLANK:
        return "blank", None, None
    text = re.sub(r"(条|篇|件|个|分|次|项)$", "", text)
    text = re.sub(r"^([+-]?\d[\d,.]*%?)\s{0,2}[（(][^()（）]{1,20}[)）]$", r"\1", text)  # 12（含转载3） → 12
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    percent = text.endswith("%")
    text = text.removesuffix("%")
    if not _NUM.fullmatch(text):
        return "text", None, None
    decimals = len(text.split(".")[1]) if "." in text else 0
    return ("percent" if percent else "number"), float(text), decimals


def printed_as(exact: float, printed: float, decimals: int) -> bool:
    """Whether a printed rate is the exact value at its printed precision: rounded half up, or cut
    (offices do both); 55.172 is 55.17, never 55.18; 0.446 is 0.4, never 0.5."""
    from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

    q = Decimal(1).scaleb(-decimals)
    value = Decimal(repr(exact))
    candidates = {value.quantize(q, rounding=ROUND_HALF_UP), value.quantize(q, rounding=ROUND_DOWN)}
    return Decimal(repr(printed)).quantize(q) in candidates
