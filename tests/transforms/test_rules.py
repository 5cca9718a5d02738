"""Every disclosure rule on a fixture portal whose answers are known: each finds exactly those.

The items are what the crawler returns (tests of the crawler itself are in test_crawler_*.py);
the rules are SQL models + GX checks on the warehouse.
"""

from datetime import date

import chinese_calendar
import pytest

from expectations.runner import validate
from flows.steps.pipeline import frames_for
from flows.steps.validate import rule_rows
from flows.domain.registry import load_registry
from transforms.rule_loaders import load_rule_settings, load_workdays
from flows.domain.rules_config import RulesConfigError, rules_settings
from transforms.loaders import load_crawl, load_registry as load_registry_into
from transforms import runner


def col(name, type_, unit):
    return {"name": name, "url": f"http://portal/{name}/", "type": type_, "unit": unit, "status": "ok"}


def item(url, column, type_, unit, publish, doc=None, title=None, facts=None, body="正文"):
    return {"url": url, "title": title or f"信息{url}", "unit_raw": unit, "column": column, "column_type": type_,
            "columns": [column], "publish_date": publish, "doc_date": doc, "doc_number": None,
            "index_number": None, "topic": None, "repost_of": None, "fetched_at": "2021-12-31T08:00:00+08:00",
            "body_text": body, "format_facts": facts or {"paragraphs": ["　　正文。"], "max_empty_run": 0}}


# 20 working days after being formed (Art. 26), across the Spring Festival 2021 (2/11–2/17 off,
# Sunday 2/7 and Saturday 2/20 worked) and Mid-Autumn + National Day 2021 (9/19–9/21 and 10/1–10/7
# off; 9/18, 9/26 and 10/9 worked).
SPRING_DOC = date(2021, 1, 29)
SPRING_DUE = chinese_calendar.find_workday(20, SPRING_DOC)
AUTUMN_DOC = date(2021, 9, 17)
AUTUMN_DUE = chinese_calendar.find_workday(20, AUTUMN_DOC)
NEXT_WORKDAY = lambda d: chinese_calendar.find_workday(1, d)  # noqa: E731

COLUMNS = [
    col("公安局/工作动态", "dynamics", "公安局"),
    col("民政局/工作动态", "dynamics", "民政局"),
    col("民政局/通知公告", "notice", "民政局"),
    col("林业局/通知公告", "notice", "林业局"),
    col("林业局/人事信息", "personnel", "林业局"),
    col("司法局/人事信息", "personnel", "司法局"),
    col("司法局/规划计划", "plan", "司法局"),
    col("司法局/规范性文件", "normative", "司法局"),
    col("公安局/财政信息", "budget", "公安局"),
    col("交通运输局/人事信息", "personnel", "交通运输局"),
]

