"""Materialization: incremental from what is stored, plans shared per profile, bulk inserts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import SQLModel, col, select

from bot.bootstrap import build_context
from bot.clock import FakeClock
from bot.config import Settings
from bot.services.context import AppContext
from bot.services.reminders import materialize as materializing
from bot.services.reminders.materialize import materialize, materialize_stale
from bot.services.reminders.plan import PlanCache
from bot.store.models import DisabledObligation, Enterprise, OccurrenceRow, ReminderRow
from bot.store.upsert import COPY_MIN_ROWS, insert_ignore, insert_ignore_by_key
from tests.conftest import local

HORIZON = 45
DAY1 = local(2027, 1, 14, 7, 0)  # the horizon ends on Sunday 28 February …
DAY2 = local(2027, 1, 15, 7, 0)  # … and the next day's run adds Monday 1 March: a new
OPENS = dt.date(2027, 3, 1)  # day, week and month at once


@pytest.fixture
def ctx(database_url: str) -> AppContext:
    return build_context(Settings(_env_file=None, database_url=database_url), FakeClock(DAY1))


def enterprise(ctx: AppContext, chat_id: int, *, created_at: dt.datetime = DAY1) -> int:
    with ctx.session() as session:
        row = Enterprise(
            chat_id=chat_id, name="某化工", sector="hazardous_chemicals", high_risk=True,
            region="hubei", created_by=1, created_at=created_at,
        )  # fmt: skip
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def run(ctx: AppContext, now: dt.datetime, cache: PlanCache | None = None) -> int:
    with ctx.session() as session:
        return materialize_stale(
            session, catalog=ctx.catalog, calendar=ctx.calendar, now=now,
            horizon_days=HORIZON, cache=cache,
        )  # fmt: skip


def stored(ctx: AppContext, enterprise_id: int) -> tuple[dict[str, Any], set[tuple[str, str, Any]]]:
    """(occurrences by key, reminders as (key, kind, fire_at)) of one enterprise."""
    with ctx.session() as session:
        occurrences = {
            o.key: o
            for o in session.exec(
                select(OccurrenceRow).where(OccurrenceRow.enterprise_id == enterprise_id)
            )
        }
        by_id = {o.id: o for o in occurrences.values()}
        reminders = set()
        for r in session.exec(
            select(ReminderRow).where(ReminderRow.enterprise_id == enterprise_id)
        ):
            assert r.occurrence_id in by_id, "a reminder of another enterprise's occurrence"
            reminders.add((by_id[r.occurrence_id].key, r.kind, r.fire_at))
    return occurrences, reminders


def test_the_next_days_run_writes_exactly_the_windows_opening_that_day(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = enterprise(ctx, -1, created_at=DAY1 - dt.timedelta(days=60))
    assert run(ctx, DAY1) == 1
    before_occ, before_rem = stored(ctx, first)
    assert run(ctx, DAY1 + dt.timedelta(hours=12)) == 0, "nothing to do later the same day"

    written: list[int] = []

    def counting(session: Any, table: Any, rows: Any, **kw: Any) -> None:
        written.append(len(rows))
        (insert_ignore if table.name == "occurrence" else insert_ignore_by_key)(
            session, table, rows, **kw
        )

    monkeypatch.setattr(materializing, "insert_ignore", counting)
    monkeypatch.setattr(materializing, "insert_ignore_by_key", counting)
    assert run(ctx, DAY2) == 1
    after_occ, after_rem = stored(ctx, first)
    new_occ = {k: o for k, o in after_occ.items() if k not in before_occ}
    new_rem = after_rem - before_rem
    assert before_rem <= after_rem and set(before_occ) <= set(after_occ)
    assert {o.window_start for o in new_occ.values()} == {OPENS}
    labels = {(o.obligation_id, o.label) for o in new_occ.values()}
    assert {("daily-control", "2027-03-01"), ("weekly-check", "2027-W09")} <= labels
    assert ("leader-inspection", "2027-03") in labels
    assert {key for key, _, _ in new_rem} == set(new_occ)
    assert written == [len(new_occ), len(new_rem)], "only the new day's rows were sent to the db"

    # The same rows as an enterprise of the same profile materialized in one go on day 2.
    fresh = enterprise(ctx, -2, created_at=DAY1 - dt.timedelta(days=60))
    monkeypatch.undo()
    run(ctx, DAY2)
    fresh_occ, fresh_rem = stored(ctx, fresh)
    lookback = DAY2.date() - dt.timedelta(days=materializing.LOOKBACK_DAYS)
    kept = {k for k, o in after_occ.items() if o.window_end >= lookback}
    assert kept == set(fresh_occ)
    assert {r for r in after_rem if r[0] in kept} == fresh_rem


def test_one_plan_per_profile_and_each_enterprise_gets_its_own_rows(ctx: AppContext) -> None:
    now = local(2027, 4, 20, 11, 0)  # a Tuesday; June's 安全生产月 opens within the horizon
    old = enterprise(ctx, -1, created_at=now - dt.timedelta(days=60))
    new = enterprise(ctx, -2, created_at=local(2027, 4, 20, 10, 0))  # registered at 10:00
    with ctx.session() as session:
        session.add(
            DisabledObligation(
                enterprise_id=new, obligation_id="safety-month", disabled_by=1, disabled_at=now
            )
        )
        session.commit()
    cache = PlanCache(ctx.catalog, ctx.calendar)
    assert run(ctx, now, cache) == 2
    assert cache.computed == 1, "both enterprises share one profile: one plan"
    old_occ, old_rem = stored(ctx, old)
    new_occ, new_rem = stored(ctx, new)
    assert not {o.id for o in old_occ.values()} & {o.id for o in new_occ.values()}
    today = "daily-control/-/2027-04-20"  # due 18:00: both have it, but only the enterprise
    assert today in old_occ and today in new_occ  # registered before 08:00 gets its digest
    assert (today, "due", local(2027, 4, 20, 8, 0)) in old_rem
    assert new_rem and not any(fire < local(2027, 4, 20, 10, 0) for _, _, fire in new_rem)
    assert "safety-month/-/2027" in old_occ
    assert "safety-month/-/2027" not in new_occ, "switched off there only"
    assert not any(o.window_end < dt.date(2027, 4, 20) for o in new_occ.values())
    assert any(o.window_end < dt.date(2027, 4, 20) for o in old_occ.values())


def test_a_yearly_window_is_stored_from_its_first_day_not_only_near_its_end(
    ctx: AppContext,
) -> None:
    ent = enterprise(ctx, -1, created_at=local(2027, 3, 1, 9, 0))
    run(ctx, local(2027, 3, 1, 9, 0))
    occurrences, reminders = stored(ctx, ent)
    yearly = occurrences["responsibility-review/-/2027"]  # due 31 December
    assert yearly.window_start == dt.date(2027, 1, 1)
    assert ("responsibility-review/-/2027", "lead-30") in {(k, kind) for k, kind, _ in reminders}
    assert not any(o.window_start > dt.date(2027, 4, 15) for o in occurrences.values())


def test_a_stop_between_commits_leaves_the_rest_to_the_next_run(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = enterprise(ctx, -1), enterprise(ctx, -2)
    monkeypatch.setattr(materializing, "ROWS_PER_COMMIT", 1)
    with ctx.session() as session:
        done = materialize_stale(
            session, catalog=ctx.catalog, calendar=ctx.calendar, now=DAY1,
            horizon_days=HORIZON, stopping=lambda: True,
        )  # fmt: skip
    assert done == 1 and stored(ctx, first)[0] and not stored(ctx, second)[0]
    assert run(ctx, DAY1) == 1 and stored(ctx, second)[0]


def test_materializing_one_enterprise_is_incremental_too(ctx: AppContext) -> None:
    ent = enterprise(ctx, -1)
    args: dict[str, Any] = {"catalog": ctx.catalog, "calendar": ctx.calendar}
    with ctx.session() as session:
        row = session.get(Enterprise, ent)
        assert row is not None
        assert materialize(session, row, now=DAY1, horizon_days=HORIZON, **args) > 0
        assert row.materialized_until == DAY1.date() + dt.timedelta(days=HORIZON)
        assert materialize(session, row, now=DAY1, horizon_days=HORIZON, **args) == 0
        assert 0 < materialize(session, row, now=DAY2, horizon_days=HORIZON, **args) < 50


def test_bulk_inserts_skip_what_exists_and_join_children_by_key(ctx: AppContext) -> None:
    """Large enough for PostgreSQL's COPY path; the same result as row by row."""
    ent = enterprise(ctx, -1)
    occurrence = SQLModel.metadata.tables["occurrence"]
    reminder = SQLModel.metadata.tables["reminder"]
    due = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    rows = [
        {
            "enterprise_id": ent, "key": f"k{n}", "obligation_id": "daily-control", "area": None,
            "label": f"{n}", "window_start": DAY1.date(), "window_end": DAY1.date(),
            "due_at": due + dt.timedelta(minutes=n), "quota": 1, "status": "open",
        }
        for n in range(COPY_MIN_ROWS + 10)
    ]  # fmt: skip
    children = [
        {
            "enterprise_id": ent, "key": f"k{n}", "kind": "due",
            "fire_at": due + dt.timedelta(minutes=n), "state": "pending", "attempts": 0,
            "failures": 0,
        }
        for n in range(COPY_MIN_ROWS + 10)
    ]  # fmt: skip
    children.append(dict(children[0], key="missing"))  # no such occurrence: not written
    with ctx.session() as session:
        insert_ignore(session, occurrence, rows[:10])
        insert_ignore(session, occurrence, rows)  # the first ten exist already
        keyed = {"parent": occurrence, "fk": "occurrence_id", "key": ("enterprise_id", "key")}
        insert_ignore_by_key(session, reminder, children[:5], **keyed)
        insert_ignore_by_key(session, reminder, children, **keyed)
        session.commit()
        pairs = session.exec(
            select(OccurrenceRow.key, ReminderRow.fire_at).join(
                ReminderRow, col(ReminderRow.occurrence_id) == col(OccurrenceRow.id)
            )
        ).all()
    assert len(pairs) == len(rows)
    assert all(fire == due + dt.timedelta(minutes=int(key[1:])) for key, fire in pairs)
    assert all(fire.tzinfo is not None for _, fire in pairs)


def test_a_profile_changed_during_a_run_is_not_overwritten_by_it(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/region while the tick's thread computes: that run writes nothing for the enterprise
    and leaves its horizon reset, so the next run writes the new profile."""
    changed, unchanged = enterprise(ctx, -1), enterprise(ctx, -2)
    read = materializing._stale

    def read_then_region_changes(*args: Any) -> Any:
        rows = read(*args)
        with ctx.session() as session:  # what /region commits meanwhile
            row = session.get(Enterprise, changed)
            assert row is not None
            row.region, row.materialized_until = "xinzhou", None
            session.add(row)
            session.commit()
        return rows

    monkeypatch.setattr(materializing, "_stale", read_then_region_changes)
    assert run(ctx, DAY1) == 1
    assert stored(ctx, unchanged)[0] and not stored(ctx, changed)[0]
    monkeypatch.undo()
    assert run(ctx, DAY1) == 1
    occurrences, _ = stored(ctx, changed)
    assert "responsibility-review/-/2027" in occurrences  # Xinzhou's: due by the end of March
    assert occurrences["responsibility-review/-/2027"].window_end == dt.date(2027, 3, 31)
