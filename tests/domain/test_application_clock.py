"""The 依申请公开 clock (flows/domain/application_clock.py) against dates counted by hand.

Each case writes out its count: "n=" is the working day's ordinal after the start day; holidays and
adjusted working weekends are those of the State Council's notices (2021: 国办发明电〔2020〕27号;
2023: 国办发明电〔2022〕16号; 2024: 国办发明电〔2023〕7号; 2025: 国办发明电〔2024〕12号).
"""

from __future__ import annotations

from datetime import date

import pytest

from flows.domain.application_clock import Clock, deadline
from flows.domain.workdays import load_calendar

D = date.fromisoformat
TODAY = D("2026-12-01")  # far after every case: answered cases ignore it


@pytest.fixture(scope="module")
def cal():
    return load_calendar()


CASES = [
    # 1. Spring Festival 2021 (off Thu 02-11 … Wed 02-17; Sun 02-07 and Sat 02-20 worked).
    #    received Fri 02-05 → 02-07(Sun, worked)=1, 08=2, 09=3, 10=4, [11–17 off], 18=5, 19=6, 20(Sat, worked)=7,
    #    22=8, 23=9, 24=10, 25=11, 26=12, 03-01=13, 02=14, 03=15, 04=16, 05=17, 08=18, 09=19, 10=20
    ("spring_festival_2021", Clock(received=D("2021-02-05")), "2021-03-10"),
    # 2. National Day 2021 (off Fri 10-01 … Thu 10-07; Sun 09-26 and Sat 10-09 worked).
    #    received Thu 09-23 → 24=1, 26(Sun, worked)=2, 27=3, 28=4, 29=5, 30=6, [10-01–07 off], 08=7, 09(Sat)=8,
    #    11=9, 12=10, 13=11, 14=12, 15=13, 18=14, 19=15, 20=16, 21=17, 22=18, 25=19, 26=20
    ("national_day_2021", Clock(received=D("2021-09-23")), "2021-10-26"),
    # 3. Received on the adjusted working Saturday 2021-10-09: 10-11…15 = 1–5, 18…22 = 6–10, 25…29 = 11–15,
    #    11-01…05 = 16–20
    ("received_on_worked_saturday", Clock(received=D("2021-10-09")), "2021-11-05"),
    # 4. Confirmed online on a holiday (Sat 2021-10-02): 10-08=1, 09(Sat)=2, 11…15 = 3–7, 18…22 = 8–12,
    #    25…29 = 13–17, 11-01=18, 02=19, 03=20
    ("received_on_a_holiday", Clock(received=D("2021-10-02")), "2021-11-03"),
    # 5. Spring Festival 2023 (off Sat 01-21 … Fri 01-27; Sat 01-28 and Sun 01-29 both worked).
    #    received Fri 01-13 → 16…20 = 1–5, [21–27 off], 28(Sat)=6, 29(Sun)=7, 30…02-03 = 8–12,
    #    02-06…10 = 13–17, 13=18, 14=19, 15=20
    ("spring_festival_2023_two_worked_weekend_days", Clock(received=D("2023-01-13")), "2023-02-15"),
    # 6. 补正 restart: received Mon 2021-03-01, notice Thu 03-04 (by the 7th working day, 03-10), the corrected
    #    request arrives Mon 03-15 and the 20 days count from it: 16…19 = 1–4, 22…26 = 5–9, 29…04-02 = 10–14,
    #    [Mon 04-05 清明 off], 06=15, 07=16, 08=17, 09=18, 12=19, 13=20
    ("correction_restarts_the_clock",
     Clock(received=D("2021-03-01"), correction_notice=D("2021-03-04"), correction_received=D("2021-03-15")),
     "2021-04-13"),
    # 7. Consultation 2024-09-09 … 09-20 not counted (its working days: 9,10,11,12,13, Sat 14 worked, 18,19,20 —
    #    Mon 16 and Tue 17 中秋 off). received Mon 09-02 → 03=1, 04=2, 05=3, 06=4, [window], 23=5, 24=6, 25=7,
    #    26=8, 27=9, 29(Sun, worked)=10, 30=11, [10-01–07 off], 08=12, 09=13, 10=14, 11=15, 12(Sat, worked)=16,
    #    14=17, 15=18, 16=19, 17=20
    ("consultation_time_is_not_counted",
     Clock(received=D("2024-09-02"), consultations=((D("2024-09-09"), D("2024-09-20")),)), "2024-10-17"),
    # 8. Extension. received Mon 2024-01-22 → 23…26 = 1–4, 29…02-02 = 5–9, 02-04(Sun, worked)=10, 05…08 = 11–14,
    #    09(Fri, 除夕 worked)=15, [10–17 off], 18(Sun, worked)=16, 19=17, 20=18, 21=19, 22=20: first due 02-22.
    #    Extended on 02-20 (before it) by 20: 23=1, 26…03-01 = 2–6, 04…08 = 7–11, 11…15 = 12–16, 18=17, 19=18,
    #    20=19, 21=20
    ("extension_adds_twenty",
     Clock(received=D("2024-01-22"), extended_on=D("2024-02-20"), answered=D("2024-03-21")), "2024-03-21"),
    # 9. Posted reply: received Fri 2025-09-12 → 15…19 = 1–5, 22…26 = 6–10, 28(Sun, worked)=11, 29=12, 30=13,
    #    [10-01–08 off], 09=14, 10=15, 11(Sat, worked)=16, 13=17, 14=18, 15=19, 16=20. Posted on the due day 10-16
    #    (delivered days later): on time, the posting date counts.
    ("posted_on_the_due_day", Clock(received=D("2025-09-12"), answered=D("2025-10-16")), "2025-10-16"),
    # 10. Spring Festival 2025 (off Tue 01-28 … Tue 02-04; Sun 01-26 and Sat 02-08 worked).
    #     received Wed 01-22 → 23=1, 24=2, 26(Sun)=3, 27=4, [28–02-04 off], 05=5, 06=6, 07=7, 08(Sat)=8,
    #     10…14 = 9–13, 17…21 = 14–18, 24=19, 25=20
    ("spring_festival_2025", Clock(received=D("2025-01-22")), "2025-02-25"),
]


