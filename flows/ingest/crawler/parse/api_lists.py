"""Lists whose rows a script draws from an API (docs/crawler.md, "Lists read through an API").

``api_calls`` finds the addresses a page's scripts ask for data (jQuery ``$.ajax``/``$.get``/
``$.post``/``$.getJSON``, ``fetch``, ``axios``, ``XMLHttpRequest.open``, a ``url:`` option, TRS
``trsapi``/``/search`` endpoints, the Hanweb ``dataproxy.jsp``). When the preset knows how to read
such an API (Hanweb's dataproxy; a JSON feed described in the config's ``[paging.api]``), the crawl
reads it; otherwise the column is incomplete with the API named (``list_from_api``), never blank.

``parse_json_feed`` reads one page of a JSON feed described by ``ApiSpec``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from ..dates import parse_date
from .entry import ListItem
from .markup import _clean_url

_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.S | re.I)
_CALLS = [
    re.compile(r"\$\s*\.\s*(?:ajax|get|post|getJSON)\s*\(\s*[\"']([^\"']+)[\"']"),
    re.compile(r"\bfetch\s*\(\s*[\"'`]([^\"'`]+)[\"'`]"),
    re.compile(r"\baxios(?:\s*\.\s*(?:get|post))?\s*\(\s*[\"'`]([^\"'`]+)[\"'`]"),
    re.compile(r"\.open\s*\(\s*[\"'](?:GET|POST)[\"']\s*,\s*[\"']([^\"']+)[\"']", re.I),
    re.compile(r"\burl\s*:\s*[\"'`]([^\"'`]+)[\"'`]"),
    re.compile(r"[\"']((?:https?://[^\"'\s]+)?/[^\"'\s]*(?:trsapi|dataproxy\.jsp|/api/|/search/|"
               r"/interface/|\.do\b|\.action\b)[^\"'\s]*)[\"']"),
]
# a list drawn in the browser from a template: Handlebars / Mustache / art-template / underscore
_LOOP = re.compile(r"\{\{#(?:each|list)\b|\{\{\s*each\b|<%\s*for\b|\{%\s*for\b", re.I)
_ROW = re.compile(r"<(?:li|tr|a)\b", re.I)


def has_script_template(html: str) -> bool:
    """A script holding a row template inside a loop ({{#each data}}<li><a href='{{url}}'>…)."""
    return any(_LOOP.search(body) and _ROW.search(body) for body in _SCRIPT.findall(html))


_NOT_DATA = re.compile(r"\.(?:js|css|png|jpe?g|gif|svg|ico|html?|shtml|woff2?)(?:\?|$)|hm\.baidu|cnzz|"
                       r"google|jiathis|bdimg|counter|tongji|statistics|visit|stat\.|analytics", re.I)
_DATA_WORDS = re.compile(r"list|search|query|api|data|page|info|article|doc|chnl|channel|column|xxgk|"
                         r"dataproxy|trsapi|\.do\b|\.action\b|\.ashx|\.aspx|\.php|\.json", re.I)


def api_calls(html: str, page_url: str) -> list[str]:
    """The data addresses the page's inline scripts call, in order, resolved against the page."""
    out: list[str] = []
    for script in _SCRIPT.findall(html):
        for pattern in _CALLS:
            for m in pattern.finditer(script):
                raw = m.group(1).strip()
                if not raw or raw.startswith(("#", "javascript:")) or _NOT_DATA.search(raw):
                    continue
                if not _DATA_WORDS.search(raw):
                    continue
                url = urljoin(page_url, raw)
                if url not in out:
                    out.append(url)
    return out


@dataclass
class ApiSpec:
    """A JSON list API (``[paging.api]`` in a crawl config): how to ask for page n and where the
    items and the total are in the answer. Keys are dotted paths (``data.list``)."""
    url: str = ""                       # may hold {page} / {start} / {size}
    method: str = "GET"
    form: dict[str, str] = field(default_factory=dict)   # POST fields; values may hold {page}/{start}/{size}
    page_size: int = 20
    first_page: int = 1
    items_path: str = "data"
    total_path: str = "total"
    title_key: str = "title"
    url_key: str = "url"
    date_key: str = "date"
    id_regex: str = ""                  # a pattern whose first group, found in the column's head page, is {id}


def _dig(obj, path: str):
    for part in [p for p in path.split(".") if p]:
        if isinstance(obj, dict):
            obj = obj.get(part)
        elif isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return None
    return obj


def api_request(spec: ApiSpec, base_url: str, n: int, ident: str = "") -> tuple[str, str, dict | None]:
    """(url, method, form) for the API's page ``n`` (0-based count of pages asked so far); ``ident``
    fills ``{id}`` (the column's id read from its head page with ``id_regex``)."""
    page = spec.first_page + n
    values = {"page": page, "start": n * spec.page_size, "size": spec.page_size, "id": ident}
    url = urljoin(base_url, spec.url.format(**values))
    form = {k: str(v).format(**values) for k, v in spec.form.items()} if spec.method.upper() == "POST" else None
    return url, spec.method.upper(), form


def parse_json_feed(text: str, page_url: str, spec: ApiSpec) -> tuple[list[ListItem], int | None]:
    """The items of one API answer and the total it states; ``ValueError`` when it is not the JSON
    the spec describes."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"接口返回的不是 JSON（{exc.msg}，第{exc.lineno}行）") from None
    rows = _dig(data, spec.items_path)
    if not isinstance(rows, list):
        raise ValueError(f"接口返回中没有条目列表（paging.api.items_path = {spec.items_path!r}）")
    items: list[ListItem] = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        title = str(_dig(row, spec.title_key) or "").strip()
        url = _clean_url(page_url, str(_dig(row, spec.url_key) or ""))
        if not title or not url:
            continue
        items.append(ListItem(url=url, title=re.sub(r"\s+", " ", title),
                              list_date=parse_date(str(_dig(row, spec.date_key) or ""))))
    total = _dig(data, spec.total_path) if spec.total_path else None
    try:
        total = int(total) if total is not None else None
    except (TypeError, ValueError):
        total = None
    return items, total
