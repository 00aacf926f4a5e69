"""The recurrence rule of an obligation: period, window, quota and due time.

Kept apart from the rest of the catalog models because it is the part with arithmetic: each
rule that makes a schedule impossible (a quota that cannot fit its window, 02-30, a window on
a monthly duty) is a field validator here, so the error names the exact key that is wrong.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator


class FrozenModel(BaseModel):
    """Base of every catalog model: unknown keys are errors and loaded data never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(StrEnum):
    """How often an obligation recurs; ``deadline`` is a yearly window ending on a date,
    ``once`` a dated milestone and ``event`` a duty started by something that happens."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"
    DEADLINE = "deadline"
    ONCE = "once"
    EVENT = "event"


class Trigger(StrEnum):
    """What starts an event-triggered duty (逢查必考, 三违 retraining, 开工第一课 …)."""

    INSPECTION = "inspection"
    TEST_FAILED = "test_failed"
    VIOLATION = "violation"
    WORK_START = "work_start"
    STAFF_CHANGE = "staff_change"
    MAJOR_HAZARD_NOTICE = "major_hazard_notice"  # found in a self-check or notified: has a deadline
    ACCIDENT = "accident"
    FATAL_ACCIDENT = "fatal_accident"
    SERIOUS_ACCIDENT = "serious_accident"  # 较大事故: an office duty
    CONTRACTING = "contracting"  # a project, site or equipment contracted out or leased


MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]
ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


def parse_month_day(value: str) -> tuple[int, int]:
    month, day = value.split("-")
    return int(month), int(day)


def parse_clock(value: str) -> dt.time:
    hour, minute = value.split(":")
    return dt.time(int(hour), int(minute))


_SHORTEST_DAYS = {
    Period.DAILY: 1,
    Period.WEEKLY: 7,
    Period.MONTHLY: 28,
    Period.QUARTERLY: 90,
    Period.HALF_YEARLY: 181,
    Period.YEARLY: 365,
}


def _window_days(window: tuple[str, str]) -> int:
    first, last = (dt.date(2023, *parse_month_day(md)) for md in window)  # not a leap year
    return (last - first).days + 1


def _capacity(period: Period | None, data: dict[str, Any]) -> int:
    """Days in the shortest window of a schedule: more than that many times cannot fit."""
    window, date = data.get("window"), data.get("date")
    if window:
        return _window_days(window)
    if period is Period.ONCE and isinstance(date, dt.date):
        start = data.get("start") or date.replace(month=1, day=1)
        return (date - start).days + 1
    if period is Period.EVENT:
        return int(data.get("within_days") or 0) + 1
    return _SHORTEST_DAYS.get(period or Period.YEARLY, 366)


def _period_of(info: ValidationInfo) -> Period | None:
    period = info.data.get("period")
    return period if isinstance(period, Period) else None


class Schedule(FrozenModel):
    """The recurrence part of an obligation; a variant overrides some of these fields.

    Field order matters: each validator sees the fields declared before it, so an error
    names the key that is wrong (``schedule.quota``) rather than the whole schedule.
    """

    period: Period
    window: tuple[MonthDay, MonthDay] | None = Field(default=None, validate_default=True)
    date: dt.date | None = Field(default=None, validate_default=True)
    start: dt.date | None = None
    trigger: Trigger | None = Field(default=None, validate_default=True)
    within_days: Annotated[int, Field(ge=0, le=365)] = 0
    within_hours: Annotated[int, Field(ge=1, le=72)] | None = None
    deadline_from_event: bool = False  # the notice or plan sets the deadline (五落实: 时限)
    quota: Annotated[int, Field(ge=1, le=100)] = 1
    due_time: ClockTime = "18:00"

    @field_validator("window")
    @classmethod
    def _window_fits(cls, value: tuple[str, str] | None, info: ValidationInfo) -> Any:
        period = _period_of(info)
        if period is None:
            return value  # the period itself is wrong; that error says enough
        if value is None:
            if period is Period.DEADLINE:
                raise ValueError("period 'deadline' needs window: [start MM-DD, end MM-DD]")
            return value
        if period not in (Period.DEADLINE, Period.YEARLY):
            raise ValueError("window is only allowed with period 'yearly' or 'deadline'")
        for md in value:
            if md == "02-29":
                raise ValueError("02-29 exists only in leap years; use 02-28 or 03-01")
            try:
                dt.date(2024, *parse_month_day(md))
            except ValueError:
                raise ValueError(f"{md} is not a day of the year") from None
        if parse_month_day(value[0]) > parse_month_day(value[1]):
            raise ValueError("window start must not be after its end")
        return value

    @field_validator("date")
    @classmethod
    def _date_fits(cls, value: dt.date | None, info: ValidationInfo) -> Any:
        period = _period_of(info)
        if period is None:
            return value
        if period is Period.ONCE and value is None:
            raise ValueError("period 'once' needs a date")
        if period is not Period.ONCE and value is not None:
            raise ValueError("only period 'once' takes a date")
        return value

    @field_validator("start")
    @classmethod
    def _start_fits(cls, value: dt.date | None, info: ValidationInfo) -> Any:
        if value is None:
            return value
        if _period_of(info) not in (Period.ONCE, None):
            raise ValueError("only period 'once' takes a start date")
        date = info.data.get("date")
        if isinstance(date, dt.date) and value > date:
            raise ValueError("start must not be after date")
        return value

    @field_validator("trigger")
    @classmethod
    def _trigger_fits(cls, value: Trigger | None, info: ValidationInfo) -> Any:
        period = _period_of(info)
        if period is None:
            return value
        if period is Period.EVENT and value is None:
            raise ValueError("period 'event' needs a trigger")
        if period is not Period.EVENT and value is not None:
            raise ValueError("only period 'event' takes a trigger")
        return value

    @field_validator("within_days")
    @classmethod
    def _within_fits(cls, value: int, info: ValidationInfo) -> int:
        if value and _period_of(info) not in (Period.EVENT, None):
            raise ValueError("only period 'event' takes within_days")
        return value

    @field_validator("within_hours", "deadline_from_event")
    @classmethod
    def _event_only(cls, value: Any, info: ValidationInfo) -> Any:
        if value and _period_of(info) not in (Period.EVENT, None):
            raise ValueError(f"only period 'event' takes {info.field_name}")
        if value and (info.data.get("within_days") or info.data.get("within_hours")):
            raise ValueError("give one deadline: within_days, within_hours or deadline_from_event")
        return value

    @field_validator("quota")
    @classmethod
    def _quota_fits(cls, value: int, info: ValidationInfo) -> int:
        period = _period_of(info)
        if period is Period.DAILY and value != 1:
            raise ValueError("a daily obligation cannot have a quota above 1")
        days = _capacity(period, info.data)
        if value > days:
            raise ValueError(f"quota {value} does not fit in a {period} window of {days} day(s)")
        return value
