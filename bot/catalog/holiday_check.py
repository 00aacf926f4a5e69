"""``safetybot holidays check``: is the State Council's holiday notice in for the years ahead?

Run it from cron or CI. It lists, for this year and the next, where the days off come from (a
``cn-YYYY.yaml`` file, the ``chinese-calendar`` package, or only the statutory holidays
computed from the national holiday regulations, without the notice's adjusted workdays), and
warns from October on when next year's notice is not entered yet.

Exit status: 0 when every year that needs the notice has it (this year; from October on, the
next one too); 1 when a needed notice is missing or a holiday file is invalid.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TextIO

from bot.catalog.holidays import (
    calendar_warnings,
    check_holidays,
    holidays_dir,
    load_work_calendar,
    years_to_cover,
)

EXIT_OK, EXIT_ACTION_NEEDED = 0, 1

_SOURCES = {
    "file": "State Council notice, from {path}",
    "package": "State Council notice, from the chinese-calendar package",
    "computed": "statutory holidays computed; adjusted workdays missing (no {path} yet)",
}


def run_holidays_check(root: Path | None, out: TextIO, *, today: dt.date) -> int:
    """Print where each year's days off come from and any warning; 1 if action is needed."""
    issues = check_holidays(root)
    for issue in issues:
        print(issue, file=out)
    if issues:
        print(f"{len(issues)} error(s) in the holiday files", file=out)
        return EXIT_ACTION_NEEDED
    calendar = load_work_calendar(root)
    folder = holidays_dir(root)
    for year in (today.year, today.year + 1):
        path = folder / f"cn-{year}.yaml"
        print(f"{year}: {_SOURCES[calendar.source(year)].format(path=path)}", file=out)
    warnings = calendar_warnings(calendar, today, folder)
    for warning in warnings:
        print(f"warning: {warning}", file=out)
    needed = ", ".join(str(y) for y in years_to_cover(today))
    print(f"{len(warnings)} warning(s); years that need the notice now: {needed}", file=out)
    return EXIT_ACTION_NEEDED if warnings else EXIT_OK
