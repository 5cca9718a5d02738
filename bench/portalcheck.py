"""``make portalcheck``: every saved portal page of tests/fixtures/real_portal/ through
``zwgk inspect --json``, compared with the ground truth read by hand beside it
(tests/fixtures/real_portal/README.md).

    python -m bench.portalcheck                 # the table on the terminal
    python -m bench.portalcheck --publish       # and written into docs/crawler.md
    python -m bench.portalcheck --stem jiayu    # only the pages whose stem contains this

Scores: the page kind; the list items (the count, and every title, href and date in order); the
pager's stated totals (total items, pages, current page) wherever the truth records them; the
metadata fields of articles, single pages and forms (title, 发布机构, 发布日期, 成文日期, 索引号, 文号,
主题分类 and any other labelled field the truth lists). tests/ingest/test_real_portal.py runs the same
comparison in-process.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "real_portal"
DOC_PAGE = ROOT / "docs" / "crawler.md"
BEGIN, END = "<!-- portalcheck:begin -->", "<!-- portalcheck:end -->"
META_KINDS = ("article", "single_page", "form")


@dataclass
class Page:
    stem: str
    path: Path
    url: str
    truth: dict


@dataclass
class Outcome:
    stem: str
    family: str
    kind_ok: bool
    kind: str
    items_ok: bool | None = None
    items: str = ""
    pager_ok: bool | None = None
    pager: str = ""
    meta_right: int = 0
    meta_total: int = 0
    misses: list[str] = field(default_factory=list)


def pages(stem: str | None = None) -> list[Page]:
    out = []
    for sidecar in sorted(CORPUS.glob("*.toml")):
        page = next((p for p in (sidecar.with_suffix(".html"), sidecar.with_suffix(".xml")) if p.exists()), None)
        if page is None or (stem and stem not in sidecar.stem):
            continue
        data = tomllib.loads(sidecar.read_text(encoding="utf-8"))
        out.append(Page(sidecar.stem, page, data["source"]["url"], data["truth"]))
    return out


def compare(page: Page, view: dict) -> Outcome:
    t = page.truth
    out = Outcome(page.stem, t["family"], view["kind"] == t["kind"], view["kind"])
    if not out.kind_ok:
        out.misses.append(f"kind {view['kind']} ≠ {t['kind']}")
    if t["kind"] in ("column_list", "hanweb_datastore"):  # a home page's lists are not scored
        want = [(i["title"], i["href"], i["date"]) for i in t.get("items", [])]
        got = [(i["title"], _href(i["url"], page), i["list_date"] or "") for i in view["items"]]
        got_abs = [(i["title"], i["url"], i["list_date"] or "") for i in view["items"]]
        want_abs = [(a, _absolute(b, page), c) for a, b, c in want]
        out.items_ok = got == want or got_abs == want_abs
        out.items = f"{len(got)}/{len(want)}"
        if not out.items_ok:
            wrong = next((f"{w} ≠ {g}" for w, g in zip(want_abs, got_abs) if w != g), "count")
            out.misses.append(f"items {out.items}: {wrong}")
    if t.get("pager"):
        want_p = t["pager"]
        got_p = view.get("pager") or {}
        keys = [k for k in ("total_items", "total_pages", "current_page") if k in want_p]
        out.pager_ok = all(got_p.get(k) == want_p[k] for k in keys)
        out.pager = " ".join(f"{k}={got_p.get(k)}" for k in keys)
        if not out.pager_ok:
            out.misses.append(f"pager {out.pager} ≠ {want_p}")
    if t["kind"] in META_KINDS and t.get("metadata"):
        got_m = {**(view.get("other_fields") or {}), **(view.get("metadata") or {})}
        for key, want_v in t["metadata"].items():
            out.meta_total += 1
            if (got_m.get(key) or "") == want_v:
                out.meta_right += 1
            else:
                out.misses.append(f"{key}: {got_m.get(key)!r} ≠ {want_v!r}")
    return out


def _absolute(href: str, page: Page) -> str:
    from urllib.parse import urljoin

    return urljoin(page.url, href).split("#")[0]


def _href(url: str, page: Page) -> str:
    return url


def inspect_in_process(page: Page) -> dict:
    from flows.ingest.crawler.inspect import inspect_target

    return inspect_target(str(page.path), url=page.url)


def inspect_cli(page: Page) -> dict:
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "inspect", str(page.path), "--url", page.url, "--json"],
                          capture_output=True, text=True, cwd=ROOT)
    return json.loads(proc.stdout)


def totals(outcomes: list[Outcome]) -> dict:
    n = len(outcomes)
    lists = [o for o in outcomes if o.items_ok is not None]
    pagers = [o for o in outcomes if o.pager_ok is not None]
    meta_total = sum(o.meta_total for o in outcomes)
    return {
        "pages": n, "families": len({o.family for o in outcomes}),
        "kind": sum(o.kind_ok for o in outcomes), "lists": len(lists), "lists_ok": sum(o.items_ok for o in lists),
        "pagers": len(pagers), "pagers_ok": sum(o.pager_ok for o in pagers),
        "meta_total": meta_total, "meta_right": sum(o.meta_right for o in outcomes),
    }


def table(outcomes: list[Outcome], portals: int) -> str:
    t = totals(outcomes)
    pct = (lambda a, b: f"{100 * a / b:.1f}%" if b else "—")
    lines = [f"Measured with `make portalcheck` (`zwgk inspect --json` on each page): {t['pages']} pages, "
             f"{t['families']} families, {portals} portals.", "",
             "| measure | right | of | share |", "| --- | --- | --- | --- |",
             f"| page kind | {t['kind']} | {t['pages']} | {pct(t['kind'], t['pages'])} |",
             f"| list pages: every item (title, href, date) and the count | {t['lists_ok']} | {t['lists']} | "
             f"{pct(t['lists_ok'], t['lists'])} |",
             f"| stated pager totals | {t['pagers_ok']} | {t['pagers']} | {pct(t['pagers_ok'], t['pagers'])} |",
             f"| metadata fields (articles, single pages, forms) | {t['meta_right']} | {t['meta_total']} | "
             f"{pct(t['meta_right'], t['meta_total'])} |", "",
             "| page | family | kind | items | pager | metadata | misses |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for o in outcomes:
        lines.append(f"| {o.stem} | {o.family} | {o.kind}{'' if o.kind_ok else ' ✗'} | "
                     f"{o.items or '—'}{' ✗' if o.items_ok is False else ''} | "
                     f"{o.pager or '—'}{' ✗' if o.pager_ok is False else ''} | "
                     f"{f'{o.meta_right}/{o.meta_total}' if o.meta_total else '—'} | "
                     f"{'; '.join(o.misses)[:160].replace('|', '/') or ''} |")
    return "\n".join(lines)


def portal_count(chosen: list[Page]) -> int:
    from urllib.parse import urlsplit

    return len({urlsplit(p.url).hostname for p in chosen} - {None})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--publish", action="store_true", help="write the table into docs/crawler.md")
    ap.add_argument("--stem", help="only pages whose stem contains this")
    args = ap.parse_args(argv)
    chosen = pages(args.stem)
    with ThreadPoolExecutor(max_workers=2) as pool:
        views = list(pool.map(inspect_cli, chosen))
    outcomes = [compare(p, v) for p, v in zip(chosen, views)]
    text = table(outcomes, portal_count(chosen))
    print(text)
    if args.publish:
        from bench.publish import replace_block

        replace_block(DOC_PAGE, BEGIN, END, text)
    t = totals(outcomes)
    ok = t["kind"] == t["pages"] and t["lists_ok"] == t["lists"] and t["pagers_ok"] == t["pagers"] and (
        not t["meta_total"] or t["meta_right"] >= 0.98 * t["meta_total"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
