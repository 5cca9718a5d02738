"""The region's Great Expectations checks, on per-county aggregates of the region models (never the
region's unit rows): ranks unique and in range, each county's total equal to its bulletin, drafts
carried over, every finished county present, units adding up to counties.
"""

from __future__ import annotations

from pathlib import Path

from flows.domain.periods import parse_period
from transforms import region_runner


def _gxe():
    import great_expectations.expectations as gxe  # lazy: GX takes seconds to import

    return gxe


def _n(value) -> str:
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return str(value)


def region_checks():
    """The region's GX checks, on per-county aggregates only (expectations.checks.Check objects)."""
    from expectations.checks import Check

    return (
        Check(name="county_items_non_negative", code="bad_count", frame="rows", severity="error",
              description="各县市区各类单位发布条数不小于0。",
              expectation=lambda *_: _gxe().ExpectColumnValuesToBeBetween(column="items", min_value=0),
              index_columns=("county", "category", "items", "where"),
              message=lambda r: f"{r['county']}{r['category']}发布条数为{_n(r['items'])}（负数）"),
        Check(name="county_ranks_unique", code="rank_inconsistent", frame="rows", severity="error",
              description="同一类别中各县市区的排名互不相同（1…N）。",
              expectation=lambda *_: _gxe().ExpectColumnValuesToBeUnique(column="rank_key"),
              index_columns=("county", "category", "rank", "where"),
              message=lambda r: f"{r['category']}排名第{_n(r['rank'])}名不唯一（{r['county']}）"),
        Check(name="county_ranks_in_range", code="rank_inconsistent", frame="rows", severity="error",
              description="各县市区排名在1至参与排名的县市区数之间。",
              expectation=lambda *_: _gxe().ExpectColumnValuesToBeInSet(column="rank_in_range", value_set=[True]),
              index_columns=("county", "category", "rank", "where"),
              message=lambda r: f"{r['county']}{r['category']}排名{_n(r['rank'])}超出范围"),
        Check(name="county_items_match_bulletin", code="region_total_mismatch", frame="tables", severity="error",
              description="区域汇总表中每个县市区的条数等于该县通报附件合计。",
              expectation=lambda *_: _gxe().ExpectColumnPairValuesToBeEqual(column_A="items", column_B="bulletin_total"),
              index_columns=("county", "items", "bulletin_total", "where"),
              message=lambda r: (f"{r['county']}在区域汇总中为{_n(r['items'])}条，"
                                 f"与该县通报附件合计{_n(r['bulletin_total'])}条不一致")),
        Check(name="county_stated_total_matches", code="overall_total_mismatch", frame="tables", severity="error",
              description="各县市区通报正文所述总数与附件合计一致（沿用各县核查结果）。",
              expectation=lambda *_: _gxe().ExpectColumnValuesToBeInSet(column="stated_matches", value_set=[True]),
              index_columns=("county", "stated_in_text", "sum_of_tables", "where"),
              message=lambda r: (f"{r['county']}通报正文所述公开总数{_n(r['stated_in_text'])}条"
                                 f"与附件合计{_n(r['sum_of_tables'])}条不一致")),
        Check(name="counties_final", code="county_draft", frame="tables", severity="error",
              description="各县市区通报均为正式稿（阻断性检查全部通过）。",
              expectation=lambda *_: _gxe().ExpectColumnValuesToBeInSet(column="county_status", value_set=["final"]),
              index_columns=("county", "county_status", "other_failures", "where"),
              message=lambda r: f"{r['county']}通报为草稿" + (f"：{r['other_failures']}" if r.get("other_failures")
                                                             else "，须更正后方可印发")),
        Check(name="counties_complete", code="county_missing", frame="period", severity="error",
              description="区域汇总包含本次完成的全部县市区。",
              expectation=lambda *_: _gxe().ExpectColumnPairValuesToBeEqual(
                  column_A="counties_in_table", column_B="counties_expected"),
              index_columns=("counties_in_table", "counties_expected", "where"),
              message=lambda r: (f"区域汇总含{_n(r['counties_in_table'])}个县市区，"
                                 f"应为{_n(r['counties_expected'])}个")),
        Check(name="region_items_add_up", code="region_total_mismatch", frame="period", severity="error",
              description="全部单位条数之和等于各县市区条数之和。",
              expectation=lambda *_: _gxe().ExpectColumnPairValuesToBeEqual(
                  column_A="items_of_units", column_B="items_of_counties"),
              index_columns=("items_of_units", "items_of_counties", "where"),
              message=lambda r: (f"全部单位合计{_n(r['items_of_units'])}条，"
                                 f"各县市区合计{_n(r['items_of_counties'])}条，二者不一致")),
    )


def region_frames(con, period: str, counties: list[dict]) -> dict:
    """The three small frames the region checks read: ranking rows, one row per county, a summary."""
    import pandas as pd

    code = parse_period(period).code
    ranking = region_runner.frame(con, "ranking", period=code)
    table = region_runner.frame(con, "counties", period=code).drop(columns=["by_category"])
    carried = pd.DataFrame([
        {"county_slug": c["county_slug"], "bulletin_total": c["totals"].get("all"),
         "stated_matches": c["stated_matches"], "county_status": c["status"],
         # what else made it a draft (the stated-vs-table result has its own check above)
         "other_failures": "；".join(c["other_messages"])}
        for c in counties if c["status"] in {"final", "draft"}
    ], columns=["county_slug", "bulletin_total", "stated_matches", "county_status", "other_failures"])
    table = table.merge(carried, on="county_slug", how="outer")
    table["where"] = table["county"]
    summary = region_runner.frame(con, "summary", period=code)
    summary["counties_expected"] = len(carried)
    summary["where"] = "区域汇总"
    return {"rows": ranking, "tables": table, "period": summary}


def validate_region(region_db: str | Path, period: str, counties: list[dict], memory_limit: str | None) -> dict:
    """Run the region checks (GX) on per-county aggregates; results as plain dicts."""
    from expectations.runner import validate

    con = region_runner.connect(region_db, memory_limit=memory_limit, read_only=True)
    try:
        frames = region_frames(con, period, counties)
    finally:
        con.close()
    outcome = validate(frames, checks=region_checks(), docs_dir=None, run_name=f"region.{parse_period(period).code}")
    return {"checks": [r.to_dict() for r in outcome.results]}
