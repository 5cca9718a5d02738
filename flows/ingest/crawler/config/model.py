"""The crawl config's model: columns, politeness, limits, paging, selectors, the config itself,
the allowed-host test, and the error a bad config raises.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit


COLUMN_TYPES = ("dynamics", "notice", "policy", "normative", "personnel", "plan", "annual_report",
                "budget", "other")
PAGING_KINDS = ("yueyang", "trs", "hanweb", "next", "api", "none")
META_FIELDS = ("index_number", "topic", "unit_raw", "doc_date", "publish_date", "doc_number", "title")
DOC_DATE_FROM_BODY = ("never", "if_missing", "if_same_as_publish")

USER_AGENT = "zwgk-crawler/0.1 (+政务公开办; {contact})"

# Metadata labels every preset understands (the presets add or override). docs/domain.md §5:
# Huarong prints 索引号/发布机构/生成日期/公开日期; other portals 成文日期/发布日期/文号/主题分类/发文机关/公开主体.
COMMON_LABELS = {
    "索引号": "index_number", "索 引 号": "index_number",
    "主题分类": "topic", "主题词": "topic", "分类": "topic", "信息分类": "topic",
    "发布机构": "unit_raw", "发文机关": "unit_raw", "公开主体": "unit_raw", "发布单位": "unit_raw",
    "发文单位": "unit_raw", "信息来源": "unit_raw", "来源": "unit_raw",
    "成文日期": "doc_date", "生成日期": "doc_date", "形成日期": "doc_date", "印发日期": "doc_date",
    "发布日期": "publish_date", "公开日期": "publish_date", "发布时间": "publish_date",
    "文号": "doc_number", "发文字号": "doc_number", "文件编号": "doc_number",
    "标题": "title", "名称": "title", "信息名称": "title",
}


class ConfigError(ValueError):
    """A config that cannot be used; the message names the file, the key and what was expected."""


# --- the model -------------------------------------------------------------------------------------
@dataclass
class Column:
    name: str
    url: str
    type: str = "other"
    unit: str | None = None      # the unit owning the column (canonical name when known)
    section: str | None = None   # the section the column was found under (discovery)
    kind: str = "column"         # column | single_page | form | search | external (LINK_KINDS)
    reason: str = ""             # why discovery classed the link so (the office may move it)


# What a link of the 政务公开 page is (docs/crawler.md, "Discovery"): only columns are crawled, counted
# and checked for freshness; the others are listed for the office to confirm.
LINK_KINDS = ("column", "single_page", "form", "search", "external")


@dataclass
class Politeness:
    rate: float = 2.0             # requests per second per host
    concurrency: int = 4          # columns crawled at once (and requests in flight)
    timeout: float = 15.0         # connect/read timeout, seconds
    total_timeout: float = 60.0   # a whole response must arrive within this (slow-drip servers)
    retries: int = 3              # retries on 5xx, timeouts and dropped connections (never 4xx)
    backoff: float = 1.0          # first retry after this many seconds, doubling each time
    max_backoff: float = 30.0
    max_bytes: int = 5_000_000    # responses larger than this (decoded) are aborted and recorded too_large
    max_redirects: int = 5
    obey_robots: bool = True
    max_retry_after: float = 120.0  # a 429/503 Retry-After up to this is waited for; longer: give up for now
    robots_retry: float = 600.0   # an unreadable robots.txt (5xx, timeout) is asked for again after this


@dataclass
class Limits:
    """Bounds on one crawl (docs/crawler.md, "Limits"): a column or crawl that hits one is incomplete."""
    max_items_per_column: int = 5000     # list entries taken from one column in one crawl
    column_time_budget: float = 7200.0   # seconds one column may take in one crawl
    crawl_time_budget: float = 21600.0   # seconds the whole crawl may take


@dataclass
class Paging:
    kind: str = "next"                                # yueyang | trs | hanweb | next | api | none
    max_pages: int = 200
    next_text: list[str] = field(default_factory=lambda: ["下一页", "下页"])
    page_count_regex: str = r"(\d+)\s*/\s*(\d+)\s*页"  # yueyang: current/total
    page_url_template: str = "index_{n}.htm"           # page n (1-based after the head page)
    hanweb_proxy: str = "/module/web/jpage/dataproxy.jsp"
    hanweb_perpage: int = 20
    hanweb_batch: int = 60                             # records per dataproxy request
    # kind = "api": a JSON list API read page by page (parse/api_lists.py ApiSpec; docs/crawler.md,
    # "Lists read through an API"): url (with {page} {start} {size} {id}), method, form, page_size,
    # first_page, items_path, total_path, title_key, url_key, date_key, id_regex
    api: dict = field(default_factory=dict)


@dataclass
class Selectors:
    list_container: list[str] = field(default_factory=list)  # first match holds the list
    list_item: str = "li"
    list_link: str = "a"
    list_title_attr: str = "title"
    list_date: str = "span"
    article_title: list[str] = field(default_factory=lambda: ["meta[name=ArticleTitle]", "h1", "title"])
    article_body: list[str] = field(default_factory=list)
    meta_container: list[str] = field(default_factory=list)
    meta_publish_date: str = "PubDate"     # <meta name=…> holding the publish date
    meta_unit: str = "ContentSource"       # <meta name=…> holding the publishing unit


@dataclass
class CrawlConfig:
    name: str
    base_url: str
    preset: str = "yueyang"
    county: str = ""
    allowed_hosts: list[str] = field(default_factory=list)
    contact: str = ""
    start_url: str | None = None
    columns: list[Column] = field(default_factory=list)
    links: list[Column] = field(default_factory=list)   # the 政务公开 page's other links: never crawled
    paging: Paging = field(default_factory=Paging)
    selectors: Selectors = field(default_factory=Selectors)
    labels: dict[str, str] = field(default_factory=dict)
    politeness: Politeness = field(default_factory=Politeness)
    doc_date_from_body: str = "if_missing"
    source: str | None = None  # the file it was read from
    preset_reason: str = ""    # why discovery chose the preset (written into the config's header)
    limits: Limits = field(default_factory=Limits)

    @property
    def user_agent(self) -> str:
        return USER_AGENT.format(contact=self.contact or "未填联系方式")

    def host_allowed(self, url: str) -> bool:
        return host_allowed(url, self.allowed_hosts)

    def column(self, name_or_url: str) -> Column | None:
        return next((c for c in self.columns if name_or_url in (c.name, c.url)), None)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("source", None)
        d.pop("preset_reason", None)
        return d


def host_allowed(url: str, allowed_hosts: list[str]) -> bool:
    """An entry ``host`` allows any port, ``host:port`` that port only, ``*.example.cn`` subdomains."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname.lower()
    netloc = f"{host}:{parts.port}" if parts.port else host
    for entry in allowed_hosts:
        entry = entry.lower().strip()
        if entry.startswith("*."):
            if host == entry[2:] or host.endswith(entry[1:]):
                return True
        elif entry in (host, netloc):
            return True
    return False
