"""When a snoozed reminder comes back: in an hour, or on a later working morning."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.domain.workcalendar import WorkCalendar

MORNING = dt.time(9, 0)


def snooze_until(
    now: dt.datetime,
    choice: str,
    *,
    tz: ZoneInfo,
    calendar: WorkCalendar,
    morning: dt.time = MORNING,
) -> dt.datetime:
    """The moment for ``choice``: "h1" one hour from now; "d1"/"d3" at ``morning`` (the
    enterprise's digest time, so the item rides that digest) on the next working day at least
    one / three days ahead."""
    if choice == "h1":
        return now + dt.timedelta(hours=1)
    days = {"d1": 1, "d3": 3}[choice]
    day = calendar.next_workday(now.astimezone(tz).date() + dt.timedelta(days=days))
    return dt.datetime.combine(day, morning, tzinfo=tz)
