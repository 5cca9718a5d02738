"""The synthetic demo portal: its crawl reproduces the seed bulletin's per-unit H1 2021 counts."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from chinese_calendar import find_workday
from typer.testing import CliRunner

from flows.ingest.crawler.config import load_crawl_config, write_config
from flows.ingest.crawler.discovery import discover_config
from flows.ingest.crawler.crawl import crawl
from data.demo.portal import (
    SYNTHETIC, demo_config, generate_demo_portal, read_seed_counts, serve_directory,
)
from flows.domain.registry import load_registry

pytestmark = pytest.mark.slow  # an expensive module fixture: in `make test`, not in `make test-fast`

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "bulletins" / "huarong_2021H1.txt"


@pytest.fixture(scope="module")
def registry():
    return load_registry(ROOT / "data" / "registry" / "huarong.csv", "华容县")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, registry):
    root = generate_demo_portal(tmp_path_factory.mktemp("demo_portal"))
    log: list[dict] = []
    with serve_directory(root, log=log) as base:
        cfg = demo_config(base)
        result = crawl(cfg, tmp_path_factory.mktemp("store"), registry=registry)
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        by_path = {it["url"][len(base):]: it for it in result.items}
        yield {"root": root, "base": base, "log": log, "cfg": cfg, "result": result, "manifest": manifest,
               "by_path": by_path}


def read_seed_tables(path: Path) -> dict[str, int]:
    """A small reader for the seed's attachment tables: a name line, then count and rank lines."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("附件1："))
    counts: dict[str, int] = {}
    i = start
    while i + 2 < len(lines):
        name, a, b = lines[i:i + 3]
        if name != "合计" and re.fullmatch(r"\d+", a) and re.fullmatch(r"\d+", b) and not name.isdigit():
            counts[name] = int(a)
            i += 3
        else:
            i += 1
    return counts


def h1_counts(items) -> Counter:
    return Counter(it["unit"] for it in items if not it["repost_of"] and it["publish_date"]
                   and "2021-01-01" <= it["publish_date"] <= "2021-06-30")


def test_seed_counts_csv_is_the_seed_tables():
    rows = read_seed_counts()
    assert {r["unit"]: r["count"] for r in rows} == read_seed_tables(SEED)
    assert sum(r["count"] for r in rows if r["category"] == "县直部门") == 915
    assert sum(r["count"] for r in rows if r["category"] == "乡镇") == 383
    assert len(rows) == 50


def test_h1_counts_per_unit_equal_the_seed(demo):
    expected = {r["unit"]: r["count"] for r in read_seed_counts()}
    assert dict(h1_counts(demo["result"].items)) == expected
    assert demo["manifest"]["h1_counts"] == expected


def test_crawl_summary(demo):
    s = demo["result"].summary
    m = demo["manifest"]
    assert s.columns == len(demo["cfg"].columns) and s.columns_failed == 0
    assert s.items == m["articles"]
    assert s.external == len(m["external"]) and s.skipped_robots == len(m["robots"])
    assert s.missing == len(m["missing"]) + len(m["soft404"])
    assert s.reposts == len(m["repost_copies"]) and s.items_failed == 0 and s.blocked == 0
    assert s.requests == len(demo["log"])
    json.dumps(s.to_dict())


def test_reposts_counted_once(demo):
    by_path, m = demo["by_path"], demo["manifest"]
    for path in m["reposts_same_url"]:  # one URL listed in two columns: one item, both columns
        item = by_path[path]
        assert len(item["columns"]) == 2 and item["repost_of"] is None
        assert item["column"].split("/")[0] == item["unit"]  # filed under its own unit's column
    for pair in m["repost_copies"]:  # the same article under another URL
        assert by_path[pair["copy"]]["repost_of"] == demo["base"] + pair["original"]
        assert by_path[pair["original"]]["repost_of"] is None


def test_out_of_period_items_present_but_outside_h1(demo):
    dates = [it["publish_date"] for it in demo["result"].items if it["publish_date"]]
    assert any("2020-07-01" <= d <= "2020-12-31" for d in dates)
    assert any("2021-07-01" <= d <= "2021-12-31" for d in dates)
    h2_units = {it["unit"] for it in demo["result"].items if (it["publish_date"] or "") >= "2021-07-01"}
    assert "乡村振兴局" in h2_units and "扶贫办" not in h2_units  # the reorganised unit, resolved by date


