"""The annual-report checks (GX): a consistent report has no finding; each planted defect exactly its own."""

from __future__ import annotations

from datetime import date

import pytest

from expectations.annual import validate_annual
from expectations.annual_frames import Deadlines, ReviewContext, build_frames
from data.demo.annual import make_spec, plant
from flows.ingest.annual_report import parse_annual_report
from tests.annual_fixtures import MEDIA, render

pytestmark = pytest.mark.slow  # an expensive module fixture: in `make test`, not in `make test-fast`

TABLE_DEFECTS = ("balance_mismatch", "column_total_mismatch", "row_total_mismatch", "total_column_blank",
                 "review_total_mismatch", "text_table_mismatch", "obsolete_format")


@pytest.fixture(scope="module")
def outcome():
    reports, expected = [], []
    previous = {}
    for m, medium in enumerate(MEDIA):
        for fmt_year in (2020, 2022):
            base = make_spec(f"单位{m}{fmt_year}", fmt_year, seed=m)
            base.published = date(fmt_year + 1, 1, 20)
            cases = [("consistent", base)] + [(d, plant(base, d)) for d in TABLE_DEFECTS
                                              if not (d == "obsolete_format" and fmt_year == 2020)]
            for name, s in cases:
                reports.append(parse_annual_report(render(s, medium), f"{medium}-{fmt_year}-{name}"))
                expected.append((name, s))
        late = make_spec(f"迟到单位{m}", 2022, seed=m)
        late.published = date(2023, 2, 3)
        reports.append(parse_annual_report(render(late, "html"), f"html-late-{m}"))
        expected.append(("late", late))
        last = make_spec(f"照搬单位{m}", 2021, seed=m)
        previous[last.unit] = parse_annual_report(render(last, medium), "last-year")
        copied = make_spec(f"照搬单位{m}", 2021, seed=m)
        copied.year = 2022
        reports.append(parse_annual_report(render(copied, medium), f"{medium}-copied"))
        expected.append(("copied", copied))
    registered = [r.unit for r in reports] + ["未公开单位"]
    ctx = ReviewContext(deadlines=Deadlines(), previous=previous, registered=registered, year=2022)
    return reports, expected, validate_annual(build_frames(reports, ctx))


def test_each_report_gets_exactly_its_finding(outcome):
    reports, expected, v = outcome
    for i, (name, _s) in enumerate(expected):
        codes = [f.code for f in v.findings_by_report.get(i, [])]
        want = [] if name == "consistent" else [f"annual_{name}"]
        assert codes == want, (reports[i].source, codes)


def test_messages_name_the_row_column_and_both_numbers(outcome):
    reports, expected, v = outcome
    for i, (name, s) in enumerate(expected):
        msgs = " ".join(f.message for f in v.findings_by_report.get(i, []))
        t3 = s.table3
        if name == "balance_mismatch":
            lhs = t3["new"]["natural"] + t3["carried_in"]["natural"]
            rhs = t3["results_total"]["natural"] + t3["carried_out"]["natural"]
            assert f"“自然人”列" in msgs and f"为{lhs}" in msgs and f"为{rhs}" in msgs
        elif name == "row_total_mismatch":
            assert f"“（一）予以公开”行：总计栏填{t3['granted']['total']}" in msgs
        elif name == "review_total_mismatch":
            assert f"总计填{s.table4['review']['total']}" in msgs
        elif name == "text_table_mismatch":
            assert f"收到申请为{t3['new']['total'] + 3}件" in msgs and f"总计{t3['new']['total']}件" in msgs
        elif name == "late":
            assert "2023-02-03公布，晚于2023-01-31" in msgs


def test_missing_unit(outcome):
    _r, _e, v = outcome
    assert list(v.findings_by_unit) == ["未公开单位"]
    assert v.findings_by_unit["未公开单位"][0].code == "annual_missing"


def test_blank_cell_is_not_a_zero():
    s = make_spec("空白单位", 2022, seed=11)
    s.table3["granted"]["business"] = None  # blank: the identities that need it are not evaluated
    r = parse_annual_report(render(s, "html"), "blank")
    frames = build_frames([r])
    import pandas as pd

    assert pd.isna(frames["annual_rows"].set_index("row").loc["granted", "parts_sum"])
    assert pd.isna(frames["annual_columns"].set_index("column").loc["business", "results_sum"])
    assert pd.isna(frames["annual_columns"].set_index("column").loc["business", "rhs"]) is False
