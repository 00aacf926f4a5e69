"""``snooze_until``: a snoozed reminder comes back in an hour or on a later working morning."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.snooze import MORNING, snooze_until
from bot.domain.workcalendar import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()  # chinese-calendar's official 2026 schedule


def test_one_hour_is_one_hour() -> None:
    now = dt.datetime(2026, 12, 3, 2, 15, tzinfo=dt.UTC)
    assert snooze_until(now, "h1", tz=SHANGHAI, calendar=CAL) == now + dt.timedelta(hours=1)


def test_next_day_skips_the_national_day_holiday() -> None:
    # Wednesday 30 Sep 2026, 16:00 in Shanghai; 1–7 Oct are off, Sat 10 Oct is a 调休 workday.
    now = dt.datetime(2026, 9, 30, 8, 0, tzinfo=dt.UTC)
    back = snooze_until(now, "d1", tz=SHANGHAI, calendar=CAL)
    assert back == dt.datetime(2026, 10, 8, 9, 0, tzinfo=SHANGHAI)


def test_a_friday_evening_snooze_for_a_day_lands_on_monday_morning() -> None:
    now = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)  # Friday 20:00 in Shanghai
    back = snooze_until(now, "d1", tz=SHANGHAI, calendar=CAL)
    assert back == dt.datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)


@given(
    st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 20)),
    st.sampled_from(["d1", "d3"]),
)
def test_days_snooze_lands_on_a_working_morning_at_least_that_many_days_on(
    naive: dt.datetime, choice: str
) -> None:
    now = naive.replace(tzinfo=dt.UTC)
    back = snooze_until(now, choice, tz=SHANGHAI, calendar=CAL)
    local_day = now.astimezone(SHANGHAI).date()
    assert back.timetz().replace(tzinfo=None) == MORNING
    assert CAL.is_workday(back.date())
    assert (back.date() - local_day).days >= {"d1": 1, "d3": 3}[choice]
    assert back > now
