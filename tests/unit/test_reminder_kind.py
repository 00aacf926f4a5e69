"""``ReminderKind``: the stored kind strings round-trip, and families rank due before lead."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.reminder_kind import LEAD_SQL_PATTERN, Family, ReminderKind


@pytest.mark.parametrize(
    ("stored", "family", "days"),
    [
        ("lead-7", Family.LEAD, 7),
        ("due", Family.DUE, 0),
        ("overdue-2", Family.OVERDUE, 2),
        ("escalate", Family.ESCALATE, 0),
        ("campaign-lead-7", Family.CAMPAIGN, 7),
        ("campaign-start", Family.CAMPAIGN, 0),
        ("snooze-2", Family.SNOOZE, 2),
    ],
)
def test_stored_kinds_parse_and_print_back(stored: str, family: Family, days: int) -> None:
    kind = ReminderKind.parse(stored)
    assert (kind.family, kind.days) == (family, days)
    assert str(kind) == stored


@given(st.integers(min_value=0, max_value=400))
def test_a_lead_of_n_days_round_trips_and_zero_is_the_due_reminder(days: int) -> None:
    kind = ReminderKind.lead(days)
    assert ReminderKind.parse(str(kind)) == kind
    assert kind.family is (Family.LEAD if days else Family.DUE)


def test_what_is_due_ranks_after_what_is_days_away_in_one_message() -> None:
    order = sorted(
        ["escalate", "due", "lead-3", "overdue-1"], key=lambda k: ReminderKind.parse(k).rank
    )
    assert order == ["lead-3", "due", "overdue-1", "escalate"]
    assert LEAD_SQL_PATTERN == "lead-%"


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        ReminderKind.parse("reminder-1")
