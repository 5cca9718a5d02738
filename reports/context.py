"""The render context: every number and sentence part a bulletin shows, taken from the warehouse.

All renderers (Markdown, HTML, and the Word/Excel/PDF ones) take this one dict, so what the
office reads is the same in every format. It is also the core of ``run.json``.
"""

from __future__ import annotations

from collections.abc import Sequence

from flows.domain.periods import parse_period
from reports.scoring import apply_scoring, number, unknown_units
from transforms import runner

DEFAULT_MOST = 4  # the seed names the top 4 of each table as publishing most (docs/domain.md §1)
DEFAULT_FEWEST = (5, 2)  # …and the bottom 5 departments and bottom 2 townships as publishing least


def _int(value):
    try:
        return None if value is None or value != value else int(value)
    except (TypeError, ValueError):
        return None


def count_header(period_label: str, kind: str) -> str:
    """The attachment's count column header as the seed writes it: 2021年上半年度更新条数."""
    suffix = "度" if kind in {"half", "year"} else ""
    return f"{period_label}{suffix}更新条数"


def build_context(
    con,
    *,
    county_slug: str,
    period: str,
    checks: Sequence[dict] = (),
    issuer: str = "",
    issued_on: str | None = None,
    ranking: str = "ordinal",
    most: int = DEFAULT_MOST,
    fewest: Sequence[int] = DEFAULT_FEWEST,
    validation_index: str | None = None,
    rules_settings: dict | None = None,
    validation_hint: str | None = None,
    quotas: dict | None = None,
    scoring: dict | None = None,
) -> dict:
    p = parse_period(period)
    params = {"county_slug": county_slug, "period": p.code}
    mine = {"county_slugs": [county_slug], "period": p.code}  # the queries the checks share take a list
    units = runner.records(con, "units_for_period", **params)
    tables_rows = runner.records(con, "tables_to_validate", **mine)
    totals_rows = runner.records(con, "period_to_validate", **mine)
    if not totals_rows:
        raise LookupError(f"仓库中没有 {county_slug} {p.code} 的数据：请先导入该期通报或单位报送表")
    head = totals_rows[0]
    county = head["county"] or ""
    rank_key = "rank_competition" if ranking == "competition" else "rank"
    comparison = _comparison(con, county_slug, p)
    previous = {r["unit_key"]: r for r in runner.records(con, "units_compared", previous=comparison["period"],
                                                         **params)} if comparison else {}

    tables = _tables(tables_rows, units, previous, county, p, rank_key, comparison, most, fewest)
    scored = apply_scoring(con, tables, params, scoring)  # before the quota column (docs/rules.md, "Scores")
    quota_item = apply_quotas(tables, p, quotas)

    reconciliation = _reconciliation(con, mine)
    unknown = runner.records(con, "crawl_unknown_units", **params, period_start=p.start, period_end=p.end)

    rules, problems, rule_codes = _rules_and_problems(con, county_slug, p, params, checks, rules_settings)
    if quota_item:
        problems.append(quota_item)

    counts_source = head.get("counts_source") or "reported"
    unknown_publishers = [{"unit_raw": u["unit_raw"], "items": int(u["items"]), "example_url": u["example_url"]}
                          for u in unknown]
    failed = [c for c in checks if not c.get("success", True)]
    blocking = [c for c in failed if c.get("blocking")]
    warnings = [f["message"] for c in failed if not c.get("blocking") and c.get("code") not in rule_codes
                for f in c.get("findings", [])] + [unknown_publisher_message(u) for u in unknown_publishers]
    warnings += unknown_units(con, params) if scored else []  # adoptions the registry does not know
    status = "draft" if blocking else "final"
    totals = {t["category"]: t["total"] for t in tables}
    totals["all"] = sum(t["total"] for t in tables)
    totals["stated_in_text"] = _int(head["stated_in_text"])

    return {
        "county": county,
        "county_slug": county_slug,
        "period": p.code,
        "period_label": p.label,
        "period_short": p.short_label,
        "status": status,
        "status_label": "草稿" if status == "draft" else "正式",
        "title": f"关于{p.label}全县政务公开工作情况的通报",
        "addressee": "各乡镇人民政府、县直各单位：",
        "issuer": issuer,
        "issued_on": issued_on,
        "ranking": ranking,
        "source": {"name": head["source_name"], "sha256": head["source_sha256"], "kind": head["source_kind"],
                   "title": head["title"]},
        "totals": totals,
        "comparison": comparison,
        "tables": tables,
        "quota_shown": any(t.get("quota") for t in tables),
        "most": [name for t in tables for name in t["most"]],
        "fewest": [name for t in tables for name in t["fewest"]],
        "quality": {
            "blocking": [f["message"] for c in blocking for f in c.get("findings", [])],
            "warnings": warnings,
        },
        "counts_source": counts_source,
        "data_source": data_source_sentence(head, counts_source) + (scored["sentence"] if scored else ""),
        "scoring": scored,
        "unknown_publishers": unknown_publishers,
        "checks": list(checks),
        "reconciliation": reconciliation,
        "rules": rules,
        "problems": problems,
        "crawl_unknown_units": unknown_publishers,
        "validation_index": validation_index,
        "validation_hint": validation_hint,  # Data Docs not rendered (a region's final bulletin): the command
        "units": [
            {"unit": r["unit"], "category": t["category"], "count": r["count"], "rank": r["rank"],
             **({"score": number(r["score"])} if scored else {})}  # [scoring]: the points the rank follows
            for t in tables for r in t["rows"]
        ],
    }