def test_robots_folder_never_fetched(demo):
    assert not any(e["path"].startswith("/preview/") for e in demo["log"])
    assert all(e["path"] != p for p in demo["manifest"]["robots"] for e in demo["log"])
    assert not any("hunan.gov.cn" in it["url"] or "/preview/" in it["url"] for it in demo["result"].items)


def test_dead_links_and_soft_404_are_missing_not_items(demo):
    m = demo["manifest"]
    for path in m["missing"] + m["soft404"]:
        assert path not in demo["by_path"]
    assert any(e["path"] == m["soft404"][0] and e["status"] == 200 for e in demo["log"])


def test_gbk_columns_decode(demo):
    gbk_items = [it for it in demo["result"].items if it["unit"] in ("团洲乡", "三封寺镇")]
    assert gbk_items and all(SYNTHETIC in it["body_text"] for it in gbk_items)
    assert all(it["unit_raw"].endswith("人民政府") for it in gbk_items)


def test_page_without_publish_date_is_kept(demo):
    item = demo["by_path"][demo["manifest"]["no_date"][0]]
    assert item["publish_date"] is None and item["title"] and item["unit"] == "自然资源局"


def test_late_normative_documents(demo):
    for path in demo["manifest"]["late_normative"]:
        it = demo["by_path"][path]
        assert it["column_type"] == "normative" and it["doc_number"]
        doc, pub = date.fromisoformat(it["doc_date"]), date.fromisoformat(it["publish_date"])
        assert pub > find_workday(20, doc)  # published after the 20-working-day limit
    assert len(demo["manifest"]["late_normative"]) >= 5


def test_format_defects_visible_in_facts(demo):
    by_path = demo["by_path"]
    flags = Counter()
    for path, defects in demo["manifest"]["defects"].items():
        facts = by_path[path]["format_facts"]
        if "spaces" in defects:
            assert facts["space_runs"] >= 2
            flags["spaces"] += 1
        if "empty" in defects:
            assert facts["empty_paragraphs"] >= 3 and facts["max_empty_run"] >= 3
            flags["empty"] += 1
        if "table14" in defects:
            assert facts["max_table_columns"] == 14 and facts["max_table_width_px"] == 1260
            flags["table14"] += 1
        if "mso" in defects:
            assert facts["has_word_markup"] and facts["word_markup"]["o_p_tags"] > 0
            flags["mso"] += 1
    assert all(flags[k] > 0 for k in ("spaces", "empty", "table14", "mso"))
    # annual reports (the ndbg column) carry their tables 二–四 (≤ 10 columns): not a defect
    clean = [it for p, it in by_path.items() if p not in demo["manifest"]["defects"] and it["format_facts"]
             and "/ndbg/" not in p]
    assert all(not it["format_facts"]["has_word_markup"] and it["format_facts"]["max_table_columns"] == 0
               and it["format_facts"]["space_runs"] == 0 for it in clean)


def test_stale_and_blank_columns(demo):
    stale = next(c for c in demo["result"].columns if c.url.endswith(demo["manifest"]["stale_column"] + "index.htm"))
    assert stale.latest_list_date < "2021-01-01" and stale.type == "dynamics"
    blank = [c for c in demo["result"].columns if c.items == 0]
    assert len(blank) == len(demo["manifest"]["blank_columns"]) > 0
    assert all(c.status == "ok" for c in blank)  # an empty list page is an empty column, not an error


