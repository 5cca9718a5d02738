"""The legal clock of a government-information application (依申请公开), on working days.

The rules, from the 政府信息公开条例 (docs/applications.md §2 has them with worked examples):

- Art. 31 fixes the day a request counts as received (in person: that day; post: the day it is
  signed for; online or fax: the day both sides confirm). The register's 收到日期 is that day.
- Art. 30: an unclear request gets one notice to correct it (补正告知) within 7 working days of
  receipt; the clock restarts when the corrected request arrives (补正收到日期). Until then no
  answer is due.
- Art. 33: the answer is due within 20 working days of receipt (counting from the next working
  day, as for every working-day period in the regulation); it may be extended once, by at most 20
  working days, with the approval of the head of the disclosure office and notice to the applicant,
  given before the first deadline.
- Art. 32 / Art. 34: time spent consulting a third party (who has 15 working days) or another
  organ does not count. The register's 征求意见起止日期 gives the first and last day of the
  consultation; the working days from the first to the last inclusive are not counted.
- A reply sent by post meets the deadline on its posting date (国办公开办函〔2016〕235号): for
  答复方式 邮寄 the register's 答复日期 is the posting date.

Everything here is plain date arithmetic over a WorkCalendar (flows/domain/workdays.py), so the
holidays and adjusted working weekends of the State Council's notices are counted exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flows.domain.workdays import WorkCalendar

ANSWER_WORKING_DAYS = 20        # Art. 33 ¶2
EXTENSION_MAX_WORKING_DAYS = 20  # Art. 33 ¶2
CORRECTION_NOTICE_WORKING_DAYS = 7  # Art. 30
THIRD_PARTY_WORKING_DAYS = 15   # Art. 32


@dataclass(frozen=True)
class Clock:
    """What the clock needs of one application."""
    received: date                                   # 收到日期 (Art. 31)
    correction_notice: date | None = None            # 补正告知日期
    correction_received: date | None = None          # 补正收到日期
    consultations: tuple[tuple[date, date | None], ...] = ()  # 征求意见 (first day, last day or None: still out)
    extended_on: date | None = None                  # 延期 decision/notice date
    extension_days: int = EXTENSION_MAX_WORKING_DAYS
    answered: date | None = None                     # 答复日期 (posting date for a posted reply)


@dataclass
class Deadline:
    """Where one application stands on its clock."""
    status: str                 # answered | pending | awaiting_correction | consulting
    start: date | None          # the day the 20 working days count from (receipt, or corrected request)
    due: date | None            # the last day on time (None while the clock is stopped)
    on_time: bool | None = None         # answered on or before due
    late_working_days: int = 0          # answered or still open after due: working days past it
    days_left: int | None = None        # pending: working days from `today` to due (0 on the due day)
    excluded_working_days: int = 0      # consultation working days not counted
    notes: list[str] = field(default_factory=list)  # the clock's own defects (late 补正 notice, …)

    @property
    def overdue(self) -> bool:
        return self.late_working_days > 0


def _excluded(day: date, windows: tuple[tuple[date, date], ...]) -> bool:
    return any(first <= day <= last for first, last in windows)


def nth_counted_workday(cal: WorkCalendar, n: int, after: date, windows: tuple[tuple[date, date], ...] = ()) -> date:
    """The n-th working day after ``after`` that falls in no consultation window."""
    day, seen = after, 0
    while seen < n:
        day += timedelta(days=1)
        seen += cal.is_workday(day) and not _excluded(day, windows)
    return day


def counted_workdays(cal: WorkCalendar, after: date, until: date, windows: tuple[tuple[date, date], ...] = ()) -> int:
    """Working days from the day after ``after`` through ``until`` that fall in no consultation window."""
    return sum(1 for day, work in cal.days(after + timedelta(days=1), until) if work and not _excluded(day, windows))


def deadline(app: Clock, cal: WorkCalendar, today: date) -> Deadline:
    """The application's due date and standing on ``today`` (answered applications ignore ``today``)."""
    notes: list[str] = []
    if app.correction_notice is not None:
        notice_due = cal.find_workday(CORRECTION_NOTICE_WORKING_DAYS, app.received)
        if app.correction_notice > notice_due:
            notes.append(f"补正告知晚于收到申请后{CORRECTION_NOTICE_WORKING_DAYS}个工作日（应不晚于{notice_due.isoformat()}，"
                         f"实际{app.correction_notice.isoformat()}）")
        if app.correction_received is None:
            # the clock waits for the corrected request; an answer without one (逾期不补正) is not late
            status = "answered" if app.answered else "awaiting_correction"
            return Deadline(status, None, None, on_time=True if app.answered else None, notes=notes)
        start = app.correction_received
    else:
        start = app.received
    open_window = next((first for first, last in app.consultations if last is None), None)
    windows = tuple((first, last) for first, last in app.consultations if last is not None)
    n = ANSWER_WORKING_DAYS
    if app.extended_on is not None:
        first_due = nth_counted_workday(cal, ANSWER_WORKING_DAYS, start, windows)
        if app.extended_on > first_due:
            notes.append(f"延期决定晚于原答复期限（{first_due.isoformat()}），不能延长期限")
        else:
            n += min(app.extension_days, EXTENSION_MAX_WORKING_DAYS)
    if open_window is not None and app.answered is None:
        # still consulting: the clock stands still from the window's first day until its last is entered
        used = counted_workdays(cal, start, open_window - timedelta(days=1), windows)
        return Deadline("consulting", start, None, days_left=n - used, notes=notes)
    if open_window is not None:
        windows += ((open_window, app.answered),)
    due = nth_counted_workday(cal, n, start, windows)
    excluded = len({day for first, last in windows for day, work in cal.days(first, last) if work and day > start})
    if app.answered is not None:
        late = counted_workdays(cal, due, app.answered) if app.answered > due else 0
        return Deadline("answered", start, due, on_time=app.answered <= due, late_working_days=late,
                        excluded_working_days=excluded, notes=notes)
    if today > due:
        return Deadline("pending", start, due, late_working_days=counted_workdays(cal, due, today),
                        days_left=0, excluded_working_days=excluded, notes=notes)
    return Deadline("pending", start, due, days_left=counted_workdays(cal, today, due, windows),
                    excluded_working_days=excluded,
                    notes=notes)
