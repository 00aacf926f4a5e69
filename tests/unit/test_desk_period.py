"""The desk's periods (issue 21): four shapes, a clear error naming them, labels per language."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.paths import messages_dir
from bot.render import Renderer
from bot.reports.period import Period, calendar_unit
from bot.reports.period import parse_period as parse_report_period
from bot.services.desk.period import (
    BadDeskPeriod,
    of,
    parse_period,
    period_param,
    previous,
    shortcuts,
)

TODAY = dt.date(2026, 12, 10)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026-11", "month", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2026-Q4", "quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("2026-q1", "quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2026-H2", "half", dt.date(2026, 7, 1), dt.date(2026, 12, 31)),
        ("2026-H1", "half", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        ("2026", "year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        (" 2025 ", "year", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ],
)
def test_the_four_shapes_and_their_inclusive_dates(
    text: str, kind: str, start: dt.date, end: dt.date
) -> None:
    period = parse_period(text, TODAY)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert period.range == Period(start, end), "the same dates as the workbook's period"
    assert parse_period(period.text, TODAY) == period, "the canonical text parses back"


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026-00", "2026-Q5", "2026-Q0", "2026-H3", "", "   ", "1999", "2028-01",
     "9999-Q1", "2026-11-01", "2026Q4", "26-11", "２０２６", "2026-Q4; drop", "x" * 500],
)  # fmt: skip
def test_anything_else_is_refused_with_the_expected_shapes_named(text: str) -> None:
    with pytest.raises(BadDeskPeriod) as refused:
        parse_period(text, TODAY)
    message = str(refused.value)
    assert "YYYY-MM" in message and "YYYY-Qn" in message and "YYYY-Hn" in message
    assert "2000-2027" in message, "the years accepted: from 2000 to next year"
    assert len(refused.value.given) <= 40, "a long value is never echoed whole"


def test_without_a_period_the_desk_shows_the_current_month() -> None:
    assert period_param(None, TODAY) == of("month", 2026, 12)
    with pytest.raises(BadDeskPeriod):
        period_param("", TODAY)
    assert parse_period("2027", TODAY).kind == "year", "next year's plan may be looked at"


def test_previous_crosses_years_and_shortcuts_offer_each_kind() -> None:
    assert previous(of("month", 2026, 1)).text == "2025-12"
    assert previous(of("quarter", 2026, 1)).text == "2025-Q4"
    assert previous(of("half", 2026, 2)).text == "2026-H1"
    assert previous(of("year", 2026)).text == "2025"
    texts = [p.text for p in shortcuts(TODAY)]
    assert texts == ["2026-12", "2026-11", "2026-Q4", "2026-Q3", "2026-H2", "2026-H1", "2026",
                     "2025"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("2026-11", "2026年11月", "November 2026"),
        ("2026-Q4", "2026年第四季度", "Q4 2026"),
        ("2026-H1", "2026年上半年", "first half of 2026"),
        ("2026", "2026年度", "Year 2026"),
    ],
)
def test_labels_come_from_the_catalogs(text: str, zh: str, en: str) -> None:
    renderer = Renderer(messages_dir())
    period = parse_period(text, TODAY)
    assert (period.label(renderer, "zh_CN"), period.label(renderer, "en")) == (zh, en)


def test_telegram_periods_take_half_years_and_know_calendar_units() -> None:
    assert parse_report_period("2026H2", today=TODAY) == Period(
        dt.date(2026, 7, 1), dt.date(2026, 12, 31)
    )
    assert calendar_unit(Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31))) == (
        "quarter",
        2026,
        4,
    )
    assert calendar_unit(Period(dt.date(2026, 11, 11), dt.date(2026, 12, 10))) is None
    assert calendar_unit(Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))) == ("year", 2026, 1)
