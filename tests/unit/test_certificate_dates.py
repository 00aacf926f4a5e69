"""A certificate's dates under its kind's rules (``bot.domain.certificate``).

The 特种作业操作证 figures are the ones ``schedules/people.yaml`` cites from 令第30号: valid 6
years, reviewed every 3, applied for within 60 days before the review is due.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.catalog.people import load_people_rules
from bot.domain.certificate import (
    Dates,
    Standing,
    add_years,
    dates_of,
    milestones,
    parse_date,
    standing,
)

RULES = load_people_rules()
SPECIAL = RULES.kind("special_operation")
CONSTRUCTION = RULES.kind("construction_abc")
FIRE = RULES.kind("fire_facility_operator")
assert SPECIAL is not None and CONSTRUCTION is not None and FIRE is not None


@pytest.mark.parametrize(
    "text",
    ["2026-01-05", "2026/1/5", "2026.1.5", "2026年1月5日", " 20260105 ", "2026 年 1 月 5 日"],
)
def test_dates_people_write_are_read(text: str) -> None:
    assert parse_date(text) == dt.date(2026, 1, 5)


@pytest.mark.parametrize(
    "text", ["2026-13-01", "2026-02-30", "05/01/2026", "next week", "", "2026"]
)
def test_a_date_in_an_unknown_shape_or_not_a_day_is_refused(text: str) -> None:
    assert parse_date(text) is None


def test_a_special_operations_certificate_is_reviewed_at_three_years_and_replaced_at_six() -> None:
    dates = dates_of(SPECIAL, dt.date(2023, 5, 10))
    assert dates == Dates(expires_on=dt.date(2029, 5, 10), review_due_on=dt.date(2026, 5, 10))


def test_a_review_in_its_window_covers_it_and_an_early_one_does_not() -> None:
    in_window = dates_of(SPECIAL, dt.date(2023, 5, 10), last_review_on=dt.date(2026, 3, 20))
    assert in_window.review_due_on is None
    too_early = dates_of(SPECIAL, dt.date(2023, 5, 10), last_review_on=dt.date(2026, 1, 2))
    assert too_early.review_due_on == dt.date(2026, 5, 10)


def test_a_kind_without_validity_keeps_the_expiry_printed_on_the_certificate() -> None:
    assert dates_of(FIRE, dt.date(2024, 1, 1), expires_on=dt.date(2028, 1, 1)) == Dates(
        dt.date(2028, 1, 1), None
    )
    assert dates_of(FIRE, dt.date(2024, 1, 1)) == Dates(None, None)


def test_a_leap_day_anniversary_falls_on_28_february() -> None:
    assert add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 3, 10), Standing.VALID),
        (dt.date(2026, 3, 11), Standing.DUE_SOON),  # 60 days before the review
        (dt.date(2026, 5, 10), Standing.DUE_SOON),  # the last day it may still be used
        (dt.date(2026, 5, 11), Standing.UNREVIEWED),
        (dt.date(2029, 5, 11), Standing.EXPIRED),
    ],
)
def test_where_a_certificate_stands(today: dt.date, expected: Standing) -> None:
    assert standing(dates_of(SPECIAL, dt.date(2023, 5, 10)), today) is expected
    assert expected.stands_down == (expected in (Standing.UNREVIEWED, Standing.EXPIRED))


def test_reminders_open_with_the_window_then_a_last_call_then_the_lapse() -> None:
    days = milestones(SPECIAL, dates_of(SPECIAL, dt.date(2023, 5, 10)), RULES.default_lead_days)
    assert [(m.kind, m.on) for m in days] == [
        ("cert_review", dt.date(2026, 3, 11)),
        ("cert_review_last", dt.date(2026, 5, 3)),
        ("cert_lapsed", dt.date(2026, 5, 11)),
        ("cert_renew", dt.date(2029, 3, 11)),
        ("cert_renew_last", dt.date(2029, 5, 3)),
    ]


def test_construction_certificates_are_renewed_within_three_months() -> None:
    dates = dates_of(CONSTRUCTION, dt.date(2024, 6, 1))
    first = milestones(CONSTRUCTION, dates, RULES.default_lead_days)[0]
    assert (first.kind, first.on, first.due) == (
        "cert_renew",
        dt.date(2027, 6, 1) - dt.timedelta(days=90),
        dt.date(2027, 6, 1),
    )


def test_a_kind_without_a_window_is_reminded_on_the_default_lead_time() -> None:
    dates = dates_of(FIRE, dt.date(2024, 1, 1), expires_on=dt.date(2028, 1, 1))
    first = milestones(FIRE, dates, RULES.default_lead_days)[0]
    assert first.on == dt.date(2028, 1, 1) - dt.timedelta(days=RULES.default_lead_days)
