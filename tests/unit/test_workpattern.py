"""Working pattern: office days, or continuous operation in shifts (S2#12 班前会, S0#8 日管控).

A continuous site works weekends and holidays: its daily control exists every calendar day
and its pre-shift meeting once before each shift, reminded half an hour before the shift.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from bot.catalog.holidays import load_work_calendar
from bot.catalog.loader import load_catalog
from bot.domain.recurrence import occurrences, plan_reminders
from bot.domain.workpattern import OFFICE_DAYS, WorkPattern, parse_shifts
from tests.conftest import SHANGHAI

D = dt.date
THREE = parse_shifts(["08:00", "16:00", "00:00"])


def _occ(obligation: str, pattern: WorkPattern, region: str, start: D, end: D) -> list:  # type: ignore[type-arg]
    catalog = load_catalog()
    return occurrences(
        catalog.obligations[obligation],
        sector="hazardous_chemicals",
        high_risk=True,
        start=start,
        end=end,
        tz=SHANGHAI,
        calendar=load_work_calendar(),
        regions=catalog.lineage(region),
        pattern=pattern,
    )


def test_shift_times_are_read_sorted_and_limited() -> None:
    assert THREE is not None and THREE.stored() == ("continuous", "00:00,08:00,16:00")
    assert parse_shifts(["8:00", "20：00"]) == WorkPattern((dt.time(8), dt.time(20)))
    assert parse_shifts(["25:00"]) is None and parse_shifts(["1:00"] * 0) is None
    assert parse_shifts(["00:00", "06:00", "12:00", "18:00", "21:00"]) is None
    assert WorkPattern.load("continuous", "00:00,08:00") == parse_shifts(["08:00", "00:00"])
    assert WorkPattern.load("office", None) == OFFICE_DAYS


def test_pre_shift_meeting_before_every_shift_on_holidays_too_s2_12() -> None:
    assert THREE is not None
    spring = _occ("pre-shift-meeting", THREE, "quyuan", D(2027, 2, 5), D(2027, 2, 8))
    assert len(spring) == 12  # 4 holiday days × 3 shifts
    first = spring[:3]
    assert [o.label for o in first] == ["2027-02-05-S1", "2027-02-05-S2", "2027-02-05-S3"]
    assert [o.due.time() for o in first] == [dt.time(0), dt.time(8), dt.time(16)]
    ob = load_catalog().obligations["pre-shift-meeting"]
    [reminder] = plan_reminders(ob, first[1], load_work_calendar())
    assert reminder.fire_at == dt.datetime(2027, 2, 5, 7, 30, tzinfo=SHANGHAI)


def test_office_days_keep_the_meeting_on_working_days() -> None:
    office = _occ("pre-shift-meeting", OFFICE_DAYS, "quyuan", D(2027, 2, 1), D(2027, 2, 14))
    assert len(office) == 8  # 10 weekdays, less 5 and 8 February (春节)
    assert all(
        o.due.weekday() < 5 and o.due.date() not in (D(2027, 2, 5), D(2027, 2, 8)) for o in office
    )


@pytest.mark.parametrize(("pattern", "days"), [(OFFICE_DAYS, 254), (THREE, 365)])
def test_daily_control_every_calendar_day_at_continuous_sites_s0_8(
    pattern: WorkPattern, days: int
) -> None:
    found = _occ("daily-control", pattern, "hubei", D(2027, 1, 1), D(2027, 12, 31))
    assert len(found) == days
    assert Counter(o.label for o in found).most_common(1)[0][1] == 1  # once a day, not per shift
