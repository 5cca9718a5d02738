"""Polite, safe HTTP for the crawler.

- robots.txt per RFC 9309: fetched once per host (on-host redirects followed) and read with
  ``urllib.robotparser``; a disallowed URL is recorded as ``robots`` and never fetched. A 4xx
  robots.txt allows everything; a 5xx, 429, timeout or unreachable one disallows everything *for now*:
  the URL is recorded ``error`` with "robots.txt 无法读取" (code ``robots_unreadable``, never confused
  with "robots.txt 禁止抓取") and robots.txt is asked for again after ``robots_retry`` seconds and on
  the next crawl. ``Crawl-delay`` is obeyed.
- rate limit per host (default 2 requests/s) and a bound on requests in flight;
- connect/read timeouts plus a total deadline per response (servers that drip bytes);
- retries with exponential backoff on 5xx, 429, timeouts and dropped/truncated connections — never on
  other 4xx. ``Retry-After`` (seconds or an HTTP date) is honoured up to ``max_retry_after``, and the
  whole host waits that long; a longer one pauses the host for this crawl (code ``rate_limited``);
- a size cap: bodies are streamed and abandoned past ``max_bytes`` *decoded* bytes (outcome
  ``too_large``); gzip/deflate are decoded here in bounded steps, so a compression bomb stops at the
  cap while decompressing;
- redirects: at most ``max_redirects`` hops, a loop is reported as soon as a URL comes back;
- never leaves the allowed hosts: off-host links and redirects are recorded ``external``;
- decoding and WAF / soft-404 recognition in ``pages``.

Outcomes: ok | not_modified | missing | blocked | too_large | error | external | robots.

Beside it: ``pacing`` (rate limiter, Retry-After, counters) and ``decoding`` (bounded gzip/deflate);
their names are still importable from here.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin

import httpx

from .config.model import USER_AGENT, Politeness, host_allowed
from .pages import classify_page, decode_body
from .store import CrawlStore, StoredResponse, now_iso
from .decoding import BadEncoding, BoundedDecoder
from .pacing import Counters, RETRY_STATUSES, RateLimiter, _host_key, retry_after_seconds


class TotalTimeout(Exception):
    pass


@dataclass
class RobotsRules:
    """What a host's robots.txt says; ``unreadable`` names why it could not be read (all disallowed)."""
    parser: urllib.robotparser.RobotFileParser
    unreadable: str | None = None
    checked: float = 0.0  # monotonic time of the fetch