ITEMS = [
    # freshness
    item("/f1", "公安局/工作动态", "dynamics", "公安局", "2021-06-20"),   # 10 days old: fresh
    item("/f2", "民政局/工作动态", "dynamics", "民政局", "2021-06-01"),   # 29 days: overdue (2 weeks)
    item("/f3", "民政局/通知公告", "notice", "民政局", "2021-01-05"),     # within 6 months: fresh
    item("/f4", "林业局/通知公告", "notice", "林业局", "2020-12-20"),     # over 6 months: overdue
    item("/f5", "司法局/人事信息", "personnel", "司法局", None),           # no date: undated
    item("/f6", "司法局/规划计划", "plan", "司法局", "2020-07-10", title="2020年工作计划"),  # within a year
    # timeliness
    item("/t1", "司法局/规范性文件", "normative", "司法局", SPRING_DUE.isoformat(), SPRING_DOC.isoformat(),
         title="关于印发管理办法的通知"),                                   # on the last day: on time
    item("/t2", "司法局/规范性文件", "normative", "司法局", NEXT_WORKDAY(SPRING_DUE).isoformat(),
         SPRING_DOC.isoformat(), title="关于印发实施细则的通知"),            # one working day late
    item("/t3", "公安局/工作动态", "dynamics", "公安局", AUTUMN_DUE.isoformat(), AUTUMN_DOC.isoformat()),
    item("/t4", "公安局/工作动态", "dynamics", "公安局", NEXT_WORKDAY(AUTUMN_DUE).isoformat(),
         AUTUMN_DOC.isoformat()),                                            # late, across National Day
    # formatting
    item("/m1", "公安局/工作动态", "dynamics", "公安局", "2021-06-21",
         facts={"paragraphs": ["　　缩进不是连续空格。", "甲\u00a0\u00a0乙只有两个。"], "max_empty_run": 2}),
    item("/m2", "公安局/工作动态", "dynamics", "公安局", "2021-06-22",
         facts={"paragraphs": ["　　甲   乙", "丙\u3000\u3000\u3000丁"], "max_empty_run": 0}),
    item("/m3", "公安局/工作动态", "dynamics", "公安局", "2021-06-23", facts={"paragraphs": [], "max_empty_run": 3}),
    item("/m4", "公安局/工作动态", "dynamics", "公安局", "2021-06-24",
         facts={"paragraphs": [], "max_table_columns": 12}),
    item("/m5", "公安局/工作动态", "dynamics", "公安局", "2021-06-25",
         facts={"paragraphs": [], "max_table_columns": 6, "max_table_width_px": 1200}),
    item("/m6", "公安局/工作动态", "dynamics", "公安局", "2021-06-26",
         facts={"paragraphs": [], "has_word_markup": True}),
    # wrong column: a budget in a personnel column; an appointment where it belongs
    item("/w1", "交通运输局/人事信息", "personnel", "交通运输局", "2021-03-03", title="交通运输局2021年项目资金使用情况"),
    item("/w2", "交通运输局/人事信息", "personnel", "交通运输局", "2021-03-04", title="关于张三同志任职的通知"),
    # key areas (budgets due 4/20: approved 3/31 + 20 days, 预算法 Art. 14)
    item("/k1", "公安局/财政信息", "budget", "公安局", "2021-04-10", title="公安局2021年部门预算"),
    item("/k2", "公安局/财政信息", "budget", "公安局", "2021-04-10", title="公安局2021年三公经费预算"),
    item("/k3", "公安局/财政信息", "budget", "民政局", "2021-05-06", title="民政局2021年部门预算",
         body="其中三公经费预算10万元。"),
]


