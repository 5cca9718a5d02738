"""The crawl of each later period, measured: a county portal that grows half-year by half-year.

    .venv/bin/python bench/bench_incremental.py [--periods 2024H2..2026H1]

The 青溪县 fixture portal (tests/fixtures/qingxi_portal.py, TRS template, 22 columns) is generated as
it stood a few days after each half-year ended and crawled into one store, as the scheduled run
does; then the final portal is crawled again into a fresh store (what a non-incremental crawler
would send every time). Prints one JSON record per crawl:
``{"name": "incremental-crawl", "period": …, "requests": n, "not_modified": n, "list_pages": n,
"articles_fetched": n, "articles_reused": n, "items": n}`` and ``"name": "full-crawl"`` for the fresh one.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.qingxi_portal import COUNTY, generate, write_registry  # noqa: E402

from flows.ingest.crawler.discovery import discover_config  # noqa: E402
from flows.ingest.crawler.crawl import crawl  # noqa: E402
from data.demo.portal import serve_directory  # noqa: E402
from flows.domain.periods import parse_period_range  # noqa: E402
from flows.domain.registry import load_registry  # noqa: E402


def record(name: str, period: str, summary) -> dict:
    s = summary.to_dict()
    return {"name": name, "period": period, "requests": s["requests"], "not_modified": s["not_modified"],
            "list_pages": s["pages_fetched"], "articles_fetched": s["articles_fetched"],
            "articles_reused": s["articles_reused"], "items": s["items"], "seconds": s["seconds"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--periods", default="2024H2..2026H1")
    args = ap.parse_args()
    periods = parse_period_range(args.periods)
    with tempfile.TemporaryDirectory() as tmp:
        root, store = Path(tmp) / "site", Path(tmp) / "store"
        generate(root, periods, as_of=periods[0].end + timedelta(days=5))
        registry = load_registry(write_registry(Path(tmp) / "units.csv"), COUNTY)
        with serve_directory(root) as base:
            config = discover_config("trs", f"{base}/zwgk/index.html", registry=registry, rate=500, county=COUNTY)
            for p in periods:
                generate(root, periods, as_of=p.end + timedelta(days=5))
                result = crawl(config, store, registry=registry)
                print(json.dumps(record("incremental-crawl", p.code, result.summary), ensure_ascii=False), flush=True)
            result = crawl(config, Path(tmp) / "fresh", registry=registry)
            print(json.dumps(record("full-crawl", periods[-1].code, result.summary), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
