"""Which questions a knowledge check asks, and whether an answer counts as right.

Pure functions: the caller passes the history and a seeded ``random.Random``, so a quiz can
be replayed in tests and the same inputs always give the same questions.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence

from bot.quiz.bank import Question


def pick_questions(
    bank_questions: Sequence[Question],
    n: int,
    *,
    missed_first: Sequence[str] = (),
    recently_asked: Collection[str] = (),
    rng: random.Random,
) -> list[Question]:
    """Up to ``n`` distinct questions: missed ones first, then fresh ones, then recent ones.

    Questions a worker got wrong come back first, in the caller's order of priority, even if
    asked recently: re-asking what was missed is the point of 逢查必考 retesting. The rest is
    drawn at random from questions not asked recently, falling back to recent ones only when
    the sector's set is too small. Ids in ``missed_first`` that are not in the bank (removed
    or from another sector) are skipped.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    pool: dict[str, Question] = {}
    for question in bank_questions:
        pool.setdefault(question.id, question)

    picked: list[Question] = []
    for qid in dict.fromkeys(missed_first):
        if len(picked) == n:
            return picked
        if qid in pool:
            picked.append(pool.pop(qid))

    recent = set(recently_asked)
    fresh = [q for q in pool.values() if q.id not in recent]
    stale = [q for q in pool.values() if q.id in recent]
    rng.shuffle(fresh)
    rng.shuffle(stale)
    return picked + (fresh + stale)[: n - len(picked)]


def score(correct_ids: Sequence[int], chosen: Sequence[int]) -> bool:
    """True only if exactly the correct options were chosen: no partial credit in a quiz."""
    return set(correct_ids) == set(chosen)
