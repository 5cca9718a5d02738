"""The main list of a page whose template no selector names: the largest group of rows that repeat
the same markup path and each hold one title link and a date (docs/crawler.md, "Reading a list
without selectors"). Rows may be ``<li>``, table rows, ``<dd>``/``<p>``/``<div>`` blocks; a sidebar or
a "related items" box is a smaller group and loses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from ..dates import parse_date
from .entry import ListItem
from .markup import DATE_IN_TEXT, _clean_url

_ROW_TAGS = "li, tr, dd, dt, p, div, td, h3, h4, article, section"
_ELLIPSIS = re.compile(r"(?:…|\.{2,}|。{2,})\s*$")
_WS = re.compile(r"\s+")


@dataclass
class ListGroup:
    items: list[ListItem]
    path: str          # the rows' markup path, for `zwgk inspect`
    rows: int


def _signature(node) -> str:
    parts = []
    cur = node
    depth = 0
    while cur is not None and cur.tag not in ("body", "html", "-undef") and depth < 12:
        cls = (cur.attributes.get("class") or "").strip().split()
        ident = cur.attributes.get("id") or ""
        ident = "" if re.search(r"\d", ident) else ident  # ids numbered per row are not a container
        parts.append(cur.tag + (f"#{ident}" if ident else "") + ("." + ".".join(sorted(cls)) if cls else ""))
        cur = cur.parent
        depth += 1
    return " < ".join(parts)


def link_title(link) -> str:
    """The title as the list shows it, or its title attribute when the shown text is cut."""
    text = _WS.sub(" ", link.text(deep=True, strip=True)).strip()
    attr = _WS.sub(" ", (link.attributes.get("title") or "")).strip()
    if attr and (not text or _ELLIPSIS.search(text) or
                 (len(attr) > len(text) and attr.startswith(text[:4]))):
        return attr
    return text


def _row_item(node, page_url: str) -> ListItem | None:
    links = [a for a in node.css("a[href]") if _clean_url(page_url, a.attributes.get("href") or "")]
    if not links or len(links) > 3:
        return None
    link = max(links, key=lambda a: len(link_title(a)))
    title = link_title(link)
    if not title:
        return None
    text = node.text(deep=True, separator=" ")
    rest = text.replace(link.text(deep=True, separator=" "), " ")
    found = [m.group(0) for m in DATE_IN_TEXT.finditer(rest)]
    dates = [d for d in (parse_date(f) for f in found) if d is not None]
    if not dates:
        return None
    url = _clean_url(page_url, link.attributes.get("href") or "")
    return ListItem(url=url, title=title, list_date=dates[-1])


def list_groups(tree: LexborHTMLParser, page_url: str) -> list[ListGroup]:
    """Every group of dated rows on the page, largest first."""
    body = tree.body
    if body is None:
        return []
    rows: list[tuple[object, ListItem]] = []
    for node in body.css(_ROW_TAGS):
        item = _row_item(node, page_url)
        if item is not None:
            rows.append((node, item))
    # keep the innermost rows: a row that holds another dated row is its container
    inner = []
    holders = set()
    for node, _ in rows:
        cur = node.parent
        while cur is not None and cur.tag not in ("body", "html"):
            holders.add(cur.mem_id)
            cur = cur.parent
    for node, item in rows:
        if node.mem_id not in holders:
            inner.append((node, item))
    groups: dict[str, list[ListItem]] = {}
    for node, item in inner:
        groups.setdefault(_signature(node), []).append(item)
    out = []
    for path, items in groups.items():
        seen: set[str] = set()
        unique = [i for i in items if not (i.url in seen or seen.add(i.url))]
        out.append(ListGroup(items=unique, path=path, rows=len(items)))
    out.sort(key=lambda g: (len(g.items), sum(len(i.title) for i in g.items)), reverse=True)
    return out


def main_list(tree: LexborHTMLParser, page_url: str) -> ListGroup | None:
    groups = list_groups(tree, page_url)
    return groups[0] if groups else None
