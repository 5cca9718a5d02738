"""Warehouse growth per crawl, with and without retention, through the product's own loader
(``transforms.loaders.load_crawl`` then ``prune_crawls``, as ``flows/steps/pipeline.py`` ``load_crawled``
does after each crawl), and what ``zwgk vacuum``'s rewrite gives back.

    python -m bench.bench_retention            # 8 crawls of 1,634 items (the 青溪县-sized portal)
    python -m bench.bench_retention --items 5000 --crawls 12

Every crawl of an unchanged portal is the same items again (new fetch times): without retention each
one is a full copy in raw_crawled_items; with it only the newest record of each URL stays.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def _size(path: Path) -> int:
    wal = Path(f"{path}.wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _items(n: int, crawl: int) -> list[dict]:
    return [{"url": f"http://portal/zwgk/{i}.html", "title": f"信息{i}", "unit_raw": "司法局", "column": "司法局/工作动态",
             "column_type": "dynamics", "columns": ["司法局/工作动态"], "publish_date": "2021-03-01",
             "doc_date": None, "doc_number": None, "index_number": None, "topic": None, "repost_of": None,
             "fetched_at": f"2021-12-{crawl + 1:02d}T08:00:00+08:00", "body_text": "正文内容。" * 150,
             "format_facts": {"paragraphs": ["　　正文内容。" * 10] * 12, "max_empty_run": 0}} for i in range(n)]


def run(items: int, crawls: int, work: Path) -> dict:
    from flows.steps.retention import vacuum
    from transforms import runner
    from transforms.loaders import load_crawl, prune_crawls

    out = {}
    for mode in ("without", "with"):
        wh = work / f"{mode}.duckdb"
        sizes = []
        for n in range(crawls):
            with runner.connect(wh) as con:
                load_crawl(con, county_slug="x", crawl_id=f"c{n:03d}", summary={}, columns=[], items=_items(items, n))
                if mode == "with":
                    prune_crawls(con, "x", 1)
                runner.execute(con, "CHECKPOINT")
            sizes.append(_size(wh))
        out[mode] = sizes
    done = vacuum(work / "with.duckdb")
    out["vacuumed"] = done["after_bytes"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=1634)
    ap.add_argument("--crawls", type=int, default=8)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        r = run(args.items, args.crawls, Path(tmp))
    mb = lambda b: f"{b / 1e6:.1f} MB"  # noqa: E731
    grow = lambda s: (s[-1] - s[0]) / max(1, len(s) - 1)  # noqa: E731
    print(f"{args.crawls} crawls of {args.items} items")
    print("| | after the 1st crawl | after the last | growth per crawl |")
    print("| --- | --- | --- | --- |")
    for mode in ("without", "with"):
        s = r[mode]
        print(f"| {mode} retention | {mb(s[0])} | {mb(s[-1])} | {mb(grow(s))} |")
    print(f"| with retention, then zwgk vacuum | | {mb(r['vacuumed'])} | |")
    ratio = r["without"][-1] / max(1, r["with"][-1])
    print(f"ratio of the last sizes (without / with): {ratio:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
