"""The column walk: a column's list head (conditional when it was read to its end before), its
further list pages, its list entries and their articles, and the column's completeness (steps 1-3
of flows/ingest/crawler/crawl.py's docstring; limits in docs/crawler.md "Limits").
"""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Callable
from urllib.parse import urlencode

from .config import Column, CrawlConfig
from .dates import parse_date
from .fetch import FetchResult, Fetcher
from .parse import ListItem, ListPage, hanweb_requests, is_article_link, parse_list
from .parse.api_lists import ApiSpec, api_request
from .store import CrawlStore
from .results import ColumnReport, CrawlAborted, CrawlSummary
from .progress import _Progress


OUTCOME_COUNTER = {"blocked": "blocked", "missing": "missing", "too_large": "too_large",
                   "external": "external", "robots": "skipped_robots", "error": "errors"}


class _Crawler:
    def __init__(self, config: CrawlConfig, store: CrawlStore, fetcher: Fetcher, summary: CrawlSummary,
                 crawl_id: str, resuming: bool, *, since: date | None, full: bool,
                 progress: _Progress, on_article: Callable[[str, FetchResult], None] | None,
                 started: float | None = None):
        self.config = config
        self.limits = config.limits
        self.crawl_deadline = (started or time.monotonic()) + config.limits.crawl_time_budget
        fetcher.deadline = self.crawl_deadline  # no request waits for a slot past the budget, whatever the rate
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
                reasons.add("time_budget" if reason.startswith("本次采集用时达到上限")
                            else "robots_unreadable" if reason.startswith("robots.txt 无法读取")
                            # the reason starts with the status; a URL in it may hold "429" (a port)
                            else "rate_limited" if reason.startswith("HTTP 429") else "items_failed")
        report.items_unfetched += unfetched
        if report.items_failed:
            code = next((c for c in ("time_budget", "robots_unreadable", "rate_limited") if c in reasons), "items_failed")
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
        if self._settled_before(col, report, state):
            return
        complete_before = bool(state and state["complete_crawl"])
        incremental = complete_before and not self.full
        # items first listed by this very crawl (before an interruption) are not "already seen"
        known = self.store.known_urls(col.url, exclude_crawl=self.crawl_id) if incremental else set()
        head = self._column_head(col, report, incremental)
        if head is None:
            return
        page = parse_list(head.text or "", head.final_url or col.url, self.config)
        pages_done = 1
        status, reason = "ok", None
        stop = self._take_page(col, page, 0, known, report, task)
        if page.pager_problem:  # the head's items are kept; the column is not read to its end
            self._limit(report, "pager_unreadable", f"分页无法识别：{page.pager_problem}")
        if not page.items and not page.empty_shown and self.config.paging.kind != "api":
            self._unread_list(page, report)
        if not stop and not report.incomplete:
            pages_done, status, reason = self._walk_pages(col, head, page, known, report, task)
        if status == "ok" and incremental and not report.incomplete:
            self._retry_failed_articles(col, report)  # failures on older pages this paging did not reach
        if status == "ok" and not self.since:
            self._check_stated(col, page, report)
        if report.incomplete:  # a limit was hit: the column is read again in full by the next crawl
            status, reason = "partial", report.reason
        report.pages = pages_done
        report.status, report.reason = status, reason
        self._save_column_state(col, report, status, reason, pages_done)

    def _unread_list(self, page: ListPage, report: ColumnReport) -> None:
        """A head page with no item that neither states nor shows an empty list: its rows come from
        somewhere the crawler did not read. Never a blank column (docs/crawler.md)."""
        if page.api_urls:
            self._limit(report, "list_from_api", f"列表由页面脚本从接口读取（{page.api_urls[0]}），"
                        "预设不认识该接口：条目未读取，请在配置 [paging.api] 中说明接口或人工核查")
        elif page.script_list:
            self._limit(report, "list_from_api", "列表由页面脚本的模板生成（{{#each …}}），接口未在页面中写明："
                        "条目未读取，请在配置 [paging.api] 中说明接口或人工核查")
        else:
            where = f"页面说明共{page.stated_items}条" if page.stated_items else "页面也未说明栏目为空"
            self._limit(report, "list_unread", f"列表页上没有识别出条目，{where}："
                        "请用 zwgk inspect 查看该页并调整选择器")

    def _check_stated(self, col: Column, page: ListPage, report: ColumnReport) -> None:
        """The item count the pager states against the items the column holds after this crawl: a
        column read short of it is incomplete, never silently smaller."""
        stated = page.stated_items
        if stated is None or report.incomplete:
            return
        held = len(self.store.column_items(col.url))
        if held >= stated:
            return
        where = f"（{page.stated_source}）" if page.stated_source else ""
        if page.api_urls:
            self._limit(report, "list_from_api", f"分页说明共{stated}条{where}，静态页只读到{held}条；"
                        f"其余条目由接口提供（{page.api_urls[0]}），预设不认识该接口，未读取")
        else:
            self._limit(report, "count_short", f"分页说明共{stated}条{where}，只读到{held}条")

    def _settled_before(self, col: Column, report: ColumnReport, state) -> bool:
        """True when the column needs no reading: finished before an interruption, or out of time."""
        if state and state["complete_crawl"] == self.crawl_id:  # finished before the interruption
            report.status = state["status"]
            report.pages = state["pages"] or 0
            return True
        if self._out_of_time(report):  # the crawl's budget ran out before this column's turn
            report.status = "partial"
            self.store.set_column_state(col.url, complete_crawl="", status="partial", reason="time_budget", pages=0)
            return True
        return False

    def _column_head(self, col: Column, report: ColumnReport, incremental: bool) -> FetchResult | None:
        """The column's list head, or None when nothing more is to be read (unchanged, or unreadable)."""
        prev_head = self.store.get(col.url)
        conditional = None
        if incremental and prev_head is not None and prev_head.outcome in ("ok", "not_modified") \
                and prev_head.sha256 and (prev_head.etag or prev_head.last_modified):
            conditional = prev_head
        head = self._list_page(col.url, conditional=conditional)
        if head.outcome == "not_modified":
            self._not_modified(col, report)
            return None
        if head.outcome != "ok":
            self._note(head.outcome, col.url)
            self._note_code(head, col.url)
            report.status, report.reason = head.outcome, head.reason
            # a head robots.txt forbids is forbidden, not unreachable (the office can ask for it or drop it)
            report.incomplete = head.code or {"robots": "robots_forbidden", "missing": "missing",
                                              "external": "external"}.get(head.outcome, "unreachable")
            self.summary.add("columns_failed")
            self.store.set_column_state(col.url, complete_crawl=None, status=head.outcome,
                                        reason=head.reason, pages=0)
            return None
        if incremental and prev_head is not None and prev_head.sha256 == head.sha256 and not head.from_store:
            # the server ignored the conditional request but the head is unchanged
            self._not_modified(col, report)
            return None
        return head

    def _not_modified(self, col: Column, report: ColumnReport) -> None:
        report.status = "not_modified"
        self.summary.add("columns_not_modified")
        self._retry_failed_articles(col, report)
        self.store.set_column_state(col.url, complete_crawl=self.crawl_id, status="not_modified",
                                    reason=None, pages=1)

    def _walk_pages(self, col: Column, head: FetchResult, page: ListPage, known: set[str],
                    report: ColumnReport, task) -> tuple[int, str, str | None]:
        """The list pages after the head, until the last, a limit, or known items: (pages read, status,
        reason)."""
        pages_done = 1
        status, reason = "ok", None
        visited = {col.url, head.final_url}
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
            try:
                more = parse_list(res.text or "", res.final_url or url, self.config, head=False)
            except ValueError as exc:  # an API answer that is not the JSON [paging.api] describes
                status, reason = "partial", f"第{n + 1}页（接口 {url}）：{exc}"
                self._limit(report, "api_unreadable", reason)
                break
            if self.config.paging.kind == "api" and more.stated_items is not None:
                page.stated_items, page.stated_source = more.stated_items, more.stated_source
            if not more.items:
                break
            if self.config.paging.kind in ("next",) or (method == "GET" and not page.page_urls):
                page.next_url = more.next_url
            if self._take_page(col, more, n, known, report, task):
                break
        return pages_done, status, reason

    def _save_column_state(self, col: Column, report: ColumnReport, status: str, reason: str | None,
                           pages_done: int) -> None:
        """Record how far the column was read, so the next crawl knows whether to page it again."""
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
        if kind == "api":
            yield from self._api_pages(col, head)
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

    def _api_pages(self, col: Column, head: ListPage):
        """The column's JSON API pages, until the total it states is reached (or a page comes back
        empty, or paging.max_pages)."""
        spec = ApiSpec(**self.config.paging.api)
        n = 0
        while True:
            yield api_request(spec, col.url, n, head.api_id)
            n += 1
            if head.stated_items is not None and n * spec.page_size >= head.stated_items:
                return

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
