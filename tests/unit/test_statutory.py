"""Statutory holidays without the State Council's notice (《全国年节及纪念日放假办法》 2024),
and ``safetybot holidays check``.

2026 comes from ``schedules/holidays/cn-2026.yaml``; 2027 has no notice yet, so its days off
are the computed statutory holidays plus weekends.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import chinese_calendar
import pytest

from bot.catalog.holiday_check import run_holidays_check
from bot.catalog.holidays import calendar_warnings, load_work_calendar
from bot.catalog.loader import load_catalog
from bot.domain.recurrence import occurrences
from bot.domain.statutory import qingming, statutory_holidays
from bot.paths import schedules_dir
from tests.conftest import SHANGHAI

D = dt.date
HOLIDAYS_2027 = {
    D(2027, 1, 1),  # 元旦
    *(D(2027, 2, d) for d in (5, 6, 7, 8)),  # 春节: 除夕 to 初三
    D(2027, 4, 5),  # 清明 (solar term)
    D(2027, 5, 1),  # 劳动节, 2 days
    D(2027, 5, 2),
    D(2027, 6, 9),  # 端午 (五月初五)
    D(2027, 9, 15),  # 中秋 (八月十五)
    *(D(2027, 10, d) for d in (1, 2, 3)),  # 国庆
}


def test_2027_statutory_holidays_quanguo_nianjie_banfa_2024() -> None:
    assert set(statutory_holidays(2027)) == HOLIDAYS_2027


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_computed_days_are_days_off_in_the_published_notices(year: int) -> None:
    """The lunar conversions agree with the notices chinese-calendar carries (2024: old rules)."""
    for day in statutory_holidays(year):
        assert chinese_calendar.is_holiday(day), day
    assert len(statutory_holidays(year)) == (11 if year < 2025 else 13)


def test_qingming_is_the_solar_term_on_4_or_5_april() -> None:
    days = {qingming(year) for year in range(2025, 2045)}
    assert {(d.month, d.day) for d in days} <= {(4, 4), (4, 5)}
    assert qingming(2027) == D(2027, 4, 5) and qingming(2028) == D(2028, 4, 4)


def test_2026_days_off_come_from_the_notice_file() -> None:
    calendar = load_work_calendar()
    assert calendar.source(2026) == "file"
    for day in statutory_holidays(2026):
        assert not calendar.is_workday(day)
    assert not calendar.is_workday(D(2026, 2, 22)) and not calendar.is_workday(D(2026, 2, 23))
    assert calendar.is_workday(D(2026, 2, 14))  # a Saturday worked (调休), from the notice


def test_2027_without_a_notice_keeps_statutory_holidays_and_weekends_off() -> None:
    calendar = load_work_calendar()
    assert calendar.source(2027) == "computed"
    for day in HOLIDAYS_2027:
        assert not calendar.is_workday(day), day
    assert not calendar.is_workday(D(2027, 1, 2))  # a Saturday
    assert calendar.is_workday(D(2027, 1, 4)) and calendar.is_workday(D(2027, 2, 9))


def test_no_2027_duty_falls_on_a_statutory_holiday() -> None:
    catalog, calendar = load_catalog(), load_work_calendar()
    dues = set()
    for region in catalog.regions:
        for sector in ("hazardous_chemicals", "industry_trade", "shopping_mall"):
            risk = catalog.sectors[sector].high_risk
            for ob in catalog.for_enterprise(sector, risk, region):
                if ob.kind.value == "campaign":
                    continue  # announced on its calendar day, never due
                dues |= {
                    o.due.date()
                    for o in occurrences(
                        ob,
                        sector=sector,
                        high_risk=risk,
                        start=D(2027, 1, 1),
                        end=D(2027, 12, 31),
                        tz=SHANGHAI,
                        calendar=calendar,
                        regions=catalog.lineage(region),
                    )
                }
    assert dues and not dues & HOLIDAYS_2027
    assert all(day.weekday() < 5 for day in dues)


def test_the_warning_says_only_the_swaps_are_missing_and_names_the_folder() -> None:
    calendar = load_work_calendar()
    [warning] = calendar_warnings(calendar, D(2026, 11, 2))
    assert "2027" in warning and "statutory holidays are computed" in warning
    assert "adjusted workdays" in warning and "missing" in warning
    assert str(schedules_dir() / "holidays") in warning and "cn-2027.yaml" in warning
    assert calendar_warnings(calendar, D(2026, 6, 1)) == []  # before Q4: nothing to say


MINIMAL_2027 = """\
year: 2027
holidays:
  - name: {zh_CN: 元旦, en: New Year's Day}
    from: 2027-01-01
    to: 2027-01-03
"""


def _schedules_with(tmp_path: Path, *, next_year: str | None = None) -> Path:
    root = tmp_path / "schedules"
    (root / "holidays").mkdir(parents=True)
    shutil.copy(schedules_dir() / "holidays" / "cn-2026.yaml", root / "holidays")
    if next_year is not None:
        (root / "holidays" / "cn-2027.yaml").write_text(next_year, encoding="utf-8")
    return root


def test_holidays_check_warns_in_q4_when_next_years_notice_is_missing(tmp_path: Path) -> None:
    out = io.StringIO()
    code = run_holidays_check(_schedules_with(tmp_path), out, today=D(2026, 10, 15))
    text = out.getvalue()
    assert code == 1
    assert "2026: State Council notice" in text and "2027: statutory holidays computed" in text
    assert "warning: no holiday notice for 2027" in text


def test_holidays_check_is_quiet_before_q4_and_once_the_file_is_in(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_holidays_check(_schedules_with(tmp_path), out, today=D(2026, 5, 1)) == 0
    assert "0 warning(s)" in out.getvalue()
    root = _schedules_with(tmp_path / "in", next_year=MINIMAL_2027)
    out = io.StringIO()
    assert run_holidays_check(root, out, today=D(2026, 11, 1)) == 0
    assert "2027: State Council notice, from" in out.getvalue()


def test_holidays_check_fails_on_an_invalid_file(tmp_path: Path) -> None:
    root = _schedules_with(tmp_path, next_year=MINIMAL_2027.replace("year: 2027", "year: 2028"))
    out = io.StringIO()
    assert run_holidays_check(root, out, today=D(2026, 11, 1)) == 1
    assert "cn-2027.yaml" in out.getvalue() and "error(s)" in out.getvalue()
