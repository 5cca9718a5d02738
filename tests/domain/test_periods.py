from datetime import date

import pytest

from flows.domain.periods import Period, PeriodError, find_period, parse_period, parse_period_range


@pytest.mark.parametrize("text, code", [
    ("2021H1", "2021H1"), ("2021h2", "2021H2"), ("2021", "2021"), ("2021Q2", "2021Q2"),
    ("2021-03", "2021-03"), ("2021-3", "2021-03"),
    ("2021年上半年", "2021H1"), ("２０２１年下半年", "2021H2"), ("2021年第二季度", "2021Q2"),
    ("2021年二季度", "2021Q2"), ("2021年3月份", "2021-03"), ("2021年12月", "2021-12"),
    ("2021年度", "2021"), ("2021年全年", "2021"),
])
def test_parse_period(text, code):
    assert parse_period(text).code == code


def test_dates_and_labels():
    p = parse_period("2021H1")
    assert (p.start, p.end) == (date(2021, 1, 1), date(2021, 6, 30))
    assert p.label == "2021年上半年" and p.short_label == "上半年"
    assert parse_period("2021Q2").label == "2021年第二季度"
    assert parse_period("2020-02").end == date(2020, 2, 29)
    assert parse_period("2021").short_label == "全年"


def test_neighbours():
    assert parse_period("2021H1").previous().code == "2020H2"
    assert parse_period("2021H1").same_last_year().code == "2020H1"
    assert parse_period("2021-12").next().code == "2022-01"
    assert [p.code for p in parse_period_range("2019H1..2021H2")] == [
        "2019H1", "2019H2", "2020H1", "2020H2", "2021H1", "2021H2"]


def test_find_period_in_title_prefers_finer_phrase():
    assert find_period("关于2021年上半年全县政务公开工作情况的通报").code == "2021H1"
    assert find_period("华容县县直部门2021年3月份信息公开情况统计").code == "2021-03"
    assert find_period("没有期间") is None


@pytest.mark.parametrize("bad", ["", "2021H3", "2021Q5", "2021-13", "上半年", "21H1"])
def test_bad_periods_name_accepted_forms(bad):
    with pytest.raises(PeriodError, match="2021H1"):
        parse_period(bad)


def test_range_errors():
    with pytest.raises(PeriodError):
        parse_period_range("2021H2..2021H1")
    with pytest.raises(PeriodError):
        parse_period_range("2021H1..2021Q4")
    assert Period("half", 2021, 1) < Period("half", 2021, 2)
