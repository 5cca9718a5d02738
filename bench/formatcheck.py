"""``make formatcheck``: the formatting rule (docs/rules.md, ``formatting``) on the demo portal and the
青溪县 fixture portal, scored against the defects their generators put into each body.

    python -m bench.formatcheck             # precision and recall on the terminal
    python -m bench.formatcheck --publish   # and written into docs/rules.md

Each portal is generated, served on 127.0.0.1, crawled by the product's crawler, loaded into a DuckDB
warehouse and run through the rule's SQL (transforms/marts/rule_formatting.sql) with the default
thresholds. A (page, defect) pair is one case: the defects are 连续空格 (spaces), 连续空白段落
(empty), 表格超出页面 (table) and Word 复制格式 (word). tests/flows/test_new_county.py and
tests/ingest/test_demo_portal.py assert the same scores.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC_PAGE = ROOT / "docs" / "rules.md"
BEGIN, END = "<!-- formatcheck:begin -->", "<!-- formatcheck:end -->"
KINDS = {"spaces": "has_space_runs", "empty": "has_empty_run", "table": "has_wide_table", "word": "word_markup"}
DEMO_KINDS = {"spaces": "spaces", "empty": "empty", "table14": "table", "mso": "word"}


def score(frame, truth: dict[str, set[str]]) -> dict:
    """Precision and recall of the rule's flags (a rule_formatting frame keyed by URL path) against
    ``truth`` ({path: defect kinds}); only pages in both are scored."""
    from urllib.parse import urlsplit

    flagged: set[tuple[str, str]] = set()
    pages = set()
    for row in frame.to_dict("records"):
        path = urlsplit(row["url"]).path
        if path not in truth:
            continue
        pages.add(path)
        flagged |= {(path, kind) for kind, col in KINDS.items() if bool(row[col])}
    actual = {(p, k) for p in pages for k in truth[p]}
    out = {"pages": len(pages), "defects": len(actual), "flagged": len(flagged), "right": len(flagged & actual)}
    out["precision"] = out["right"] / len(flagged) if flagged else 1.0
    out["recall"] = out["right"] / len(actual) if actual else 1.0
    out["by_kind"] = {k: {"defects": sum(1 for a in actual if a[1] == k),
                          "flagged": sum(1 for f in flagged if f[1] == k),
                          "right": sum(1 for f in flagged & actual if f[1] == k)} for k in KINDS}
    out["missed"] = sorted(actual - flagged)[:10]
    out["wrong"] = sorted(flagged - actual)[:10]
    return out


def rule_frame(items: list[dict], columns: list[dict], registry_path: Path, county: str, slug: str,
               periods: list[str], warehouse: Path):
    """The rule_formatting rows of ``periods`` for crawled ``items``, through the warehouse's SQL."""
    import pandas as pd

    from flows.domain.registry import load_registry
    from flows.domain.rules_config import rules_settings
    from flows.steps.validate import rule_rows
    from transforms import runner
    from transforms.loaders import load_crawl, load_registry as load_registry_into
    from transforms.rule_loaders import load_rule_settings, load_workdays

    with runner.connect(warehouse) as con:
        load_registry_into(con, load_registry(registry_path, county), slug)
        load_crawl(con, county_slug=slug, crawl_id="formatcheck", items=items, summary={}, columns=columns)
        load_rule_settings(con, slug, rules_settings({}))
        frames = []
        for period in periods:
            load_workdays(con, slug, period)
            runner.run_marts(con, slug, period)
            frames.append(rule_rows(con, slug, period)["rule_formatting"])
        return pd.concat(frames, ignore_index=True)


def demo_truth(manifest: dict, items: list[dict], base: str) -> dict[str, set[str]]:
    defects = manifest["defects"]
    return {it["url"][len(base):]: {DEMO_KINDS[d] for d in defects.get(it["url"][len(base):], [])} for it in items}


def run_demo(work: Path) -> dict:
    from data.demo.portal import demo_config, generate_demo_portal, serve_directory
    from flows.ingest.crawler.crawl import crawl

    root = generate_demo_portal(work / "demo_site")
    registry = ROOT / "data" / "registry" / "huarong.csv"
    from flows.domain.registry import load_registry

    with serve_directory(root) as base:
        result = crawl(demo_config(base), work / "demo_store", registry=load_registry(registry, "华容县"))
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    frame = rule_frame(result.items, [c.to_dict() for c in result.columns], registry, "华容县", "huarong",
                       ["2021H1", "2021H2"], work / "demo.duckdb")
    return score(frame, demo_truth(manifest, result.items, base))


def run_qingxi(work: Path) -> dict:
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    from qingxi_portal import COUNTY, SLUG, generate, write_registry

    from data.demo.portal import serve_directory
    from flows.domain.periods import parse_period
    from flows.ingest.crawler.discovery import discover_config
    from flows.ingest.crawler.crawl import crawl

    periods = [parse_period(p) for p in ("2021H1", "2021H2", "2022H1", "2022H2")]
    truth = generate(work / "qingxi_site", periods, as_of=date(2023, 1, 5))
    registry = write_registry(work / "qingxi_units.csv")
    with serve_directory(work / "qingxi_site") as base:
        config = discover_config(None, f"{base}/zwgk/index.html", rate=500, county=COUNTY)
        result = crawl(config, work / "qingxi_store")
    frame = rule_frame(result.items, [c.to_dict() for c in result.columns], registry, COUNTY, SLUG,
                       [p.code for p in periods], work / "qingxi.duckdb")
    return score(frame, truth["format"])


def table(scores: dict[str, dict]) -> str:
    lines = ["Measured with `make formatcheck` (the crawler, then the rule's SQL with the default thresholds):", "",
             "| portal | pages | defects | flagged | right | precision | recall | spaces | empty | table | word |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, s in scores.items():
        kinds = " | ".join(f"{v['right']}/{v['defects']} (+{v['flagged'] - v['right']})" for v in s["by_kind"].values())
        lines.append(f"| {name} | {s['pages']} | {s['defects']} | {s['flagged']} | {s['right']} | "
                     f"{s['precision']:.3f} | {s['recall']:.3f} | {kinds} |")
    lines += ["", "Per defect: found/present (+ flagged where the generator put none)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--publish", action="store_true", help="write the table into docs/rules.md")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scores = {"demo (华容县, Yueyang template)": run_demo(work), "青溪县 fixture (TRS template)": run_qingxi(work)}
    text = table(scores)
    print(text)
    for name, s in scores.items():
        if s["missed"] or s["wrong"]:
            print(f"{name}: missed {s['missed']}, wrongly flagged {s['wrong']}")
    if args.publish:
        from bench.publish import replace_block

        replace_block(DOC_PAGE, BEGIN, END, text)
    return 0 if all(s["precision"] >= 0.95 and s["recall"] >= 0.95 for s in scores.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
