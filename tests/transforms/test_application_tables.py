"""Tables 三 and 四 counted from the demo register (transforms/queries/application_table3.sql, …table4.sql)
against tables made by hand from data/applications/huarong_demo_register.csv, and the form's identities
(docs/annual-reports.md) on every unit and year; the due dates the import stores, counted by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.ingest.annual_model import APPLICANT_COLUMNS, COLUMNS, RESULT_GROUPS, REVIEW_GROUPS, table3_rows
from flows.steps.applications import county_tables, import_register

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "applications" / "huarong_demo_register.csv"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from flows.domain.config import load_config

    folder = tmp_path_factory.mktemp("register")
    config = folder / "county.toml"
    config.write_text(f'county = "华容县"\nslug = "huarong"\nregistry = "{ROOT / "data" / "registry" / "huarong.csv"}"\n',
                      encoding="utf-8")
    path = folder / "wh.duckdb"
    import_register(load_config(config), path, DEMO)
    return path


def _cells(table: dict) -> dict[tuple[str, str], int]:
    """The non-zero cells of a unit's table 三, as (row, column) → n."""
    return {(row, col): n for row, cols in table.items() for col, n in cols.items() if n}


# Made by hand from the register's rows (number: applicant, received, answered, result):
# 自然资源局 — 2019-031 自然人 received 2019-12-20, answered 2020-01-10 予以公开 (carried in);
#   2020-001 自然人 01-06 → 01-20 予以公开; 2020-002 商业企业 03-02 → 04-20 部分公开;
#   2020-003 自然人 05-11 → 06-30 无法提供：本机关不掌握; 2020-004 自然人 06-15 → 07-20 不予公开：四类过程性信息.
#   new: 自然人 3, 商业企业 1 (4); carried in: 自然人 1; results 予以公开 自然人 2, 部分公开 商业企业 1,
#   不掌握 自然人 1, 过程性 自然人 1; （七） 自然人 4, 商业企业 1 (5); carried out 0. 4 + 1 = 5 + 0.
# 民政局 — 2020-005 法律服务机构 12-21 → 2021-01-12 (carried out); 2020-006 自然人 04-08 → 05-28 予以公开;
#   2020-007 自然人 09-10 → 09-14 不予处理：信访举报投诉. new: 自然人 2, 法律服务机构 1 (3); （七） 自然人 2;
#   carried out: 法律服务机构 1. 3 + 0 = 2 + 1.
# 人社局 — 2020-008 商业企业 10-12 → 10-30 予以公开; 2020-009 自然人 11-02 → 12-10 其他处理：逾期不补正;
#   2020-010 自然人 11-16 → 12-14 部分公开; 2020-011 其他 12-28, not answered. new: 自然人 2, 商业企业 1, 其他 1 (4);
#   （七） 自然人 2, 商业企业 1 (3); carried out: 其他 1. 4 + 0 = 3 + 1.
EXPECTED_2020 = {
    "自然资源局": {
        ("new", "natural"): 3, ("new", "business"): 1, ("new", "total"): 4,
        ("carried_in", "natural"): 1, ("carried_in", "total"): 1,
        ("granted", "natural"): 2, ("granted", "total"): 2,
        ("partial", "business"): 1, ("partial", "total"): 1,
        ("unable_not_held", "natural"): 1, ("unable_not_held", "total"): 1,
        ("withheld_process", "natural"): 1, ("withheld_process", "total"): 1,
        ("results_total", "natural"): 4, ("results_total", "business"): 1, ("results_total", "total"): 5,
    },
    "民政局": {
        ("new", "natural"): 2, ("new", "legal"): 1, ("new", "total"): 3,
        ("granted", "natural"): 1, ("granted", "total"): 1,
        ("unhandled_petition", "natural"): 1, ("unhandled_petition", "total"): 1,
        ("results_total", "natural"): 2, ("results_total", "total"): 2,
        ("carried_out", "legal"): 1, ("carried_out", "total"): 1,
    },
    "人社局": {
        ("new", "natural"): 2, ("new", "business"): 1, ("new", "other_org"): 1, ("new", "total"): 4,
        ("granted", "business"): 1, ("granted", "total"): 1,
        ("other_no_correction", "natural"): 1, ("other_no_correction", "total"): 1,
        ("partial", "natural"): 1, ("partial", "total"): 1,
        ("results_total", "natural"): 2, ("results_total", "business"): 1, ("results_total", "total"): 3,
        ("carried_out", "other_org"): 1, ("carried_out", "total"): 1,
    },
}


def test_table3_of_2020_equals_the_hand_made_tables(warehouse):
    tables = county_tables(warehouse, "huarong", 2020)
    assert {unit: _cells(t["table3"]) for unit, t in tables.items()} == EXPECTED_2020


def test_table4_of_2020_equals_the_hand_made_tables(warehouse):
    # 2020-004 (自然资源局) went to 行政复议, 维持; 2020-010 (人社局) to 行政复议, 纠正, then to court: 复议后起诉, 尚未审结
    tables = county_tables(warehouse, "huarong", 2020)
    nonzero = {unit: {(g, p): n for g, parts in t["table4"].items() for p, n in parts.items() if n}
               for unit, t in tables.items()}
    assert nonzero == {
        "自然资源局": {("review", "upheld"): 1, ("review", "total"): 1},
        "民政局": {},
        "人社局": {("review", "corrected"): 1, ("review", "total"): 1,
                ("litigation_after_review", "pending"): 1, ("litigation_after_review", "total"): 1},
    }


