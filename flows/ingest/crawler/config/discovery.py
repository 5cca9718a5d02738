"""Discovering a portal's disclosure columns from its start page (``zwgk crawl discover``).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from .model import Column, ConfigError, CrawlConfig
from .presets import PRESETS, infer_column_type
from .loading import make_config


# --- discovery -------------------------------------------------------------------------------------
_LIST_URL = {
    "yueyang": re.compile(r"/index(?:_\d+)?\.html?$|/$"),
    "trs": re.compile(r"/index(?:_\d+)?\.s?html?$|/$"),
    "hanweb": re.compile(r"/col/col\d+/index\.html?$"),
}
_SECTION_TITLE = ("h1", "h2", "h3", "h4", "h5", "h6", "dt", "legend", "caption")
_TITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:tit|title|name|hd|head|bt)(?:$|[\s_-])", re.I)

_NAV_WORDS = {"首页", "网站首页", "返回首页", "上一页", "下一页", "尾页", "末页", "网站地图", "无障碍", "返回", "关闭"}
_MORE_WORDS = {"更多", "更多>>", "更多>", ">>", "more", "MORE", "更多+", "+更多"}


def _section_title(node) -> str | None:
    """The heading of the innermost section holding ``node`` (a preceding h1-h6/dt/.title sibling)."""
    cur = node
    for _ in range(8):
        parent = cur.parent
        if parent is None or parent.tag in ("body", "html"):
            return None
        sib = cur.prev
        while sib is not None:
            if sib.is_element_node:
                cls = sib.attributes.get("class") or ""
                if sib.tag in _SECTION_TITLE or _TITLE_CLASS.search(cls):
                    text = sib.text(deep=True, strip=True)
                    if text:
                        return re.sub(r"\s+", "", text)
            sib = sib.prev
        cur = parent
    return None


def discover_config(preset: str, start_url: str, registry=None, rate: float | None = None, *,
                    name: str | None = None, allowed_hosts: list[str] | None = None, contact: str = "",
                    county: str | None = None, follow_units: bool = True, max_unit_pages: int = 100,
                    fetcher=None) -> CrawlConfig:
    """Discover the disclosure columns from the portal's 政务公开 index page.

    Links that look like list pages of the preset become columns, named after their link text and
    typed by keywords (``infer_column_type``); the enclosing section's heading, resolved through the
    registry when one is given, becomes the column's unit. With a registry, a link whose text is a
    unit's name is followed once (the unit's own catalogue page) and its column links are taken with
    that unit. Robots.txt, the rate limit and the allowed hosts apply as in a crawl.
    """
    from ..fetch import Fetcher
    from ..parse import parse_html

    if preset not in PRESETS:
        raise ConfigError(f"--preset 应为 {' | '.join(PRESETS)} 之一，实为 {preset!r}")
    parts = urlsplit(start_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"--start 应为 http(s):// 网址，实为 {start_url!r}")
    base_url = f"{parts.scheme}://{parts.netloc}"
    config = make_config(preset, base_url, name=name, allowed_hosts=allowed_hosts or [parts.netloc],
                         county=county if county is not None else (getattr(registry, "county", "") or ""),
                         contact=contact, start_url=start_url, rate=rate)
    own = fetcher is None
    fetcher = fetcher or Fetcher(config.politeness, config.allowed_hosts, user_agent=config.user_agent)
    list_re = _LIST_URL[preset]

    def resolve(text: str | None):
        if not text or registry is None:
            return None
        return registry.resolve(text)

    columns: dict[str, Column] = {}
    start_dir = (urlsplit(start_url).path or "/").rsplit("/", 1)[0] + "/"
    try:
        res = fetcher.fetch(start_url, kind="discover")
        if res.outcome != "ok":
            raise ConfigError(f"{start_url}: 无法读取政务公开首页（{res.outcome}：{res.reason}）")
        unit_pages: list[tuple[str, str]] = []

        def collect(html: str, page_url: str, forced_unit=None) -> None:
            tree = parse_html(html)
            for a in tree.css("a[href]"):
                href = (a.attributes.get("href") or "").strip()
                if not href or href.startswith(("javascript:", "#", "mailto:")):
                    continue
                url = urljoin(page_url, href).split("#")[0]
                if not config.host_allowed(url) or url == page_url:
                    continue
                text = re.sub(r"\s+", "", a.attributes.get("title") or a.text(deep=True, strip=True))
                if not text:
                    continue
                link_unit = resolve(text) if forced_unit is None else None
                if link_unit is not None and follow_units:
                    unit_pages.append((url, link_unit.unit))
                    continue
                path = urlsplit(url).path or "/"
                if not list_re.search(path) or text in _NAV_WORDS:
                    continue
                if start_dir.startswith(path.rsplit("/", 1)[0] + "/"):
                    continue  # the site's home or the start page's own folder: navigation, not a column
                section = _section_title(a)
                if text in _MORE_WORDS:
                    if not section:
                        continue
                    text = section
                unit = forced_unit or resolve(section)
                unit_name = unit if isinstance(unit, str) else (unit.unit if unit else None)
                if url in columns:
                    continue
                label = f"{section}/{text}" if section and section != text else text
                if forced_unit and not (section and resolve(section)):
                    label = f"{forced_unit}/{text}"
                columns[url] = Column(name=label, url=url, type=infer_column_type(text), unit=unit_name,
                                      section=section if not forced_unit else forced_unit)

        collect(res.text or "", res.final_url)
        seen_pages = {start_url}
        for url, unit_name in unit_pages[:max_unit_pages]:
            if url in seen_pages:
                continue
            seen_pages.add(url)
            sub = fetcher.fetch(url, kind="discover")
            if sub.outcome == "ok":
                collect(sub.text or "", sub.final_url, forced_unit=unit_name)
        for col in columns.values():
            col.kind, col.reason = classify_link(fetcher, config, col)
    finally:
        if own:
            fetcher.close()
    config.columns = [c for c in columns.values() if c.kind == "column"]
    config.links = [c for c in columns.values() if c.kind != "column"]
    return config


def classify_link(fetcher, config: CrawlConfig, col: Column) -> tuple[str, str]:
    """A candidate column fetched once and judged by its page (flows/ingest/crawler/parse/link_kinds.py);
    a page robots.txt forbids or that cannot be read is judged by its words, else kept a column (the
    crawl then says what went wrong)."""
    from ..parse.link_kinds import kind_from_words, kind_of_page

    text = col.name.rsplit("/", 1)[-1]
    res = fetcher.fetch(col.url, kind="discover")
    if res.outcome == "ok":
        return kind_of_page(res.text or "", res.final_url, config, text)
    guess = kind_from_words(text, col.url)
    if guess is not None:
        kind, reason = guess
        return kind, f"{reason}（页面未读：{res.outcome}）"
    return "column", f"页面未读（{res.outcome}）：按栏目采集"
