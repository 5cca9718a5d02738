"""Crawler benchmark on the synthetic demo portal (loopback only).

    .venv/bin/python bench/bench_crawler.py [--seed 2021] [--repeat 3] [--keep DIR]

Prints one JSON record per line:
- ``crawler-demo-crawl``: a first crawl of the whole demo portal (wall time, requests, items);
- ``crawler-recrawl``: a second crawl of the unchanged portal (conditional list heads only);
- ``crawler-parse``: parsing throughput of the stored pages on one core (decode + parse_article /
  parse_list, no I/O but reading the store), best of ``--repeat`` runs:
  ``{"name": "crawler-parse", "size": N, "seconds": s, "pages_per_s": x}``.
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

from flows.crawler.crawl import crawl  # noqa: E402
from flows.crawler.demo_portal import demo_config, generate_demo_portal, serve_directory  # noqa: E402
from flows.crawler.pages import decode_body  # noqa: E402
from flows.crawler.parse import parse_article, parse_list  # noqa: E402
from flows.crawler.store import CrawlStore  # noqa: E402
from flows.registry import load_registry  # noqa: E402


def emit(record: dict) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="keep the portal and store in this directory")
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