@pytest.mark.parametrize("year", [2019, 2020, 2021])
def test_the_forms_identities_hold_on_every_unit_and_year(warehouse, year):
    result_rows = [key for key, group, _l, _k in table3_rows("2021") if group in RESULT_GROUPS]
    tables = county_tables(warehouse, "huarong", year)
    assert tables  # 2019: 自然资源局 (2019-031); 2021: 民政局 and 人社局 carried in
    for unit, t in tables.items():
        t3 = t["table3"]
        for col in COLUMNS:
            assert t3["new"][col] + t3["carried_in"][col] == t3["results_total"][col] + t3["carried_out"][col], (unit, col)
            assert t3["results_total"][col] == sum(t3[row][col] for row in result_rows), (unit, col)
        for row in t3:
            assert t3[row]["total"] == sum(t3[row][c] for c in APPLICANT_COLUMNS), (unit, row)
        for group in REVIEW_GROUPS:
            parts = t["table4"][group]
            assert parts["total"] == parts["upheld"] + parts["corrected"] + parts["other"] + parts["pending"]


def test_2021_carries_in_what_2020_carried_out(warehouse):
    t2020, t2021 = county_tables(warehouse, "huarong", 2020), county_tables(warehouse, "huarong", 2021)
    for unit in ("民政局", "人社局"):
        assert t2021[unit]["table3"]["carried_in"] == t2020[unit]["table3"]["carried_out"]


def test_the_stored_due_dates_are_the_hand_counted_ones(warehouse):
    from transforms import runner

    with runner.connect(warehouse, read_only=True, schema=False) as con:
        due = {r["number"]: r["due"] for r in runner.records(con, "applications", county_slug="huarong")}
    # 2020-002: received Mon 2020-03-02; 03-03…06 = 1–4; consultation 03-09…03-27 skipped; 03-30=5, 31=6, 04-01=7,
    #   02=8, 03=9, [04-04…06 清明 off], 07=10, 08=11, 09=12, 10=13, 13…17 = 14–18, 20=19, 21=20
    assert due["2020-002"] == date(2020, 4, 21)
    # 2020-006: received Wed 2020-04-08; 09=1, 10=2, 13…17 = 3–7, 20…24 = 8–12, Sun 04-26 (worked)=13, 27…30 = 14–17,
    #   [05-01…05 off], 06=18, 07=19, 08=20: first due 05-08; extended on 04-30: Sat 05-09 (worked)=1, 11…15 = 2–6,
    #   18…22 = 7–11, 25…29 = 12–16, 06-01…04 = 17–20
    assert due["2020-006"] == date(2020, 6, 4)
    # 2020-011: received Mon 2020-12-28; 29=1, 30=2, 31=3, [2021-01-01 off], 01-04…08 = 4–8, 11…15 = 9–13,
    #   18…22 = 14–18, 25=19, 26=20
    assert due["2020-011"] == date(2021, 1, 26)
    # 2020-009: the correction never came: the clock stopped, no due date
    assert due["2020-009"] is None


def test_the_problem_item_names_units_with_late_answers(warehouse):
    from flows.domain.periods import parse_period
    from reports.problems import applications_problem
    from transforms import runner

    with runner.connect(warehouse, read_only=True, schema=False) as con:
        # 2020H1: 2020-003 (自然资源局) due 2020-06-08, answered 06-30
        h1 = applications_problem(con, "huarong", parse_period("2020H1"), today=date(2026, 1, 1))
        # 2021H1: 2020-011 (人社局) due 2021-01-26 and never answered; 2020-005 due 01-19 answered 01-12 (on time)
        h2021 = applications_problem(con, "huarong", parse_period("2021H1"), today=date(2026, 1, 1))
        # on 2021-01-20 nothing due in 2021H1 had passed its deadline unanswered yet
        early = applications_problem(con, "huarong", parse_period("2021H1"), today=date(2021, 1, 20))
        # 2020H2: every answer due in it came in time
        h2 = applications_problem(con, "huarong", parse_period("2020H2"), today=date(2026, 1, 1))
    assert h1["count"] == 1 and h1["summary"].endswith("：自然资源局（1件）。答复期限按《政府信息公开条例》第三十三条计算。")
    assert "其中1件截至2021年6月30日仍未答复：人社局（1件）" in h2021["summary"]
    assert early is None and h2 is None


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_the_bulletin_names_them_once_a_register_is_imported(tmp_path):
    from flows.domain.config import DEFAULT_CONFIG, load_config
    from flows.steps import pipeline

    cfg = load_config(DEFAULT_CONFIG)
    warehouse = tmp_path / "wh.duckdb"
    pipeline.ingest_config(cfg, warehouse, "2021H1")
    import_register(cfg, warehouse, DEMO)
    pipeline.transform(warehouse, cfg.slug, "2021H1")
    validation = pipeline.validate_period(warehouse, cfg.slug, "2021H1", docs_dir=None)
    pipeline.render_outputs(cfg, warehouse, "2021H1", validation, tmp_path, {})
    md = (tmp_path / "bulletin.md").read_text(encoding="utf-8")
    assert "依申请公开答复超过法定期限" in md
    assert "2021年上半年到期的政府信息公开申请中，1件未在法定期限内答复，其中1件截至2021年6月30日仍未答复：人社局（1件）。" in md
