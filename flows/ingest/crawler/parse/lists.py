"""A list page's entries: ListItem and ListPage, the items read with the config's selectors (or
every dated <li> link), and the "下一页" link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from selectolax.lexbor import LexborHTMLParser

from ..config.model import CrawlConfig
from ..dates import iso, parse_date
from .entry import ListItem
from .markup import DATE_IN_TEXT, _clean_url


# --- list pages --------------------------------------------------------------------------------
@dataclass
class ListPage:
    items: list[ListItem] = field(default_factory=list)
    page_count: int | None = None     # pages in the column, when the page says so
    current: int | None = None
    next_url: str | None = None
    page_urls: list[str] = field(default_factory=list)  # further pages' URLs, when predictable
    hanweb: dict | None = None        # {"proxy": url, "params": {...}, "total": n, "perpage": n}
    pager_problem: str | None = None  # a pager the crawler cannot read: the column is incomplete
    stated_items: int | None = None   # the item count the pager states (共N条, 总数N, recordCount)
    stated_source: str = ""
    api_urls: list[str] = field(default_factory=list)  # data APIs the page's scripts call
    empty_shown: bool = False         # the page shows or states an empty list
    script_list: bool = False         # the page draws a list from a script template ({{#each}})
    api_id: str = ""                  # {id} of the column's JSON API, read from the head (paging.api.id_regex)


def _item_from_node(node, page_url: str, config: CrawlConfig) -> ListItem | None:
    sel = config.selectors
    link = node if node.tag == "a" else node.css_first(sel.list_link)
    if link is None:
        return None
    url = _clean_url(page_url, link.attributes.get("href") or "")
    if not url:
        return None
    title = (link.attributes.get(sel.list_title_attr) or "").strip() or link.text(deep=True, strip=True)
    title = re.sub(r"\s+", " ", title).strip()
    list_date = None
    date_node = node.css_first(sel.list_date) if node.tag != "a" and sel.list_date else None
    if date_node is not None:
        list_date = parse_date(date_node.text(deep=True, strip=True))
    if list_date is None:
        text = node.text(deep=True, strip=True)
        m = DATE_IN_TEXT.search(text.replace(title, "")) if title else DATE_IN_TEXT.search(text)
        if m:
            list_date = parse_date(m.group(0))
    if not title:
        return None
    return ListItem(url=url, title=title, list_date=list_date)


def parse_list_items(tree: LexborHTMLParser, page_url: str, config: CrawlConfig) -> list[ListItem]:
    sel = config.selectors
    container = None
    for css in sel.list_container:
        container = tree.css_first(css)
        if container is not None:
            break
    items: list[ListItem] = []
    if container is not None:
        nodes = container.css(sel.list_item)
        for node in nodes:
            item = _item_from_node(node, page_url, config)
            if item:
                items.append(item)
        return _dedupe(items)
    # No known container: the page's main list, the largest group of dated rows of one markup
    # (generic_list; navigation and sidebars are smaller groups or carry no dates).
    from .generic_list import main_list

    group = main_list(tree, page_url)
    return list(group.items) if group is not None else []


def shows_empty_list(tree: LexborHTMLParser, config: CrawlConfig) -> bool:
    """The page shows a real empty list: a list container of the config holding no link."""
    for css in config.selectors.list_container:
        node = tree.css_first(css)
        if node is not None:
            return node.css_first("a[href]") is None
    return False


def _dedupe(items: list[ListItem]) -> list[ListItem]:
    seen: set[str] = set()
    out = []
    for it in items:
        if it.url not in seen:
            seen.add(it.url)
            out.append(it)
    return out


def _next_link(tree: LexborHTMLParser, page_url: str, texts: list[str]) -> str | None:
    for a in tree.css("a"):
        label = a.text(deep=True, strip=True)
        if any(t in label for t in texts):
            url = _clean_url(page_url, a.attributes.get("href") or "")
            if url and url != page_url:
                return url
    return None
