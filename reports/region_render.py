"""The region bulletin: its render context (``region_context``, from the region models) and its renderers
→ region.md, region.html; ``region_summary`` is region.json's object.

The same Jinja2 environment as the county bulletin (reports/render.py): HTML is autoescaped
(county and unit names come from parsed files), Markdown is not HTML and is not escaped.
"""

from __future__ import annotations

import os
from pathlib import Path

from flows.domain.periods import parse_period
from reports.render import render_template, write_markdown
from transforms import region_runner

TOP_UNITS = 10


def render_region_markdown(context: dict, out_dir: Path) -> Path:
    return write_markdown("region.md", context, out_dir / "region.md")


def render_region_html(context: dict, out_dir: Path) -> Path:
    path = out_dir / "region.html"
    path.write_text(render_template("region.html", context), encoding="utf-8")
    return path


STATUS_LABELS = {"final": "正式稿", "draft": "草稿", "failed": "未完成"}


def render_validation_index(region: str, period: str, counties: list[dict], out_dir: str | Path,
                            warehouse: str | Path) -> Path:
    """validation.html: one page indexing every county's Data Docs — a link where they were rendered
    (a draft), the ``zwgk docs`` command that renders them otherwise. Drafts and failures first."""
    out_dir = Path(out_dir)
    p = parse_period(period)
    rows = []
    for c in sorted(counties, key=lambda c: ({"failed": 0, "draft": 1}.get(c["status"], 2), c["county_slug"])):
        index = Path(c["out_dir"]) / "validation" / "index.html" if c.get("out_dir") else None
        docs = os.path.relpath(index, out_dir) if index is not None and index.exists() else None
        command = (f"zwgk docs {p.code} --config {c['config']} --warehouse {warehouse}"
                   if c["status"] != "failed" else None)
        rows.append({"county": c["county"], "status_label": STATUS_LABELS.get(c["status"], c["status"]),
                     "failed_checks": c.get("failed_checks") or [], "docs": docs, "command": command,
                     "error": c.get("error")})
    path = out_dir / "validation.html"
    path.write_text(render_template("region_validation.html", {"region": region, "period_label": p.label,
                                                               "counties": rows}), encoding="utf-8")
    return path


