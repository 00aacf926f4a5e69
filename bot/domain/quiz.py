"""逢查必考 rules as pure functions: how many questions, who passed, when the retest is due.

Nothing here touches the database, Telegram or the clock: callers pass ``now`` and the
answers, so the pass mark, deadlines and the spaced-repetition order are unit-tested alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

GROUP_DEFAULT: Final = 5
GROUP_MAX: Final = 10
PRIVATE_QUESTIONS: Final = 5
CHECK_QUESTIONS: Final = 5
# Questions asked in the last RECENT_DAYS are drawn again only when the sector's set runs out.
RECENT_DAYS: Final = 30
# A retest reminder nobody acted on is repeated once a day until the retest is taken.
REMIND_EVERY: Final = dt.timedelta(days=1)


def question_count(arg: str | None, *, default: int = GROUP_DEFAULT, limit: int = GROUP_MAX) -> int:
    """``/quiz [n]``: the number asked for, clamped to 1..limit; anything unreadable → default."""
    if arg is None or not arg.strip().isdecimal():  # "²" is a digit, not a number
        return default
    return max(1, min(limit, int(arg.strip())))


def passed(correct: int, total: int, pass_mark: float) -> bool:
    """True when ``correct/total`` reaches the pass mark, compared exactly (4/5 passes 80%)."""
    if total <= 0:
        return False
    mark = Fraction(str(pass_mark)).limit_denominator(10_000)
    return Fraction(correct, total) >= mark


def rate(part: int, whole: int) -> float | None:
    """``part/whole`` as a fraction of one, or None when there is nothing to divide."""
    return part / whole if whole else None


def check_deadline(started: dt.datetime, minutes: int) -> dt.datetime:
    """When a spot check or retest closes; unanswered questions then count as wrong."""
    return started + dt.timedelta(minutes=minutes)


def is_expired(deadline: dt.datetime | None, now: dt.datetime) -> bool:
    return deadline is not None and now >= deadline


def retest_due(failed_at: dt.datetime, days: int) -> dt.datetime:
    """When the retest of a worker who failed at ``failed_at`` is due."""
    return failed_at + dt.timedelta(days=days)


def needs_reminder(due_at: dt.datetime, reminded_at: dt.datetime | None, now: dt.datetime) -> bool:
    """A retest reminder is due on the retest day, and again each day it is not taken."""
    if now < due_at:
        return False
    return reminded_at is None or now - reminded_at >= REMIND_EVERY


@dataclass(frozen=True)
class Attempt:
    """One past answer of a person, as the spaced-repetition order needs it."""

    question_id: str
    correct: bool
    answered_at: dt.datetime


def missed_first(history: Iterable[Attempt]) -> list[str]:
    """Questions whose latest answer was wrong, most recently missed first.

    A question answered right after it was missed has been learnt and drops out: spaced
    repetition brings back only what is still not known.
    """
    latest: dict[str, Attempt] = {}
    for attempt in sorted(history, key=lambda a: a.answered_at):
        latest[attempt.question_id] = attempt
    wrong = [a for a in latest.values() if not a.correct]
    return [a.question_id for a in sorted(wrong, key=lambda a: a.answered_at, reverse=True)]


def recently_asked(
    history: Iterable[Attempt], now: dt.datetime, days: int = RECENT_DAYS
) -> set[str]:
    since = now - dt.timedelta(days=days)
    return {a.question_id for a in history if a.answered_at >= since}


@dataclass(frozen=True)
class Outcome:
    """The verdict of an exam: score, pass or not, and what was missed (for study material)."""

    correct: int
    total: int
    passed: bool
    missed: tuple[str, ...]


def grade(results: Sequence[tuple[str, bool | None]], pass_mark: float) -> Outcome:
    """Grade an exam from (question id, right?) in order; None (unanswered) counts wrong."""
    correct = sum(1 for _, ok in results if ok)
    missed = tuple(qid for qid, ok in results if not ok)
    return Outcome(correct, len(results), passed(correct, len(results), pass_mark), missed)


def awareness(roster: Iterable[int], latest_check_passed: Mapping[int, bool]) -> tuple[int, int]:
    """知晓率 as (aware, rostered): rostered people whose latest check was passed.

    People never checked count as not aware: the target is 100% of the roster, not of those
    who happened to be tested.
    """
    people = set(roster)
    aware = sum(1 for uid in people if latest_check_passed.get(uid, False))
    return aware, len(people)
