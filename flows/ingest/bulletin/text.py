"""Text as a bulletin prints it: normalised (NFKC, spaces), counts, header-cell roles, title and
attachment-marker lines, and decoding a plain-text file.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from flows.ingest.bulletin_model import BulletinParseError
from flows.domain.periods import find_period


_NAME_PREFIXES = ("单位", "部门", "乡镇", "县直", "区直", "市直", "镇", "乡", "街道")
_NAME_ENDINGS = ("单位", "部门", "乡镇", "街道", "名")

_TITLE_END = re.compile(r"(统计表?|情况表?|一览表?|汇总表?|排名表?|排行榜?)$")
_MARKER = re.compile(r"^附\s*[件表]\s*[0-9一二三四五六七八九十]*\s*[:：.、]?\s*")
_LIST_NO = re.compile(r"^[0-9]+\s*[、.．]\s*")


# --- small text helpers, shared with the unit-report parser ------------------------------------
def nfkc(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "")


def compact(text: str | None) -> str:
    """NFKC without any whitespace: how header and total cells are compared."""
    return re.sub(r"\s+", "", nfkc(text))


def collapse_spaces(text: str) -> str:
    """Runs of whitespace → one space, none next to a CJK character (通  报 → 通报)."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", text)


def parse_count(raw: str | None) -> int | None:
    """An integer as an office prints it: ``179``, ``１７９``, ``179条``, ``1,267``, ``-3``; else None."""
    text = compact(raw).replace("−", "-").removeprefix("第")
    text = re.sub(r"(条|个|名|项|篇|件)$", "", text)
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", text):
        text = text.replace(",", "")
    # at most 18 digits: any count fits the warehouse's 64-bit columns (implausible ones are then reported)
    return int(text) if re.fullmatch(r"[+-]?\d{1,18}", text) else None


def column_role(cell: str) -> str | None:
    """What a header cell announces: name | count | rank | serial, or None."""
    text = compact(cell).lower()
    if not text:
        return None
    if re.search(r"排名|名次|排序|rank", text):
        return "rank"
    if re.search(r"序号|编号", text) or text in {"no", "no.", "#"}:
        return "serial"
    if "名称" in text:
        return "name"
    if re.search(r"条数|数量|信息量|信息数|更新|公开|发布|总数|条|count|数$|数\(", text):
        return "count"
    if (text.startswith(_NAME_PREFIXES) or text.endswith(_NAME_ENDINGS)) and len(text) <= 8:
        return "name"
    return None


def _is_marker(text: str) -> bool:
    """An attachment marker on its own: 附件1：, 附件：, 附表2."""
    text = nfkc(text).strip()
    m = _MARKER.match(text)
    return bool(m) and m.end() == len(text)


def _clean_title(text: str) -> str:
    text = _MARKER.sub("", nfkc(text).strip())
    return collapse_spaces(_LIST_NO.sub("", text))


def _is_prose(text: str) -> bool:
    return "。" in text or len(text) > 40


def _is_title_like(text: str) -> bool:
    text = _clean_title(text)
    if not text or _is_prose(text) or parse_count(text) is not None:
        return False
    return find_period(text) is not None or bool(_TITLE_END.search(text))


# --- reading files -----------------------------------------------------------------------------------
_CONTROL_CHARS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_text(data: bytes, path: str | Path, where: str = "编码") -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; BulletinParseError otherwise."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        if data.startswith(codecs.BOM_UTF8):
            return data.decode("utf-8-sig")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        raise BulletinParseError(path, where, "无法解码：应为 UTF-8（可带 BOM）或 GB18030/GBK 编码的纯文本")
    # Other C0 control characters (no printed bulletin has them) would make Word/Excel output invalid XML.
    return _CONTROL_CHARS.sub("", text)
