"""When the digest goes out, and which digest a reminder rides (bot/domain/digest.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.catalog.holidays import load_work_calendar
from bot.domain.digest import DigestMode, DigestSchedule, parse_digest_time, worth_sending
from bot.domain.workcalendar import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return load_work_calendar()


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def office(calendar: WorkCalendar) -> DigestSchedule:
    return DigestSchedule(dt.time(8, 0), every_day=False, calendar=calendar)


def test_a_working_days_reminders_move_to_that_mornings_digest(calendar: WorkCalendar) -> None:
    digest = office(calendar)
    wednesday = dt.date(2026, 12, 2)
    for kind in ("lead-7", "due", "overdue-1", "escalate", "campaign-start"):
        assert digest.align(kind, at(wednesday, 17), shift_start=None) == at(wednesday, 8)


def test_on_a_day_off_announcements_come_before_and_chasers_after(
    calendar: WorkCalendar,
) -> None:
    digest = office(calendar)
    national_day = dt.date(2026, 10, 3)  # inside the 1–7 October holiday
    assert digest.align("lead-1", at(national_day), shift_start=None) == at(dt.date(2026, 9, 30), 8)
    assert digest.align("due", at(national_day), shift_start=None) == at(dt.date(2026, 9, 30), 8)
    assert digest.align("overdue-1", at(national_day), shift_start=None) == at(
        dt.date(2026, 10, 8), 8
    )
    # the Saturday worked for National Day (调休) is a digest day
    make_up = dt.date(2026, 10, 10)
    assert digest.align("escalate", at(make_up), shift_start=None) == at(make_up, 8)


def test_a_continuous_site_hears_every_day(calendar: WorkCalendar) -> None:
    digest = DigestSchedule(dt.time(7, 30), every_day=True, calendar=calendar)
    sunday = dt.date(2026, 12, 6)
    assert digest.align("due", at(sunday), shift_start=None) == at(sunday, 7, 30)


def test_a_shift_meeting_is_announced_half_an_hour_ahead_at_least(calendar: WorkCalendar) -> None:
    digest = DigestSchedule(dt.time(8, 0), every_day=True, calendar=calendar)
    day = dt.date(2026, 12, 2)
    yesterday = at(day - dt.timedelta(days=1), 8)
    for hour, expected in ((16, at(day, 8)), (8, yesterday), (0, yesterday)):
        start = at(day, hour)
        assert digest.align("due", start - dt.timedelta(minutes=30), shift_start=start) == expected


def test_an_announcement_never_comes_after_what_it_announces(calendar: WorkCalendar) -> None:
    late = DigestSchedule(dt.time(10, 0), every_day=False, calendar=calendar)
    wednesday = dt.date(2026, 12, 2)
    due_at_nine = at(wednesday, 9)
    assert late.align("due", at(wednesday, 8), due=due_at_nine) == at(dt.date(2026, 12, 1), 10)
    assert late.align("due", at(wednesday, 8), due=at(wednesday, 17)) == at(wednesday, 10)
    # an overdue chase is after the due moment anyway: the next digest
    assert late.align("overdue-1", at(wednesday, 8), due=due_at_nine) == at(wednesday, 10)


def test_a_snooze_keeps_the_moment_someone_chose(calendar: WorkCalendar) -> None:
    chosen = at(dt.date(2026, 12, 5), 15, 17)  # a Saturday afternoon
    assert office(calendar).align("snooze-1", chosen, shift_start=None) == chosen


@pytest.mark.parametrize("typed", ["07:30", "7:30", "07：30", " 23:59 "])
def test_digest_times_people_type(typed: str) -> None:
    assert parse_digest_time(typed) is not None


@pytest.mark.parametrize("typed", ["25:00", "8点半", "0730", "7.30", "", "08:60", "８:００"])
def test_times_that_are_refused(typed: str) -> None:
    assert parse_digest_time(typed) is None


def test_due_only_mode_keeps_quiet_when_there_is_only_news_of_later() -> None:
    assert worth_sending(["lead-7", "campaign-lead-7"], DigestMode.DAILY)
    assert not worth_sending(["lead-7", "campaign-lead-7"], DigestMode.DUE_ONLY)
    for kind in ("due", "overdue-2", "escalate", "snooze-1", "campaign-start"):
        assert worth_sending(["lead-1", kind], DigestMode.DUE_ONLY)
