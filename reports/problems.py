"""The bulletin's 存在问题 section, written from the rules' results in the office's register.

Each rule gives one numbered problem: how many columns or items, which units (most first), and a
few examples with links. Nothing here judges anything: the SQL rules did (docs/rules.md).
"""

from __future__ import annotations

import json

from flows.domain.rules import RULES, units_named

EXAMPLES = 3


def build_problems(rules: list[dict], messages: dict[str, list[str]], settings: dict | None = None) -> list[dict]:
    """rules: the flat rule rows; messages: check code → finding messages (same order as GX gave)."""
    settings = settings or {}
    out = []
    for rule in RULES:  # in the registry's order (flows/domain/rules.py)
        rows = [r for r in rules if r["rule"] == rule.id]
        if not rows:
            continue
        examples = messages.get(rule.id, [])[:EXAMPLES]
        out.append({"rule": rule.id, "title": rule.title, "count": len(rows),
                    "summary": rule.summary(rows, units_named(rows), settings), "examples": examples})
    return out


def rule_rows(records: list[dict], severities: dict[str, str]) -> list[dict]:
    """The flat rule list of run.json from queries/rule_problems.sql (its rows, ``runner.records``)."""
    rows = []
    for r in records:
        detail = r["detail"]
        r = {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}  # SQL NULL → None, not NaN
        rows.append({
            "rule": r["rule"], "severity": severities.get(r["rule"], "warning"), "unit": r["unit"],
            "category": r["category"], "column": r["column"], "url": r["url"],
            "detail": json.loads(detail) if isinstance(detail, str) else detail,
        })
    return rows


def bulletin_problem(con, county_slug: str, period) -> dict | None:
    """The H1 bulletin's 存在问题 item on last year's annual reports: late and missing units.

    Only for a first half-year, and only when the warehouse holds the annual review of the year
    before (``zwgk annual``); otherwise None, and the bulletin is as before.
    """
    from transforms import runner

    if period.kind != "half" or period.n != 1:
        return None
    if not runner.scalar(con, runner.sql("queries/annual_review_exists")):
        return None
    year = str(period.year - 1)
    if not runner.records(con, "annual_summary", county_slug=county_slug, period=year):
        return None
    rows = runner.records(con, "annual_late_missing", county_slug=county_slug, period=year)
    if not rows:
        return None
    late = [r["unit"] for r in rows if r["has_report"]]
    missing = [r["unit"] for r in rows if not r["has_report"]]
    parts = [f"{_names(units)}{label}" for units, label in ((late, "逾期公布"), (missing, "未公布")) if units]
    return {"rule": "annual_report", "title": "政府信息公开工作年度报告公布不及时", "count": len(rows),
            "summary": f"{year}年度政府信息公开工作年度报告，{'；'.join(parts)}。", "examples": []}


def applications_problem(con, county_slug: str, period, today=None) -> dict | None:
    """The bulletin's 存在问题 item on 依申请公开: the units whose answers came after the legal deadline, or have
    not come, for applications due in the period (docs/applications.md §4). None when the county has no register
    in the warehouse (``zwgk applications import``) or nothing was late: the bulletin is then as before."""
    from flows.domain.periods import office_today
    from transforms import runner

    as_of = min(period.end, today or office_today())
    rows = runner.records(con, "applications_overdue", county_slug=county_slug, start=period.start, end=period.end,
                          as_of=as_of)
    if not rows:
        return None
    total = sum(r["applications"] for r in rows)
    unanswered = sum(r["unanswered"] for r in rows)
    units = "、".join(f"{r['unit']}（{r['applications']}件）" for r in rows)
    tail = f"，其中{unanswered}件截至{as_of.year}年{as_of.month}月{as_of.day}日仍未答复" if unanswered else ""
    return {"rule": "applications_overdue", "title": "依申请公开答复超过法定期限", "count": total,
            "summary": f"{period.label}到期的政府信息公开申请中，{total}件未在法定期限内答复{tail}：{units}。"
                       "答复期限按《政府信息公开条例》第三十三条计算。", "examples": []}


def _names(units: list[str], shown: int = 8) -> str:
    return "、".join(units) if len(units) <= shown else f"{'、'.join(units[:shown])}等{len(units)}个单位"
