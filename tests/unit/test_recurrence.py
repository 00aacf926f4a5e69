"""Recurrence maths: every period yields exactly its windows in any date range, across month
ends, quarter and half-year boundaries, leap years and year changes, in two time zones; the
due moment respects the working calendar; reminders and event-triggered duties behave."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog.models import Obligation
from bot.domain.recurrence import (
    REMINDER_FAMILIES,
    Occurrence,
    occurrence_for_event,
    occurrences,
    plan_reminders,
)
from bot.domain.reminder_kind import family_of
from bot.domain.workcalendar import WorkCalendar

ONE_DAY = dt.timedelta(days=1)
CAL = WorkCalendar()  # chinese-calendar up to 2026, weekday fallback after
ZONES = [ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")]
PERIODIC = ["daily", "weekly", "monthly", "quarterly", "half_yearly", "yearly"]
QUICK = settings(max_examples=40, deadline=None)


def make(schedule: dict[str, Any], **extra: Any) -> Obligation:
    data: dict[str, Any] = {
        "id": "probe",
        "title": {"zh_CN": "测试", "en": "Probe"},
        "description": {"zh_CN": "测试", "en": "Probe"},
        "schedule": {"due_time": "17:00", **schedule},
        "reminders": {"escalate_to": "committee"},
        "sources": [{"doc": "S0", "item": "8"}],
    }
    data.update(extra)
    return Obligation.model_validate(data)


def _is_window_end(period: str, day: dt.date) -> bool:
    """An independent definition of where each period's windows end."""
    nxt = day + ONE_DAY
    return {
        "daily": CAL.is_workday(day),
        "weekly": day.weekday() == 6,
        "monthly": nxt.day == 1,
        "quarterly": nxt.day == 1 and nxt.month in (1, 4, 7, 10),
        "half_yearly": nxt.day == 1 and nxt.month in (1, 7),
        "yearly": nxt.day == 1 and nxt.month == 1,
    }[period]


