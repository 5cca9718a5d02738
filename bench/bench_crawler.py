"""Crawler benchmark on the synthetic demo portal (loopback only).

    .venv/bin/python bench/bench_crawler.py [--seed 2021] [--repeat 3] [--keep DIR]

Prints one JSON record per line:
- ``crawler-demo-crawl``: a first crawl of the whole demo portal (wall time, requests, items);
- ``crawler-recrawl``: a second crawl of the unchanged portal (conditional list heads only);
- ``crawler-parse``: parsing throughput of the stored pages on one core (decode + parse_article /
  parse_list, no I/O but reading the store), best of ``--repeat`` runs:
  ``{"name": "crawler-parse", "size": N, "seconds": s, "pages_per_s": x}``;
- ``crawler-fault-100k-links``: one list page with 100,000 links under ``max_items_per_column = 50``
  (wall time of the crawl, requests; Python peak memory by tracemalloc in a second run);
- ``crawler-fault-gzip-bomb``: a ~100 KB gzip body expanding to 100 MB under a 1 MB cap (wall time,
  compressed bytes read, Python peak memory). ``--faults-only`` runs just these two.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.ingest.crawler.crawl import crawl  # noqa: E402
from data.demo.portal import demo_config, generate_demo_portal, serve_directory  # noqa: E402
from flows.ingest.crawler.pages import decode_body  # noqa: E402
from flows.ingest.crawler.parse import parse_article, parse_list  # noqa: E402
from flows.ingest.crawler.store import CrawlStore  # noqa: E402
from flows.domain.registry import load_registry  # noqa: E402


def emit(record: dict) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="keep the portal and store in this directory")
    ap.add_argument("--faults-only", action="store_true", help="only the fault records (100k links, gzip bomb)")
    args = ap.parse_args()
    if args.faults_only:
        return bench_faults()
    work = args.keep or Path(tempfile.mkdtemp(prefix="zwgk-bench-crawler-"))
    registry = load_registry(ROOT / "data" / "registry" / "huarong.csv", "华容县")

    t0 = time.perf_counter()
    root = generate_demo_portal(work / "portal", seed=args.seed)
    emit({"name": "crawler-demo-generate", "size": sum(1 for p in root.rglob("*") if p.is_file()),
          "seconds": round(time.perf_counter() - t0, 3)})
    store_dir = work / "store"
    log: list[dict] = []
    with serve_directory(root, log=log) as base:
        cfg = demo_config(base)
        t0 = time.perf_counter()
        first = crawl(cfg, store_dir, registry=registry)
        emit({"name": "crawler-demo-crawl", "size": first.summary.requests,
              "seconds": round(time.perf_counter() - t0, 3), "requests": first.summary.requests,
              "server_requests": len(log), "items": len(first.items), "columns": len(cfg.columns),
              "rate": cfg.politeness.rate, "concurrency": cfg.politeness.concurrency})
        n = len(log)
        t0 = time.perf_counter()
        second = crawl(cfg, store_dir, registry=registry)
        emit({"name": "crawler-recrawl", "size": second.summary.requests,
              "seconds": round(time.perf_counter() - t0, 3), "requests": second.summary.requests,
              "server_requests": len(log) - n, "not_modified": second.summary.not_modified,
              "items": len(second.items)})

    with CrawlStore(store_dir) as store:
        pages = []
        for kind in ("article", "list"):
            for row in store.responses(kind):
                if row.outcome == "ok" and row.sha256:
                    pages.append((kind, row.url, store.get_body(row.sha256), row.headers.get("content-type")))
    best = None
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        for kind, url, body, ctype in pages:
            text, _ = decode_body(body, ctype)
            if kind == "article":
                parse_article(text, url, cfg)
            else:
                parse_list(text, url, cfg)
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    emit({"name": "crawler-parse", "size": len(pages), "seconds": round(best, 3),
          "pages_per_s": round(len(pages) / best, 1)})
    bench_faults()


def bench_faults() -> None:
    """The hostile cases of docs/reliability.md through the product's code path (loopback server)."""
    import tracemalloc

    sys.path.insert(0, str(ROOT / "tests" / "crawler_fixtures"))
    from fault_server import Resp, gzip_bomb, serve

    from flows.ingest.crawler.config import Column, Politeness, make_config
    from flows.ingest.crawler.fetch import Fetcher

    fast = {"rate": 1000.0, "retries": 0, "concurrency": 1, "max_bytes": 20_000_000}
    lis = "".join(f'<li><a href="/a/content_{i}.html" title="第{i}条">第{i}条</a><span>2021-03-05</span></li>'
                  for i in range(100_000))
    page = f"<html><body><div class='list_right'><ul>{lis}</ul></div></body></html>"
    art = ("<html><head><meta name='ArticleTitle' content='x'><meta name='PubDate' content='2021-03-05'></head>"
           "<body><div id='zoom'><p>" + "政务公开正文。" * 80 + "</p></div></body></html>")
    with tempfile.TemporaryDirectory() as tmp, \
            serve({"/col/index.htm": Resp(200, page), "*": Resp(200, art)}) as srv:
        cfg = make_config("yueyang", srv.base, columns=[Column("甲", srv.base + "/col/index.htm", "dynamics")],
                          politeness=fast, limits={"max_items_per_column": 50})
        t0 = time.perf_counter()
        res = crawl(cfg, Path(tmp) / "timed")
        seconds = time.perf_counter() - t0
        tracemalloc.start()  # a second, traced run for memory (tracing slows it several times)
        crawl(cfg, Path(tmp) / "traced")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        col = res.columns[0]
        emit({"name": "crawler-fault-100k-links", "size": 100_000, "seconds": round(seconds, 3),
              "requests": res.summary.requests, "items": len(res.items), "items_unfetched": col.items_unfetched,
              "incomplete": col.incomplete, "python_peak_mb": round(peak / 1e6, 1)})
    with serve({"/bomb": gzip_bomb(100 << 20)}) as srv, \
            Fetcher(Politeness(rate=1000.0, retries=0, max_bytes=1_000_000), [srv.netloc]) as f:
        f.fetch(srv.base + "/warm-up")  # robots.txt and the connection
        before = f.counters.get("bytes")
        tracemalloc.start()
        t0 = time.perf_counter()
        r = f.fetch(srv.base + "/bomb")
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        emit({"name": "crawler-fault-gzip-bomb", "size": 100 << 20, "seconds": round(seconds, 3),
              "outcome": r.outcome, "compressed_bytes_read": int(f.counters.get("bytes") - before),
              "python_peak_mb": round(peak / 1e6, 2)})


if __name__ == "__main__":
    main()
