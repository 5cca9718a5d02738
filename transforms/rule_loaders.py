"""Loading what the rule models need: the county's rule settings and the working-day calendar.

The rules themselves are SQL models (transforms/marts/rule_*.sql) and GX checks
(expectations/checks.py); docs/rules.md describes each one with its source.
"""

from __future__ import annotations

from datetime import timedelta


from flows.domain.periods import parse_period
from flows.domain.rules import RULES
from flows.domain.workdays import CalendarError, WorkCalendar, load_calendar
from transforms import runner
from transforms.loaders import incoming

# 20 working days plus the longest holiday run (Spring Festival / National Day) fits in 45 days.
DUE_DATE_HORIZON = timedelta(days=45)


def _settings_rows(county_slug: str, settings: dict) -> tuple[list, list, list]:
    """A county's rule settings as rows of the three settings tables (scalars, max ages, keywords), each
    rule writing its own (``Rule.settings_rows``, flows/domain/rules.py)."""
    scalars, max_age, keywords = [], [], []
    for r in RULES:
        rows = r.settings_rows(county_slug, settings)
        scalars += rows[0]
        max_age += rows[1]
        keywords += rows[2]
    return scalars, max_age, keywords


def load_rule_settings(con, county_slug: str, settings: dict) -> None:
    """Replace the county's rule settings tables (one transaction)."""
    load_rule_settings_many(con, {county_slug: settings})


def load_rule_settings_many(con, settings_by_county: dict[str, dict]) -> None:
    """Replace the rule settings of every county given (slug → settings) in one transaction: three
    DELETEs and three INSERTs whatever the number of counties (a region's counties at once)."""
    scalars, max_age, keywords = [], [], []
    for county_slug, settings in settings_by_county.items():
        rows = _settings_rows(county_slug, settings)
        scalars += rows[0]
        max_age += rows[1]
        keywords += rows[2]
    slugs = {"county_slugs": list(settings_by_county)}
    with incoming(con, {
        "incoming_settings": (["county_slug", "name", "value"], scalars),
        "incoming_max_age": (["county_slug", "scope", "key", "max_age"], max_age),
        "incoming_keywords": (["county_slug", "rule", "key", "keyword"], keywords),
    }), runner.transaction(con):
        for statement in runner.sql("load/replace_rule_settings").split(";"):
            if statement.strip():
                runner.execute(con, statement, slugs if "$county_slugs" in statement else None)


def load_workdays(con, county_slug: str | list[str], period: str, calendar: WorkCalendar | None = None) -> int:
    """Make sure ref_workdays covers the dates the timeliness rule needs for this period, in the county
    (or the list of counties: one query over all of them).

    The days from the earliest 成文日期 to the latest 发布日期 must be known (CalendarError names
    the year and the override file otherwise); the due-date horizon after them is added where known.
    """
    calendar = calendar or load_calendar()
    p = parse_period(period)
    first, last = runner.execute(con, runner.sql("queries/timeliness_date_range"), {
        "county_slugs": [county_slug] if isinstance(county_slug, str) else list(county_slug), "period_start": p.start, "period_end": p.end})[0]
    if first is None:
        return 0
    start = first - timedelta(days=1)
    have_lo, have_hi = runner.execute(con, runner.sql("queries/workdays_known"))[0]
    lo = start if have_lo is None else min(start, have_lo)
    days = []
    day = lo
    while day <= last:  # every day must be known (CalendarError names the year and the file)
        if have_lo is None or not (have_lo <= day <= have_hi):
            try:
                days.append((day, calendar.is_workday(day)))
            except CalendarError as exc:
                raise CalendarError(f"时效规则需要 {start} 至 {last} 的工作日：{exc}") from None
        day += timedelta(days=1)
    while day <= last + DUE_DATE_HORIZON:  # the due-date horizon, where the calendar knows it
        if have_hi is None or day > have_hi:
            try:
                days.append((day, calendar.is_workday(day)))
            except CalendarError:
                break
        day += timedelta(days=1)
    if not days:
        return 0
    with incoming(con, {"incoming_workdays": (["day", "is_workday"], days)}), runner.transaction(con):
        runner.execute(con, runner.sql("load/upsert_workdays"))
    return len(days)


def load_build_settings(con, counties: list[dict], period: str) -> None:
    """What a build of these counties (``{"slug", "rules", "scoring"}``) reads besides their data, in one
    transaction: each county's rule settings and [scoring], and the working days the period needs. The county
    chain (one county) and the region's (many) both load through here."""
    from transforms.scoring_loaders import load_scoring

    with runner.transaction(con):
        load_rule_settings_many(con, {c["slug"]: c["rules"] for c in counties})
        load_scoring(con, {c["slug"]: c.get("scoring") or {} for c in counties})
        load_workdays(con, [c["slug"] for c in counties], period)
