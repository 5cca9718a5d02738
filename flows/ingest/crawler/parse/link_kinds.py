"""What a link of the 政务公开 page leads to (docs/crawler.md, "Discovery"): a **column** (a list of
dated items, possibly paged — or the list template holding an empty list), a **single page** (指南,
机构职能, 领导信息…), a **form** (依申请公开 申请表), a **search** page. Judged from the page itself when it
could be fetched, else from the link's words; the office may move a link in ``<slug>_portal.toml``.
"""

from __future__ import annotations

import re


_SEARCH = re.compile(r"搜索|检索|search|query", re.I)
_FORM = re.compile(r"申请表|在线申请|网上申请|申请书|意见箱|信箱|留言")
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


# what ``inspect_page`` calls a page → what discovery does with the link
_LINK_KIND = {"column_list": "column", "hanweb_datastore": "column", "js_list": "column", "search": "search",
              "form": "form", "single_page": "single_page", "article": "single_page", "other": "single_page"}


def kind_of_page(html: str, url: str, config, text: str) -> tuple[str, str]:
    """(kind, reason) of a fetched page, as ``zwgk inspect`` sees it (parse/page_view.py); a page with no
    list whose link names a search or a form is that."""
    from .page_view import inspect_page

    view = inspect_page(html, url, config)
    kind = _LINK_KIND.get(view.kind, "single_page")
    if kind == "single_page":
        guess = kind_from_words(text, url)
        if guess and guess[0] != "single_page":
            return guess
    return kind, view.reason
