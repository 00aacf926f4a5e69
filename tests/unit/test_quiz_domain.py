"""逢查必考 rules: pass marks, grading, retest dates, spaced repetition, 知晓率, button codec."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import quiz as rules
from bot.telegram.quiz import callbacks as cb

T0 = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("arg", "expected"),
    [(None, 5), ("", 5), ("3", 3), (" 7 ", 7), ("0", 1), ("99", 10), ("-2", 5), ("五", 5)],
)
def test_question_count_defaults_and_clamps(arg: str | None, expected: int) -> None:
    assert rules.question_count(arg) == expected


@pytest.mark.parametrize(
    ("correct", "total", "mark", "expected"),
    [
        (4, 5, 0.8, True),  # exactly on the mark passes, no float rounding surprise
        (3, 5, 0.8, False),
        (5, 5, 0.8, True),
        (7, 10, 0.7, True),
        (2, 3, 0.67, False),  # 66.7% is below 67%
        (2, 3, 0.66, True),
        (0, 0, 0.8, False),  # nothing asked: nothing passed
        (1, 1, 1.0, True),
    ],
)
def test_pass_mark(correct: int, total: int, mark: float, expected: bool) -> None:
    assert rules.passed(correct, total, mark) is expected


@given(st.integers(0, 50), st.integers(1, 50), st.sampled_from([0.5, 0.6, 0.8, 0.9, 1.0]))
def test_pass_mark_is_monotonic(correct: int, total: int, mark: float) -> None:
    correct = min(correct, total)
    if rules.passed(correct, total, mark) and correct < total:
        assert rules.passed(correct + 1, total, mark)


def test_grade_counts_unanswered_as_wrong_and_lists_missed() -> None:
    outcome = rules.grade([("a", True), ("b", None), ("c", False), ("d", True), ("e", True)], 0.8)
    assert (outcome.correct, outcome.total, outcome.passed) == (3, 5, False)
    assert outcome.missed == ("b", "c")
    assert rules.grade([("a", True)] * 4 + [("e", False)], 0.8).passed


def test_deadline_and_retest_dates() -> None:
    deadline = rules.check_deadline(T0, 10)
    assert deadline == T0 + dt.timedelta(minutes=10)
    assert not rules.is_expired(deadline, deadline - dt.timedelta(seconds=1))
    assert rules.is_expired(deadline, deadline)
    assert not rules.is_expired(None, T0 + dt.timedelta(days=999))  # practice has no deadline
    assert rules.retest_due(T0, 7) == T0 + dt.timedelta(days=7)


def test_retest_reminder_on_the_day_then_daily_until_taken() -> None:
    due = T0 + dt.timedelta(days=7)
    assert not rules.needs_reminder(due, None, due - dt.timedelta(minutes=1))
    assert rules.needs_reminder(due, None, due)
    assert not rules.needs_reminder(due, due, due + dt.timedelta(hours=23))
    assert rules.needs_reminder(due, due, due + dt.timedelta(days=1))


def _at(hours: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def test_missed_first_most_recent_miss_first_and_learnt_ones_drop_out() -> None:
    history = [
        rules.Attempt("a", False, _at(1)),
        rules.Attempt("b", False, _at(2)),
        rules.Attempt("c", True, _at(3)),
        rules.Attempt("a", True, _at(4)),  # a was learnt
        rules.Attempt("d", False, _at(5)),
        rules.Attempt("c", False, _at(6)),  # c was forgotten
    ]
    assert rules.missed_first(reversed(history)) == ["c", "d", "b"]


def test_recently_asked_window() -> None:
    now = T0 + dt.timedelta(days=40)
    history = [rules.Attempt("old", True, T0), rules.Attempt("new", False, now)]
    assert rules.recently_asked(history, now) == {"new"}


def test_awareness_counts_never_checked_as_not_aware() -> None:
    assert rules.awareness([1, 2, 3, 4], {1: True, 2: False, 9: True}) == (1, 4)
    assert rules.awareness([], {1: True}) == (0, 0)
    assert rules.rate(1, 4) == 0.25 and rules.rate(0, 0) is None


@given(
    st.one_of(
        st.builds(cb.Answer, st.integers(1, 10**17), st.integers(0, cb.MAX_OPTION)),
        st.builds(cb.Results, st.integers(1, 10**17)),
        st.builds(cb.Volunteer, st.integers(1, 10**17)),
        st.builds(cb.StartRetest, st.integers(1, 10**17)),
        st.builds(cb.Offer, st.integers(1, 10**17)),
    )
)
def test_callback_round_trip_within_64_bytes(data: cb.QuizCallback) -> None:
    text = cb.encode(data)
    assert len(text.encode()) <= 64
    assert cb.decode(text) == data


@pytest.mark.parametrize(
    "data",
    [None, "", "qz", "qz:", "qz:a:1", "qz:a:1:12", "qz:a:0:1", "qz:a:01:1", "qz:r:-1", "qz:r:1:2",
     "qz:z:1", "cf:1", "qz:r:1 ", "QZ:r:1", "qz:v:" + "9" * 19],
)  # fmt: skip
def test_malformed_callbacks_decode_to_none(data: str | None) -> None:
    assert cb.decode(data) is None
