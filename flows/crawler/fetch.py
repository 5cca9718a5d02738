"""Polite, safe HTTP for the crawler.

- robots.txt: fetched once per host and read with ``urllib.robotparser``; a disallowed URL is
  recorded as ``robots`` and never fetched (401/403 on robots.txt: everything disallowed; other 4xx:
  everything allowed; 5xx/unreachable: everything disallowed, to be safe). ``Crawl-delay`` is obeyed.
- rate limit per host (default 2 requests/s) and a bound on requests in flight;
- connect/read timeouts plus a total deadline per response (servers that drip bytes);
- retries with exponential backoff on 5xx, timeouts and dropped/truncated connections — never on 4xx;
- a size cap: bodies are streamed and abandoned past ``max_bytes`` (outcome ``too_large``);
- never leaves the allowed hosts: off-host links and redirects are recorded ``external``;
- decoding and WAF / soft-404 recognition in ``pages``.

Outcomes: ok | not_modified | missing | blocked | too_large | error | external | robots.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

import httpx

from .config import USER_AGENT, Politeness, host_allowed
from .pages import classify_page, decode_body
from .store import CrawlStore, StoredResponse, now_iso

RETRY_STATUSES = {500, 502, 503, 504, 507, 508, 520, 522, 523, 524, 525, 526, 527, 529, 530}


class TotalTimeout(Exception):
    pass


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

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class Counters:
    """Thread-safe counters shared by a crawl (requests, bytes, retries)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.values: dict[str, float] = {}

    def add(self, key: str, n: float = 1) -> None:
        with self._lock:
            self.values[key] = self.values.get(key, 0) + n

    def get(self, key: str) -> float:
        with self._lock:
            return self.values.get(key, 0)


class RateLimiter:
    """At most ``rate`` requests per second per host: each request takes the next free slot."""

    def __init__(self, rate: float | None):
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self.times: list[tuple[str, float]] = []  # (host, monotonic time) of every slot, for tests

    def wait(self, host: str, min_interval: float = 0.0) -> None:
        """Block until this host may be sent the next request; grants are ``interval`` apart in real time
        (a thread that oversleeps does not let the next one go early)."""
        interval = max(self.interval, min_interval)
        while True:
            with self._lock:
                now = time.monotonic()
                due = self._next.get(host, 0.0)
                if now >= due:
                    self._next[host] = now + interval
                    self.times.append((host, now))
                    return
            time.sleep(min(due - now, 1.0))