@dataclass
class FetchResult:
    url: str
    outcome: str
    status: int | None = None
    final_url: str | None = None
    reason: str | None = None
    headers: dict = field(default_factory=dict)
    body: bytes | None = None
    text: str | None = None
    encoding: str | None = None
    fetched_at: str | None = None
    from_store: bool = False
    requests: int = 0
    sha256: str | None = None
    code: str | None = None  # why it failed, for reports: robots_unreadable | rate_limited | redirect_loop

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class Fetcher:
    """One HTTP client for a crawl. Thread-safe."""

    def __init__(self, politeness: Politeness | None = None, allowed_hosts: list[str] | None = None, *,
                 store: CrawlStore | None = None, crawl_id: str | None = None,
                 user_agent: str | None = None, counters: Counters | None = None,
                 transport: httpx.BaseTransport | None = None):
        self.p = politeness or Politeness()
        self.allowed_hosts = list(allowed_hosts or [])
        self.store = store
        self.crawl_id = crawl_id
        self.user_agent = user_agent or USER_AGENT.format(contact="未填联系方式")
        self.counters = counters or Counters()
        self.limiter = RateLimiter(self.p.rate)
        self.deadline: float | None = None  # time.monotonic() after which no request is sent (the crawl sets it)
        self._inflight = threading.BoundedSemaphore(max(1, self.p.concurrency))
        self._robots: dict[str, RobotsRules] = {}
        self._paused: dict[str, tuple[float, str]] = {}  # host → (monotonic until, why): long Retry-After
        self._robots_lock: dict[str, threading.Lock] = {}
        self._robots_guard = threading.Lock()
        self.client = httpx.Client(
            timeout=httpx.Timeout(self.p.timeout),
            follow_redirects=False,
            # the UA names 政务公开办: sent as UTF-8 bytes (httpx would refuse a non-ASCII str)
            headers={"User-Agent": self.user_agent.encode("utf-8"), "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                     "Accept-Language": "zh-CN,zh;q=0.9",
                     "Accept-Encoding": "gzip, deflate"},  # decoded here, bounded (BoundedDecoder)
            transport=transport,
            limits=httpx.Limits(max_connections=max(2, self.p.concurrency * 2),
                                max_keepalive_connections=max(2, self.p.concurrency * 2)),
            trust_env=False,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- policy --------------------------------------------------------------------------------
    def allowed(self, url: str) -> bool:
        return host_allowed(url, self.allowed_hosts)

    def robots_allowed(self, url: str) -> bool:
        return self.robots_verdict(url)[0] == "allow"

    def robots_verdict(self, url: str) -> tuple[str, str | None]:
        """``("allow", None)``, ``("disallow", "robots.txt 禁止抓取")`` or ``("unreadable", why)``."""
        if not self.p.obey_robots:
            return "allow", None
        rules = self._robots_for(url)
        if rules.unreadable:
            return "unreadable", rules.unreadable
        if rules.parser.can_fetch(self.user_agent, url):
            return "allow", None
        return "disallow", "robots.txt 禁止抓取"

    def _crawl_delay(self, url: str) -> float:
        if not self.p.obey_robots:
            return 0.0
        rules = self._robots.get(_host_key(url))
        if rules is None or rules.unreadable:
            return 0.0
        try:
            delay = rules.parser.crawl_delay(self.user_agent)
        except Exception:  # noqa: BLE001 - robotparser on odd files
            delay = None
        # obeyed, but a hostile "Crawl-delay: 86400" cannot stall the crawl past its time budgets
        return min(float(delay), self.p.max_retry_after) if delay else 0.0

    def _robots_fresh(self, key: str) -> RobotsRules | None:
        rules = self._robots.get(key)
        if rules is not None and rules.unreadable and time.monotonic() - rules.checked >= self.p.robots_retry:
            return None  # could not be read: ask again ("retry later")
        return rules

    def _robots_for(self, url: str) -> RobotsRules:
        key = _host_key(url)
        with self._robots_guard:
            rules = self._robots_fresh(key)
            if rules is not None:
                return rules
            lock = self._robots_lock.setdefault(key, threading.Lock())
        with lock:
            with self._robots_guard:
                rules = self._robots_fresh(key)
            if rules is not None:
                return rules
            rules = self._read_robots(key + "/robots.txt")
            with self._robots_guard:
                self._robots[key] = rules
            return rules

    def _read_robots(self, robots_url: str) -> RobotsRules:
        """RFC 9309 §2.3.1: 2xx parsed; 4xx "unavailable" (all allowed); 5xx, 429, timeouts and
        unreachable hosts "unreachable" (all disallowed, reported, asked again later)."""
        rp = urllib.robotparser.RobotFileParser(robots_url)
        current, unreadable, note = robots_url, None, None
        raw: dict = {}
        for _hop in range(self.p.max_redirects + 1):
            raw = self._request("GET", current, headers={}, data=None)
            status = raw.get("status")
            if status in (301, 302, 303, 307, 308) and raw["headers"].get("location"):
                target = urljoin(current, raw["headers"]["location"].strip())
                if not self.allowed(target):
                    unreadable = f"重定向到站外 {target}"
                    break
                current = target
                continue
            if raw.get("error") or status is None:
                unreadable = raw.get("error") or "无响应"
            elif status == 429 or status >= 500:
                unreadable = f"HTTP {status}"
            elif 400 <= status < 500:
                rp.allow_all = True
                note = f"HTTP {status}：按 RFC 9309 视为没有限制"
            elif 200 <= status < 300 and raw.get("too_large"):
                unreadable = raw["too_large"]
            elif 200 <= status < 300:
                text, _ = decode_body(raw.get("body") or b"", raw["headers"].get("content-type"))
                rp.parse(text.splitlines())
            else:
                unreadable = f"HTTP {status}"
            break
        else:
            rp.allow_all = True  # RFC 9309 §2.3.1.2: more than five redirects → unavailable
            note = f"重定向超过 {self.p.max_redirects} 次：按 RFC 9309 视为没有限制"
        reason = None
        if unreadable:
            rp.disallow_all = True
            reason = f"robots.txt 无法读取（{unreadable}），暂按禁止抓取处理，稍后重试"
        if self.store is not None:
            self.store.record(robots_url, final_url=current, status=raw.get("status"),
                              outcome="error" if unreadable else "ok", reason=reason or note,
                              headers=raw.get("headers"), body=raw.get("body"), crawl_id=self.crawl_id,
                              kind="robots")
        return RobotsRules(rp, reason, time.monotonic())

    # --- HTTP ----------------------------------------------------------------------------------
    def _once(self, method: str, url: str, headers: dict, data: dict | None) -> dict:
        start = time.monotonic()
        with self.client.stream(method, url, headers=headers, data=data) as resp:
            hdrs = {k.lower(): v for k, v in resp.headers.items()}
            out = {"status": resp.status_code, "headers": hdrs, "body": None, "url": str(resp.url)}
            if resp.status_code in (304,) or method == "HEAD":
                return out
            length = hdrs.get("content-length")
            if length and length.isdigit() and int(length) > self.p.max_bytes:
                out["too_large"] = f"Content-Length {length} > {self.p.max_bytes}"
                return out
            try:
                decoder = BoundedDecoder(hdrs.get("content-encoding"))
            except BadEncoding as exc:
                out["bad_encoding"] = str(exc)
                return out
            chunks: list[bytes] = []
            size = 0
            try:
                for raw in resp.iter_raw():
                    self.counters.add("bytes", len(raw))
                    for piece in decoder.decode(raw, self.p.max_bytes - size):
                        size += len(piece)
                        if size > self.p.max_bytes:
                            out["too_large"] = f"超过 {self.p.max_bytes} 字节（解压后），已中止"
                            return out
                        chunks.append(piece)
                    if time.monotonic() - start > self.p.total_timeout:
                        raise TotalTimeout(f"响应超过 {self.p.total_timeout:g} 秒未传完")
            except BadEncoding as exc:
                out["bad_encoding"] = str(exc)
                return out
            out["body"] = b"".join(chunks)
            return out

    def _paused_reason(self, host: str) -> str | None:
        with self._robots_guard:
            until, why = self._paused.get(host, (0.0, ""))
        return why if time.monotonic() < until else None

    def _request(self, method: str, url: str, *, headers: dict, data: dict | None) -> dict:
        """One URL with retries (5xx, 429, timeouts, dropped connections); no redirects followed."""
        host = _host_key(url)
        last: dict = {}
        for attempt in range(self.p.retries + 1):
            paused = self._paused_reason(host)
            if paused:
                return {"error": paused, "code": "rate_limited"}
            if not self.limiter.wait(host, self._crawl_delay(url) if not url.endswith("/robots.txt") else 0.0,
                                     self.deadline):
                return {"error": "本次采集用时达到上限（limits.crawl_time_budget），未发出请求；再次运行采集会接着采",
                        "code": "time_budget"}
            with self._inflight:
                self.counters.add("requests")
                try:
                    last = self._once(method, url, headers, data)
                except (httpx.TimeoutException, TotalTimeout) as exc:
                    last = {"error": f"超时（{type(exc).__name__}）", "timeout": True}
                except httpx.TransportError as exc:  # refused, reset, truncated body
                    last = {"error": f"连接错误（{type(exc).__name__}: {exc}）"}
                except httpx.HTTPError as exc:
                    return {"error": f"请求失败（{type(exc).__name__}: {exc}）"}
            status = last.get("status")
            if status == 429:
                self.counters.add("rate_limited")
            retryable = "error" in last or (status in RETRY_STATUSES)
            if status in RETRY_STATUSES and last.get("body"):
                text, _ = decode_body(last["body"], last["headers"].get("content-type"))
                if classify_page(status, text)[0] == "blocked":
                    retryable = False  # a WAF answering 503 is not going to change its mind
            if not retryable:
                break
            wait = retry_after_seconds((last.get("headers") or {}).get("retry-after")) \
                if status in (429, 503) else None
            if wait is not None and wait > self.p.max_retry_after:
                why = (f"HTTP {status}：服务器要求 {wait:g} 秒后再试（Retry-After），超过上限 "
                       f"{self.p.max_retry_after:g} 秒，本次采集不再请求该站点，下次采集重试")
                with self._robots_guard:
                    self._paused[host] = (time.monotonic() + wait, why)
                last["gave_up"] = why
                break
            if attempt == self.p.retries:
                break
            self.counters.add("retries")
            if wait is None:
                wait = min(self.p.backoff * (2 ** attempt), self.p.max_backoff)
            elif status == 429:
                self.limiter.defer(host, wait)  # the whole host waits, not only this thread
            time.sleep(wait)
        return last

    def fetch(self, url: str, *, method: str = "GET", data: dict | None = None, kind: str = "other",
              conditional: StoredResponse | None = None, record: bool = True) -> FetchResult:
        """Fetch ``url`` (following on-host redirects) and record the response in the store."""
        key = url if data is None else f"{url}#{urlencode(sorted(data.items()))}"
        result = self._fetch(url, method=method, data=data, conditional=conditional)
        result.url = key
        result.fetched_at = now_iso()
        if record and self.store is not None and result.outcome not in ("external", "robots"):
            row = self.store.record(
                key, final_url=result.final_url, method=method, status=result.status,
                outcome=result.outcome, reason=result.reason, headers=result.headers,
                encoding=result.encoding, body=result.body, crawl_id=self.crawl_id, kind=kind,
                fetched_at=result.fetched_at,
                keep_validators_from=conditional if result.outcome == "not_modified" else None)
            result.sha256 = row.sha256
        return result

    def _fetch(self, url: str, *, method: str, data: dict | None,
               conditional: StoredResponse | None) -> FetchResult:
        current = url
        headers: dict[str, str] = {}
        if conditional is not None:
            if conditional.etag:
                headers["If-None-Match"] = conditional.etag
            if conditional.last_modified:
                headers["If-Modified-Since"] = conditional.last_modified
        requests_before = self.counters.get("requests")
        seen = {(method, current)}
        for _hop in range(self.p.max_redirects + 1):
            if not self.allowed(current):
                return FetchResult(url, "external", final_url=current,
                                   reason="站外链接" if current == url else f"重定向到站外 {current}")
            verdict, why = self.robots_verdict(current)
            if verdict == "disallow":
                return FetchResult(url, "robots", final_url=current, reason=why)
            if verdict == "unreadable":
                return FetchResult(url, "error", final_url=current, reason=why, code="robots_unreadable")
            raw = self._request(method, current, headers=headers, data=data)
            n = int(self.counters.get("requests") - requests_before)
            if "error" in raw:
                return FetchResult(url, "error", final_url=current, reason=raw["error"], requests=n,
                                   code=raw.get("code"))
            status, hdrs = raw["status"], raw["headers"]
            if status in (301, 302, 303, 307, 308) and hdrs.get("location"):
                current = urljoin(current, hdrs["location"].strip())
                if status == 303 or (status in (301, 302) and method == "POST"):
                    method, data = "GET", None
                headers = {}
                if (method, current) in seen:
                    return FetchResult(url, "error", status=status, final_url=current, requests=n,
                                       reason=f"重定向循环（回到 {current}）", code="redirect_loop")
                seen.add((method, current))
                continue
            if status == 304:
                return FetchResult(url, "not_modified", status=304, final_url=current, headers=hdrs,
                                   requests=n)
            if raw.get("too_large"):
                return FetchResult(url, "too_large", status=status, final_url=current, headers=hdrs,
                                   reason=raw["too_large"], requests=n)
            if raw.get("bad_encoding"):
                return FetchResult(url, "error", status=status, final_url=current, headers=hdrs,
                                   reason=raw["bad_encoding"], requests=n)
            body = raw.get("body") or b""
            text, encoding = decode_body(body, hdrs.get("content-type"))
            outcome, reason = classify_page(status, text)
            code = None
            if outcome == "ok" and not 200 <= status < 300:
                outcome, reason = "error", f"HTTP {status}"
                if status == 429:
                    code = "rate_limited"
                    reason = raw.get("gave_up") or f"HTTP 429 请求过多：重试 {self.p.retries} 次后仍被限流，下次采集重试"
                elif raw.get("gave_up"):
                    reason = raw["gave_up"]
            return FetchResult(url, outcome, status=status, final_url=current, reason=reason,
                               headers=hdrs, body=body, text=text if outcome == "ok" else None,
                               encoding=encoding, requests=n, code=code)
        return FetchResult(url, "error", final_url=current, reason=f"重定向超过 {self.p.max_redirects} 次",
                           code="redirect_loop")

    def from_store(self, url: str) -> FetchResult | None:
        """The stored ``ok`` response for ``url``, decoded, without any request."""
        if self.store is None:
            return None
        row = self.store.get(url)
        if row is None or row.outcome not in ("ok", "not_modified") or not row.sha256:
            return None
        body = self.store.get_body(row.sha256)
        if body is None:
            return None
        text, enc = decode_body(body, row.headers.get("content-type"))
        return FetchResult(url, "ok", status=row.status, final_url=row.final_url, headers=row.headers,
                           body=body, text=text, encoding=enc, fetched_at=row.fetched_at, from_store=True,
                           sha256=row.sha256)
