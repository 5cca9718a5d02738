from datetime import date

import pytest

from flows.domain.workdays import CalendarError, load_calendar


@pytest.fixture
def cal():
    return load_calendar()


def test_article_26_deadline_across_labour_day(cal):
    # docs/domain.md §2: formed 2021-04-20 → due 2021-05-19, skipping 5/1–5/5, counting Saturday 5/8
    assert cal.find_workday(20, date(2021, 4, 20)) == date(2021, 5, 19)
    assert cal.working_days_between(date(2021, 4, 20), date(2021, 5, 19)) == 20
    assert cal.working_days_between(date(2021, 4, 20), date(2021, 5, 20)) == 21


def test_make_up_days_and_h1_count(cal):
    for day in ("2021-02-07", "2021-02-20", "2021-04-25", "2021-05-08", "2021-09-18", "2021-09-26", "2021-10-09"):
        assert cal.is_workday(date.fromisoformat(day)), day
    assert not cal.is_workday(date(2021, 2, 12))  # Spring Festival
    assert sum(w for _, w in cal.days(date(2021, 1, 1), date(2021, 6, 30))) == 122


def test_unknown_year_is_a_clear_error(cal):
    with pytest.raises(CalendarError, match="2031.*holiday_overrides"):
        cal.is_workday(date(2031, 1, 2))


def test_override_file_adds_a_year(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("date,kind,note\n2031-01-01,holiday,元旦\n2031-01-04,workday,调休上班\n", encoding="utf-8")
    cal = load_calendar(path)
    assert not cal.is_workday(date(2031, 1, 1))
    assert cal.is_workday(date(2031, 1, 4))  # a Saturday made a working day
    assert cal.is_workday(date(2031, 1, 2)) and not cal.is_workday(date(2031, 1, 5))


def test_bad_override_rows_name_the_row(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("date,kind\n2031-01-01,holiday\n2031-13-01,holiday\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="第3行 date"):
        load_calendar(path)
    path.write_text("date,kind\n2031-01-01,vacation\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="第2行 kind"):
        load_calendar(path)
