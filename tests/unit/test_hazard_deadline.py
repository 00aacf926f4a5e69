"""The 五落实's deadline as people type it (``bot.domain.hazard.parse_deadline``)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.hazard import parse_deadline
from bot.domain.hazard_errors import BadDeadline

TODAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2027-01-15", dt.date(2027, 1, 15)),
        ("2026/12/31", dt.date(2026, 12, 31)),
        ("12-31", dt.date(2026, 12, 31)),
        ("12月31日", dt.date(2026, 12, 31)),
        ("12月31号", dt.date(2026, 12, 31)),
        (" 2027年3月1日 ", dt.date(2027, 3, 1)),
        ("1月5日", dt.date(2027, 1, 5)),  # already past this year: next year's
        ("12月3日", TODAY),  # today is still this year's
        ("2026-11-30", dt.date(2026, 11, 30)),  # a past full date is read (refused later)
    ],
)
def test_the_forms_people_type(text: str, day: dt.date) -> None:
    assert parse_deadline(text, TODAY) == day


@pytest.mark.parametrize("text", ["", "尽快", "下周五", "2026-02-30", "13-01", "12-31-5-1"])
def test_what_is_not_a_date_is_refused_with_what_was_typed(text: str) -> None:
    with pytest.raises(BadDeadline) as refused:
        parse_deadline(text, TODAY)
    assert refused.value.context["text"] == text
