"""The crawl: columns → list pages → articles, incremental and resumable.

For each column of the config (several at once, bounded by ``politeness.concurrency``):

1. the list head is fetched — conditionally (If-None-Match / If-Modified-Since) when the column was
   crawled to its end before; a 304 means nothing changed and nothing else of the column is fetched;
2. further list pages are fetched (yueyang "1/37页" pages, TRS ``createPageHTML`` pages, Hanweb
   dataproxy POSTs, or "下一页" links) until the last page, or — on an incremental crawl — the first
   page holding items already seen, or the first page entirely older than ``since``;
3. every list item is recorded as a member of the column, then its article is fetched unless the
   store already holds it; off-host links are recorded ``external``, robots-disallowed ones ``robots``.

Every response is stored (``store``) as it arrives, so a crawl killed at any point is resumed by
running it again: the unfinished crawl is continued, pages it already fetched are read from the
store, articles already stored are never refetched, and the result equals an uninterrupted crawl.

Limits (``config.limits``, docs/crawler.md "Limits"): at most ``max_items_per_column`` list entries
per column, ``column_time_budget`` seconds per column and ``crawl_time_budget`` for the crawl. A
column that hits one, or whose list pages, articles or robots.txt could not all be read, is
reported incomplete (``ColumnReport.complete`` False, ``incomplete`` = the reason code) and is paged
in full again by the next crawl; ``CrawlResult.complete`` is True only when every column is.

The items are then built from the store: one per distinct URL (the first column that lists it is
its ``column``, all are in ``columns``), with ``repost_of`` naming the canonical URL when the same
article (same title and body) was published again under another URL.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import sys
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

from .config import Column, CrawlConfig, with_rate
from .dates import parse_date
from .fetch import Counters, FetchResult, Fetcher
from .parse import ListItem, ListPage, hanweb_requests, is_article_link, parse_article, parse_list
from .store import CrawlStore

OUTCOME_COUNTER = {"blocked": "blocked", "missing": "missing", "too_large": "too_large",
                   "external": "external", "robots": "skipped_robots", "error": "errors"}


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


class _Progress:
    """A rich progress bar per column on a terminal; nothing otherwise."""

    def __init__(self, enabled: bool, total_columns: int):
        self.enabled = enabled and sys.stderr.isatty()
        self._p = None
        self._lock = threading.Lock()
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
            self._p = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                               TimeElapsedColumn(), transient=False)
            self._overall = self._p.add_task("全部栏目", total=total_columns)

    def __enter__(self):
        if self._p:
            self._p.start()
        return self

    def __exit__(self, *exc):
        if self._p:
            self._p.stop()

    def column(self, name: str):
        if not self._p:
            return None
        with self._lock:
            return self._p.add_task(f"  {name[:24]}", total=None)

    def update(self, task, **kw):
        if self._p and task is not None:
            with self._lock:
                self._p.update(task, **kw)

    def done(self, task):
        if self._p and task is not None:
            with self._lock:
                self._p.remove_task(task)
                self._p.advance(self._overall)


class _Crawler:
    def __init__(self, config: CrawlConfig, store: CrawlStore, fetcher: Fetcher, summary: CrawlSummary,
                 crawl_id: str, resuming: bool, *, since: date | None, full: bool,
                 progress: _Progress, on_article: Callable[[str, FetchResult], None] | None,
                 started: float | None = None):
        self.config = config
        self.limits = config.limits
        self.crawl_deadline = (started or time.monotonic()) + config.limits.crawl_time_budget
        self.store = store
        self.fetcher = fetcher
        self.summary = summary
        self.crawl_id = crawl_id
        self.resuming = resuming
        self.since = since
        self.full = full
        self.progress = progress
        self.on_article = on_article
        self.stop = threading.Event()
        self._article_locks: dict[str, threading.Lock] = {}
        self._article_done: dict[str, str] = {}
        self._guard = threading.Lock()
        self._noted: set[tuple[str, str]] = set()

    # --- bookkeeping ---------------------------------------------------------------------------
    def _note(self, outcome: str, url: str) -> None:
        """Count an outcome once per URL (a link listed in two columns is one external link)."""
        counter = OUTCOME_COUNTER.get(outcome)
        if not counter:
            return
        with self._guard:
            if (outcome, url) in self._noted:
                return
            self._noted.add((outcome, url))
        self.summary.add(counter)

    def _note_code(self, res: FetchResult, url: str) -> None:
        if res.code == "robots_unreadable":
            with self._guard:
                if ("robots_unreadable", url) in self._noted:
                    return
                self._noted.add(("robots_unreadable", url))
            self.summary.add("robots_unreadable")

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise CrawlAborted("crawl stopped")

    # --- limits (docs/crawler.md, "Limits") --------------------------------------------------------
    @staticmethod
    def _limit(report: ColumnReport, code: str, reason: str) -> None:
        """Mark the column incomplete (the first reason wins)."""
        if report.incomplete is None:
            report.incomplete, report.reason = code, reason

    def _out_of_time(self, report: ColumnReport) -> bool:
        now = time.monotonic()
        if now >= self.crawl_deadline:
            self._limit(report, "time_budget",
                        f"本次采集用时达到上限 {self.limits.crawl_time_budget:g} 秒（limits.crawl_time_budget），"
                        "其余信息未采集；再次运行采集会接着采")
        elif now >= report._deadline:  # type: ignore[attr-defined]
            self._limit(report, "time_budget",
                        f"栏目用时达到上限 {self.limits.column_time_budget:g} 秒（limits.column_time_budget），"
                        "其余信息未采集；再次运行采集会接着采")
        else:
            return False
        return True

    def _account(self, col: Column, report: ColumnReport) -> None:
        """Count the column's listed articles whose fetch failed or never happened, from the store;
        decide whether the column is complete."""
        reasons: set[str] = set()
        unfetched = 0
        for row in self.store.column_items(col.url):
            url = row["url"]
            if not is_article_link(url) or not self.config.host_allowed(url):
                continue
            prev = self.store.get(url)
            if prev is None:
                unfetched += 1
            elif prev.outcome == "missing":
                report.items_missing += 1
            elif prev.outcome in ("error", "too_large", "blocked"):
                report.items_failed += 1
                reason = prev.reason or ""
                reasons.add("robots_unreadable" if reason.startswith("robots.txt 无法读取")
                            else "rate_limited" if "429" in reason else "items_failed")
        report.items_unfetched += unfetched
        if report.items_failed:
            code = next((c for c in ("robots_unreadable", "rate_limited") if c in reasons), "items_failed")
            self._limit(report, code, f"{report.items_failed} 条信息未能抓取（原因见采集存储 responses 表），下次采集重试")
        if report.items_unfetched:
            self._limit(report, "items_unfetched", f"{report.items_unfetched} 条信息未采集")
        if report.status == "partial":  # set elsewhere without a code (e.g. a pager it cannot read)
            self._limit(report, "partial", report.reason or "栏目未完整读取")
        report.complete = report.status in ("ok", "not_modified") and report.incomplete is None

    # --- pages ---------------------------------------------------------------------------------
    def _list_page(self, url: str, *, method: str = "GET", data: dict | None = None,
                   conditional=None) -> FetchResult:
        key = url if data is None else f"{url}#{urlencode(sorted(data.items()))}"
        if self.resuming:
            prev = self.store.get(key)
            if prev is not None and prev.crawl_id == self.crawl_id and prev.outcome in ("ok", "not_modified"):
                stored = self.fetcher.from_store(key)
                if stored is not None:
                    self.summary.add("pages_from_store")
                    if prev.outcome == "not_modified":
                        stored.outcome = "not_modified"
                    return stored
        res = self.fetcher.fetch(url, method=method, data=data, kind="list", conditional=conditional)
        if res.outcome == "ok":
            self.summary.add("pages_fetched")
        elif res.outcome == "not_modified":
            self.summary.add("not_modified")
        return res

    def run_column(self, col: Column) -> ColumnReport:
        report = ColumnReport(name=col.name, url=col.url, type=col.type, unit=col.unit)
        report._deadline = min(self.crawl_deadline,  # type: ignore[attr-defined]
                               time.monotonic() + self.limits.column_time_budget)
        task = self.progress.column(col.name)
        try:
            self._run_column(col, report, task)
        finally:
            self.progress.done(task)
        if report.status in ("ok", "not_modified", "partial"):
            # what the column holds as far as we know (a 304 or an early stop reads fewer pages)
            rows = self.store.column_items(col.url)
            report.items = len(rows)
            dates = [r["list_date"] for r in rows if r["list_date"]]
            report.latest_list_date = max(dates) if dates else None
            self._account(col, report)
        else:
            self._limit(report, "unreachable", report.reason or report.status)
        return report

    def _run_column(self, col: Column, report: ColumnReport, task) -> None:
        self._check_stop()
        state = self.store.column_state(col.url)
        if state and state["complete_crawl"] == self.crawl_id:  # finished before the interruption
            report.status = state["status"]
            report.pages = state["pages"] or 0
            return
        if self._out_of_time(report):  # the crawl's budget ran out before this column's turn
            report.status = "partial"
            self.store.set_column_state(col.url, complete_crawl="", status="partial", reason="time_budget", pages=0)
            return
        complete_before = bool(state and state["complete_crawl"])
        incremental = complete_before and not self.full
        # items first listed by this very crawl (before an interruption) are not "already seen"
        known = self.store.known_urls(col.url, exclude_crawl=self.crawl_id) if incremental else set()
        prev_head = self.store.get(col.url)
        conditional = None
        if incremental and prev_head is not None and prev_head.outcome in ("ok", "not_modified") \
                and prev_head.sha256 and (prev_head.etag or prev_head.last_modified):
            conditional = prev_head
        head = self._list_page(col.url, conditional=conditional)
        if head.outcome == "not_modified":
            report.status = "not_modified"
            self.summary.add("columns_not_modified")
            self._retry_failed_articles(col, report)
            self.store.set_column_state(col.url, complete_crawl=self.crawl_id, status="not_modified",
                                        reason=None, pages=1)
            return
        if head.outcome != "ok":
            self._note(head.outcome, col.url)
            self._note_code(head, col.url)
            report.status, report.reason = head.outcome, head.reason
            report.incomplete = head.code or "unreachable"
            self.summary.add("columns_failed")
            self.store.set_column_state(col.url, complete_crawl=None, status=head.outcome,
                                        reason=head.reason, pages=0)
            return
        if incremental and prev_head is not None and prev_head.sha256 == head.sha256 and not head.from_store:
            # the server ignored the conditional request but the head is unchanged
            report.status = "not_modified"
            self.summary.add("columns_not_modified")
            self._retry_failed_articles(col, report)
            self.store.set_column_state(col.url, complete_crawl=self.crawl_id, status="not_modified",
                                        reason=None, pages=1)
            return
        page = parse_list(head.text or "", head.final_url or col.url, self.config)
        pages_done = 1
        status, reason = "ok", None
        stop = self._take_page(col, page, 0, known, report, task)
        visited = {col.url, head.final_url}
        if page.pager_problem:  # the head's items are kept; the column is not read to its end
            self._limit(report, "pager_unreadable", f"分页无法识别：{page.pager_problem}")
        if not stop and not report.incomplete:
            predicted = len(page.page_urls)
            for n, (url, method, data) in enumerate(self._more_pages(col, page), start=1):
                self._check_stop()
                if n >= self.config.paging.max_pages:
                    self._limit(report, "page_cap", f"列表页数达到上限 {self.config.paging.max_pages} 页"
                                "（paging.max_pages），其余列表页未读")
                    break
                if report.items_listed >= self.limits.max_items_per_column:
                    self._limit(report, "item_cap", self._cap_reason())
                    break
                if self._out_of_time(report):
                    break
                if method == "GET" and url in visited:
                    break
                visited.add(url)
                res = self._list_page(url, method=method, data=data)
                if res.outcome == "missing" and method == "GET":
                    if predicted and n < predicted:  # a page the pager promised, not the last one
                        self._note(res.outcome, url)
                        self._limit(report, "page_missing", f"第{n + 1}页不存在（分页共{predicted + 1}页）")
                    break  # page counts can be off by one (docs/domain.md §5): past the last page
                if res.outcome != "ok":
                    self._note(res.outcome, url)
                    self._note_code(res, url)
                    status, reason = "partial", f"第{n + 1}页：{res.outcome} {res.reason or ''}".strip()
                    self._limit(report, res.code or "page_failed", reason)
                    break
                pages_done += 1
                more = parse_list(res.text or "", res.final_url or url, self.config, head=False)
                if not more.items:
                    break
                if self.config.paging.kind in ("next",) or (method == "GET" and not page.page_urls):
                    page.next_url = more.next_url
                if self._take_page(col, more, n, known, report, task):
                    break
        if status == "ok" and incremental and not report.incomplete:
            self._retry_failed_articles(col, report)  # failures on older pages this paging did not reach
        if report.incomplete:  # a limit was hit: the column is read again in full by the next crawl
            status, reason = "partial", report.reason
        report.pages = pages_done
        report.status, report.reason = status, reason
        if status == "partial":
            self.store.set_column_state(col.url, complete_crawl="", status=status,
                                        reason=report.incomplete or reason, pages=pages_done)
        elif status == "ok" and getattr(report, "_since_stop", False):
            # stopped by --since before reaching known items: older items may be missing, so the next
            # crawl must page this column again rather than trust a 304 on its head
            self.store.set_column_state(col.url, complete_crawl="", status="ok", reason="since",
                                        pages=pages_done)
        elif status == "ok":
            if self.full and not self.since:
                self.store.mark_gone(col.url, self.crawl_id)
            self.store.set_column_state(col.url, complete_crawl=self.crawl_id, status="ok", reason=None,
                                        pages=pages_done)
        else:
            self.store.set_column_state(col.url, complete_crawl=None, status=status, reason=reason,
                                        pages=pages_done)

    def _more_pages(self, col: Column, head: ListPage):
        kind = self.config.paging.kind
        if kind == "none":
            return
        if kind == "hanweb" and head.hanweb is not None and (head.hanweb.get("total") is not None
                                                             or head.hanweb.get("params")):
            # with no record count, batches are asked for until one comes back empty
            for proxy, query, data in hanweb_requests(head, self.config):
                yield f"{proxy}?{urlencode(query)}", "POST", data
            return
        if head.page_urls:
            for url in head.page_urls:
                yield url, "GET", None
            return
        # plain "下一页" links: follow them page by page (next_url is refreshed as pages are read)
        while head.next_url:
            url = head.next_url
            head.next_url = None
            yield url, "GET", None

    def _take_page(self, col: Column, page: ListPage, page_no: int, known: set[str],
                   report: ColumnReport, task) -> bool:
        """Record a list page's items and fetch their articles; True when paging should stop."""
        items = [it for it in page.items if not (self.since and it.list_date and it.list_date < self.since)]
        room = max(0, self.limits.max_items_per_column - report.items_listed)
        if len(items) > room:  # e.g. one list page with 100,000 links: the rest are counted, not taken
            report.items_unfetched += len(items) - room
            items = items[:room]
            self._limit(report, "item_cap", self._cap_reason())
        self.store.add_column_items(col.url, [it.as_row() for it in items], self.crawl_id, page_no)
        report.items_listed += len(items)
        hit_known = any(it.url in known for it in page.items)
        for it in items:
            self._check_stop()
            if self._out_of_time(report):
                break  # the rest stay listed in the store without a response: counted unfetched
            report.items += 1
            if it.list_date and (report.latest_list_date is None or it.list_date.isoformat() > report.latest_list_date):
                report.latest_list_date = it.list_date.isoformat()
            if it.url not in known:
                report.new_items += 1
            self._article(it)
            self.progress.update(task, advance=1)
        all_old = bool(self.since) and bool(page.items) and all(
            it.list_date and it.list_date < self.since for it in page.items)
        if len(items) < len(page.items) and report.incomplete != "item_cap":
            report._since_stop = True  # type: ignore[attr-defined]  # items left out by --since
        return hit_known or all_old or report.incomplete is not None

    def _cap_reason(self) -> str:
        cap = self.limits.max_items_per_column
        return f"条目数达到上限 {cap} 条（limits.max_items_per_column），其余信息未采集"

    def _record_skip(self, url: str, outcome: str, reason: str) -> None:
        """Keep a row for links not fetched (off-host, robots.txt), so the office can list them."""
        with self._guard:
            if ("recorded", url) in self._noted:
                return
            self._noted.add(("recorded", url))
        prev = self.store.get(url)
        if prev is None or prev.outcome in ("external", "robots"):
            self.store.record(url, outcome=outcome, reason=reason, crawl_id=self.crawl_id, kind="article")

    def _retry_failed_articles(self, col: Column, report: ColumnReport) -> None:
        for row in self.store.column_items(col.url):
            if self._out_of_time(report):
                return
            prev = self.store.get(row["url"])
            if prev is not None and prev.outcome in ("error", "blocked"):
                self._article(ListItem(url=row["url"], title=row["title"] or "",
                                       list_date=parse_date(row["list_date"])))

    # --- articles ------------------------------------------------------------------------------
    def _article(self, item: ListItem) -> None:
        url = item.url
        if not self.fetcher.allowed(url):
            self._note("external", url)
            self._record_skip(url, "external", "站外链接，未抓取")
            return
        if not is_article_link(url):
            return  # an attachment listed directly: kept as an item from its list entry
        with self._guard:
            lock = self._article_locks.setdefault(url, threading.Lock())
        with lock:
            if url in self._article_done:
                return
            prev = self.store.get(url)
            if prev is not None and prev.outcome == "ok" and prev.sha256:
                self.summary.add("articles_reused")
                self._article_done[url] = "seen"
                return
            if prev is not None and prev.crawl_id == self.crawl_id and prev.outcome in (
                    "missing", "too_large", "external", "robots"):
                self._note(prev.outcome, url)
                self._article_done[url] = prev.outcome
                return
            if self.fetcher.robots_verdict(url)[0] == "disallow":  # unreadable: fetch() reports it
                self._note("robots", url)
                self._article_done[url] = "robots"
                self._record_skip(url, "robots", "robots.txt 禁止抓取，未抓取")
                return
            res = self.fetcher.fetch(url, kind="article")
            self._article_done[url] = res.outcome
            if res.outcome == "ok":
                self.summary.add("articles_fetched")
            else:
                self._note(res.outcome, url)
                self._note_code(res, url)
                if res.outcome in ("error", "too_large", "blocked"):
                    self.summary.add("items_failed")
            if self.on_article is not None:
                self.on_article(url, res)