@pytest.fixture(scope="module")
def warehouse(registry_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "wh.duckdb"
    con = runner.connect(path)
    load_registry_into(con, load_registry(registry_path, "华容县"), "huarong")
    load_crawl(con, county_slug="huarong", crawl_id="c1", items=ITEMS, summary={}, columns=COLUMNS)
    settings = rules_settings({"key_area": {"categories": ["县直部门"]}})
    load_rule_settings(con, "huarong", settings)
    for period in ("2021H1", "2021H2"):
        load_workdays(con, "huarong", period)
        runner.run_marts(con, "huarong", period)
    con.close()
    return path


def _frames(warehouse, period):
    con = runner.connect(warehouse)
    try:
        return frames_for(con, "huarong", period)
    finally:
        con.close()


def _rules(warehouse, period):
    with runner.connect(warehouse) as con:
        return rule_rows(con, "huarong", period)


def _findings(warehouse, period, code):
    outcome = validate(_frames(warehouse, period))
    return [f for f in outcome.findings if f.code == code]


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_column_freshness_finds_exactly_the_stale_blank_and_undated(warehouse):
    frame = _rules(warehouse, "2021H1")["rule_column_freshness"]
    verdicts = dict(zip(frame["column"], frame["verdict"]))
    assert {c: v for c, v in verdicts.items() if v != "ok"} == {
        "民政局/工作动态": "overdue", "林业局/通知公告": "overdue", "林业局/人事信息": "blank",
        "司法局/人事信息": "undated"}
    assert verdicts["公安局/工作动态"] == verdicts["民政局/通知公告"] == verdicts["司法局/规划计划"] == "ok"
    messages = [f.message for f in _findings(warehouse, "2021H1", "column_freshness")]
    assert "民政局“民政局/工作动态”栏目最后更新于2021年6月1日，超过两周未更新" not in messages  # unit not repeated
    assert "“民政局/工作动态”栏目最后更新于2021年6月1日，超过两周未更新" in messages
    assert "“林业局/人事信息”栏目为空白栏目，从未发布信息" in messages


@pytest.mark.slow  # over ~1.3 s: in `make test`, not in `make test-fast`
def test_timeliness_counts_working_days_across_holidays(warehouse):
    h1 = _rules(warehouse, "2021H1")["rule_timeliness"].set_index("url")
    assert SPRING_DUE == date(2021, 3, 3)  # chinesecalendar, with the Spring Festival and 2/20 worked
    assert h1.loc["/t1", "working_days"] == 20 and not h1.loc["/t1", "late"]
    assert h1.loc["/t2", "working_days"] == 21 and h1.loc["/t2", "late"]
    assert h1.loc["/t1", "due_date"].date() == SPRING_DUE and h1.loc["/t2", "is_normative"]
    h2 = _rules(warehouse, "2021H2")["rule_timeliness"].set_index("url")
    # Mid-Autumn 9/19–9/21 and National Day 10/1–10/7 off; Saturday 9/18, Sunday 9/26, Saturday 10/9 worked
    assert AUTUMN_DUE == date(2021, 10, 21)
    assert list(h2.index[h2["late"]]) == ["/t4"]
    late = [f.message for f in _findings(warehouse, "2021H1", "timeliness")]
    assert len(late) == 1 and late[0].startswith("【行政规范性文件】司法局《关于印发实施细则的通知》")


def test_formatting_finds_exactly_the_defects(warehouse):
    frame = _rules(warehouse, "2021H1")["rule_formatting"].set_index("url")
    defects = frame.loc[frame["defects"] != "", "defects"].to_dict()
    assert defects == {
        "/m2": "连续空格2处",
        "/m3": "连续空白段落3个",
        "/m4": "表格12列，超出页面",
        "/m5": "表格宽1200px，超出页面",
        "/m6": "带有Word复制格式",
    }


def test_formatting_thresholds_are_configurable(warehouse):
    con = runner.connect(warehouse)
    try:
        load_rule_settings(con, "huarong", rules_settings({"formatting": {"min_space_run": 2, "min_empty_run": 4}}))
        runner.run_marts(con, "huarong", "2021H1")
        frame = rule_rows(con, "huarong", "2021H1")["rule_formatting"].set_index("url")
        assert frame.loc["/m1", "defects"] == "连续空格1处"  # the two no-break spaces, not the indent
        assert frame.loc["/m3", "defects"] == ""
    finally:
        load_rule_settings(con, "huarong", rules_settings({"key_area": {"categories": ["县直部门"]}}))
        runner.run_marts(con, "huarong", "2021H1")
        con.close()


def test_wrong_column_reports_only_the_misplaced_item(warehouse):
    frame = _rules(warehouse, "2021H1")["rule_wrong_column"]
    assert list(frame.loc[frame["misplaced"], "url"]) == ["/w1"]
    assert frame.set_index("url").loc["/w1", "looks_like"] == "budget"


def test_key_area_on_time_late_missing(warehouse):
    frame = _rules(warehouse, "2021H1")["rule_key_area"]
    got = {(r["unit"], r["kind"]): r["verdict"] for r in frame.to_dict("records")}
    assert got[("公安局", "budget")] == "ok" and got[("公安局", "sangong")] == "ok"
    assert got[("民政局", "budget")] == "late" and got[("民政局", "sangong")] == "late"  # 三公 in the body
    assert got[("林业局", "budget")] == "missing"
    assert {v for (u, k), v in got.items() if k == "final"} == {"not_due"}  # due 7/20, after H1
    assert set(frame["category"]) == {"县直部门"}
    messages = [f.message for f in _findings(warehouse, "2021H1", "key_area")]
    assert "民政局2021年部门预算于2021年5月6日公开，晚于2021年4月20日" in messages
    assert "林业局未公开2021年部门预算（应于2021年4月20日前公开）" in messages


def test_key_area_names_the_same_first_item_every_run(warehouse):
    """/k1 and /k2 are both 公安局 2021 budgets published on 2021-04-10: the first published is a tie, and
    the row names the smaller URL (/k1), not whichever the engine met first."""
    frame = _rules(warehouse, "2021H1")["rule_key_area"]
    row = frame[(frame["unit"] == "公安局") & (frame["kind"] == "budget")].iloc[0]
    assert str(row["url"]).endswith("/k1") and str(row["published"])[:10] == "2021-04-10"


def test_severity_from_config_makes_a_rule_blocking(warehouse):
    from flows.domain.rules_config import blocking_overrides

    settings = rules_settings({"severity": {"timeliness": "blocking"}})
    outcome = validate(_frames(warehouse, "2021H1"), blocking=blocking_overrides(settings))
    assert [r.name for r in outcome.blocking_failures] == ["documents_timely"]
    assert {f.severity for f in outcome.findings if f.code == "timeliness"} == {"error"}


def test_bad_rule_settings_are_clear_errors():
    with pytest.raises(RulesConfigError, match="rules.freshness"):
        rules_settings({"freshness": {"dynamics": "two weeks"}})
    with pytest.raises(RulesConfigError, match="rules.severity"):
        rules_settings({"severity": {"timeliness": "fatal"}})
    with pytest.raises(RulesConfigError, match="未知的 rules.nonsense"):
        rules_settings({"nonsense": {}})


@pytest.mark.slow  # over ~1.3 s: in `make test`, not in `make test-fast`
def test_an_impossible_date_is_a_finding_about_its_item_not_a_stopped_run(registry_path):
    """成文日期 1999 (before the 条例 took effect), 成文 after 发布, 发布 in the future: each item is a finding
    naming its URL; the calendar is never asked for 1999 or 2031, and the other items are counted (issue 21)."""
    con = runner.connect(":memory:")
    load_registry_into(con, load_registry(registry_path, "华容县"), "huarong")
    load_crawl(con, county_slug="huarong", crawl_id="c9", items=[
        item("/old", "司法局/规范性文件", "normative", "司法局", "2021-03-01", "1999-03-01"),
        item("/after", "司法局/规范性文件", "normative", "司法局", "2021-03-01", "2021-05-01"),
        item("/future", "司法局/规范性文件", "normative", "司法局", "2031-02-01", "2031-01-10"),
        item("/ok", "司法局/规范性文件", "normative", "司法局", "2021-03-01", "2021-02-20")],
        summary={}, columns=COLUMNS)
    load_rule_settings(con, "huarong", rules_settings({}))
    for period in ("2021H1", "2031H1"):
        load_workdays(con, "huarong", period)  # no CalendarError for 1999 or 2031
        runner.run_marts(con, "huarong", period)
    frame = rule_rows(con, "huarong", "2021H1")["rule_timeliness"].set_index("url")
    assert sorted(frame.index[frame["implausible"]]) == ["/after", "/old"] and not frame["late"].any()
    assert frame.loc["/ok", "working_days"] > 0
    findings = [f.message for f in validate(frames_for(con, "huarong", "2021H1")).findings
                if f.code == "implausible_date"]
    assert len(findings) == 2 and any("1999年3月1日" in m and "/old" in m for m in findings)
    future = rule_rows(con, "huarong", "2031H1")["rule_timeliness"]
    assert list(future.loc[future["implausible"], "url"]) == ["/future"]
    con.close()


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_demo_portal_traps_are_found(tmp_path, registry_path):
    """The bundled demo portal plants known problems (its manifest): the rules find every one."""
    import json

    from flows.steps import pipeline
    from flows.domain.config import load_config

    config = tmp_path / "demo.toml"
    (tmp_path / "reg.csv").write_text(registry_path.read_text(encoding="utf-8"), encoding="utf-8")
    config.write_text('county = "华容县"\nslug = "huarong"\nregistry = "reg.csv"\n[crawl]\ndemo = true\n',
                      encoding="utf-8")
    cfg = load_config(config)
    warehouse = tmp_path / "wh.duckdb"
    pipeline.crawl_county(cfg, warehouse)
    pipeline.transform(warehouse, "huarong", "2021H1", cfg.rules)
    manifest = json.loads((tmp_path / "demo_portal" / "manifest.json").read_text(encoding="utf-8"))
    con = runner.connect(warehouse)
    try:
        rules = runner.query(con, "rule_problems", county_slug="huarong", period="2021H1").to_dict("records")
        freshness = rule_rows(con, "huarong", "2021H1")["rule_column_freshness"]
        dates = dict(runner.execute(con, "SELECT url, publish_date FROM stg_crawled_items"))
    finally:
        con.close()
    path = lambda url: "/" + url.split("/", 3)[3] if url else url  # noqa: E731
    in_h1 = {path(u) for u, d in dates.items() if d and date(2021, 1, 1) <= d <= date(2021, 6, 30)}
    late = {path(r["url"]) for r in rules if r["rule"] == "timeliness"}
    planted_late = set(manifest["late_normative"]) & in_h1
    assert planted_late and planted_late <= late
    formatted = {path(r["url"]) for r in rules if r["rule"] == "formatting"}
    planted_defects = set(manifest["defects"]) & in_h1
    assert len(planted_defects) > 50 and planted_defects <= formatted
    by_url = {path(u).removesuffix("index.htm"): v for u, v in zip(freshness["url"], freshness["verdict"])}
    assert {by_url[p] for p in manifest["blank_columns"]} == {"blank"}
    assert by_url[manifest["stale_column"].removesuffix("index.htm")] == "overdue"