def _range(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


LENGTHS = {
    "daily": (1, 1),
    "weekly": (7, 7),
    "monthly": (28, 31),
    "quarterly": (90, 92),
    "half_yearly": (181, 184),
    "yearly": (365, 366),
}

dates = st.dates(dt.date(2023, 1, 1), dt.date(2029, 12, 31))


@QUICK
@given(
    period=st.sampled_from(PERIODIC),
    start=dates,
    span=st.integers(0, 900),
    tz=st.sampled_from(ZONES),
    shift=st.sampled_from(["previous", "next", "none"]),
)
def test_every_period_yields_exactly_its_windows(
    period: str, start: dt.date, span: int, tz: ZoneInfo, shift: str
) -> None:
    end = start + dt.timedelta(days=span)
    ob = make({"period": period}, holiday_shift=shift)
    found = occurrences(
        ob, sector="other", high_risk=False, start=start, end=end, tz=tz, calendar=CAL
    )
    expected = [d for d in _range(start, end) if _is_window_end(period, d)]
    assert [o.window_end for o in found] == expected
    assert len({o.key for o in found}) == len(found)
    low, high = LENGTHS[period]
    for occ in found:
        assert low <= (occ.window_end - occ.window_start).days + 1 <= high
        assert occ.due.tzinfo is tz and occ.due.time() == dt.time(17, 0)
        assert (
            occ.ends_before.time() == dt.time(0)
            and occ.ends_before.date() == occ.window_end + ONE_DAY
        )
        due_day = occ.due.date()
        if shift == "none":
            assert due_day == occ.window_end
        elif shift == "next":
            assert due_day >= occ.window_end and CAL.is_workday(due_day)
        else:  # inside the window; a window without a working day: the first one after it
            has_workday = any(CAL.is_workday(d) for d in _range(occ.window_start, occ.window_end))
            if has_workday:
                assert occ.window_start <= due_day <= occ.window_end
            else:
                assert due_day == CAL.next_workday(occ.window_end)
            assert CAL.is_workday(due_day)
    for before, after in itertools.pairwise(found):
        if period != "daily":
            assert after.window_start == before.window_end + ONE_DAY  # no gap, no overlap


@QUICK
@given(year=st.integers(2023, 2030), tz=st.sampled_from(ZONES))
def test_a_year_has_exactly_the_required_counts(year: int, tz: ZoneInfo) -> None:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counts = {
        period: len(
            occurrences(
                make({"period": period}),
                sector="other",
                high_risk=False,
                start=first,
                end=last,
                tz=tz,
                calendar=CAL,
            )
        )
        for period in ["monthly", "quarterly", "half_yearly", "yearly"]
    }
    assert counts == {"monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1}


def test_leap_years_get_their_29th_of_february_and_366_days() -> None:
    tz = ZONES[0]
    monthly = occurrences(
        make({"period": "monthly"}),
        sector="x",
        high_risk=False,
        start=dt.date(2028, 2, 1),
        end=dt.date(2028, 2, 29),
        tz=tz,
        calendar=CAL,
    )
    assert [o.window_end for o in monthly] == [dt.date(2028, 2, 29)]
    yearly = occurrences(
        make({"period": "yearly"}),
        sector="x",
        high_risk=False,
        start=dt.date(2028, 1, 1),
        end=dt.date(2028, 12, 31),
        tz=tz,
        calendar=CAL,
    )
    assert (yearly[0].window_end - yearly[0].window_start).days + 1 == 366


def test_weeks_across_the_year_change_belong_to_the_year_they_end_in() -> None:
    tz = ZONES[0]
    weeks = occurrences(
        make({"period": "weekly"}),
        sector="x",
        high_risk=False,
        start=dt.date(2027, 1, 1),
        end=dt.date(2027, 1, 10),
        tz=tz,
        calendar=CAL,
    )
    assert [(o.label, o.window_start) for o in weeks] == [
        ("2026-W53", dt.date(2026, 12, 28)),
        ("2027-W01", dt.date(2027, 1, 4)),
    ]


@pytest.mark.parametrize(("high_risk", "count"), [(True, 12), (False, 4)])
def test_high_risk_variant_turns_quarterly_into_monthly(high_risk: bool, count: int) -> None:
    ob = make(
        {"period": "quarterly"}, variants=[{"when": {"high_risk": True}, "period": "monthly"}]
    )
    found = occurrences(
        ob,
        sector="x",
        high_risk=high_risk,
        start=dt.date(2027, 1, 1),
        end=dt.date(2027, 12, 31),
        tz=ZONES[0],
        calendar=CAL,
    )
    assert len(found) == count


def test_per_area_duties_repeat_for_each_area_with_own_keys() -> None:
    ob = make({"period": "half_yearly"}, areas=["office", "production", "living"])
    found = occurrences(
        ob,
        sector="x",
        high_risk=True,
        start=dt.date(2027, 1, 1),
        end=dt.date(2027, 12, 31),
        tz=ZONES[0],
        calendar=CAL,
    )
    assert len(found) == 6 and len({o.key for o in found}) == 6
    assert {o.area for o in found} == {"office", "production", "living"}


def test_quota_and_deadline_and_once() -> None:
    tz = ZONES[0]
    quota = occurrences(
        make({"period": "monthly", "quota": 5}),
        sector="x",
        high_risk=False,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 1, 31),
        tz=tz,
        calendar=CAL,
    )
    assert [o.quota for o in quota] == [5]
    deadline = make({"period": "deadline", "window": ["01-01", "03-31"]})
    [by_march] = occurrences(
        deadline,
        sector="x",
        high_risk=False,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        tz=tz,
        calendar=CAL,
    )
    assert by_march.due.date() == dt.date(2026, 3, 31)  # a Tuesday
    once = make({"period": "once", "date": "2024-12-31"})
    assert (
        occurrences(
            once,
            sector="x",
            high_risk=False,
            start=dt.date(2025, 1, 1),
            end=dt.date(2027, 12, 31),
            tz=tz,
            calendar=CAL,
        )
        == []
    )
    [milestone] = occurrences(
        once,
        sector="x",
        high_risk=False,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        tz=tz,
        calendar=CAL,
    )
    assert milestone.window_start == dt.date(2024, 1, 1)


def test_holidays_move_the_due_date() -> None:
    ob = make({"period": "monthly"})
    [september] = occurrences(
        ob,
        sector="x",
        high_risk=False,
        start=dt.date(2026, 9, 1),
        end=dt.date(2026, 9, 30),
        tz=ZONES[0],
        calendar=CAL,
    )
    assert september.due.date() == dt.date(2026, 9, 30)
    nxt = make({"period": "weekly"}, holiday_shift="next")
    [golden_week] = occurrences(
        nxt,
        sector="x",
        high_risk=False,
        start=dt.date(2026, 10, 4),
        end=dt.date(2026, 10, 4),
        tz=ZONES[0],
        calendar=CAL,
    )
    assert golden_week.due.date() == dt.date(2026, 10, 8)


def test_2027_dates_do_not_crash() -> None:
    ob = make(
        {"period": "daily"},
        reminders={
            "lead_days": [0],
            "time": "08:30",
            "overdue_every_days": 0,
            "escalate_after_days": 0,
        },
    )
    found = occurrences(
        ob,
        sector="x",
        high_risk=False,
        start=dt.date(2026, 12, 25),
        end=dt.date(2027, 2, 28),
        tz=ZONES[0],
        calendar=CAL,
    )
    assert found[-1].window_end == dt.date(2027, 2, 26)  # weekday fallback: a Friday
    assert [r.kind for r in plan_reminders(ob, found[-1], CAL)] == ["due"]


@QUICK
@given(
    period=st.sampled_from(PERIODIC[1:]),
    day=dates,
    leads=st.lists(st.integers(0, 60), max_size=4, unique=True),
)
def test_reminders_are_ordered_within_window_and_of_known_families(
    period: str, day: dt.date, leads: list[int]
) -> None:
    ob = make({"period": period}, reminders={"lead_days": leads, "escalate_to": "committee"})
    found = occurrences(
        ob,
        sector="x",
        high_risk=False,
        start=day,
        end=day + dt.timedelta(400),
        tz=ZONES[0],
        calendar=CAL,
    )
    for occ in found[:3]:
        planned = plan_reminders(ob, occ, CAL)
        fire = [r.fire_at for r in planned]
        assert fire == sorted(fire) and len({f.date() for f in fire}) == len(fire)
        assert {family_of(r.kind).value for r in planned} <= ob.reminder_families()
        for r in planned:
            assert family_of(r.kind).value in REMINDER_FAMILIES
            if r.kind.startswith("lead"):
                assert occ.window_start <= r.fire_at.date() < occ.due.date()
            else:
                assert r.fire_at.date() >= occ.due.date()


def test_campaigns_fall_due_when_they_start_and_are_never_chased() -> None:
    month = make(
        {"period": "yearly", "window": ["06-01", "06-30"], "due_time": "09:00"},
        kind="campaign",
        holiday_shift="none",
        reminders={"lead_days": [7, 0]},
    )
    [june] = occurrences(
        month,
        sector="x",
        high_risk=False,
        start=dt.date(2027, 1, 1),
        end=dt.date(2027, 12, 31),
        tz=ZONES[0],
        calendar=CAL,
    )
    assert (june.kind, june.due.date(), june.window_end) == (
        "campaign",
        dt.date(2027, 6, 1),
        dt.date(2027, 6, 30),
    )
    assert [(r.kind, r.fire_at.date()) for r in plan_reminders(month, june, CAL)] == [
        ("campaign-lead-7", dt.date(2027, 5, 25)),
        ("campaign-start", dt.date(2027, 6, 1)),
    ]


def test_event_duties_have_no_calendar_but_one_occurrence_per_event() -> None:
    ob = make({"period": "event", "trigger": "violation", "within_days": 3})
    assert (
        occurrences(
            ob,
            sector="x",
            high_risk=False,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            tz=ZONES[0],
            calendar=CAL,
        )
        == []
    )
    tz = ZONES[0]
    occ = occurrence_for_event(
        ob,
        sector="x",
        high_risk=False,
        ref="42",
        happened_at=dt.datetime(2026, 9, 30, 10, tzinfo=tz),
        calendar=CAL,
    )
    assert isinstance(occ, Occurrence) and occ.key == "probe/-/event-42"
    assert occ.due == dt.datetime(2026, 9, 30, 17, tzinfo=tz)  # pulled back before 国庆
    same_day = make({"period": "event", "trigger": "inspection"}, holiday_shift="next")
    late = occurrence_for_event(
        same_day,
        sector="x",
        high_risk=False,
        ref="7",
        happened_at=dt.datetime(2026, 9, 30, 19, tzinfo=tz),
        calendar=CAL,
    )
    assert late.due == dt.datetime(2026, 10, 8, 17, tzinfo=tz)  # after the 国庆 holiday
    with pytest.raises(ValueError, match="aware"):
        occurrence_for_event(
            ob,
            sector="x",
            high_risk=False,
            ref="1",
            happened_at=dt.datetime(2026, 1, 5, 9),
            calendar=CAL,
        )
