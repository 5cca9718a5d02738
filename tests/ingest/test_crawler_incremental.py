"""Incremental re-crawls, interruption and resume, since/full, export — on a small demo portal."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from flows.ingest.crawler.crawl import crawl
from data.demo.portal import demo_config, generate_demo_portal, serve_directory
from flows.ingest.crawler.export import REQUIRED_FIELDS, export_jsonl, read_jsonl
from flows.ingest.crawler.store import CrawlStore
from flows.domain.registry import load_registry

pytestmark = pytest.mark.slow  # an expensive module fixture: in `make test`, not in `make test-fast`

ROOT = Path(__file__).resolve().parents[2]
UNITS = ["自然资源局", "政府办", "医保局", "小集成洪泛区管委会", "团洲乡", "三封寺镇"]
VOLATILE = ("crawl_id", "fetched_at")


class RequestLog(list):
    """The demo server's request log, which tells waiters of each request it records (no polling)."""

    def __init__(self):
        super().__init__()
        self.changed = threading.Condition()

    def append(self, entry: dict) -> None:
        with self.changed:
            super().append(entry)
            self.changed.notify_all()

    def wait_for(self, predicate, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self), timeout)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = generate_demo_portal(tmp_path_factory.mktemp("portal"), units=UNITS)
    log = RequestLog()
    with serve_directory(root, log=log) as base:
        yield {"root": root, "base": base, "log": log}


@pytest.fixture(scope="module")
def registry():
    return load_registry(ROOT / "data" / "registry" / "huarong.csv", "华容县")


def stable(items):
    return sorted(({k: v for k, v in it.items() if k not in VOLATILE} for it in items), key=lambda it: it["url"])


def since_mark(log):
    return len(log)


def test_unchanged_site_recrawl_fetches_only_list_heads(portal, registry, tmp_path):
    cfg = demo_config(portal["base"], units=UNITS)
    first = crawl(cfg, tmp_path, registry=registry)
    assert first.summary.items_new == len(first.items) > 200
    assert any(c.pages > 1 for c in first.columns)  # a multi-page column is part of the test
    mark = since_mark(portal["log"])
    second = crawl(cfg, tmp_path, registry=registry)
    seen = portal["log"][mark:]
    heads = {c.url.split(portal["base"], 1)[1] for c in cfg.columns}
    non_robots = [e for e in seen if e["path"] != "/robots.txt"]
    assert sorted(e["path"] for e in non_robots) == sorted(heads)  # each list head once, nothing else
    assert all(e["conditional"] and e["status"] == 304 for e in non_robots)
    assert second.summary.not_modified == len(cfg.columns) == second.summary.columns_not_modified
    assert second.summary.requests == len(seen)
    assert second.summary.items_new == 0 and second.summary.items_seen == len(first.items)
    assert stable(second.items) == stable(first.items)
    # column reports (freshness facts) are the same whether read or answered 304
    assert [(c.name, c.items, c.latest_list_date) for c in second.columns] == [
        (c.name, c.items, c.latest_list_date) for c in first.columns]
    assert {c.status for c in second.columns} == {"not_modified"}


def test_new_article_fetches_head_and_new_item_only(portal, registry, tmp_path):
    cfg = demo_config(portal["base"], units=UNITS)
    first = crawl(cfg, tmp_path, registry=registry)
    col = next(c for c in first.columns if c.name == "自然资源局/工作动态")
    assert col.pages > 1
    col_dir = portal["root"] / col.url.split(portal["base"] + "/", 1)[1].rsplit("/", 1)[0]
    index = col_dir / "index.htm"
    original = index.read_bytes()
    article = (col_dir / "content_2999999.html")
    sample = next(p for p in col_dir.glob("content_*.html"))
    text = sample.read_text(encoding="utf-8")
    old_title = re.search(r'name="ArticleTitle" content="([^"]+)"', text).group(1)
    article.write_text(text.replace(old_title, "新增的一条信息（合成）"), encoding="utf-8")
    index.write_bytes(original.replace(
        '<ul class="list_ul">\n'.encode(),
        '<ul class="list_ul">\n<li><a href="content_2999999.html" title="新增的一条信息（合成）">新增的一条信息（合成）</a><span>2021-09-30</span></li>\n'.encode()))
    os.utime(index, (time.time() + 5, time.time() + 5))
    try:
        mark = since_mark(portal["log"])
        second = crawl(cfg, tmp_path, registry=registry)
        paths = [e["path"] for e in portal["log"][mark:] if e["path"] != "/robots.txt"]
    finally:
        index.write_bytes(original)
        article.unlink()
    head = col.url.split(portal["base"], 1)[1]
    new = head.rsplit("/", 1)[0] + "/content_2999999.html"
    assert sorted(paths) == sorted([c.url.split(portal["base"], 1)[1] for c in cfg.columns] + [new])
    assert head.replace("index.htm", "index_1.htm") not in paths  # paging stopped at known items
    assert second.summary.items_new == 1 and len(second.items) == len(first.items) + 1
    assert any(it["url"].endswith("content_2999999.html") for it in second.items)


class Interrupt(Exception):
    pass


