"""``plan_chat``: what one chat's claimed reminders become (sent, skipped, superseded)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bot.services.reminders.chat_plan import plan_chat
from bot.store.models import OccurrenceRow, OccurrenceStatus, ReminderRow

NOW = dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)
CATCH_UP = dt.timedelta(minutes=30)

_ids = iter(range(1, 10**9))


def occurrence(obligation: str, due: dt.datetime, *, area: str | None = None, done: bool = False):
    return OccurrenceRow(
        id=next(_ids),
        enterprise_id=1,
        key=f"{obligation}:{area}:{due.isoformat()}",
        obligation_id=obligation,
        area=area,
        label="x",
        window_start=due.date(),
        window_end=due.date(),
        due_at=due,
        status=OccurrenceStatus.DONE.value if done else OccurrenceStatus.OPEN.value,
    )


def reminder(occ: OccurrenceRow, kind: str, fire_at: dt.datetime) -> ReminderRow:
    return ReminderRow(
        id=next(_ids), occurrence_id=occ.id or 0, enterprise_id=1, kind=kind, fire_at=fire_at
    )


def test_a_done_occurrence_is_skipped_never_sent() -> None:
    done = occurrence("weekly-check", NOW, done=True)
    r = reminder(done, "due", NOW)
    items, skip, superseded, catch_up = plan_chat([(r, done)], now=NOW, catch_up_after=CATCH_UP)
    assert items == [] and skip == [r.id] and superseded == [] and not catch_up


def test_only_the_latest_occurrence_of_an_obligation_is_sent_after_downtime() -> None:
    yesterday = occurrence("daily-control", NOW - dt.timedelta(days=1))
    today = occurrence("daily-control", NOW)
    old = reminder(yesterday, "due", NOW - dt.timedelta(days=1))
    new = reminder(today, "due", NOW)
    items, skip, superseded, catch_up = plan_chat(
        [(old, yesterday), (new, today)], now=NOW, catch_up_after=CATCH_UP
    )
    assert [i.reminder_id for i in items] == [new.id]
    assert superseded == [old.id] and skip == []
    assert catch_up, "a reminder a day late makes this a catch-up digest"


def test_areas_of_one_obligation_are_separate_items() -> None:
    office = occurrence("evacuation-drill", NOW, area="office")
    plant = occurrence("evacuation-drill", NOW, area="production")
    rows = [(reminder(office, "due", NOW), office), (reminder(plant, "due", NOW), plant)]
    items, _, superseded, _ = plan_chat(rows, now=NOW, catch_up_after=CATCH_UP)
    assert {i.occurrence.area for i in items} == {"office", "production"} and superseded == []


def test_lead_and_due_of_one_occurrence_send_the_due_one() -> None:
    occ = occurrence("leader-inspection", NOW)
    lead = reminder(occ, "lead-3", NOW - dt.timedelta(days=3))
    due = reminder(occ, "due", NOW)
    items, _, superseded, _ = plan_chat([(lead, occ), (due, occ)], now=NOW, catch_up_after=CATCH_UP)
    assert [i.kind for i in items] == ["due"] and superseded == [lead.id]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["daily-control", "weekly-check", "leader-inspection"]),
            st.sampled_from([None, "office", "production"]),
            st.integers(min_value=-5, max_value=5),
            st.sampled_from(["lead-1", "due", "overdue"]),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_every_claimed_reminder_is_accounted_for_exactly_once(specs: list) -> None:
    rows = []
    for obligation, area, days, kind, done in specs:
        due = NOW + dt.timedelta(days=days)
        occ = occurrence(obligation, due, area=area, done=done)
        rows.append((reminder(occ, kind, min(due, NOW)), occ))
    items, skip, superseded, _ = plan_chat(rows, now=NOW, catch_up_after=CATCH_UP)
    sent = [i.reminder_id for i in items]
    accounted = sent + skip + superseded
    assert sorted(accounted) == sorted(r.id for r, _ in rows)
    shown = [i.occurrence.id for i in items]
    assert len(shown) == len(set(shown)), "one line per occurrence"
    assert [i.occurrence.due_at for i in items] == sorted(i.occurrence.due_at for i in items)
    for item in items:  # a long-past announcement is not news next to a newer occurrence
        newer = [
            i
            for i in items
            if (i.occurrence.obligation_id, i.occurrence.area)
            == (item.occurrence.obligation_id, item.occurrence.area)
            and i.occurrence.due_at > item.occurrence.due_at
        ]
        stale = item.occurrence.due_at < NOW - CATCH_UP
        assert not (newer and stale and item.kind in ("lead-1", "due"))


def test_each_shift_ahead_keeps_its_line_and_an_old_chaser_is_not_dropped() -> None:
    shifts = [occurrence("pre-shift-meeting", NOW + dt.timedelta(hours=h)) for h in (8, 16)]
    old = occurrence("weekly-check", NOW - dt.timedelta(days=7))
    new = occurrence("weekly-check", NOW)
    rows = [(reminder(o, "due", NOW), o) for o in shifts]
    rows += [(reminder(old, "escalate", NOW), old), (reminder(new, "due", NOW), new)]
    items, _, superseded, _ = plan_chat(rows, now=NOW, catch_up_after=CATCH_UP)
    assert len(items) == 4 and superseded == []
