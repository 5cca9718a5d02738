"""The bulletin's 存在问题 section, written from the rules' results in the office's register.

Each rule gives one numbered problem: how many columns or items, which units (most first), and a
few examples with links. Nothing here judges anything: the SQL rules did (docs/rules.md).
"""

from __future__ import annotations

import json
from collections import Counter

RULE_ORDER = ("column_freshness", "timeliness", "formatting", "key_area", "wrong_column")
RULE_TITLES = {
    "column_freshness": "栏目更新不及时",
    "timeliness": "信息公开不及时",
    "formatting": "信息发布不规范",
    "key_area": "重点领域信息公开不到位",
    "wrong_column": "信息发布与栏目不符",
}
EXAMPLES = 3
UNITS_NAMED = 8


def _units(rows: list[dict]) -> str:
    counts = Counter(r["unit"] or "（未标注单位）" for r in rows)
    names = [u for u, _ in counts.most_common()]
    more = f"等{len(names)}个单位" if len(names) > UNITS_NAMED else ""
    return "、".join(names[:UNITS_NAMED]) + more


def _date(text) -> str:
    if not text:
        return ""
    y, m, d = str(text)[:10].split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def _summary(rule: str, rows: list[dict], settings: dict) -> str:
    n = len(rows)
    units = _units(rows)
    if rule == "column_freshness":
        verdicts = Counter(r["detail"]["verdict"] for r in rows)
        parts = [f"{verdicts['overdue']}个栏目超期未更新"] if verdicts["overdue"] else []
        parts += [f"{verdicts['blank']}个空白栏目"] if verdicts["blank"] else []
        parts += [f"{verdicts['undated']}个栏目的信息均无发布日期"] if verdicts["undated"] else []
        parts += [f"{verdicts['unreachable']}个栏目无法访问"] if verdicts["unreachable"] else []
        return f"门户网站有{'，'.join(parts)}，涉及{units}。"
    if rule == "timeliness":
        normative = sum(1 for r in rows if r["detail"].get("is_normative"))
        days = settings.get("timeliness", {}).get("working_days", 20)
        tail = f"，其中行政规范性文件{normative}件" if normative else ""
        return f"有{n}条信息未在成文之日起{days}个工作日内公开{tail}，涉及{units}。"
    if rule == "formatting":
        return (f"有{n}条信息直接复制粘贴、未作二次编辑，存在连续空格、空白段落过多、表格超出页面或带有Word格式等问题，"
                f"涉及{units}。")
    if rule == "key_area":
        missing = sum(1 for r in rows if r["detail"]["verdict"] == "missing")
        late = n - missing
        parts = [f"{missing}项未公开"] if missing else []
        parts += [f"{late}项逾期公开"] if late else []
        return f"部门预算、部门决算和三公经费信息{'、'.join(parts)}，涉及{units}。"
    return f"有{n}条信息发布的栏目与内容不相符，涉及{units}。"


def build_problems(rules: list[dict], messages: dict[str, list[str]], settings: dict | None = None) -> list[dict]:
    """rules: the flat rule rows; messages: check code → finding messages (same order as GX gave)."""
    settings = settings or {}
    out = []
    for rule in RULE_ORDER:
        rows = [r for r in rules if r["rule"] == rule]
        if not rows:
            continue
        examples = messages.get(rule, [])[:EXAMPLES]
        out.append({"rule": rule, "title": RULE_TITLES[rule], "count": len(rows),
                    "summary": _summary(rule, rows, settings), "examples": examples})
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


def _names(units: list[str], shown: int = 8) -> str:
    return "、".join(units) if len(units) <= shown else f"{'、'.join(units[:shown])}等{len(units)}个单位"
