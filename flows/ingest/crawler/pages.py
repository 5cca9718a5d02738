"""Turning response bytes into text, and recognising pages that are not what they claim.

Encodings (docs/domain.md §5, pitfalls: pages declared GBK/GB2312 only in ``<meta>``): the
HTTP header charset first, then ``<meta charset>`` / ``http-equiv``, then detection (UTF-8, then
GB18030). GBK and GB2312 are decoded as GB18030, their superset. A header saying ISO-8859-1 (a
common server default) does not win over a meta declaration or over bytes that decode as CJK.

WAF challenge pages and soft 404s answer 200: ``classify_page`` reports them as ``blocked`` /
``missing`` so they are never parsed as empty columns or empty articles.
"""

from __future__ import annotations

import codecs
import re

GB_ALIASES = {"gbk", "gb2312", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "gb18030",
              "x-euc-cn", "csgb2312", "hz-gb-2312"}
LATIN1_FAMILY = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252",
                 "us-ascii", "ascii", "iso_8859-1"}

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)


def normalize_charset(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in GB_ALIASES:
        return "gb18030"
    if name in ("utf8", "utf-8", "unicode-1-1-utf-8"):
        return "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return normalize_charset(m.group(1)) if m else None


def meta_charset(body: bytes) -> str | None:
    """The charset a page declares in ``<meta charset>`` or ``<meta http-equiv content=…charset=>``."""
    m = _META_CHARSET.search(body[:8192])
    return normalize_charset(m.group(1).decode("ascii", "ignore")) if m else None


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding used). Never raises; undecodable bytes become U+FFFD as a last resort."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace"), "utf-8"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", "replace"), "utf-16"
    header = header_charset(content_type)
    meta = meta_charset(body)
    order: list[str] = []
    non_ascii = any(b > 0x7F for b in body[:65536]) if body else False
    if header and not (header in LATIN1_FAMILY and (meta or non_ascii)):
        order.append(header)
    if meta:
        order.append(meta)
    order += ["utf-8", "gb18030"]
    if header:
        order.append(header)
    for enc in dict.fromkeys(order):
        try:
            return body.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    enc = meta or header or "utf-8"
    return body.decode(enc, "replace"), enc


# --- WAF challenges ------------------------------------------------------------------------------
WAF_MARKERS = (
    "__jsl_clearance", "jsl_clearance_s", "acw_sc__v2", "acw_tc", "wzws_cid", "wzwschallenge",
    "wzws-ray", "yunsuo_session_verify", "security_verify_", "_waf_", "waf_verify", "cf-chl-",
    "challenge-platform", "cf-browser-verification", "checking your browser", "__tst_status",
    "安全验证", "访问验证", "人机验证", "滑动验证", "请开启javascript", "请启用javascript",
    "疑似黑客攻击", "可能对网站造成安全威胁", "您的访问被拦截", "访问被拒绝", "网站防火墙",
)
WAF_STATUSES = {412, 521}  # 412: 瑞数 (Ruishu) signatures; 521: 加速乐 (JSL) cookie challenge
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.I | re.S)
_SOFT404_TITLE = re.compile(
    r"(?<!\d)404(?!\d)|页面不存在|网页不存在|页面未找到|页面找不到|找不到(?:您|你)?(?:要|所)?(?:访问|请求|查看)?的?(?:页面|网页|文件|内容|资源)"
    r"|not\s+found|文章不存在|信息不存在|已被删除|已删除或不存在",
    re.I,
)
_SOFT404_BODY = re.compile(r"页面不存在|网页不存在|页面未找到|找不到|(?<!\d)404(?!\d)|not\s+found|文章不存在|信息不存在",
                           re.I)


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", _TAGS.sub(" ", html)).strip()


def page_title(html: str) -> str:
    m = _TITLE.search(html)
    return visible_text(m.group(1)) if m else ""


def waf_reason(status: int, html: str) -> str | None:
    """Why this response looks like a WAF challenge, or None."""
    low = html[:200_000].lower()
    marker = next((m for m in WAF_MARKERS if m in low), None)
    small = len(html) < 20_000
    if status in WAF_STATUSES:
        return f"HTTP {status}" + (f"（{marker}）" if marker else "")
    if status in (401, 403) or (status == 429 and marker):  # a plain 429 is rate limiting, retried
        return f"HTTP {status}" + (f"（{marker}）" if marker else "")
    if status >= 500 and marker and small:  # e.g. a 503 "checking your browser" page
        return f"HTTP {status}（{marker}）"
    if status == 200 and small:
        if marker:
            return f"质询页（{marker}）"
        text = visible_text(html)
        if ("document.cookie" in low and ("location.reload" in low or "location.href" in low
                                          or "location.replace" in low or "window.location" in low)
                and len(text) < 300):
            return "质询页（设置 cookie 后重新载入）"
    return None


def soft404_reason(html: str) -> str | None:
    """Why a 200 page looks like a "not found" page, or None."""
    title = page_title(html)
    if title and len(title) <= 40 and _SOFT404_TITLE.search(title):
        return f"软404（标题：{title}）"
    text = visible_text(html)
    if len(text) < 400:
        m = _SOFT404_BODY.search(text)
        if m:
            return f"软404（正文：{m.group(0)}）"
    return None


def classify_page(status: int, html: str) -> tuple[str, str | None]:
    """``("ok" | "blocked" | "missing", reason)`` for a decoded response."""
    waf = waf_reason(status, html)
    if waf:
        return "blocked", waf
    if status in (404, 410):
        return "missing", f"HTTP {status}"
    if status == 200:
        soft = soft404_reason(html)
        if soft:
            return "missing", soft
    return "ok", None