def test_interrupted_crawl_resumes_to_the_same_items(portal, registry, tmp_path):
    cfg = demo_config(portal["base"], units=UNITS)
    reference = crawl(cfg, tmp_path / "ref", registry=registry)
    count = {"n": 0}

    def kill_after_40(url, res):
        count["n"] += 1
        if count["n"] == 40:
            raise Interrupt("simulated kill")

    mark = since_mark(portal["log"])
    with pytest.raises(Interrupt):
        crawl(cfg, tmp_path / "b", registry=registry, on_article=kill_after_40)
    mid = since_mark(portal["log"])
    with CrawlStore(tmp_path / "b") as store:
        stored = {r.url.split(portal["base"], 1)[1] for r in store.responses("article") if r.outcome == "ok"}
        assert store.crawls()[-1]["finished_at"] is None
    assert len(stored) >= 40
    resumed = crawl(cfg, tmp_path / "b", registry=registry)
    after = [e["path"] for e in portal["log"][mid:]]
    assert resumed.summary.resumed
    # the report of the resumed crawl counts what the first part met too (issue 21)
    for key in ("missing", "external", "skipped_robots"):
        assert getattr(resumed.summary, key) == getattr(reference.summary, key), key
    assert not stored & set(after)  # nothing already stored was fetched again
    assert stable(resumed.items) == stable(reference.items)
    fetched = [e["path"] for e in portal["log"][mark:] if "content_" in e["path"]]
    assert len(fetched) == len(set(fetched))  # every article fetched exactly once over both runs


def test_killed_process_resumes(portal, registry, tmp_path):
    """A real SIGKILL in the middle of a crawl (separate process), then resume."""
    cfg = demo_config(portal["base"], units=UNITS)
    reference = crawl(cfg, tmp_path / "ref", registry=registry)
    store_dir = tmp_path / "killed"
    script = (
        "import sys; from flows.ingest.crawler.crawl import crawl; from data.demo.portal import demo_config;"
        f"crawl(demo_config({portal['base']!r}, units={UNITS!r}), {str(store_dir)!r}, rate=120)"
    )
    start = since_mark(portal["log"])
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:  # woken by the server as it records each request: killed once it has served 60 articles
        served = portal["log"].wait_for(lambda log: sum("content_" in e["path"] for e in log[start:]) >= 60, 60)
        assert served and proc.poll() is None, "the crawl finished (or stalled) before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    with CrawlStore(store_dir) as store:
        stored = {r.url.split(portal["base"], 1)[1] for r in store.responses("article") if r.outcome == "ok"}
    mid = since_mark(portal["log"])
    resumed = crawl(cfg, store_dir, registry=registry)
    after = {e["path"] for e in portal["log"][mid:]}
    assert resumed.summary.resumed
    assert stored and not stored & after
    assert stable(resumed.items) == stable(reference.items)


def test_since_limits_fetching_and_items(portal, registry, tmp_path):
    cfg = demo_config(portal["base"], units=UNITS)
    full = crawl(cfg, tmp_path / "all", registry=registry)
    recent = crawl(cfg, tmp_path / "since", registry=registry, since=date(2021, 7, 1))
    assert recent.items and all((it["publish_date"] or it["list_date"] or "9999") >= "2021-07-01" for it in recent.items)
    assert {it["url"] for it in recent.items} == {
        it["url"] for it in full.items if (it["publish_date"] or it["list_date"] or "9999") >= "2021-07-01"}
    assert recent.summary.requests < full.summary.requests / 2
    # a later crawl without --since still gets the older items (no 304 shortcut on since-cut columns)
    later = crawl(cfg, tmp_path / "since", registry=registry)
    assert stable(later.items) == stable(full.items)


def test_full_recrawl_repages_without_refetching_articles(portal, registry, tmp_path):
    cfg = demo_config(portal["base"], units=UNITS)
    first = crawl(cfg, tmp_path, registry=registry)
    mark = since_mark(portal["log"])
    again = crawl(cfg, tmp_path, registry=registry, full=True)
    seen = portal["log"][mark:]
    assert not any(e["conditional"] for e in seen)
    assert again.summary.pages_fetched == first.summary.pages_fetched
    stored = {it["url"].split(portal["base"], 1)[1] for it in first.items}
    refetched = {e["path"] for e in seen if "content_" in e["path"]}
    assert not refetched & stored  # stored articles are reused; only dead links are tried again
    manifest = json.loads((portal["root"] / "manifest.json").read_text(encoding="utf-8"))
    assert refetched <= set(manifest["missing"]) | set(manifest["soft404"])
    assert stable(again.items) == stable(first.items)


def test_export_jsonl_schema(portal, registry, tmp_path):
    cfg = demo_config(portal["base"], units=UNITS)
    res = crawl(cfg, tmp_path / "s", registry=registry)
    n = export_jsonl(res.items + res.items[:5], tmp_path / "items.jsonl")
    rows = read_jsonl(tmp_path / "items.jsonl")
    assert n == len(rows) == len(res.items)
    for row in rows:
        assert set(REQUIRED_FIELDS) <= set(row)
        for k in ("publish_date", "doc_date"):
            assert row[k] is None or (len(row[k]) == 10 and row[k][4] == "-")
        assert isinstance(row["format_facts"], dict)
    assert any(r["repost_of"] for r in rows)
    json.dumps(res.summary.to_dict())
