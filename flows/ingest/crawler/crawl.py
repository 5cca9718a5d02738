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

This module schedules the columns (a thread pool) and sums up; the parts live beside it:
``columns`` (the column walk: list head, pagers, list entries, articles), ``items`` (items from the
store), ``results`` (CrawlSummary, ColumnReport, CrawlResult, CrawlAborted — still importable from
here), ``progress`` (the terminal progress bar).
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Callable

from .config import CrawlConfig, with_rate
from .fetch import Counters, FetchResult, Fetcher
from .store import CrawlStore
from .results import ColumnReport, CrawlAborted, CrawlResult, CrawlSummary
from .progress import _Progress
from .columns import _Crawler
from .items import build_items


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
    from flows.steps.runlock import CrawlStoreBusy, warehouse_lock

    # one crawl per store at a time: a second would "resume" the first and double the request rate
    Path(store_dir).mkdir(parents=True, exist_ok=True)
    with warehouse_lock(Path(store_dir) / "index.sqlite", f"zwgk crawl {config.name}", noun="采集存储",
                        busy=CrawlStoreBusy):
        return _crawl(config, store_dir, since=since, full=full, registry=registry, rate=rate,
                      progress=progress, on_article=on_article)


def _crawl(config: CrawlConfig, store_dir: str | Path, *, since: date | None, full: bool, registry,
           rate: float | None, progress: bool, on_article) -> CrawlResult:
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
        pages = single_pages(config, fetcher)
        items = build_items(config, store, registry=registry, since=since, crawl_id=crawl_id)
        if resuming:  # columns finished before the interruption were not walked again: count from the store
            _recount_outcomes(store, crawl_id, summary)
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
    return CrawlResult(items=items, summary=summary, columns=reports, store_dir=Path(store_dir), pages=pages)


def _recount_outcomes(store: CrawlStore, crawl_id: str, summary: CrawlSummary) -> None:
    """A resumed crawl's missing, external and robots counts: every such URL this crawl recorded, before
    and after the interruption (the report otherwise showed 0 for the columns finished before it)."""
    from collections import Counter

    seen = Counter(r.outcome for r in store.responses() if r.crawl_id == crawl_id)
    for outcome, field in (("missing", "missing"), ("external", "external"), ("robots", "skipped_robots")):
        setattr(summary, field, max(getattr(summary, field), seen.get(outcome, 0)))


def single_pages(config: CrawlConfig, fetcher: Fetcher) -> list[dict]:
    """The 政务公开 page's single pages (指南, 机构职能…; ``[[links]]`` of kind single_page), each read once
    for the update date it states (docs/crawler.md, "Discovery"): never a column, never counted; a page
    that cannot be read or states no date says so."""
    from .parse.markup import parse_html
    from .parse.metadata import read_metadata

    out = []
    for link in config.links:
        if link.kind != "single_page":
            continue
        res = fetcher.fetch(link.url, kind="single_page")
        row = {"name": link.name, "url": link.url, "status": res.outcome, "updated": None,
               "note": "" if res.outcome == "ok" else f"未读取（{res.outcome}：{res.reason or res.status}）"}
        if res.outcome == "ok":
            meta, _other = read_metadata(parse_html(res.text or ""), res.text or "")
            row["updated"] = meta.get("发布日期") or None
            row["note"] = "" if row["updated"] else "页面未标明更新日期"
        out.append(row)
    return out
