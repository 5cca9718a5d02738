"""Each GX check passes on clean data and fails, with its finding, on data that breaks it."""

import pytest
from model_fixtures import bulletin, row

from expectations.checks import CHECKS, RULE_CHECKS
from expectations.runner import validate
from flows.steps.pipeline import frames_for
from flows.domain.registry import load_registry
from transforms.loaders import load_parsed, load_registry as load_registry_into
from transforms import runner


def _frames(parsed, registry_path=None):
    con = runner.connect(":memory:")
    if registry_path:
        load_registry_into(con, load_registry(registry_path, "华容县"), "huarong")
    load_parsed(con, parsed, county_slug="huarong", county="华容县", period="2021H1")
    runner.run_marts(con, "huarong", "2021H1")
    frames = frames_for(con, "huarong", "2021H1")
    con.close()
    return frames


CLEAN = bulletin([("县直部门", [row("公安局", 30, 1, 1), row("民政局", 20, 2, 2)], 50),
                  ("乡镇", [row("禹山镇", 5, 1, 3)], 5)], stated_total=55)


@pytest.fixture(scope="module")
def clean_validation(registry_path, tmp_path_factory):
    docs = tmp_path_factory.mktemp("docs") / "validation"
    return validate(_frames(CLEAN, registry_path), docs_dir=docs), docs


def test_clean_data_passes_every_check(clean_validation):
    outcome, _ = clean_validation
    # every check but the reconciliation and the rules, which need crawled records
    crawled_only = {"reported_matches_crawled", "claims_match_ranks", "columns_complete", "dates_plausible"} | set(RULE_CHECKS)
    # (no text claims here; columns_complete only when the counts come from the crawl)
    assert {r.name for r in outcome.results} == {c.name for c in CHECKS} - crawled_only
    assert all(r.success for r in outcome.results), [r.name for r in outcome.results if not r.success]
    assert outcome.findings == []


def test_data_docs_are_written(clean_validation):
    outcome, docs = clean_validation
    assert outcome.docs_index == docs / "index.html"
    html = outcome.docs_index.read_text(encoding="utf-8")
    assert "zwgk.reported_rows" in html and "zwgk.period_totals" in html


def _codes(outcome):
    return sorted({f.code for f in outcome.findings})


CASES = {
    "table_total_mismatch": (
        bulletin([("县直部门", [row("公安局", 30, 1, 1), row("民政局", 20, 2, 2)], 51)], stated_total=50),
        "合计栏为51条，各单位相加为50条"),
    "overall_total_mismatch": (
        bulletin([("县直部门", [row("公安局", 30, 1, 1)], 30)], stated_total=29),
        "正文所述公开总数29条与附件合计30条不一致（相差1条）"),
    "duplicate_unit": (
        bulletin([("县直部门", [row("市生态环境局华容分局", 30, 1, 1), row("生态环境局", 20, 2, 2)], 50)], stated_total=50),
        "“市生态环境局华容分局”在附件表中出现2次（第1行、第2行）"),
    "rank_inconsistent": (
        bulletin([("县直部门", [row("公安局", 10, 1, 1), row("民政局", 20, 2, 2)], 30)], stated_total=30),
        "民政局（20条）排第2名，却排在1个条数更少的单位之后（第2行）"),
    "bad_count": (
        bulletin([("县直部门", [row("公安局", "十二", 1, 1), row("民政局", -2, 2, 2)], None)], stated_total=None),
        "公安局的条数“十二”不是整数（第1行）"),
    "unknown_unit": (
        bulletin([("县直部门", [row("火星局", 3, 1, 1)], 3)], stated_total=3),
        "“火星局”不在单位名册中（第1行）"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_check_fails_with_its_finding(code, registry_path):
    parsed, message = CASES[code]
    outcome = validate(_frames(parsed, registry_path))
    assert code in _codes(outcome)
    assert any(message in f.message for f in outcome.findings if f.code == code), \
        [f.message for f in outcome.findings]


def test_negative_count_is_bad_count(registry_path):
    parsed, _ = CASES["bad_count"]
    messages = [f.message for f in validate(_frames(parsed, registry_path)).findings if f.code == "bad_count"]
    assert any("民政局的条数“-2”为负数" in m for m in messages)


def test_missing_rank_is_rank_inconsistent(registry_path):
    parsed = bulletin([("县直部门", [row("公安局", 10, 1, 1), row("民政局", 5, None, 2)], 15)], stated_total=15)
    findings = validate(_frames(parsed, registry_path)).findings
    assert [f.code for f in findings] == ["rank_inconsistent"]
    assert "民政局的排名“”缺失" in findings[0].message


def test_unknown_units_not_checked_without_registry():
    parsed, _ = CASES["unknown_unit"]
    outcome = validate(_frames(parsed))
    assert "units_known" not in {r.name for r in outcome.results}


def test_blocking_defaults_and_overrides(registry_path):
    parsed, _ = CASES["overall_total_mismatch"]
    frames = _frames(parsed, registry_path)
    assert [r.name for r in validate(frames).blocking_failures] == ["overall_total_matches_tables"]
    relaxed = validate(frames, blocking={"overall_total_matches_tables": False})
    assert relaxed.blocking_failures == []
    result = next(r for r in relaxed.results if r.name == "overall_total_matches_tables")
    assert (result.observed, result.expected) == (29, 30)
