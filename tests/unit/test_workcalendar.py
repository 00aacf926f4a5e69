"""The working calendar: the shipped 2026 file, data-file precedence, the 2027 fallback and
its warnings, and the errors of malformed holiday files (file, line, field)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest

from bot.catalog.holidays import (
    calendar_warnings,
    check_holidays,
    load_work_calendar,
    years_to_cover,
)
from bot.datafile import DataFileError
from bot.domain.workcalendar import HolidayYear, WorkCalendar
from bot.paths import schedules_dir

ONE_DAY = dt.timedelta(days=1)


def _days(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]


def test_shipped_2026_file_agrees_with_chinese_calendar_every_day() -> None:
    cal = load_work_calendar(schedules_dir())
    assert 2026 in cal.years
    disagree = [d for d in _days(2026) if cal.is_workday(d) != chinese_calendar.is_workday(d)]
    assert disagree == []


def test_2026_facts_from_design() -> None:
    cal = load_work_calendar(schedules_dir())
    assert not cal.is_workday(dt.date(2026, 2, 16))  # 春节, a Monday
    assert cal.is_workday(dt.date(2026, 2, 28))  # adjusted Saturday
    assert cal.is_workday(dt.date(2026, 9, 20))  # adjusted Sunday for 国庆
    assert cal.previous_workday(dt.date(2026, 10, 7)) == dt.date(2026, 9, 30)
    assert cal.next_workday(dt.date(2026, 10, 1)) == dt.date(2026, 10, 8)


def test_loads_from_schedules_root_or_holidays_folder() -> None:
    by_root = load_work_calendar(schedules_dir())
    by_folder = load_work_calendar(schedules_dir() / "holidays")
    assert by_root.years == by_folder.years


def test_2027_without_data_keeps_the_computed_statutory_holidays() -> None:
    cal = WorkCalendar()
    assert cal.missing_years([2026, 2027]) == [2027]
    assert not cal.has_data(2027) and cal.source(2027) == "computed"
    assert not cal.is_workday(dt.date(2027, 1, 1))  # 元旦, a Friday: computed without a notice
    assert not cal.is_workday(dt.date(2027, 1, 2))
    assert cal.previous_workday(dt.date(2027, 1, 3)) == dt.date(2026, 12, 31)
    assert cal.next_workday(dt.date(2026, 12, 31)) == dt.date(2026, 12, 31)


def test_data_file_year_takes_precedence_and_may_reach_into_december() -> None:
    year = HolidayYear(
        2027,
        holidays=frozenset({dt.date(2026, 12, 31), dt.date(2027, 1, 1)}),
        workdays=frozenset({dt.date(2027, 1, 2)}),
    )
    cal = WorkCalendar(years={2027: year})
    assert cal.missing_years([2027]) == []
    assert not cal.is_workday(dt.date(2027, 1, 1))
    assert cal.is_workday(dt.date(2027, 1, 2))  # a worked Saturday
    assert not cal.is_workday(dt.date(2026, 12, 31))  # next year's file wins over the package
    assert cal.is_workday(dt.date(2026, 12, 30))  # still chinese-calendar's answer
    assert cal.previous_workday(dt.date(2027, 1, 1)) == dt.date(2026, 12, 30)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 9, 30), []),
        (dt.date(2026, 10, 1), [2027]),
        (dt.date(2027, 3, 1), [2027]),
        (dt.date(2027, 12, 31), [2027, 2028]),
    ],
)
def test_calendar_warnings_for_current_and_coming_year(today: dt.date, expected: list[int]) -> None:
    warnings = calendar_warnings(WorkCalendar(), today)
    assert [int(w.split()[4].rstrip(":")) for w in warnings] == expected
    assert all("cn-" in w for w in warnings)


def test_no_warning_once_the_year_has_a_file() -> None:
    cal = WorkCalendar(years={2027: HolidayYear(2027, frozenset(), frozenset())})
    assert calendar_warnings(cal, dt.date(2026, 11, 15)) == []
    assert years_to_cover(dt.date(2026, 11, 15)) == [2026, 2027]


def _write(root: Path, name: str, text: str) -> Path:
    folder = root / "holidays"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_2027 = """\
year: 2027
holidays:
  - name: {zh_CN: 元旦, en: New Year's Day}
    from: 2027-01-01
    to: 2027-01-03
workdays:
  - 2027-01-09
"""


def test_overlapping_blocks_are_an_error(tmp_path: Path) -> None:
    text = GOOD_2027.replace(
        "workdays:",
        "  - name: {zh_CN: 又一个, en: Again}\n    from: 2027-01-03\n    to: 2027-01-04\nworkdays:",
    )
    path = _write(tmp_path, "cn-2027.yaml", text)
    [issue] = check_holidays(tmp_path)
    assert (issue.file, issue.line, issue.field) == (str(path), 7, "holidays.1.from")
    assert "already in holiday 0" in issue.message


def test_a_new_year_file_loads(tmp_path: Path) -> None:
    _write(tmp_path, "cn-2027.yaml", GOOD_2027)
    cal = load_work_calendar(tmp_path)
    assert not cal.is_workday(dt.date(2027, 1, 1))
    assert cal.is_workday(dt.date(2027, 1, 9))
    assert calendar_warnings(cal, dt.date(2027, 5, 1)) == []


@pytest.mark.parametrize(
    ("name", "text", "line", "field", "words"),
    [
        (
            "cn-2027.yaml",
            GOOD_2027.replace("to: 2027-01-03", "to: 2027-02-30"),
            5,
            "holidays.0.to",
            "not a date",
        ),
        (
            "cn-2027.yaml",
            GOOD_2027.replace("to: 2027-01-03", "to: 2026-12-25"),
            5,
            "holidays.0.to",
            "before",
        ),
        ("cn-2027.yaml", GOOD_2027.replace("2027-01-09", "2027-01-11"), 7, "workdays.0", "Monday"),
        ("cn-2027.yaml", GOOD_2027.replace("year: 2027", "year: 2028"), 1, "year", "holds year"),
        (
            "cn-2027.yaml",
            GOOD_2027.replace("    to:", "    till:"),
            5,
            "holidays.0.till",
            "Extra inputs",
        ),
        ("cn-2027.yaml", GOOD_2027.replace("year: 2027", "year: next"), 1, "year", "integer"),
        (
            "cn-2027.yaml",
            GOOD_2027.replace(", en: New Year's Day", ""),
            3,
            "holidays.0.name.en",
            "required",
        ),
        ("cn-2027.yaml", GOOD_2027 + "  - [unclosed\n", 9, "", "YAML"),
        ("holidays-2027.yaml", GOOD_2027, 1, "", "cn-YYYY.yaml"),
    ],
)
def test_malformed_holiday_file_names_file_line_field(
    tmp_path: Path, name: str, text: str, line: int, field: str, words: str
) -> None:
    path = _write(tmp_path, name, text)
    issues = check_holidays(tmp_path)
    matching = [i for i in issues if (i.file, i.line, i.field) == (str(path), line, field)]
    assert matching, issues
    assert words in matching[0].message
    with pytest.raises(DataFileError):
        load_work_calendar(tmp_path)
