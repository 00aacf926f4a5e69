"""Holiday data files (``schedules/holidays/cn-YYYY.yaml``) and the working calendar they make.

``chinese-calendar`` stops at 2026; the State Council publishes each next year's holidays in
November, and an admin transcribes them into a data file. Until then the year falls back to
plain weekdays, which silently moves due dates onto holidays, so the gap is reported loudly:
by ``schedules check`` and in the start-up log (:func:`calendar_warnings`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, ValidationInfo, field_validator

from bot.catalog.loader import read_document
from bot.catalog.schedule import FrozenModel
from bot.datafile import DataFileError, DataIssue, YamlDocument, validation_issues
from bot.domain.workcalendar import HolidayYear, WorkCalendar
from bot.i18n import LocalizedText
from bot.paths import schedules_dir

FILE_NAME = re.compile(r"^cn-(\d{4})\.yaml$")
Q4_FIRST_MONTH = 10  # from October on, next year's schedule is due (published in November)


class HolidayBlock(FrozenModel):
    """One holiday as announced: a name and its first and last day off (both included)."""

    name: LocalizedText
    first: dt.date = Field(alias="from")
    last: dt.date = Field(alias="to")

    @field_validator("last")
    @classmethod
    def _ordered(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        first = info.data.get("first")
        if isinstance(first, dt.date) and value < first:
            raise ValueError(f"'to' {value} is before 'from' {first}")
        return value

    def days(self) -> list[dt.date]:
        count = (self.last - self.first).days + 1
        return [self.first + dt.timedelta(days=i) for i in range(count)]


class HolidayFile(FrozenModel):
    """A ``cn-YYYY.yaml`` file: the year, its holiday blocks and its worked weekend days."""

    year: Annotated[int, Field(ge=2000, le=2100)]
    holidays: tuple[HolidayBlock, ...] = ()
    workdays: tuple[dt.date, ...] = ()


def _in_reach(year: int, day: dt.date) -> bool:
    """A year's file may reach back into December (元旦 can start on Dec 30 or 31)."""
    return dt.date(year - 1, 12, 1) <= day <= dt.date(year, 12, 31)


def _check_file(doc: YamlDocument, data: HolidayFile, issues: list[DataIssue]) -> HolidayYear:
    """Checks a schema cannot express; returns the year's data for the calendar."""
    match = FILE_NAME.match(doc.path.name)
    if match and int(match.group(1)) != data.year:
        issues.append(doc.issue(("year",), f"file {doc.path.name} holds year {data.year}"))
    off: dict[dt.date, int] = {}
    for i, block in enumerate(data.holidays):
        for key, day in (("from", block.first), ("to", block.last)):
            if not _in_reach(data.year, day):
                issues.append(doc.issue(("holidays", i, key), f"{day} is not in {data.year}"))
        for day in block.days():
            if day in off:
                message = f"{day} is already in holiday {off[day]}"
                issues.append(doc.issue(("holidays", i, "from"), message))
                break
            off[day] = i
    for j, day in enumerate(data.workdays):
        where = ("workdays", j)
        if not _in_reach(data.year, day):
            issues.append(doc.issue(where, f"{day} is not in {data.year}"))
        elif day.weekday() < 5:
            message = f"{day} is a {day:%A}; list only weekend days that are worked"
            issues.append(doc.issue(where, message))
        elif day in off:
            issues.append(doc.issue(where, f"{day} is also inside holiday {off[day]}"))
        elif day in data.workdays[:j]:
            issues.append(doc.issue(where, f"{day} is listed twice"))
    return HolidayYear(data.year, frozenset(off), frozenset(data.workdays))


def holidays_dir(root: Path | None = None) -> Path:
    """The folder of holiday files: ``root/holidays``, or ``root`` itself if it is that folder
    (default: the installed ``schedules/holidays``)."""
    root = root or schedules_dir()
    return root if root.name == "holidays" else root / "holidays"


def _read_years(root: Path | None, issues: list[DataIssue]) -> dict[int, HolidayYear]:
    years: dict[int, HolidayYear] = {}
    folder = holidays_dir(root)
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        if not FILE_NAME.match(path.name):
            issues.append(DataIssue(str(path), 1, "", "holiday files are named cn-YYYY.yaml"))
            continue
        doc = read_document(path, issues)
        if doc is None:
            continue
        try:
            data = HolidayFile.model_validate(doc.data)
        except ValidationError as exc:
            issues.extend(validation_issues(doc, exc))
            continue
        years[data.year] = _check_file(doc, data, issues)
    return years


def check_holidays(root: Path | None = None) -> list[DataIssue]:
    """Every issue in the holiday files (``root`` is ``schedules/`` or its ``holidays/``)."""
    issues: list[DataIssue] = []
    _read_years(root, issues)
    return issues


def load_work_calendar(root: Path | None = None) -> WorkCalendar:
    """The working calendar: holiday files, then chinese-calendar, then computed holidays.

    ``root`` is ``schedules/`` or its ``holidays/`` folder; raises DataFileError on bad files.
    """
    issues: list[DataIssue] = []
    years = _read_years(root, issues)
    if issues:
        raise DataFileError(issues)
    return WorkCalendar(years=years)


def years_to_cover(today: dt.date) -> list[int]:
    """The years that must have holiday data now: this one, and from Q4 on the next one."""
    return [today.year, today.year + 1] if today.month >= Q4_FIRST_MONTH else [today.year]


def calendar_warnings(cal: WorkCalendar, today: dt.date, folder: Path | None = None) -> list[str]:
    """One line per year that needs the holiday notice and has none (computed holidays only);
    ``folder`` is where the data file belongs (default: the installed ``schedules/holidays``)."""
    where = holidays_dir(folder)
    return [missing_year_message(y, where) for y in cal.missing_years(years_to_cover(today))]


def missing_year_message(year: int, folder: Path) -> str:
    """The log line of a year without the State Council's notice; it names the folder."""
    return (
        f"no holiday notice for {year}: statutory holidays are computed, only the notice's"
        f" adjusted workdays and bridge days off (tiaoxiu swaps) are missing;"
        f" add cn-{year}.yaml to {folder}/ (see README.md there)"
    )
