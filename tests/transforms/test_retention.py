"""Retention (issue 21; docs/reliability.md "Retention"): superseded crawl items are pruned after each load
— nothing the marts read changes — and ``zwgk vacuum`` gives the space back (a real ``zwgk`` process)."""

from __future__ import annotations

import pytest

import os
import subprocess
import sys
from pathlib import Path

from flows.steps.pipeline import prune_item_files
from transforms import runner
from transforms.loaders import load_crawl, prune_crawls

ROOT = Path(__file__).resolve().parents[2]


def item(url: str, title: str, publish: str = "2021-03-01") -> dict:
    return {"url": url, "title": title, "unit_raw": "司法局", "column": "司法局/工作动态", "column_type": "dynamics",
            "columns": ["司法局/工作动态"], "publish_date": publish, "doc_date": None, "doc_number": None,
            "index_number": None, "topic": None, "repost_of": None, "fetched_at": "2021-12-31T08:00:00+08:00",
            "body_text": "正文" * 200, "format_facts": {"paragraphs": ["　　正文。"] * 20, "max_empty_run": 0}}


def _items(con) -> list[tuple]:
    return con.execute("SELECT url, title FROM stg_crawled_items ORDER BY url").fetchall()


def test_pruning_superseded_items_changes_nothing_the_marts_read(tmp_path):
    con = runner.connect(tmp_path / "wh.duckdb")
    load_crawl(con, county_slug="x", crawl_id="c1", summary={}, columns=[],
               items=[item("http://p/1", "一"), item("http://p/2", "二"), item("http://p/gone", "已删除")])
    load_crawl(con, county_slug="x", crawl_id="c2", summary={}, columns=[],
               items=[item("http://p/1", "一"), item("https://p/2", "二（改）"), item("http://p/3", "三")])
    seen = _items(con)
    assert prune_crawls(con, "x", keep_crawls=1) == 2  # c1's /1 and /2: a newer crawl has them
    assert _items(con) == seen  # the item gone from the portal since c1 still counts for its period
    assert prune_crawls(con, "x", keep_crawls=1) == 0
    con.close()


def test_item_files_keep_the_newest(tmp_path):
    for n in range(5):
        path = tmp_path / f"2021010{n}T000000-1.jsonl"
        path.write_text("{}\n", encoding="utf-8")
        os.utime(path, (1_600_000_000 + n, 1_600_000_000 + n))
    prune_item_files(tmp_path, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["20210103T000000-1.jsonl", "20210104T000000-1.jsonl"]


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_eight_crawls_do_not_grow_the_warehouse_eightfold_and_vacuum_reclaims(tmp_path):
    wh = tmp_path / "wh.duckdb"
    con = runner.connect(wh)
    items = [item(f"http://p/{i}", f"信息{i}") for i in range(2000)]
    for n in range(8):  # the same portal crawled 8 times, as a county is over a few years
        load_crawl(con, county_slug="x", crawl_id=f"c{n}", summary={}, columns=[], items=items)
    rows = con.execute("SELECT count(*) FROM raw_crawled_items").fetchone()[0]
    con.close()
    assert rows == 8 * 2000  # without retention every crawl is a full copy
    size = wh.stat().st_size + (Path(f"{wh}.wal").stat().st_size if Path(f"{wh}.wal").exists() else 0)
    env = {**os.environ, "ZWGK_HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "vacuum", "--warehouse", str(wh)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "删去被新采集取代的条目 14000 条" in proc.stdout
    assert wh.stat().st_size < size / 2 and not Path(f"{wh}.vacuum.tmp").exists()
    con = runner.connect(wh, read_only=True, schema=False)
    assert con.execute("SELECT count(*) FROM raw_crawled_items").fetchone()[0] == 2000
    con.close()