def render_region_outputs(context: dict, out_dir: str | Path) -> dict[str, str]:
    """Write region.md and region.html; returns output name → path relative to out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for renderer in (render_region_markdown, render_region_html):
        path = renderer(context, out_dir)
        written[path.name] = str(path.relative_to(out_dir))
    return written


def scope_word(name: str) -> str:
    """全市 for 岳阳市, 全州 for 湘西州 …: how the region bulletin names the whole region."""
    for suffix, word in (("市", "全市"), ("州", "全州"), ("盟", "全盟"), ("省", "全省"), ("地区", "全区")):
        if name.endswith(suffix):
            return word
    return "全区域"


def region_context(cfg, region_db: str | Path, period: str, counties: list[dict],
                   validation: dict, memory_limit: str | None) -> dict:
    """Everything region.md / region.html / region.json show, from the region tables (small queries)."""
    p = parse_period(period)
    con = region_runner.connect(region_db, memory_limit=memory_limit, read_only=True)
    try:
        rows = region_runner.records(con, "counties", period=p.code)
        categories = region_runner.records(con, "categories", period=p.code)
        ranking = region_runner.records(con, "ranking", period=p.code)
        top = region_runner.records(con, "top_units", period=p.code, top=TOP_UNITS)
    finally:
        con.close()
    by_slug = {c["county_slug"]: c for c in counties}
    table = []
    for r in rows:
        c = by_slug.get(r["county_slug"], {})
        by_category = {k: {"items": int(v["items"]), "rank": int(v["rank"]), "units": int(v["units"])}
                       for k, v in (r["by_category"] or {}).items()}
        table.append({
            "rank": int(r["rank"]), "county_slug": r["county_slug"], "county": r["county"],
            "status": c.get("status"), "status_label": status_label(c.get("status")),
            "items": int(r["items"]), "units": int(r["units"]), "by_category": by_category,
            "stated_in_text": _int(r["stated_in_text"]), "sum_of_tables": _int(r["sum_of_tables"]),
            "failed_checks": c.get("failed_checks", []), "messages": c.get("messages", []),
            "out_dir": c.get("out_dir"), "error": None, "error_kind": None,
        })
    for c in counties:  # counties that did not finish: listed after the ranked ones, without a rank
        if c["status"] not in {"final", "draft"}:
            table.append({"rank": None, "county_slug": c["county_slug"], "county": c["county"],
                          "status": c["status"], "status_label": status_label(c["status"]), "items": None,
                          "units": None, "by_category": {}, "stated_in_text": None, "sum_of_tables": None,
                          "failed_checks": [], "messages": [], "out_dir": None, "error": c.get("error"),
                          "error_kind": c.get("error_kind")})
    cats = [c["category"] for c in categories if c["category"] != "合计"]
    totals = {c["category"]: int(c["items"]) for c in categories if c["category"] != "合计"}
    totals["all"] = sum(totals.values())
    checks = validation["checks"]
    failed = [c for c in checks if not c["success"]]
    blocking = [c for c in failed if c.get("blocking")]
    unfinished = [c for c in counties if c["status"] not in {"final", "draft"}]
    status = "draft" if blocking or unfinished else "final"
    ranked = [t for t in table if t["rank"] is not None]
    n = len(ranked)
    most = [t["county"] for t in ranked[: min(3, max(n - 1, 0))]]
    fewest = [t["county"] for t in ranked[max(len(most), n - 2):]][::-1] if n > 3 else []
    scope = scope_word(cfg.name)
    return {
        "region": cfg.name, "region_slug": cfg.slug, "scope": scope,
        "period": p.code, "period_label": p.label,
        "title": f"关于{p.label}各县市区政务公开信息发布情况的通报",
        "addressee": cfg.addressee, "issuer": cfg.issuer,
        "status": status, "status_label": status_label(status),
        "categories": cats, "totals": totals,
        "counties": table,
        "counted": n, "listed": len(counties),
        "most": most, "fewest": fewest,
        "ranking": {cat: [{"rank": int(r["rank"]), "county_slug": r["county_slug"], "county": r["county"],
                           "items": int(r["items"])} for r in ranking if r["category"] == cat]
                    for cat in [*cats, "合计"]},
        "top_units": {cat: [{"rank": int(u["rank_in_region"]), "county": u["county"], "county_slug": u["county_slug"],
                             "unit": u["unit"], "count": _int(u["count"]), "rank_in_county": _int(u["rank_in_county"])}
                            for u in top if u["category"] == cat] for cat in cats},
        "top_n": TOP_UNITS,
        "quality": {
            "blocking": [m for c in blocking for m in (c.get("findings") and [f["message"] for f in c["findings"]]
                                                       or [c["description"]])]
                        + [f"{c['county']}未完成：{c.get('error')}" for c in unfinished],
            "warnings": [f["message"] for c in failed if not c.get("blocking") for f in c.get("findings", [])],
        },
        "checks": checks,
    }


def _int(value):
    try:
        return None if value is None or value != value else int(value)
    except (TypeError, ValueError):
        return None


def status_label(status: str | None) -> str:
    return {"final": "正式", "draft": "草稿", "failed": "未完成"}.get(status or "", status or "")


SUMMARY_KEYS = ("region", "region_slug", "period", "period_label", "status", "totals", "counties", "ranking",
                "top_units", "quality")


def region_summary(context: dict, outputs: dict) -> dict:
    """region.json's object (without the run's timestamps and paths, which the flow adds)."""
    summary = {key: context[key] for key in SUMMARY_KEYS}
    summary["checks"] = [
        {"name": c["name"], "success": c["success"], "observed": c.get("observed"), "expected": c.get("expected"),
         "severity": c.get("severity"), "blocking": c.get("blocking"), "code": c.get("code"),
         "messages": [f["message"] for f in c.get("findings", [])]}
        for c in context["checks"]
    ]
    summary["outputs"] = outputs
    return summary