def crawl(config: CrawlConfig, store_dir: str | Path, *, since: date | None = None, full: bool = False,
          registry=None, rate: float | None = None, progress: bool = False,
          on_article: Callable[[str, FetchResult], None] | None = None) -> CrawlResult:
    """Crawl the config's columns into ``store_dir`` and return the items and a summary.

    ``since``: list items dated before it are neither fetched nor returned, and paging stops at the
    first page entirely older. ``full``: no conditional requests and no stopping at known items
    (every list page is read; stored articles are still reused). ``rate`` overrides the config's
    requests/second. ``on_article(url, result)`` is called after each article fetch (tests use it
    to interrupt a crawl). Running ``crawl`` again after an interruption resumes it.
    """
    t0 = time.monotonic()
    config = with_rate(config, rate)
    store = CrawlStore(store_dir)
    crawl_id, resuming = store.begin_crawl(config.name)
    summary = CrawlSummary(crawl_id=crawl_id, resumed=resuming, columns=len(config.columns))
    counters = Counters()
    fetcher = Fetcher(config.politeness, config.allowed_hosts, store=store, crawl_id=crawl_id,
                      user_agent=config.user_agent, counters=counters)
    reports: list[ColumnReport] = []
    bar = _Progress(progress, len(config.columns))
    crawler = _Crawler(config, store, fetcher, summary, crawl_id, resuming, since=since, full=full,
                       progress=bar, on_article=on_article, started=t0)
    try:
        with bar if bar.enabled else nullcontext():
            with ThreadPoolExecutor(max_workers=max(1, config.politeness.concurrency),
                                    thread_name_prefix="zwgk-crawl") as pool:
                futures = [pool.submit(crawler.run_column, col) for col in config.columns]
                try:
                    done, pending = wait(futures, return_when=FIRST_EXCEPTION)
                    failed = [f for f in done if f.exception() is not None]
                    if failed:
                        raise failed[0].exception()
                except BaseException:  # an error in a column, or Ctrl-C: stop the others promptly
                    crawler.stop.set()
                    for f in futures:
                        f.cancel()
                    raise
                reports = [f.result() for f in futures]
        items = build_items(config, store, registry=registry, since=since, crawl_id=crawl_id)
        summary.requests = int(counters.get("requests"))
        summary.retries = int(counters.get("retries"))
        summary.rate_limited = int(counters.get("rate_limited"))
        summary.columns_incomplete = sum(1 for r in reports if not r.complete)
        summary.items_unfetched = sum(r.items_unfetched for r in reports)
        summary.bytes = int(counters.get("bytes"))
        summary.items = len(items)
        summary.items_new = sum(1 for it in items if it["crawl_id"] == crawl_id)
        summary.items_seen = len(items) - summary.items_new
        summary.reposts = sum(1 for it in items if it["repost_of"])
        summary.seconds = round(time.monotonic() - t0, 3)
        store.finish_crawl(crawl_id, summary.to_dict())
    finally:
        fetcher.close()
        store.close()
    return CrawlResult(items=items, summary=summary, columns=reports, store_dir=Path(store_dir))


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
    from .pages import classify_page, decode_body

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
                    continue
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
                base = parsed_cache[resp.sha256]
                if base is None:
                    continue
                record = dict(base, url=url, date_source="page")
                fetched_at, item_crawl = resp.fetched_at, resp.crawl_id
            publish = parse_date(record["publish_date"])
            if since and (publish or list_date) and (publish or list_date) < since:
                continue
            unit = _resolve_unit(registry, record["unit_raw"], publish or list_date)
            unit_source = "发布机构" if unit else None
            if unit is None and not record["unit_raw"] and col.unit:
                unit = _resolve_unit(registry, col.unit, publish or list_date) if registry else None
                unit_source = "栏目"
                unit_name = unit.unit if unit else col.unit
            else:
                unit_name = unit.unit if unit else None
            item = {
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
            by_url[url] = item
            order.append(url)
    items = [by_url[u] for u in order]
    # an item listed in several columns belongs to the column of its own unit when there is one
    col_by_name = {c.name: (i, c) for i, c in enumerate(config.columns)}
    for item in items:
        if len(item["columns"]) > 1 and item["unit"]:
            own = [n for n in item["columns"] if col_by_name[n][1].unit and item["unit"] in (
                col_by_name[n][1].unit, getattr(_resolve_unit(registry, col_by_name[n][1].unit, None), "unit", None))]
            if own and own[0] != item["column"]:
                idx, col = col_by_name[own[0]]
                item["column"], item["column_type"] = col.name, col.type
                item["columns"] = [own[0]] + [n for n in item["columns"] if n != own[0]]
                item["_order"] = (idx,) + item["_order"][1:]
    # reposts: the same article (same title and body) under another URL
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
    for item in items:
        item.pop("_order", None)
        item.pop("_sha", None)
    return items


def parse_store(config: CrawlConfig, store_dir: str | Path, *, registry=None,
                since: date | None = None) -> list[dict]:
    """Re-parse the items from a crawl store without any request (e.g. after changing selectors)."""
    with CrawlStore(store_dir) as store:
        return build_items(config, store, registry=registry, since=since)


def item_key(item: dict) -> str:
    return hashlib.sha256(item["url"].encode()).hexdigest()
