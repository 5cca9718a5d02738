"""Items from the crawl store: one record per distinct URL listed in the config's columns, parsed
from the stored bodies, with its unit resolved and reposts of the same article marked.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from datetime import date, timedelta
from pathlib import Path

from .config import CrawlConfig
from .dates import parse_date
from .parse import is_article_link, parse_article
from .store import CrawlStore


# --- items from the store ------------------------------------------------------------------------
_TITLE_NORM = re.compile(r"[\s\u3000\u00a0]+")


class _UnitResolver:
    """``registry.resolve`` memoised: a name resolves the same way between two validity boundaries."""

    def __init__(self, registry):
        self.registry = registry
        bounds: set[date] = set()
        for unit in getattr(registry, "units", []) or []:
            if unit.valid_from:
                bounds.add(unit.valid_from)
            if unit.valid_to:
                bounds.add(unit.valid_to + timedelta(days=1))
        self.bounds = sorted(bounds)
        self.cache: dict[tuple, object] = {}

    def __call__(self, name: str | None, on: date | None):
        if self.registry is None or not name:
            return None
        key = (name, None if on is None else bisect.bisect_right(self.bounds, on))
        if key not in self.cache:
            unit = self.registry.resolve(name, on, on) if on else self.registry.resolve(name)
            self.cache[key] = unit or (self.registry.resolve(name) if on else None)
        return self.cache[key]


def _resolve_unit(registry, name: str | None, on: date | None):
    resolver = registry if isinstance(registry, _UnitResolver) else _UnitResolver(registry)
    return resolver(name, on)


def build_items(config: CrawlConfig, store: CrawlStore, *, registry=None, since: date | None = None,
                crawl_id: str | None = None) -> list[dict]:
    """One record per distinct URL listed in the config's columns, parsed from the stored bodies."""
    registry = registry if isinstance(registry, _UnitResolver) or registry is None else _UnitResolver(registry)
    by_url: dict[str, dict] = {}
    order: list[str] = []
    parsed_cache: dict[str, dict | None] = {}
    for col_index, col in enumerate(config.columns):
        rows = store.column_items(col.url)
        rows.sort(key=lambda r: (r["page"], r["position"]))
        for row in rows:
            url = row["url"]
            if url in by_url:
                if col.name not in by_url[url]["columns"]:
                    by_url[url]["columns"].append(col.name)
                continue
            if not config.host_allowed(url):
                continue
            item = _item(config, store, registry, since, parsed_cache, col_index, col, row)
            if item is None:
                continue
            by_url[url] = item
            order.append(url)
    items = [by_url[u] for u in order]
    col_by_name = {c.name: (i, c) for i, c in enumerate(config.columns)}
    _own_column_first(items, col_by_name, registry)
    _mark_reposts(items, col_by_name)
    for item in items:
        item.pop("_order", None)
        item.pop("_sha", None)
    return items