@pytest.mark.parametrize("name,clock,due", CASES, ids=[c[0] for c in CASES])
def test_due_dates_counted_by_hand(cal, name, clock, due):
    result = deadline(clock, cal, TODAY)
    assert result.due == D(due)
    assert not result.notes


def test_the_consultation_window_is_counted_by_hand(cal):
    # case 7's window holds 9 working days (9,10,11,12,13, Sat 14, 18,19,20)
    result = deadline(CASES[6][1], cal, TODAY)
    assert result.excluded_working_days == 9


def test_an_extension_and_a_posted_reply_are_on_time(cal):
    assert deadline(CASES[7][1], cal, TODAY).on_time is True
    posted = deadline(CASES[8][1], cal, TODAY)
    assert posted.status == "answered" and posted.on_time is True and posted.late_working_days == 0


def test_an_extension_decided_after_the_first_deadline_does_not_extend(cal):
    # first due 2024-02-22 (case 8); extended on Fri 02-23: too late. Answered Fri 03-01: late by the working days
    # after 02-22 through 03-01: 23, 26, 27, 28, 29, 03-01 = 6
    result = deadline(Clock(received=D("2024-01-22"), extended_on=D("2024-02-23"), answered=D("2024-03-01")), cal, TODAY)
    assert result.due == D("2024-02-22")
    assert result.on_time is False and result.late_working_days == 6
    assert "延期决定晚于原答复期限（2024-02-22）" in result.notes[0]


def test_a_late_correction_notice_is_noted_and_the_clock_still_restarts(cal):
    # received Mon 2021-03-01: the 7th working day after it is 03-10 (2,3,4,5,8,9,10); a notice on Thu 03-11 is late
    result = deadline(Clock(received=D("2021-03-01"), correction_notice=D("2021-03-11"),
                            correction_received=D("2021-03-15")), cal, TODAY)
    assert result.due == D("2021-04-13")  # as case 6
    assert result.notes == ["补正告知晚于收到申请后7个工作日（应不晚于2021-03-10，实际2021-03-11）"]


def test_awaiting_a_correction_stops_the_clock(cal):
    result = deadline(Clock(received=D("2021-03-01"), correction_notice=D("2021-03-04")), cal, D("2021-06-01"))
    assert result.status == "awaiting_correction" and result.due is None and not result.overdue


def test_pending_days_left_and_overdue_on_a_given_day(cal):
    clock = CASES[9][1]  # due Tue 2025-02-25
    # on Thu 02-20: 21, 24, 25 left = 3
    assert deadline(clock, cal, D("2025-02-20")).days_left == 3
    # on the due day: 0 left, not overdue
    on_due = deadline(clock, cal, D("2025-02-25"))
    assert on_due.days_left == 0 and not on_due.overdue
    # on Fri 02-28: 26, 27, 28 past due = 3
    late = deadline(clock, cal, D("2025-02-28"))
    assert late.status == "pending" and late.late_working_days == 3


def test_an_open_consultation_stops_the_clock(cal):
    # received Mon 2025-03-03, consultation from Mon 03-10 still out: used 04,05,06,07 = 4, so 16 are left
    result = deadline(Clock(received=D("2025-03-03"), consultations=((D("2025-03-10"), None),)), cal, D("2025-03-20"))
    assert result.status == "consulting" and result.due is None and result.days_left == 16


def test_answered_one_working_day_late_across_a_weekend(cal):
    # case 1 due Wed 2021-03-10; answered Mon 03-15: 11, 12, 15 = 3 working days late
    result = deadline(Clock(received=D("2021-02-05"), answered=D("2021-03-15")), cal, TODAY)
    assert result.on_time is False and result.late_working_days == 3
