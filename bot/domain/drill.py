"""Drill rules: the 关避喊报助 order, per-person timings, the headcount, muster time, the report.

Pure: it receives what happened (who pressed which step when, who reached the assembly
point) and ``now``; the service loads those facts from the database and handlers render the
result. Keeping the rules here lets Hypothesis check them over arbitrary press sequences, and
lets the group drill and the private practice share one definition of "the right order".

Order rule: a person's expected step is the first of the five they have not done yet. A press
of that step is in order; a press of a later step is recorded as an order error (and answered
with why the expected step comes first); a press of a step already done changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Step(StrEnum):
    SHUT = "shut"  # 关
    AVOID = "avoid"  # 避
    SHOUT = "shout"  # 喊
    REPORT = "report"  # 报
    HELP = "help"  # 助


STEPS: tuple[Step, ...] = tuple(Step)
DRILL_TIMEOUT = dt.timedelta(minutes=60)


class Verdict(StrEnum):
    IN_ORDER = "in_order"
    OUT_OF_ORDER = "out_of_order"
    REPEAT = "repeat"


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    expected: Step | None  # the step that should have come now (None: all five were done)

    @property
    def recorded(self) -> bool:
        return self.verdict is not Verdict.REPEAT


def next_step(done: Iterable[Step]) -> Step | None:
    """The first of the five steps not yet done."""
    seen = set(done)
    return next((s for s in STEPS if s not in seen), None)


def judge(done: Collection[Step], step: Step) -> Judgement:
    """How a press of ``step`` counts for someone who has already done ``done``."""
    expected = next_step(done)
    if step in done:
        return Judgement(Verdict.REPEAT, expected)
    return Judgement(Verdict.IN_ORDER if step == expected else Verdict.OUT_OF_ORDER, expected)


def button_order(seed: int) -> tuple[Step, ...]:
    """The five buttons shuffled per drill (never in the right order), so the order is tested."""
    rng = random.Random(seed)  # noqa: S311 - a keyboard layout, not a secret
    order = list(STEPS)
    while tuple(order) == STEPS:
        rng.shuffle(order)
    return tuple(order)


@dataclass(frozen=True)
class StepPress:
    user_id: int
    name: str
    step: Step
    at: dt.datetime
    in_order: bool


@dataclass(frozen=True)
class Arrival:
    user_id: int
    name: str
    at: dt.datetime
    marked_by: int | None = None  # None: the person pressed the button themselves


@dataclass(frozen=True)
class PersonResult:
    user_id: int
    name: str
    order: tuple[Step, ...]  # steps in the order they were pressed
    elapsed: Mapping[Step, dt.timedelta]  # from the drill's start to each step
    errors: int  # presses that skipped a step

    @property
    def complete(self) -> bool:
        return len(self.order) == len(STEPS)

    @property
    def order_correct(self) -> bool:
        return self.complete and self.errors == 0

    @property
    def finished_in(self) -> dt.timedelta | None:
        """Time from the start to the last of the five steps (None until all five are done)."""
        return max(self.elapsed.values()) if self.complete else None


def person_results(started_at: dt.datetime, presses: Iterable[StepPress]) -> list[PersonResult]:
    """One result per person, in the order people first pressed; presses are taken by time."""
    by_person: dict[int, list[StepPress]] = {}
    for press in sorted(presses, key=lambda p: p.at):
        by_person.setdefault(press.user_id, []).append(press)
    results = []
    for user_id, own in by_person.items():
        firsts: dict[Step, StepPress] = {}
        for press in own:
            firsts.setdefault(press.step, press)
        results.append(
            PersonResult(
                user_id=user_id,
                name=own[-1].name,
                order=tuple(firsts),
                elapsed={s: p.at - started_at for s, p in firsts.items()},
                errors=sum(1 for p in firsts.values() if not p.in_order),
            )
        )
    return results


def muster_time(started_at: dt.datetime, arrivals: Iterable[Arrival]) -> dt.timedelta | None:
    """Time from the start until the last person was accounted for (None if nobody was)."""
    last = max((a.at for a in arrivals), default=None)
    return None if last is None else max(last - started_at, dt.timedelta(0))


@dataclass(frozen=True)
class Headcount:
    accounted: tuple[Arrival, ...]
    missing: tuple[tuple[int, str], ...]  # roster people not accounted for: (user id, name)
    expected: int
    unnamed_missing: int  # expected people beyond the named ones (not on the roster)
    on_roster: int = 0  # people on the roster (0: nobody can be named as missing)

    @property
    def count(self) -> int:
        return len(self.accounted)

    @property
    def all_accounted(self) -> bool:
        return not self.missing and self.unnamed_missing == 0


def headcount(
    roster: Mapping[int, str],
    arrivals: Iterable[Arrival],
    expected: int | None,
    *,
    exclude: Collection[int] = (),
) -> Headcount:
    """Who is accounted for and who is missing; ``exclude`` (the organizer) is never missing.

    Without an ``expected`` count from the organizer, everyone on the roster is expected.
    """
    accounted = tuple(sorted(arrivals, key=lambda a: a.at))
    present = {a.user_id for a in accounted}
    missing = tuple(
        (uid, name) for uid, name in roster.items() if uid not in present and uid not in exclude
    )
    wanted = len(accounted) + len(missing) if expected is None else expected
    unnamed = max(0, wanted - len(accounted) - len(missing))
    return Headcount(accounted, missing, wanted, unnamed, len(roster))


@dataclass(frozen=True)
class DrillReport:
    started_at: dt.datetime
    ended_at: dt.datetime
    people: list[PersonResult]
    headcount: Headcount
    muster: dt.timedelta | None
    participants: tuple[str, ...] = field(default=())

    @property
    def duration(self) -> dt.timedelta:
        return self.ended_at - self.started_at

    @property
    def order_errors(self) -> list[PersonResult]:
        return [p for p in self.people if p.errors]

    @property
    def incomplete(self) -> list[PersonResult]:
        return [p for p in self.people if not p.complete]

    @property
    def order_correct(self) -> list[PersonResult]:
        return [p for p in self.people if p.order_correct]

    @property
    def median_steps(self) -> dt.timedelta | None:
        """Median time people took for all five steps (those who did all five)."""
        return median_duration([p.finished_in for p in self.people if p.finished_in is not None])


def build_report(
    *,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    presses: Sequence[StepPress],
    arrivals: Sequence[Arrival],
    roster: Mapping[int, str],
    expected: int | None,
    organizer_id: int,
) -> DrillReport:
    """Everything the end-of-drill report shows."""
    names: dict[int, str] = {}
    seen: list[tuple[dt.datetime, int, str]] = [(p.at, p.user_id, p.name) for p in presses]
    seen += [(a.at, a.user_id, a.name) for a in arrivals]
    for _, user_id, name in sorted(seen, key=lambda x: x[0]):
        names.setdefault(user_id, name)
    return DrillReport(
        started_at=started_at,
        ended_at=ended_at,
        people=person_results(started_at, presses),
        headcount=headcount(roster, arrivals, expected, exclude={organizer_id}),
        muster=muster_time(started_at, arrivals),
        participants=tuple(names.values()),
    )


def is_stale(
    started_at: dt.datetime, now: dt.datetime, timeout: dt.timedelta = DRILL_TIMEOUT
) -> bool:
    """A drill left running this long is ended automatically."""
    return now - started_at >= timeout


def median_duration(values: Sequence[dt.timedelta]) -> dt.timedelta | None:
    if not values:
        return None
    return dt.timedelta(seconds=statistics.median(v.total_seconds() for v in values))


@dataclass(frozen=True)
class PracticeStep:
    step: Step
    elapsed: dt.timedelta
    in_order: bool


@dataclass(frozen=True)
class Practice:
    """One person running the five steps alone (private chat); immutable, replaced per press."""

    scenario: str
    started_at: dt.datetime
    steps: tuple[PracticeStep, ...] = ()

    @property
    def done(self) -> tuple[Step, ...]:
        return tuple(s.step for s in self.steps)

    @property
    def finished(self) -> bool:
        return len(self.steps) == len(STEPS)

    @property
    def errors(self) -> int:
        return sum(1 for s in self.steps if not s.in_order)

    def press(self, step: Step, now: dt.datetime) -> tuple[Practice, Judgement]:
        verdict = judge(self.done, step)
        if not verdict.recorded:
            return self, verdict
        entry = PracticeStep(step, now - self.started_at, verdict.verdict is Verdict.IN_ORDER)
        return Practice(self.scenario, self.started_at, (*self.steps, entry)), verdict
