"""What a link of the 政务公开 page leads to (docs/crawler.md, "Discovery"): a **column** (a list of
dated items, possibly paged — or the list template holding an empty list), a **single page** (指南,
机构职能, 领导信息…), a **form** (依申请公开 申请表), a **search** page. Judged from the page itself when it
could be fetched, else from the link's words; the office may move a link in ``<slug>_portal.toml``.
"""

from __future__ import annotations

import re

from .lists import parse_list_items
from .markup import parse_html

_SEARCH = re.compile(r"搜索|检索|search|query", re.I)
_FORM = re.compile(r"申请表|在线申请|网上申请|申请书|意见箱|信箱|留言")
_EMPTY_LIST = re.compile(r"共\s{0,2}0\s{0,2}条|暂无(?:相关)?(?:信息|数据|内容|记录|文章)|没有(?:相关)?(?:信息|记录|数据)|"
                         r"记录数?\s{0,2}[:：]?\s{0,2}0\b|Total\s{0,2}record\s{0,2}[:：]?\s{0,2}0\b", re.I)
_SINGLE = re.compile(r"指南|机构职能|职能|领导信息|领导简介|机构设置|联系方式|简介|概况|介绍|须知|流程")


def kind_from_words(text: str, url: str) -> tuple[str, str] | None:
    """The class a link's words and address name, when the page itself cannot be read."""
    if _SEARCH.search(text) or _SEARCH.search(url.rsplit("/", 2)[-2] if "/" in url else url):
        return "search", f"链接“{text}”为站内搜索"
    if _FORM.search(text):
        return "form", f"链接“{text}”为申请或留言表单"
    if _SINGLE.search(text):
        return "single_page", f"链接“{text}”为介绍性单页"
    return None


def kind_of_page(html: str, url: str, config, text: str) -> tuple[str, str]:
    """(kind, reason) of a fetched page."""
    tree = parse_html(html)
    items = parse_list_items(tree, url, config)
    dated = [i for i in items if i.list_date is not None]
    container = next((c for css in config.selectors.list_container for c in [tree.css_first(css)] if c is not None),
                     None)
    if len(dated) >= 2 or (dated and len(dated) * 2 >= len(items)):
        return "column", f"列表页：{len(dated)}条带日期的条目"
    if container is not None and not container.css("a[href]"):
        return "column", "列表页：栏目的列表为空（按空白栏目核查）"
    page_text = tree.body.text(separator=" ") if tree.body is not None else ""
    if _EMPTY_LIST.search(page_text):
        return "column", "列表页：页面说明条目为零（按空白栏目核查）"
    forms = tree.css("form")
    fields = [f for form in forms for f in form.css("input, textarea, select")
              if (f.attributes.get("type") or "text").lower() not in ("hidden", "submit", "button", "image", "reset")]
    if fields and (len(fields) >= 3 or any(f.tag == "textarea" for f in fields)):
        return "form", f"表单页：{len(fields)}个填写项"
    if fields or _SEARCH.search(text):
        return "search", "搜索页：有检索框，没有条目列表"
    guess = kind_from_words(text, url)
    if guess and guess[0] != "single_page":
        return guess
    return "single_page", f"单页：没有带日期的条目列表（{len(items)}个链接）"
