"""Hanweb JCMS list pages: the ``<datastore>`` of CDATA records and the dataproxy POSTs for the
records after the head page.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urljoin, urlsplit

from ..config.model import CrawlConfig
from .markup import _CDATA, parse_html
from .lists import ListItem, ListPage, _dedupe, _item_from_node


# --- Hanweb datastore ----------------------------------------------------------------------------
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*[:=]\s*['\"]?(\d+)", re.I)
_PERPAGE = re.compile(r"perPage\s*[:=]\s*['\"]?(\d+)", re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)


def parse_datastore(text: str, page_url: str, config: CrawlConfig) -> ListPage:
    """Items in a Hanweb ``<datastore>`` (head page or dataproxy answer) and its paging parameters."""
    records = _RECORD.findall(text)
    if not records and "<recordset" not in text.lower():
        records = _CDATA.findall(text)
    items: list[ListItem] = []
    for rec in records:
        frag = parse_html(rec)
        node = frag.css_first(config.selectors.list_item) or frag.css_first("a")
        if node is None:
            continue
        item = _item_from_node(node, page_url, config)
        if item:
            items.append(item)
    page = ListPage(items=_dedupe(items))
    total = _TOTAL.search(text)
    perpage = _PERPAGE.search(text)
    params: dict[str, str] = {}
    proxy = urljoin(page_url, config.paging.hanweb_proxy)
    ng = _NEXTGROUP.search(text)
    if ng:
        a = parse_html(ng.group(1)).css_first("a")
        href = a.attributes.get("href") if a is not None else None
        if href:
            full = urljoin(page_url, unescape(href))
            proxy = full.split("?")[0]
            params = dict(parse_qsl(urlsplit(full).query, keep_blank_values=True))
            params.pop("page", None)
    if "columnid" not in params:
        m = re.search(r"/col/col(\d+)/", page_url)
        if m:
            params["columnid"] = m.group(1)
    page.hanweb = {
        "proxy": proxy, "params": params,
        "total": int(next(g for g in total.groups() if g)) if total else None,
        "perpage": int(perpage.group(1)) if perpage else config.paging.hanweb_perpage,
    }
    return page


def hanweb_requests(head: ListPage, config: CrawlConfig) -> list[tuple[str, dict, dict]]:
    """(proxy url, query, form data) for the records after those on the head page."""
    info = head.hanweb or {}
    if not info.get("proxy"):
        return []
    total = info.get("total")
    if total is None:  # no record count on the page: ask batch after batch until one comes back empty
        total = len(head.items) + config.paging.max_pages * max(1, config.paging.hanweb_batch)
    out = []
    start = len(head.items) + 1
    batch = max(1, config.paging.hanweb_batch)
    while start <= total and len(out) < config.paging.max_pages:
        end = min(total, start + batch - 1)
        query = {"startrecord": str(start), "endrecord": str(end), "perpage": str(info.get("perpage") or 20)}
        out.append((info["proxy"], query, dict(info.get("params") or {})))
        start = end + 1
    return out
