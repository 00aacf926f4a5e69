"""The outbox on its own: claims, leases, fencing tokens, release; and materialization."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from bot.bootstrap import build_context
from bot.clock import FakeClock
from bot.config import Settings
from bot.services.context import AppContext
from bot.services.reminders import outbox
from bot.services.reminders.materialize import materialize
from bot.store.models import Enterprise, OccurrenceRow, ReminderRow, ReminderState

NOW = dt.datetime(2026, 12, 3, 0, 30, tzinfo=dt.UTC)  # 08:30 in Shanghai, a Thursday
LEASE = dt.timedelta(minutes=2)


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    s = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'outbox.db'}")
    return build_context(s, FakeClock(NOW))


def add_reminders(
    ctx: AppContext, fire_offsets_minutes: list[int], *, chat_id: int = -100, kind: str = "due"
) -> list[int]:
    with ctx.session() as session:
        ent = session.exec(select(Enterprise).where(Enterprise.chat_id == chat_id)).first()
        if ent is None:
            ent = Enterprise(
                chat_id=chat_id, name="E", sector="industry_trade", high_risk=False,
                created_by=1, created_at=NOW - dt.timedelta(days=30),
            )  # fmt: skip
            session.add(ent)
            session.flush()
        ids = []
        for i, minutes in enumerate(fire_offsets_minutes):
            occ = OccurrenceRow(
                enterprise_id=ent.id or 0, key=f"k{i}{kind}", obligation_id="daily-control",
                label="x", window_start=NOW.date(), window_end=NOW.date(), due_at=NOW,
            )  # fmt: skip
            session.add(occ)
            session.flush()
            row = ReminderRow(
                occurrence_id=occ.id or 0, enterprise_id=ent.id or 0, kind=kind,
                fire_at=NOW + dt.timedelta(minutes=minutes),
            )  # fmt: skip
            session.add(row)
            session.flush()
            ids.append(row.id or 0)
        session.commit()
        return ids


def claim(session: Session, now: dt.datetime, token: str, limit: int = 100) -> list[int]:
    return outbox.claim_due(session, now=now, worker=token, token=token, lease=LEASE, limit=limit)


def states(ctx: AppContext) -> dict[int, str]:
    with ctx.session() as session:
        return {r.id or 0: r.state for r in session.exec(select(ReminderRow))}


def test_only_due_rows_are_claimed_and_a_claimed_row_is_not_claimed_twice(ctx: AppContext) -> None:
    due, later = add_reminders(ctx, [-5, 30])
    with ctx.session() as session:
        assert claim(session, NOW, "a") == [due]
        assert claim(session, NOW, "b") == [], "a live lease keeps the row with its claimer"
    assert states(ctx) == {due: ReminderState.CLAIMED.value, later: ReminderState.PENDING.value}


def test_an_expired_lease_is_claimed_again_and_the_old_token_records_nothing(
    ctx: AppContext,
) -> None:
    [row] = add_reminders(ctx, [0])
    with ctx.session() as session:
        assert claim(session, NOW, "old") == [row]
        assert claim(session, NOW + LEASE + dt.timedelta(seconds=1), "new") == [row]
        assert outbox.mark_sent(session, [row], token="old", now=NOW, message_id=7) == set()
        assert outbox.mark_sent(session, [row], token="new", now=NOW, message_id=8) == {row}
        assert session.get(ReminderRow, row).message_id == 8  # type: ignore[union-attr]


def test_release_puts_rows_back_for_a_later_claim(ctx: AppContext) -> None:
    [row] = add_reminders(ctx, [0])
    retry = NOW + dt.timedelta(minutes=10)
    with ctx.session() as session:
        claim(session, NOW, "a")
        assert outbox.release(session, [row], token="a", retry_at=retry) == {row}
        assert claim(session, NOW + dt.timedelta(minutes=5), "b") == []
        assert claim(session, retry + dt.timedelta(seconds=1), "b") == [row]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(-60, 60), min_size=1, max_size=12), st.integers(1, 5))
def test_claims_in_batches_take_every_due_row_exactly_once(
    tmp_path_factory: pytest.TempPathFactory, offsets: list[int], batch: int
) -> None:
    s = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path_factory.mktemp('o') / 'o.db'}")
    ctx = build_context(s, FakeClock(NOW))
    ids = add_reminders(ctx, offsets)
    taken: list[int] = []
    with ctx.session() as session:
        while got := claim(session, NOW, f"t{len(taken)}", limit=batch):
            taken += got
    due = {i for i, m in zip(ids, offsets, strict=True) if m <= 0}
    assert sorted(taken) == sorted(due)


def test_a_claim_takes_whole_chats_those_with_something_due_first(ctx: AppContext) -> None:
    """However large the backlog, a chat's items are claimed together (one digest), and a chat
    with only lead-time news waits behind one with something due."""
    news = add_reminders(ctx, [-9, -8, -7], chat_id=-101, kind="lead-7")
    due = add_reminders(ctx, [-1], chat_id=-102) + add_reminders(
        ctx, [-1], chat_id=-102, kind="lead-1"
    )
    with ctx.session() as session:
        assert sorted(claim(session, NOW, "a", limit=1)) == sorted(due)
        assert sorted(claim(session, NOW, "b", limit=1)) == sorted(news)


def test_materialize_twice_writes_nothing_new(ctx: AppContext) -> None:
    with ctx.session() as session:
        ent = Enterprise(
            chat_id=-200, name="E", sector="hazardous_chemicals", high_risk=True, created_by=1,
            created_at=NOW,
        )  # fmt: skip
        session.add(ent)
        session.commit()
        args = {"catalog": ctx.catalog, "calendar": ctx.calendar, "now": NOW, "horizon_days": 45}
        assert materialize(session, ent, **args) > 0
        occurrences = len(session.exec(select(OccurrenceRow)).all())
        reminders = len(session.exec(select(ReminderRow)).all())
        assert occurrences > 0 and reminders > 0
        materialize(session, ent, **args)
        assert len(session.exec(select(OccurrenceRow)).all()) == occurrences
        assert len(session.exec(select(ReminderRow)).all()) == reminders
        due = [o.due_at for o in session.exec(select(OccurrenceRow))]
        assert min(due) >= NOW - dt.timedelta(days=1), "nothing due before registration"
