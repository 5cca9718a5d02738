"""Scores in the bulletin (docs/rules.md, "Scores"): with a county's [scoring], each attachment table shows
every other source's adoptions and the unit's 得分 beside its count, the count column is named after its
source, and one sentence says how the points are counted and what the tables rank by. The ranks themselves
come from the warehouse (transforms/marts/unit_period_counts.sql), which orders by score when told to."""

from __future__ import annotations

from transforms import runner


def points(value) -> str:
    """A score as an office prints it: 305, 12.5 (never 305.0)."""
    if value is None:
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def number(value) -> int | float | None:
    """A score as a table cell: an int when whole (Excel sums it; the text prints 305, not 305.0)."""
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def rule_sentence(scoring: dict) -> str:
    """得分按本县门户采用每条5分、市门户采用每条10分计算，各表按得分排名。"""
    rule = "、".join(f"{source}每条{points(weight)}分" for source, weight in scoring["weights"].items())
    ranked = "各表按得分排名" if scoring["rank_by"] == "score" else "各表仍按信息条数排名"
    return f"得分按{rule}计算，{ranked}。"


def apply_scoring(con, tables: list[dict], params: dict, scoring: dict | None) -> dict | None:
    """Add the score columns to each table (``extra_headers`` / ``extra`` / ``extra_totals``); returns what the
    text needs ({"rank_by", "by_score", "sentence"}), or None for a county that does not score."""
    if not scoring:
        return None
    count_source = scoring["count_source"]
    others = [s for s in scoring["weights"] if s != count_source]
    adopted = {(r["unit_id"], r["source"]): int(r["count"])
               for r in runner.records(con, "unit_source_counts", **params)}
    for t in tables:
        t["count_header"] = f"{count_source}（条）"
        t.setdefault("extra_headers", []).extend([f"{s}（条）" for s in others] + ["得分"])
        for r in t["rows"]:
            values = [adopted.get((r["unit_id"], s), 0) for s in others]
            r.setdefault("extra", []).extend([*values, number(r.get("score"))])
        t.setdefault("extra_totals", []).extend(
            [sum(adopted.get((r["unit_id"], s), 0) for r in t["rows"]) for s in others]
            + [number(sum(float(r.get("score") or 0) for r in t["rows"]))])
    by_score = scoring["rank_by"] == "score"
    return {"rank_by": scoring["rank_by"], "by_score": by_score, "sentence": rule_sentence(scoring)}


def unknown_units(con, params: dict) -> list[str]:
    """The warning lines for names in the period's adoptions sheets that the registry does not know."""
    return [f"采用情况表 {r['source_name']} {r['where']}“{r['unit_raw']}”未在单位名册中，其{r['source']}"
            f"{r['count']}条未计入得分；请在名册中补充该单位或其别名"
            for r in runner.records(con, "adoption_unknown_units", **params)]