def _host_key(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}".lower()


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
        self._inflight = threading.BoundedSemaphore(max(1, self.p.concurrency))
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._robots_lock: dict[str, threading.Lock] = {}
        self._robots_guard = threading.Lock()
        self.client = httpx.Client(
            timeout=httpx.Timeout(self.p.timeout),
            follow_redirects=False,
            # the UA names 政务公开办: sent as UTF-8 bytes (httpx would refuse a non-ASCII str)
            headers={"User-Agent": self.user_agent.encode("utf-8"), "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                     "Accept-Language": "zh-CN,zh;q=0.9"},
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
        if not self.p.obey_robots:
            return True
        rp = self._robots_for(url)
        return bool(rp and rp.can_fetch(self.user_agent, url))

    def _crawl_delay(self, url: str) -> float:
        if not self.p.obey_robots:
            return 0.0
        rp = self._robots.get(_host_key(url))
        if rp is None:
            return 0.0
        try:
            delay = rp.crawl_delay(self.user_agent)
        except Exception:  # noqa: BLE001 - robotparser on odd files
            delay = None
        return float(delay) if delay else 0.0

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        key = _host_key(url)
        with self._robots_guard:
            if key in self._robots:
                return self._robots[key]
            lock = self._robots_lock.setdefault(key, threading.Lock())
        with lock:
            if key in self._robots:
                return self._robots[key]
            robots_url = key + "/robots.txt"
            rp = urllib.robotparser.RobotFileParser(robots_url)
            raw = self._request("GET", robots_url, headers={}, data=None)
            status = raw.get("status")
            if raw.get("error") or status is None:
                rp.disallow_all = True  # unreachable robots.txt: stay out, to be safe
                reason = raw.get("error") or "无响应"
            elif status in (401, 403):
                rp.disallow_all = True
                reason = f"HTTP {status}"
            elif 400 <= status < 500:
                rp.allow_all = True
                reason = f"HTTP {status}"
            elif status >= 500:
                rp.disallow_all = True
                reason = f"HTTP {status}"
            else:
                text, _ = decode_body(raw.get("body") or b"", raw.get("headers", {}).get("content-type"))
                rp.parse(text.splitlines())
                reason = None
            if self.store is not None:
                self.store.record(robots_url, status=status, outcome="ok" if not reason else "error",
                                  reason=reason, headers=raw.get("headers"), body=raw.get("body"),
                                  crawl_id=self.crawl_id, kind="robots")
            with self._robots_guard:
                self._robots[key] = rp
            return rp

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
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > self.p.max_bytes:
                    out["too_large"] = f"超过 {self.p.max_bytes} 字节，已中止"
                    self.counters.add("bytes", size)
                    return out
                if time.monotonic() - start > self.p.total_timeout:
                    raise TotalTimeout(f"响应超过 {self.p.total_timeout:g} 秒未传完")
                chunks.append(chunk)
            self.counters.add("bytes", size)
            out["body"] = b"".join(chunks)
            return out

    def _request(self, method: str, url: str, *, headers: dict, data: dict | None) -> dict:
        """One URL with retries (5xx, timeouts, dropped connections); no redirects followed."""
        host = _host_key(url)
        last: dict = {}
        for attempt in range(self.p.retries + 1):
            self.limiter.wait(host, self._crawl_delay(url) if not url.endswith("/robots.txt") else 0.0)
            retry_after = None
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
            retryable = "error" in last or (status in RETRY_STATUSES)
            if status in RETRY_STATUSES and last.get("body"):
                text, _ = decode_body(last["body"], last["headers"].get("content-type"))
                if classify_page(status, text)[0] == "blocked":
                    retryable = False  # a WAF answering 503 is not going to change its mind
            if not retryable or attempt == self.p.retries:
                break
            self.counters.add("retries")
            ra = (last.get("headers") or {}).get("retry-after", "")
            if ra.strip().isdigit():
                retry_after = min(float(ra), self.p.max_backoff)
            time.sleep(retry_after if retry_after is not None
                       else min(self.p.backoff * (2 ** attempt), self.p.max_backoff))
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
        for _hop in range(self.p.max_redirects + 1):
            if not self.allowed(current):
                return FetchResult(url, "external", final_url=current,
                                   reason="站外链接" if current == url else f"重定向到站外 {current}")
            if not self.robots_allowed(current):
                return FetchResult(url, "robots", final_url=current, reason="robots.txt 禁止抓取")
            raw = self._request(method, current, headers=headers, data=data)
            n = int(self.counters.get("requests") - requests_before)
            if "error" in raw:
                return FetchResult(url, "error", final_url=current, reason=raw["error"], requests=n)
            status, hdrs = raw["status"], raw["headers"]
            if status in (301, 302, 303, 307, 308) and hdrs.get("location"):
                current = urljoin(current, hdrs["location"].strip())
                if status == 303 or (status in (301, 302) and method == "POST"):
                    method, data = "GET", None
                headers = {}
                continue
            if status == 304:
                return FetchResult(url, "not_modified", status=304, final_url=current, headers=hdrs,
                                   requests=n)
            if raw.get("too_large"):
                return FetchResult(url, "too_large", status=status, final_url=current, headers=hdrs,
                                   reason=raw["too_large"], requests=n)
            body = raw.get("body") or b""
            text, encoding = decode_body(body, hdrs.get("content-type"))
            outcome, reason = classify_page(status, text)
            if outcome == "ok" and not 200 <= status < 300:
                outcome, reason = "error", f"HTTP {status}"
            return FetchResult(url, outcome, status=status, final_url=current, reason=reason,
                               headers=hdrs, body=body, text=text if outcome == "ok" else None,
                               encoding=encoding, requests=n)
        return FetchResult(url, "error", final_url=current, reason=f"重定向超过 {self.p.max_redirects} 次")

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
