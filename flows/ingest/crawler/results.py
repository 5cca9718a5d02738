"""What a crawl returns: the crawl's summary counters, one report per column, the result, and the
exception that stops a crawl.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class CrawlSummary:
    crawl_id: str = ""
    resumed: bool = False
    columns: int = 0
    columns_not_modified: int = 0
    columns_failed: int = 0
    pages_fetched: int = 0      # list pages fetched over the network (200)
    pages_from_store: int = 0   # list pages of a resumed crawl read back from the store
    requests: int = 0           # HTTP requests sent (robots.txt and retries included)
    retries: int = 0
    not_modified: int = 0       # 304 answers to conditional list-head requests
    items_new: int = 0          # result items whose article was fetched by this crawl
    items_seen: int = 0         # result items already in the store from an earlier crawl
    articles_fetched: int = 0   # article pages fetched over the network (200) by this run
    articles_reused: int = 0    # article pages visited but read from the store, not refetched
    items_failed: int = 0       # articles that could not be fetched (error, too large, blocked)
    items_unfetched: int = 0    # list entries not fetched: item cap or time budget reached (docs/crawler.md)
    columns_incomplete: int = 0  # columns not read completely (any reason): the crawl exits 3
    rate_limited: int = 0       # 429 answers (retried after Retry-After; never counted as blocked)
    robots_unreadable: int = 0  # distinct URLs not fetched because robots.txt could not be read
    blocked: int = 0            # WAF challenges, 401/403/412/521, 429 with a challenge page
    missing: int = 0            # 404/410 and soft 404s (lists and articles)
    external: int = 0           # distinct off-host links, not fetched
    skipped_robots: int = 0     # distinct URLs robots.txt disallows, not fetched
    too_large: int = 0
    errors: int = 0
    bytes: int = 0
    seconds: float = 0.0
    items: int = 0              # items in the result (distinct URLs)
    reposts: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def add(self, key: str, n: int = 1) -> None:
        with self._lock:
            setattr(self, key, getattr(self, key) + n)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


@dataclass
class ColumnReport:
    name: str
    url: str
    type: str
    unit: str | None
    status: str = "pending"   # ok | not_modified | blocked | missing | error | partial
    reason: str | None = None
    pages: int = 0
    items: int = 0                     # items the column lists (known to the store)
    new_items: int = 0                 # items first seen by this crawl
    latest_list_date: str | None = None  # the newest list date: freshness of the column
    complete: bool = False             # every list page read and every listed article stored
    # why not complete: item_cap | time_budget | page_cap | page_failed | robots_unreadable |
    # rate_limited | items_failed | unreachable (the list head could not be read)
    incomplete: str | None = None
    items_listed: int = 0              # list entries taken by this crawl (after --since)
    items_failed: int = 0              # listed articles whose last fetch failed (error, too large, blocked)
    items_missing: int = 0             # listed articles the portal no longer has (404, soft 404): reported
    items_unfetched: int = 0           # list entries not fetched: beyond the item cap, or out of time

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


@dataclass
class CrawlResult:
    items: list[dict]
    summary: CrawlSummary
    columns: list[ColumnReport] = field(default_factory=list)
    store_dir: Path | None = None
    pages: list[dict] = field(default_factory=list)   # single pages with the update date they state

    @property
    def complete(self) -> bool:
        """True only when every column was read completely (``zwgk crawl`` exits 0, else 3)."""
        return all(c.complete for c in self.columns)

    def incomplete_columns(self) -> list[dict]:
        return [{"name": c.name, "url": c.url, "status": c.status, "incomplete": c.incomplete,
                 "reason": c.reason, "items_failed": c.items_failed, "items_unfetched": c.items_unfetched}
                for c in self.columns if not c.complete]


class CrawlAborted(RuntimeError):
    pass
