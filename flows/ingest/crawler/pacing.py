"""Pacing the crawler's requests: the per-host rate limiter, Retry-After, the statuses that are
retried, and the crawl's shared counters.
"""

from __future__ import annotations

import email.utils
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit


RETRY_STATUSES = {429, 500, 502, 503, 504, 507, 508, 520, 522, 523, 524, 525, 526, 527, 529, 530}


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


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

    def wait(self, host: str, min_interval: float = 0.0, deadline: float | None = None) -> bool:
        """Block until this host may be sent the next request; grants are ``interval`` apart in real time
        (a thread that oversleeps does not let the next one go early). False, at once, when the slot
        would come after ``deadline`` (the crawl's time budget: it stops whatever the rate)."""
        interval = max(self.interval, min_interval)
        while True:
            with self._lock:
                now = time.monotonic()
                due = self._next.get(host, 0.0)
                if deadline is not None and max(now, due) >= deadline:
                    return False
                if now >= due:
                    self._next[host] = now + interval
                    self.times.append((host, now))
                    return True
            time.sleep(min(due - now, 1.0))

    def defer(self, host: str, seconds: float) -> None:
        """No request to ``host`` for ``seconds`` (a server's Retry-After holds for every thread)."""
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), time.monotonic() + seconds)


def _host_key(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}".lower()