def _item(config: CrawlConfig, store: CrawlStore, registry, since: date | None,
          parsed_cache: dict[str, dict | None], col_index: int, col, row: dict) -> dict | None:
    """The item of one list entry of a column, or None (its article unread or unparsable, or before
    ``since``)."""
    url = row["url"]
    list_date = parse_date(row["list_date"])
    resp = store.get(url)
    record: dict | None
    if not is_article_link(url):
        record = {"url": url, "title": row["title"], "index_number": None, "topic": None,
                  "unit_raw": None, "doc_date": None, "publish_date": row["list_date"],
                  "doc_number": None, "body_date": None, "body_text": "", "format_facts": {},
                  "has_body": False, "body_sha256": None, "date_source": "list"}
        fetched_at, item_crawl = None, row["first_crawl"]
    else:
        if resp is None or resp.outcome != "ok" or not resp.sha256:
            return None
        base = _parsed_article(config, store, resp, url, parsed_cache)
        if base is None:
            return None
        record = dict(base, url=url, date_source="page")
        fetched_at, item_crawl = resp.fetched_at, resp.crawl_id
    publish = parse_date(record["publish_date"])
    if since and (publish or list_date) and (publish or list_date) < since:
        return None
    unit = _resolve_unit(registry, record["unit_raw"], publish or list_date)
    unit_source = "发布机构" if unit else None
    if unit is None and not record["unit_raw"] and col.unit:
        unit = _resolve_unit(registry, col.unit, publish or list_date) if registry else None
        unit_source = "栏目"
        unit_name = unit.unit if unit else col.unit
    else:
        unit_name = unit.unit if unit else None
    return {
        "url": url,
        "title": record["title"] or row["title"],
        "list_title": row["title"],
        "unit": unit_name,
        "unit_raw": record["unit_raw"],
        "unit_source": unit_source if unit_name else None,
        "column": col.name,
        "column_type": col.type,
        "columns": [col.name],
        "publish_date": record["publish_date"],
        "doc_date": record["doc_date"],
        "doc_number": record["doc_number"],
        "index_number": record["index_number"],
        "topic": record["topic"],
        "list_date": row["list_date"],
        "body_date": record["body_date"],
        "date_source": record["date_source"],
        "body_text": record["body_text"],
        "format_facts": record["format_facts"],
        "crawl_id": item_crawl,
        "fetched_at": fetched_at,
        "repost_of": None,
        "_order": (col_index, row["page"], row["position"]),
        "_sha": record.get("body_sha256"),
    }


def _parsed_article(config: CrawlConfig, store: CrawlStore, resp, url: str,
                    parsed_cache: dict[str, dict | None]) -> dict | None:
    """The stored article body parsed (once per distinct body), or None when it is no article page."""
    from .pages import classify_page, decode_body

    if resp.sha256 not in parsed_cache:
        body = store.get_body(resp.sha256)
        if body is None:
            parsed_cache[resp.sha256] = None
        else:
            text, _ = decode_body(body, resp.headers.get("content-type"))
            if classify_page(resp.status or 200, text)[0] != "ok":
                parsed_cache[resp.sha256] = None
            else:
                parsed_cache[resp.sha256] = parse_article(text, url, config)
    return parsed_cache[resp.sha256]


def _own_column_first(items: list[dict], col_by_name: dict, registry) -> None:
    """An item listed in several columns belongs to the column of its own unit when there is one."""
    for item in items:
        if len(item["columns"]) > 1 and item["unit"]:
            own = [n for n in item["columns"] if col_by_name[n][1].unit and item["unit"] in (
                col_by_name[n][1].unit, getattr(_resolve_unit(registry, col_by_name[n][1].unit, None), "unit", None))]
            if own and own[0] != item["column"]:
                idx, col = col_by_name[own[0]]
                item["column"], item["column_type"] = col.name, col.type
                item["columns"] = [own[0]] + [n for n in item["columns"] if n != own[0]]
                item["_order"] = (idx,) + item["_order"][1:]


def _mark_reposts(items: list[dict], col_by_name: dict) -> None:
    """Reposts: the same article (same title and body) under another URL names the original."""
    canonical: dict[tuple, str] = {}

    def own_column_first(it: dict) -> tuple:
        # the copy in the publishing unit's own column is the original; then the earliest published; then
        # list order
        col = col_by_name[it["column"]][1]
        return (0 if col.unit and it["unit_source"] and col.unit == it["unit"] else 1,
                it["publish_date"] or "9999-12-31", it["_order"], it["url"])

    for item in sorted(items, key=own_column_first):
        if not item["_sha"] or len(item["body_text"]) < 20:
            continue
        key = (_TITLE_NORM.sub("", item["title"] or ""), item["_sha"])
        if key in canonical:
            item["repost_of"] = canonical[key]
        else:
            canonical[key] = item["url"]


def parse_store(config: CrawlConfig, store_dir: str | Path, *, registry=None,
                since: date | None = None) -> list[dict]:
    """Re-parse the items from a crawl store without any request (e.g. after changing selectors)."""
    with CrawlStore(store_dir) as store:
        return build_items(config, store, registry=registry, since=since)


def item_key(item: dict) -> str:
    return hashlib.sha256(item["url"].encode()).hexdigest()
