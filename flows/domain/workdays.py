"""Chinese working days: statutory holidays and adjusted working weekends.

chinesecalendar knows the years up to its release (2004–2026 in 1.11.0; docs/domain.md §7); a new
year arrives after the State Council's holiday notice, usually in November. Until the library
catches up, the office enters the notice in ``data/calendar/holiday_overrides.csv``
(``date,kind,note`` with kind ``holiday`` or ``workday``). A date in a year that neither knows is
a clear error, never a guess.

Article 26 of the 政府信息公开条例: proactively disclosed information is made public within 20
working days of being formed. The count starts the next working day: the last day on time is
``find_workday(20, formed_on)`` (formed 2021-04-20 → due 2021-05-19).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

DEFAULT_OVERRIDES = Path(__file__).resolve().parents[2] / "data" / "calendar" / "holiday_overrides.csv"
ART26_WORKING_DAYS = 20  # 《政府信息公开条例》第二十六条


class CalendarError(LookupError):
    """A date whose year neither chinesecalendar nor the override file knows."""


@dataclass
class WorkCalendar:
    overrides: dict[date, bool] = field(default_factory=dict)  # date → is a working day
    source: str = ""

    @property
    def override_years(self) -> set[int]:
        return {d.year for d in self.overrides}

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.override_years:
            return day.weekday() < 5
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise CalendarError(
                f"{day.isoformat()}：chinesecalendar {getattr(chinese_calendar, '__version__', '')} 不含 {day.year} 年的"
                f"节假日安排；请在 {self.source or DEFAULT_OVERRIDES} 中录入国务院办公厅公布的 {day.year} 年放假安排"
            ) from None

    def days(self, start: date, end: date) -> list[tuple[date, bool]]:
        """Every date from start to end inclusive with whether it is a working day."""
        out, day = [], start
        while day <= end:
            out.append((day, self.is_workday(day)))
            day += timedelta(days=1)
        return out

    def working_days_between(self, after: date, until: date) -> int:
        """Working days from the day after ``after`` up to and including ``until``."""
        return sum(1 for day, work in self.days(after + timedelta(days=1), until) if work)

    def find_workday(self, n: int, after: date) -> date:
        """The n-th working day after ``after`` (n ≥ 1)."""
        day, seen = after, 0
        while seen < n:
            day += timedelta(days=1)
            seen += self.is_workday(day)
        return day


def load_calendar(path: str | Path | None = None) -> WorkCalendar:
    """The working-day calendar with the office's overrides (errors name the file and the row)."""
    path = Path(path) if path else DEFAULT_OVERRIDES
    overrides: dict[date, bool] = {}
    if path.exists():
        lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines()]
        rows = csv.reader(lines)
        header = None
        for row_no, row in enumerate(rows, start=1):
            if not row or row[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [c.strip() for c in row]
                if header[:2] != ["date", "kind"]:
                    raise CalendarError(f"{path}: 第{row_no}行表头应为 date,kind,note")
                continue
            try:
                day = date.fromisoformat(row[0].strip())
            except ValueError:
                raise CalendarError(f"{path}: 第{row_no}行 date 应为 YYYY-MM-DD，实为 {row[0]!r}") from None
            kind = row[1].strip() if len(row) > 1 else ""
            if kind not in {"holiday", "workday"}:
                raise CalendarError(f"{path}: 第{row_no}行 kind 应为 holiday 或 workday，实为 {kind!r}")
            overrides[day] = kind == "workday"
    return WorkCalendar(overrides=overrides, source=str(path))