def test_every_page_is_labelled_synthetic(demo):
    pages = [p for p in demo["root"].rglob("*.htm*")]
    for p in pages[:: max(1, len(pages) // 200)]:
        raw = p.read_bytes()
        text = raw.decode("gb18030") if b"gb2312" in raw[:300] else raw.decode("utf-8")
        assert SYNTHETIC in text


def test_generation_is_deterministic_and_fast(tmp_path):
    import time
    t0 = time.monotonic()
    a = generate_demo_portal(tmp_path / "a")
    elapsed = time.monotonic() - t0
    b = generate_demo_portal(tmp_path / "b")

    def digest(root):
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
                if p.is_file()}
    assert digest(a) == digest(b)
    assert elapsed < 10
    units = ["自然资源局", "禹山镇", "扶贫办"]
    c = generate_demo_portal(tmp_path / "c", seed=7, units=units)
    d = generate_demo_portal(tmp_path / "d", seed=2021, units=units)
    assert digest(c) != digest(d)  # another seed, other content, same counts
    assert json.loads((c / "manifest.json").read_text(encoding="utf-8"))["h1_counts"] == {
        r["unit"]: r["count"] for r in read_seed_counts() if r["unit"] in units}


def test_discovery_finds_the_demo_columns(demo, registry, tmp_path):
    found = discover_config("yueyang", demo["base"] + "/zwgk/index.htm", registry=registry, rate=500, county="华容县")
    expected = [(c.name, c.url, c.type, c.unit) for c in demo["cfg"].columns]
    assert [(c.name, c.url, c.type, c.unit) for c in found.columns] == expected
    path = write_config(found, tmp_path / "discovered.toml")
    again = load_crawl_config(path)
    assert [(c.name, c.url, c.type, c.unit) for c in again.columns] == expected
    assert "政府信息公开指南" not in {c.name.split("/")[-1] for c in found.columns}


def test_cli_discover_crawl_export_and_bad_config(demo, tmp_path):
    from flows.ingest.crawler.cli import crawl_command
    import typer

    app = typer.Typer()
    app.command("crawl")(crawl_command)
    app.command("noop")(lambda: None)  # two commands, so "crawl" is addressed by name as in zwgk
    runner = CliRunner()
    cfg_path = tmp_path / "demo.toml"
    r = runner.invoke(app, ["crawl", "--preset", "yueyang", "--start", demo["base"] + "/zwgk/index.htm",
                            "--registry", str(ROOT / "data/registry/huarong.csv"), "--county", "华容县",
                            "--rate", "500", "--write-config", str(cfg_path)])
    assert r.exit_code == 0, r.output
    assert load_crawl_config(cfg_path).columns
    # crawl a few columns of it and export
    text = cfg_path.read_text(encoding="utf-8")
    head, *cols = text.split("[[columns]]")
    cfg_path.write_text(head + "[[columns]]" + "[[columns]]".join(cols[:6]), encoding="utf-8")
    out = tmp_path / "items.jsonl"
    r = runner.invoke(app, ["crawl", "--config", str(cfg_path), "--rate", "500", "--store", str(tmp_path / "store"),
                            "--export", str(out), "--no-progress", "--registry", str(ROOT / "data/registry/huarong.csv")])
    assert r.exit_code == 0, r.output
    assert out.exists() and out.read_text(encoding="utf-8").count("\n") > 10
    assert (tmp_path / "store" / "demo" / "index.sqlite").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('type = "notice"', 'type = "news"', 1), encoding="utf-8")
    r = runner.invoke(app, ["crawl", "--config", str(bad)])
    assert r.exit_code == 2
    assert "bad.toml" in r.output and ".type" in r.output and "notice" in r.output
    r = runner.invoke(app, ["crawl"])
    assert r.exit_code == 2 and "--config" in r.output


def test_skipped_links_are_recorded_in_the_store(demo):
    from flows.ingest.crawler.store import CrawlStore

    with CrawlStore(demo["result"].store_dir) as store:
        rows = {r.url: r for r in store.responses("article") if r.outcome in ("robots", "external")}
    assert {u for u, r in rows.items() if r.outcome == "robots"} == {demo["base"] + p for p in demo["manifest"]["robots"]}
    assert {u for u, r in rows.items() if r.outcome == "external"} == set(demo["manifest"]["external"])
    assert all(r.sha256 is None and r.status is None for r in rows.values())  # never requested


def test_formatting_rule_precision_and_recall_on_the_demo_portal(demo, tmp_path):
    """The crawled items through the rule's SQL (default thresholds) against the defects the demo put in."""
    from bench.formatcheck import demo_truth, rule_frame, score

    result = demo["result"]
    frame = rule_frame(result.items, [c.to_dict() for c in result.columns], ROOT / "data" / "registry" / "huarong.csv",
                       "华容县", "huarong", ["2021H1"], tmp_path / "wh.duckdb")
    s = score(frame, demo_truth(demo["manifest"], result.items, demo["base"]))
    assert s["pages"] > 500 and all(s["by_kind"][k]["defects"] > 0 for k in ("spaces", "empty", "table", "word"))
    assert s["precision"] >= 0.95 and s["recall"] >= 0.95, (s["missed"], s["wrong"])
