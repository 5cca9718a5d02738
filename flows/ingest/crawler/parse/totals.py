"""What a list page's pager says about the whole column: the number of items (共N条, 总数N, Total
record N, a script's recordCount), the number of pages (共N页, 页次 1/39, createPageHTML) and the page
shown (docs/crawler.md, "Stated totals"). The crawl compares the stated item count with what it read:
a column read short of it is incomplete, never silently smaller.

Only what the page states is returned; nothing is inferred from the number of links.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from selectolax.lexbor import LexborHTMLParser

_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.S | re.I)

# --- texts a pager prints (whitespace, &nbsp; and full-width colons already normalised) ---------
_ITEMS_TEXT = [
    re.compile(r"总数\s*[:：]?\s*(\d+)"),                                   # EmpireCMS 页次：1/39 每页20 总数774
    re.compile(r"(?:共|总共|共有|合计)\s*[:：]?\s*(\d+)\s*(?:条|篇|项|个|则)"),   # 共107条, 共有 12 篇
    re.compile(r"(?:总记录数|记录总数|总条数|信息总数|总计|记录数|总记录)\s*[:：]?\s*(\d+)"),
    re.compile(r"Total\s*(?:record|records|count)?\s*[:：]?\s*(\d+)", re.I),
    re.compile(r"(?:相关结果|找到相关结果|共找到|搜索到|检索到)\s*[:：约]?\s*(\d+)"),   # search results
]
_PAGES_TEXT = [
    re.compile(r"页次\s*[:：]?\s*(\d+)\s*/\s*(\d+)"),                      # current/pages
    re.compile(r"(?:第|当前)\s*(\d+)\s*/\s*(\d+)\s*页"),                     # 第1/5页
    re.compile(r"(?<![\d/])(\d+)\s*/\s*(\d+)\s*页"),                         # 1/37页
]
_PAGES_ONLY = re.compile(r"(?:共|总共|总页数\s*[:：]?)\s*(\d+)\s*页")
_CURRENT_ONLY = re.compile(r"(?:当前|当前为|现在是)?第\s*(\d+)\s*页(?!\s*/)")

# --- script variables ------------------------------------------------------------------------
_RECORD_VARS = ("recordCount", "recordcount", "totalRecord", "totalrecord", "totalRecords", "totalCount",
                "totalcount", "RecordCount", "total_count", "totalNum", "total_record", "allCount")
_PAGE_VARS = ("countPage", "maxPageNum", "pageCount", "totalPage", "totalPages", "page_count", "pageTotal",
              "countpage", "maxpage", "PageCount", "pagecount")
_CURRENT_VARS = ("currentPage", "curPage", "pageIndex", "currentpage", "nowPage", "curpage")
_JS_NUMBER = re.compile(r"[\"']?\b([A-Za-z_$][\w$]*)\b[\"']?\s*[=:]\s*[\"']?(\d+)[\"']?\s*(?=[;,}\n/)\s]|$)", re.M)
_TRS_CALL = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.S)
_HANWEB_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_HANWEB_PAGES = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>", re.I)
_EMPIRE_TOTAL = re.compile(r"title\s*=\s*[\"']?Total record[\"']?[^>]*>(?:\s|&nbsp;|<[^>]+>)*(\d+)", re.I)


@dataclass
class StatedTotals:
    total_items: int | None = None
    total_pages: int | None = None
    current_page: int | None = None   # 1-based
    per_page: int | None = None
    source: str = ""                  # where the numbers were read, for the office

    def as_dict(self) -> dict:
        return asdict(self)

    def __bool__(self) -> bool:
        return self.total_items is not None or self.total_pages is not None


def _script_numbers(html: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for script in _SCRIPT.findall(html):
        for m in _JS_NUMBER.finditer(script):
            found.setdefault(m.group(1), int(m.group(2)))
    return found


def _trs_call(html: str, numbers: dict[str, int]) -> tuple[int, int, int | None] | None:
    """(pages, current 1-based, record count or None) from ``createPageHTML(…)``: the classic
    ``(count, current0, "index", "html")`` and the newer ``("div", count, current1, "index", "html",
    records)``."""
    for m in _TRS_CALL.finditer(html):
        raw = [a.strip().strip("'\"").strip() for a in m.group(1).split(",")]
        if raw and not raw[0]:
            continue
        args = [str(numbers[a]) if a in numbers else a for a in raw]
        nums = [i for i, a in enumerate(args) if re.fullmatch(r"\d+", a)]
        if len(nums) < 2 or nums[1] != nums[0] + 1:
            continue
        pages, current = int(args[nums[0]]), int(args[nums[1]])
        first_is_id = nums[0] > 0  # ('page_div', 4, 1, …): the newer call counts pages from 1
        records = int(args[nums[2]]) if len(nums) > 2 and nums[2] > nums[1] + 1 else None
        return pages, (current if first_is_id and current >= 1 else current + 1), records
    return None


def _object_numbers(html: str, name: str) -> dict[str, int]:
    """Numbers inside a script object literal ``var name = {recordCount: 107, …}``."""
    m = re.search(rf"\b{name}\b\s*=\s*\{{(.*?)\}}", html, re.S)
    if not m:
        return {}
    return {k: int(v) for k, v in re.findall(r"[\"']?(\w+)[\"']?\s*:\s*[\"']?(\d+)[\"']?", m.group(1))}


_PAGER_CLASS = re.compile(r"pag(?:e|er|es|ing|ination|ebar|enav)|fenye|\bfy\b|turn_?page", re.I)
_PAGER_WORDS = ("下一页", "尾页", "末页", "上一页", "页次", "Total record", "相关结果", "共找到")


def _norm(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", " ", text).replace("：", ":")


def pager_text(tree: LexborHTMLParser) -> str:
    """The text of the page's pager: the elements whose class or id names a pager, and the smallest
    elements holding 下一页 / 尾页 / 页次; empty when the page shows no pager."""
    parts: list[str] = []
    body = tree.body
    if body is None:
        return ""
    tags = ("div", "p", "span", "td", "ul", "li", "nav", "form", "table", "font")
    for node in body.css(", ".join(tags)):
        text = node.text(deep=True, separator=" ")
        if len(text) >= 600:
            continue
        label = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        words = [w for w in _PAGER_WORDS if w in text]
        if _PAGER_CLASS.search(label) or (words and not any(
                w in c.text(deep=True, separator=" ") for c in node.iter() if c.tag in tags for w in words)):
            parts.append(text)
    if not parts:  # no pager on the page: a "共3条" in an article's text is not a total
        return ""
    return _norm(" | ".join(dict.fromkeys(parts)))


def stated_totals(html: str, tree: LexborHTMLParser | None = None) -> StatedTotals:
    """The totals a list page states (``StatedTotals``; empty when it states none)."""
    out = StatedTotals()
    sources: list[str] = []
    numbers = _script_numbers(html)
    chnl = _object_numbers(html, "pageChnlInfo")
    if chnl:
        for key in ("recordCount", "recordcount", "totalCount"):
            if key in chnl:
                out.total_items, _ = chnl[key], sources.append(f"pageChnlInfo.{key}")
                break
        out.per_page = chnl.get("pageSize") or chnl.get("pagesize")
    trs = _trs_call(html, numbers)
    if trs:
        out.total_pages, out.current_page = trs[0], trs[1]
        sources.append("createPageHTML")
        if out.total_items is None and trs[2] is not None:
            out.total_items = trs[2]
    pages = _HANWEB_PAGES.search(html)
    if out.total_pages is None and pages:
        out.total_pages = int(pages.group(1))
        sources.append("totalpage")
    m = _HANWEB_TOTAL.search(html) or _EMPIRE_TOTAL.search(html)
    if out.total_items is None and m:
        out.total_items = int(m.group(1))
        sources.append("totalrecord" if m.re is _HANWEB_TOTAL else "Total record")
    if out.total_items is None:
        name = next((n for n in _RECORD_VARS if n in numbers), None)
        if name:
            out.total_items = numbers[name]
            sources.append(name)
    if out.total_pages is None:
        name = next((n for n in _PAGE_VARS if n in numbers), None)
        if name and numbers[name] >= 1:
            out.total_pages = numbers[name]
            sources.append(name)
            cur = next((numbers[n] for n in _CURRENT_VARS if n in numbers), None)
            if cur is not None:
                out.current_page = cur + 1 if name in ("countPage", "maxPageNum") else max(cur, 1)
    _from_text(pager_text(tree if tree is not None else LexborHTMLParser(html)), out, sources)
    out.source = ", ".join(dict.fromkeys(sources))
    return out


def _from_text(text: str, out: StatedTotals, sources: list[str]) -> None:
    if out.total_items is None:
        for pattern in _ITEMS_TEXT:
            m = pattern.search(text)
            if m:
                out.total_items = int(m.group(1))
                sources.append(m.group(0).strip())
                break
    if out.total_pages is None:
        for pattern in _PAGES_TEXT:
            found = list(pattern.finditer(text))
            if found:
                m = found[-1]  # the pager is the last such text on the page
                cur, pages = int(m.group(1)), int(m.group(2))
                if 1 <= cur <= pages:
                    out.total_pages, out.current_page = pages, cur
                    sources.append(m.group(0).strip())
                    break
    if out.total_pages is None:
        m = _PAGES_ONLY.search(text)
        if m and int(m.group(1)) >= 1:
            out.total_pages = int(m.group(1))
            sources.append(m.group(0).strip())
    if out.current_page is None and out.total_pages is not None:
        m = _CURRENT_ONLY.search(text)
        if m and 1 <= int(m.group(1)) <= out.total_pages:
            out.current_page = int(m.group(1))
    if out.per_page is None:
        m = re.search(r"每页\s*[:：]?\s*(\d+)\s*(?:条|篇|项)?", text)
        if m and int(m.group(1)) > 0:
            out.per_page = int(m.group(1))
