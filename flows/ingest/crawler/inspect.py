"""``zwgk inspect URL|FILE``: what zwgk sees on one page, read the way a crawl reads it (the preset's
selectors, the generic list reader, the pager, the metadata labels). docs/crawler.md, "Inspecting a
page".

A URL is fetched once with the crawler's own fetcher (robots.txt, size cap, the page's host only). A
file is read as saved; its address, needed to resolve links, comes from ``--url``, else the page's
"saved from url" comment or canonical link, else the file's own path.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from .config import ConfigError, PRESETS, make_config
from .pages import decode_body

_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)
_CANONICAL = re.compile(r"<link[^>]+rel=[\"']?canonical[\"']?[^>]*href=[\"']([^\"']+)", re.I)
MAX_FILE_BYTES = 20_000_000


class InspectError(ValueError):
    """A page that cannot be read: the message names it and says why."""


def page_address(html: str, given: str | None, path: Path) -> str:
    if given:
        return given
    for pattern in (_SAVED_FROM, _CANONICAL):
        m = pattern.search(html[:20_000])
        if m and m.group(1).startswith(("http://", "https://")):
            return m.group(1)
    return path.resolve().as_uri()


def read_target(target: str, url: str | None = None) -> tuple[str, str, str]:
    """(html, address, how it was read) of a URL or a saved file."""
    if target.startswith(("http://", "https://")):
        return (*_fetch(target), "fetched")
    path = Path(target)
    if not path.is_file():
        raise InspectError(f"{target}: 不是 http(s) 网址，也不是存在的文件")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InspectError(f"{target}: 文件超过 {MAX_FILE_BYTES // 1_000_000} MB，不像一个网页")
    html, _encoding = decode_body(path.read_bytes(), None)
    return html, page_address(html, url, path), "file"


def _fetch(url: str) -> tuple[str, str]:
    from .config import Politeness
    from .fetch import Fetcher

    host = urlsplit(url).netloc
    with Fetcher(Politeness(retries=1), [host]) as fetcher:
        res = fetcher.fetch(url, kind="inspect")
    if res.outcome != "ok":
        raise InspectError(f"{url}: 无法读取（{res.outcome}：{res.reason or res.status}）")
    return res.text or "", res.final_url or url


def inspect_target(target: str, *, preset: str | None = None, url: str | None = None) -> dict:
    """Everything ``zwgk inspect`` reports about one page, as a dict (the ``--json`` output)."""
    from .config.presets import choose_preset
    from .parse.page_view import inspect_page

    html, address, how = read_target(target, url)
    chosen, why = choose_preset(html, address)
    if preset is not None and preset not in PRESETS:
        raise ConfigError(f"--preset 应为 {' | '.join(PRESETS)} 之一，实为 {preset!r}")
    used = preset or chosen
    parts = urlsplit(address)
    base = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else "http://localhost"
    config = make_config(used, base, allowed_hosts=[parts.netloc or "localhost"])
    view = inspect_page(html, address, config).as_dict()
    view.update({"source": str(target), "read": how, "preset": used,
                 "preset_reason": ("按 --preset 指定" if preset else why),
                 "preset_suggested": chosen, "preset_suggested_reason": why})
    return view
