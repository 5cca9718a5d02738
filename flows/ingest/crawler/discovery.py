"""Discovering a portal's disclosure columns from its start page (``zwgk crawl discover``).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from .config.model import Column, ConfigError, CrawlConfig
from .config.presets import PRESETS, choose_preset, infer_column_type
from .config.loading import make_config


# --- discovery -------------------------------------------------------------------------------------
_LIST_URL = {
    "yueyang": re.compile(r"/index(?:_\d+)?\.html?$|/$"),
    "trs": re.compile(r"/index(?:_\d+)?\.s?html?$|/$"),
    "hanweb": re.compile(r"/col/col\d+/index\.html?$"),
    "trs_trt": re.compile(r"/index(?:_\d+)?\.s?html?$|/$"),
    "empirecms": re.compile(r"/index(?:_\d+)?\.html?$|/$|/list/|ListInfo"),
    "public": re.compile(r"/public/column/|/index(?:_\d+)?\.html?$|/$"),
    # anything else: list-like addresses (a folder, an index page, a list/column/col word)
    "generic": re.compile(r"/$|/index(?:_\d+)?\.\w+$|list|column|/col|/lm|channel|catalog", re.I),
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


def discover_config(preset: str | None, start_url: str, registry=None, rate: float | None = None, *,
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
    from .fetch import Fetcher
    from .parse import parse_html

    if preset is not None and preset not in PRESETS:
        raise ConfigError(f"--preset 应为 {' | '.join(PRESETS)} 之一（或不给，按首页自动选择），实为 {preset!r}")
    parts = urlsplit(start_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"--start 应为 http(s):// 网址，实为 {start_url!r}")
    base_url = f"{parts.scheme}://{parts.netloc}"

    def configure(chosen: str) -> CrawlConfig:
        return make_config(chosen, base_url, name=name, allowed_hosts=allowed_hosts or [parts.netloc],
                           county=county if county is not None else (getattr(registry, "county", "") or ""),
                           contact=contact, start_url=start_url, rate=rate)

    config = configure(preset or "generic")
    own = fetcher is None
    fetcher = fetcher or Fetcher(config.politeness, config.allowed_hosts, user_agent=config.user_agent)

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
        list_re = _list_addresses(preset, config, res, start_url)
        unit_pages: list[tuple[str, str]] = []

        def collect(html: str, page_url: str, forced_unit=None) -> None:
            tree = parse_html(html)
            for a in tree.css("a[href]"):
                url, text = _link(a, page_url)
                if not url or not text or url == page_url:
                    continue
                if not config.host_allowed(url):
                    _external(a, url, text, columns)
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
        seen_html: dict[str, str] = {}
        for col in columns.values():
            if col.kind != "external":
                col.kind, col.reason = classify_link(fetcher, config, col, seen_html)
        if preset is None:
            config = _chosen(configure, res, start_url, columns, seen_html)
    finally:
        if own:
            fetcher.close()
    config.columns = [c for c in columns.values() if c.kind == "column"]
    config.links = [c for c in columns.values() if c.kind != "column"]
    return config


_DISCLOSURE_WORDS = re.compile(r"公开|信息|指南|申请|年报|目录|政策|文件|通知|公告|预决算|规划|人事|动态")


def _external(a, url: str, text: str, columns: dict[str, Column]) -> None:
    """A link of the 政务公开 page to another site that names disclosure content (the county's
    依申请公开 on a provincial platform…), inside a section of the page: listed as ``external`` for the
    office to confirm, never crawled. Footer and navigation links to other sites are left out."""
    section = _section_title(a)
    if url in columns or not section or text in _NAV_WORDS or not _DISCLOSURE_WORDS.search(text):
        return
    host = urlsplit(url).hostname or url
    columns[url] = Column(name=f"{section}/{text}", url=url, type=infer_column_type(text), section=section,
                          kind="external", reason=f"站外链接（{host}）：不在允许的主机内，不采集")


def _link(a, page_url: str) -> tuple[str | None, str]:
    """(absolute address, words) of a link; no address for script, anchor and mail links."""
    href = (a.attributes.get("href") or "").strip()
    if not href or href.startswith(("javascript:", "#", "mailto:")):
        return None, ""
    return urljoin(page_url, href).split("#")[0], re.sub(r"\s+", "", a.attributes.get("title")
                                                         or a.text(deep=True, strip=True))


def _list_addresses(preset: str | None, config: CrawlConfig, start, start_url: str) -> re.Pattern:
    """The addresses taken as candidate columns: the preset's list pages; with no preset, those of
    the family the start page suggests and any list-like address (the family is chosen afterwards)."""
    if preset is not None:
        config.preset_reason = "按 --preset 指定"
        return _LIST_URL.get(config.preset, _LIST_URL["generic"])
    guess = choose_preset(start.text or "", start.final_url or start_url)[0]
    specific = _LIST_URL.get(guess, _LIST_URL["generic"])
    return re.compile(f"(?:{specific.pattern})|(?:{_LIST_URL['generic'].pattern})", re.I)


def _chosen(configure, start, start_url: str, columns: dict[str, Column], seen_html: dict[str, str]) -> CrawlConfig:
    """The config of the family that the start page and the first column pages show most
    (config/presets.py choose_preset); the reason is written into the config's header."""
    sample = [seen_html[c.url] for c in columns.values() if c.kind == "column" and c.url in seen_html][:3]
    chosen, why = choose_preset("\n".join([start.text or "", *sample]), start.final_url or start_url)
    config = configure(chosen)
    config.preset_reason = f"按政务公开首页和 {len(sample)} 个栏目页的特征自动选择：{why}"
    return config


def classify_link(fetcher, config: CrawlConfig, col: Column, seen_html: dict[str, str] | None = None) -> tuple[str, str]:
    """A candidate column fetched once and judged by its page (flows/ingest/crawler/parse/link_kinds.py);
    a page robots.txt forbids or that cannot be read is judged by its words, else kept a column (the
    crawl then says what went wrong)."""
    from .parse.link_kinds import kind_from_words, kind_of_page

    text = col.name.rsplit("/", 1)[-1]
    res = fetcher.fetch(col.url, kind="discover")
    if res.outcome == "ok":
        if seen_html is not None:
            seen_html[col.url] = res.text or ""
        return kind_of_page(res.text or "", res.final_url, config, text)
    guess = kind_from_words(text, col.url)
    if guess is not None:
        kind, reason = guess
        return kind, f"{reason}（页面未读：{res.outcome}）"
    return "column", f"页面未读（{res.outcome}）：按栏目采集"