def _reconciliation(con, mine: dict) -> list[dict]:
    return [{"unit": r["unit"], "category": r["category"], "reported": _int(r["reported"]),
             "crawled": _int(r["crawled"]), "difference": _int(r["difference"]), "example_url": r["example_url"]}
            for r in runner.records(con, "reconciliation_for_period", **mine)]


def _tables(tables_rows, units, previous, county, p, rank_key, comparison, most, fewest) -> list[dict]:
    """The attachment tables of the context: each table's rows in rank order, totals, most and fewest."""
    tables = []
    for i, t in enumerate(tables_rows):
        rows = [
            {"unit": u["unit"], "short_name": u["short_name"], "unit_id": u["unit_id"],
             "count": _int(u["count"]), "rank": _int(u[rank_key]), "rank_printed": _int(u["rank_printed"]),
             "score": u.get("score"),
             "previous": _int(previous.get(u["unit_key"], {}).get("previous_count")),
             "previous_rank": _int(previous.get(u["unit_key"], {}).get("previous_rank"))}
            for u in units if u["category"] == t["category"]
        ]
        rows.sort(key=lambda r: (_int(r["rank"]) or 10**9))
        for r in rows:
            r["change"] = None if r["previous"] is None or r["count"] is None else r["count"] - r["previous"]
        township = "乡镇" in str(t["category"])
        tables.append({
            "no": int(t["table_no"]),
            "category": t["category"],
            "title": t["title"] or f"{county}{'各乡镇' if township else t['category']}{p.label}信息公开情况统计",
            "name_header": "乡镇名称" if township else "单位名称",
            "count_header": count_header(p.label, p.kind),
            "rows": rows,
            "total": sum(r["count"] or 0 for r in rows),
            "previous_total": sum(r["previous"] or 0 for r in rows) if comparison else None,
            "printed_total": _int(t["printed_total"]),
            "most": [r["short_name"] for r in rows[:most]],
            "fewest": [r["short_name"] for r in reversed(rows[-fewest[min(i, len(fewest) - 1)]:])]
            if rows and fewest else [],
        })
    return tables


