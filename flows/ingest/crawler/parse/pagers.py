"""Pagers and ``parse_list``, which reads one list page whole: TRS ``createPageHTML`` and script
page-count variables, "1/37页" counts, "下一页" links, Hanweb datastores; a pager that cannot be read
is reported, not guessed.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from ..config.model import CrawlConfig
from .markup import parse_html
from .api_lists import ApiSpec, api_calls, has_script_template, parse_json_feed
from .lists import ListPage, _next_link, parse_list_items, shows_empty_list
from .totals import stated_totals
from .hanweb import parse_datastore


_TRS_CALL = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.S)
# Page counts TRS templates keep in script variables: ``var countPage = 3//共多少页``, ``maxPageNum``…
# (docs/domain.md §5)
_JS_NUMBER = re.compile(r"\b([A-Za-z_$][\w$]*)\s*[=:]\s*[\"']?(\d+)[\"']?\s*(?=[;,}\n/]|$)", re.M)
_COUNT_VARS = ("countPage", "maxPageNum", "pageCount", "totalPage", "totalPages", "page_count", "pageTotal",
               "countpage", "maxpage")
_PAGES_TEXT = re.compile(r"共\s*(\d+)\s*页")
_JS_PAGER = re.compile(r"createPageHTML|\b(?:countPage|maxPageNum)\b")


def _js_numbers(html: str) -> dict[str, int]:
    """Script variables assigned a number (``var countPage = 3``, ``maxPageNum: 5``); the last wins."""
    found: dict[str, int] = {}
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, re.S | re.I):
        for m in _JS_NUMBER.finditer(script):
            found[m.group(1)] = int(m.group(2))
    return found


def parse_trs_paging(html: str) -> tuple[int, int, str, str] | None:
    """(page count, current page 0-based, prefix, ext) from ``createPageHTML(…)`` in any variant:
    numbers in the call, or variables assigned before it (``var countPage = 3`` then
    ``createPageHTML(countPage, currentPage, "index", "html")``)."""
    variables = None
    for m in _TRS_CALL.finditer(html):
        args = [a.strip().strip("'\"").strip() for a in m.group(1).split(",")]
        if any(re.fullmatch(r"[A-Za-z_$][\w$]*", a) for a in args):
            variables = _js_numbers(html) if variables is None else variables
            args = [str(variables[a]) if a in variables else a for a in args]
        nums = [i for i, a in enumerate(args) if re.fullmatch(r"\d+", a)]
        if len(nums) < 2:
            continue
        count, current = int(args[nums[0]]), int(args[nums[1]])
        strings = [a for a in args[nums[1] + 1:] if a and not re.fullmatch(r"\d+", a)
                   and re.fullmatch(r"[\w.-]+", a)]
        prefix = strings[0] if strings else "index"
        ext = strings[1] if len(strings) > 1 else "html"
        return count, current, prefix, ext
    return None


def page_count_hint(html: str, text: str) -> tuple[int, str] | None:
    """A page count from a pager that is not a readable createPageHTML call: a script variable
    (countPage, maxPageNum …) or a 共N页 text. (count, where it was read)."""
    variables = _js_numbers(html)
    for name in _COUNT_VARS:
        if name in variables and variables[name] >= 1:
            return variables[name], name
    m = _PAGES_TEXT.search(text)
    if m and int(m.group(1)) >= 1:
        return int(m.group(1)), "共N页"
    return None


def pager_problem(html: str, tree: LexborHTMLParser, next_texts: list[str]) -> str | None:
    """Why a list page's pager cannot be read, when it shows one: a script pager whose page count is
    not a number on the page, or 下一页 links that only run script."""
    if _JS_PAGER.search(html):
        return "分页脚本中的总页数无法读取（createPageHTML/countPage/maxPageNum）"
    for a in tree.css("a"):
        if any(t in a.text(deep=True, strip=True) for t in next_texts):
            href = (a.attributes.get("href") or "").strip().lower()
            onclick = a.attributes.get("onclick")
            if href.startswith("javascript:") and href not in ("javascript:;", "javascript:void(0)",
                                                                "javascript:void(0);") or onclick:
                return "“下一页”链接由脚本跳转，无法读取"
    return None


_EMPTY_WORDS = re.compile(r"共\s{0,2}0\s{0,2}条|暂无(?:相关)?(?:信息|数据|内容|记录|文章)|没有(?:相关)?(?:信息|记录|数据)|"
                          r"记录数?\s{0,2}[:：]?\s{0,2}0\b|Total\s{0,2}record\s{0,2}[:：]?\s{0,2}0\b", re.I)


def _page_facts(page: ListPage, html: str, tree: LexborHTMLParser, page_url: str, config: CrawlConfig) -> None:
    """What a column's head page says about the whole list: its stated total, the data APIs its
    scripts call, whether it shows an empty list (docs/crawler.md, "Every list read, or said unread")."""
    stated = stated_totals(html, tree)
    page.stated_items, page.stated_source = stated.total_items, stated.source
    page.api_urls = api_calls(html, page_url)
    page.script_list = bool(has_script_template(html))
    if config.paging.kind == "api" and config.paging.api.get("id_regex"):
        m = re.search(config.paging.api["id_regex"], html)
        page.api_id = m.group(1) if m and m.groups() else ""
    if not page.items:
        text = tree.body.text(separator=" ") if tree.body is not None else ""
        # a page stating items it does not show is not empty, whatever its empty container says
        page.empty_shown = stated.total_items == 0 or (not stated.total_items and (
            bool(_EMPTY_WORDS.search(text)) or shows_empty_list(tree, config)))


def _page_base(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/"


def parse_list(html: str, page_url: str, config: CrawlConfig, *, head: bool = True) -> ListPage:
    """Items and paging facts of one list page (a column's head page when ``head``)."""
    paging = config.paging
    if paging.kind == "api" and not head:  # a page of the column's JSON list API
        spec = ApiSpec(**paging.api)
        items, total = parse_json_feed(html, page_url, spec)
        return ListPage(items=items, stated_items=total, stated_source="接口 " + (spec.total_path or "total"))
    if paging.kind == "hanweb" or "<datastore" in html[:200_000].lower():
        page = parse_datastore(html, page_url, config)
        if page.items or paging.kind == "hanweb":
            if head and page.hanweb:
                page.stated_items = page.hanweb.get("total")
                page.stated_source = "totalrecord" if page.stated_items is not None else ""
                page.empty_shown = not page.items and page.stated_items == 0
            return page
    tree = parse_html(html)
    page = ListPage(items=parse_list_items(tree, page_url, config))
    if head:
        _page_facts(page, html, tree, page_url, config)
    page.next_url = _next_link(tree, page_url, paging.next_text)
    info = parse_trs_paging(html) if paging.kind == "trs" else None
    if paging.kind in ("trs", "next") and head and not info and not (paging.kind == "next" and page.next_url):
        hint = page_count_hint(html, tree.body.text(deep=True) if tree.body else "")
        if hint and hint[0] > 1:
            page.page_count = hint[0]
            base = _page_base(page_url)
            page.page_urls = [base + paging.page_url_template.format(n=n) for n in range(1, hint[0])]
        elif not hint and not page.next_url:
            page.pager_problem = pager_problem(html, tree, paging.next_text)
    if paging.kind == "trs":
        if info:
            count, current, prefix, ext = info
            page.page_count, page.current = count, current
            base = _page_base(page_url)
            # never more URLs than the crawl may read (a hostile "createPageHTML(999999999, …)")
            page.page_urls = [f"{base}{prefix}_{n}.{ext}" for n in range(1, min(count, paging.max_pages + 1))]
    elif paging.kind == "yueyang":
        text = tree.body.text(deep=True) if tree.body else html
        m = None
        for m in re.finditer(paging.page_count_regex, text):
            pass  # the last "1/37页" on the page is the pager
        if m:
            nums = [int(g) for g in m.groups() if g and g.isdigit()]
            if len(nums) >= 2:
                page.current, page.page_count = nums[0], nums[1]
            elif nums:
                page.page_count = nums[0]
        if page.page_count:
            base = _page_base(page_url)
            page.page_urls = [base + paging.page_url_template.format(n=n)
                              for n in range(1, min(page.page_count, paging.max_pages + 1))]
    return page
