"""The drill rules over arbitrary presses: order judging, timings, headcount, muster, report."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.drill import (
    DRILL_TIMEOUT,
    STEPS,
    Arrival,
    Practice,
    Step,
    StepPress,
    Verdict,
    build_report,
    button_order,
    headcount,
    is_stale,
    judge,
    median_duration,
    muster_time,
    next_step,
    person_results,
)

START = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)
steps = st.sampled_from(STEPS)
seconds = st.integers(min_value=0, max_value=7200)


def _feed(sequence: list[Step]) -> list[tuple[Step, Verdict]]:
    """Press ``sequence`` as one person; the recorded (step, verdict) pairs."""
    done: list[Step] = []
    recorded = []
    for step in sequence:
        verdict = judge(done, step)
        if verdict.recorded:
            done.append(step)
            recorded.append((step, verdict.verdict))
    return recorded


@given(st.lists(steps, max_size=20))
def test_each_step_is_recorded_once_and_in_order_means_the_expected_one(
    sequence: list[Step],
) -> None:
    recorded = _feed(sequence)
    pressed = [s for s, _ in recorded]
    assert len(pressed) == len(set(pressed)) == len(set(sequence))
    for i, (step, verdict) in enumerate(recorded):
        assert (verdict is Verdict.IN_ORDER) == (step == next_step(pressed[:i]))


@given(st.lists(steps, max_size=20))
def test_no_order_error_exactly_when_the_first_presses_follow_the_five_steps(
    sequence: list[Step],
) -> None:
    recorded = _feed(sequence)
    firsts = tuple(dict.fromkeys(sequence))
    no_error = all(v is Verdict.IN_ORDER for _, v in recorded)
    assert no_error == (firsts == STEPS[: len(firsts)])


def test_a_skipped_step_is_named_as_the_one_that_comes_first() -> None:
    verdict = judge([Step.SHUT], Step.SHOUT)
    assert (verdict.verdict, verdict.expected) == (Verdict.OUT_OF_ORDER, Step.AVOID)
    assert judge([Step.SHUT], Step.SHUT).verdict is Verdict.REPEAT
    assert judge(list(STEPS), Step.HELP).expected is None


@given(st.integers(min_value=0, max_value=10**12))
def test_buttons_are_a_shuffled_permutation(seed: int) -> None:
    order = button_order(seed)
    assert sorted(order) == sorted(STEPS) and order != STEPS
    assert button_order(seed) == order  # stable per drill


@st.composite
def presses(draw: st.DrawFn) -> list[StepPress]:
    people = draw(st.integers(min_value=1, max_value=5))
    result = []
    for uid in range(1, people + 1):
        done: list[Step] = []
        for step, offset in draw(st.lists(st.tuples(steps, seconds), max_size=8)):
            verdict = judge(done, step)
            if verdict.recorded:
                done.append(step)
                at = START + dt.timedelta(seconds=offset)
                result.append(
                    StepPress(uid, f"p{uid}", step, at, verdict.verdict is Verdict.IN_ORDER)
                )
    return result


@given(presses())
def test_person_results_count_errors_and_time_from_the_start(rows: list[StepPress]) -> None:
    results = {r.user_id: r for r in person_results(START, rows)}
    assert set(results) == {p.user_id for p in rows}
    for uid, result in results.items():
        own = [p for p in rows if p.user_id == uid]
        assert result.errors == sum(1 for p in own if not p.in_order)
        assert set(result.order) == {p.step for p in own}
        assert all(result.elapsed[p.step] == p.at - START for p in own)
        assert result.order_correct == (result.complete and result.errors == 0)
        assert (result.finished_in is None) == (not result.complete)


arrivals = st.lists(
    st.tuples(st.integers(min_value=1, max_value=8), seconds), max_size=8, unique_by=lambda t: t[0]
).map(lambda rows: [Arrival(uid, f"p{uid}", START + dt.timedelta(seconds=s)) for uid, s in rows])
rosters = st.dictionaries(st.integers(min_value=1, max_value=10), st.just("x"), max_size=10)


@given(
    arrivals,
    rosters,
    st.none() | st.integers(min_value=0, max_value=20),
    st.integers(min_value=1, max_value=10),
)
def test_headcount_splits_the_roster_and_never_lists_the_organizer(
    came: list[Arrival], roster: dict[int, str], expected: int | None, organizer: int
) -> None:
    h = headcount(roster, came, expected, exclude={organizer})
    present = {a.user_id for a in came}
    missing = {uid for uid, _ in h.missing}
    assert missing == set(roster) - present - {organizer}
    assert h.count == len(came)
    wanted = len(came) + len(missing) if expected is None else expected
    assert h.unnamed_missing == max(0, wanted - len(came) - len(missing))
    assert h.all_accounted == (not missing and h.unnamed_missing == 0)
    assert h.on_roster == len(roster), "so the roll-call can tell an empty roster apart"


@given(arrivals, arrivals)
def test_muster_time_is_the_last_arrival_and_only_grows(
    first: list[Arrival], more: list[Arrival]
) -> None:
    before = muster_time(START, first)
    assert (before is None) == (not first)
    if first:
        assert before == max(a.at for a in first) - START
    after = muster_time(START, first + more)
    assert before is None or (after is not None and after >= before)


@given(st.lists(st.integers(min_value=0, max_value=10**6), max_size=30))
def test_median_lies_between_the_extremes(values: list[int]) -> None:
    durations = [dt.timedelta(seconds=v) for v in values]
    middle = median_duration(durations)
    assert (middle is None) == (not values)
    if durations and middle is not None:
        assert min(durations) <= middle <= max(durations)


def test_report_of_five_people_with_one_wrong_order_and_one_missing() -> None:
    rows = []
    for uid in range(1, 6):
        order = (Step.AVOID, Step.SHUT, *STEPS[2:]) if uid == 2 else STEPS
        done: list[Step] = []
        for k, step in enumerate(order):
            verdict = judge(done, step)
            done.append(step)
            at = START + dt.timedelta(seconds=10 * uid + k)
            rows.append(StepPress(uid, f"p{uid}", step, at, verdict.verdict is Verdict.IN_ORDER))
    came = [Arrival(uid, f"p{uid}", START + dt.timedelta(minutes=uid)) for uid in range(1, 5)]
    report = build_report(
        started_at=START,
        ended_at=START + dt.timedelta(minutes=9),
        presses=rows,
        arrivals=came,
        roster={uid: f"p{uid}" for uid in range(1, 6)} | {99: "organizer"},
        expected=5,
        organizer_id=99,
    )
    assert len(report.participants) == 5 and report.duration == dt.timedelta(minutes=9)
    assert [p.name for p in report.order_errors] == ["p2"] and len(report.order_correct) == 4
    assert report.headcount.missing == ((5, "p5"),) and report.headcount.count == 4
    assert report.muster == dt.timedelta(minutes=4)
    assert report.median_steps == dt.timedelta(seconds=34)


def test_drills_go_stale_after_the_timeout() -> None:
    assert not is_stale(START, START + DRILL_TIMEOUT - dt.timedelta(seconds=1))
    assert is_stale(START, START + DRILL_TIMEOUT)


@given(st.lists(st.tuples(steps, st.integers(min_value=0, max_value=60)), max_size=12))
def test_practice_agrees_with_the_group_rules(sequence: list[tuple[Step, int]]) -> None:
    practice, now = Practice("fire", START), START
    for step, wait in sequence:
        now += dt.timedelta(seconds=wait)
        practice, _ = practice.press(step, now)
    recorded = _feed([s for s, _ in sequence])
    assert practice.done == tuple(s for s, _ in recorded)
    assert practice.errors == sum(1 for _, v in recorded if v is Verdict.OUT_OF_ORDER)
    assert practice.finished == (len(recorded) == len(STEPS))
    assert all(
        a.elapsed <= b.elapsed for a, b in zip(practice.steps, practice.steps[1:], strict=False)
    )