def apply_quotas(tables: list[dict], p, quotas: dict | None) -> dict | None:
    """Each table of a category with a quota gets the column 达标情况 (its header names the period's minimum) and
    the list of its units below it; returns the 存在问题 item naming them, or None (docs/rules.md, "Quotas")."""
    from flows.domain.quotas import PER_LABELS, quota_for

    parts, below_total = [], 0
    for t in tables:
        t.setdefault("extra_headers", [])
        quota = quota_for(quotas, t["category"], p.kind)
        t["quota"] = quota
        for r in t["rows"]:
            r.setdefault("extra", [])
            if quota is not None:
                count = r["count"] or 0
                r["below_quota"] = count < quota
                r["extra"].append("达标" if count >= quota else f"未达标（差{quota - count}条）")
        if quota is None:
            continue
        t["quota_index"] = len(t["extra_headers"])  # the one cell of a row the HTML colours when below
        if "extra_totals" in t:
            t["extra_totals"].append("")
        t["extra_headers"].append(f"达标情况（最低{quota}条）")
        below = [r for r in t["rows"] if r["below_quota"]]
        below_total += len(below)
        minimum = quotas["minimum"][t["category"]]
        named = "、".join(f"{r['short_name'] or r['unit']}（{r['count'] or 0}条）" for r in below)
        parts.append(f"{t['category']}按{PER_LABELS[quotas.get('per', 'month')]}最低{minimum}条（本期{quota}条）的标准，"
                     + (f"{len(below)}个单位未达标：{named}" if below else "全部达标"))
    if not below_total:
        return None
    return {"rule": "quota", "title": "信息发布未达到最低标准", "count": below_total,
            "summary": "；".join(parts) + "。", "examples": []}


def _rules_and_problems(con, county_slug, p, params, checks, rules_settings) -> tuple[list, list, set]:
    """The rule findings (rows), the problems section (rules, check findings, annual reports) and the rule codes."""
    from flows.domain.rules import RULE_IDS
    from reports.problems import applications_problem, build_problems, bulletin_problem, rule_rows

    severities = (rules_settings or {}).get("severity", {})
    rules = rule_rows(runner.records(con, "rule_problems", **params), severities)
    messages: dict[str, list[str]] = {}
    for c in checks:
        for f in c.get("findings", []):
            messages.setdefault(c.get("code"), []).append(f["message"])
    problems = build_problems(rules, messages, rules_settings)
    # late and missing annual reports (H1 only; docs/annual-reports.md)
    annual_item = bulletin_problem(con, county_slug, p)
    if annual_item:
        problems.append(annual_item)
    overdue_item = applications_problem(con, county_slug, p)  # 依申请公开 answered late (docs/applications.md)
    if overdue_item:
        problems.append(overdue_item)
    rule_codes = set(severities) | set(RULE_IDS)  # the rules' own findings: in 存在问题, not in the warnings
    return rules, problems, rule_codes


def data_source_sentence(head: dict, counts_source: str) -> str:
    """The bulletin's one sentence on where its numbers come from (docs/counts.md)."""
    if counts_source == "crawl":
        crawled = head.get("crawled_on")
        when = f"，截至{chinese_date(crawled)}采集" if crawled is not None and crawled == crawled else ""
        portal = head.get("source_name") or "县政府门户网站"
        return f"数据来源：{portal}政务公开栏目，按各条信息页面所载发布日期统计{when}。"
    name = head.get("source_name") or ""
    if head.get("source_kind") == "unit_report":
        return f"数据来源：各单位报送数据（{name}）。"
    return f"数据来源：已导入的通报附件（{name}）。"


def unknown_publisher_message(u: dict) -> str:
    return (f"门户网站上有{u['items']}条信息的发布机构为“{u['unit_raw']}”，不在单位名册中，未计入附件表"
            f"（如 {u['example_url']}）：请核对名称，或在名册中补充该单位或别名")


def _comparison(con, county_slug: str, p) -> dict | None:
    """The earlier period to compare with: the previous one, else the same one a year before."""
    for candidate in (p.previous(), p.same_last_year()):
        n = runner.scalar(con, runner.sql("queries/period_exists"),
                          {"county_slug": county_slug, "period": candidate.code})
        if n:
            return {"period": candidate.code, "label": candidate.label}
    return None


def chinese_date(day) -> str:
    """2021年7月15日 — Arabic numerals, no leading zeros (GB/T 9704-2012 §7.3.5.3)."""
    return f"{day.year}年{day.month}月{day.day}日"
