"""The range every number in a config or on the command line must lie in (docs/reliability.md,
"Numbers in configs"). A value that is not a finite number, or lies outside its range, is refused
with one line naming the key: ``rate = nan`` would let a crawl send requests without pause, a
``max_age = nan`` would never crawl again, ``max_items = 1e20`` is no cap at all.
"""

from __future__ import annotations

import math

DAY = 86400.0

# key → (lowest, highest, lowest allowed itself, integer, unit for the message)
BOUNDS: dict[str, tuple[float, float, bool, bool, str]] = {
    "rate": (0.0, 1000.0, False, False, "每秒请求数"),  # 1000: a loopback test server; a portal gets 1–2
    "max_items_per_column": (1, 10_000_000, True, True, "条"),
    "column_time_budget": (0.0, 30 * DAY, False, False, "秒"),
    "crawl_time_budget": (0.0, 30 * DAY, False, False, "秒"),
    "max_age": (0.0, 366 * DAY, True, False, "秒"),
    "concurrency": (1, 64, True, True, "个"),
    "timeout": (0.0, 600.0, False, False, "秒"),
    "total_timeout": (0.0, 3600.0, False, False, "秒"),
    "retries": (0, 20, True, True, "次"),
    "backoff": (0.0, 600.0, True, False, "秒"),
    "max_backoff": (0.0, 3600.0, True, False, "秒"),
    "max_bytes": (1, 1_000_000_000, True, True, "字节"),
    "max_redirects": (0, 50, True, True, "次"),
    "max_retry_after": (0.0, DAY, True, False, "秒"),
    "robots_retry": (0.0, 7 * DAY, True, False, "秒"),
    "max_pages": (1, 100_000, True, True, "页"),
    "hanweb_perpage": (1, 1000, True, True, "条"),
    "hanweb_batch": (1, 10_000, True, True, "条"),
}


def out_of_bounds(key: str, value) -> str | None:
    """Why ``value`` is not acceptable for ``key`` (a phrase: "应为 0 到 50 之间的数（每秒请求数）"), or None."""
    name = key.rsplit(".", 1)[-1]
    if name not in BOUNDS:
        return None
    lo, hi, lo_ok, integer, unit = BOUNDS[name]
    what = (f"{'' if lo_ok else '大于'}{lo:g} 到 {hi:g} 之间的{'整数' if integer else '数'}（{unit}）")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"应为{what}"
    if not math.isfinite(value) or (integer and value != int(value)):
        return f"应为{what}"
    if value < lo or (value == lo and not lo_ok) or value > hi:
        return f"应为{what}"
    return None
