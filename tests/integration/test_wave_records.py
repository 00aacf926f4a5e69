"""A wave's sends recorded together: one statement for the sends that complete together,
still fenced by the claim's token, each send's record written before its caller goes on."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.bootstrap import build_context
from bot.clock import FakeClock
from bot.config import Settings
from bot.services.context import AppContext
from bot.services.reminders import outbox
from bot.services.reminders.claims import Claim, Heartbeat
from bot.services.reminders.dispatch_types import DispatchReport, OfficerNotice, OutgoingReminder
from bot.services.reminders.outcomes import Recorder
from bot.store.models import Enterprise, ReminderRow, ReminderState
from tests.unit.test_outbox import LEASE, NOW, add_reminders, claim


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    s = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'records.db'}")
    return build_context(s, FakeClock(NOW))


@contextmanager
def updates_of_reminders(ctx: AppContext) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE REMINDER"):
            seen.append(statement)

    event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(ctx.engine, "before_cursor_execute", count)


def three_chats(ctx: AppContext) -> tuple[list[list[int]], Claim]:
    """Two reminders in each of three chats, all claimed by one wave."""
    chats = [add_reminders(ctx, [-5, -5], chat_id=-100 - n) for n in range(3)]
    wave = Claim.new(expires=NOW + LEASE)
    with ctx.session() as session:
        wave.held.update(claim(session, NOW, wave.token))
    return chats, wave


def rows(ctx: AppContext) -> dict[int, ReminderRow]:
    with ctx.session() as session:
        return {r.id or 0: r for r in session.exec(select(ReminderRow))}


def enterprise(ctx: AppContext, chat_id: int) -> Enterprise:
    with ctx.session() as session:
        return session.exec(select(Enterprise).where(Enterprise.chat_id == chat_id)).one()


class Unused:
    """A notifier these tests never reach (they record sends, they do not make them)."""

    async def send_reminder(self, outgoing: OutgoingReminder) -> int:
        raise AssertionError("not sending here")

    async def notify_officer(self, enterprise: Enterprise, notice: OfficerNotice) -> None:
        raise AssertionError("not telling anyone here")


def recorder(ctx: AppContext, wave: Claim) -> Recorder:
    return Recorder(ctx, Unused(), wave, DispatchReport())


async def test_sends_posted_together_are_recorded_in_one_statement(ctx: AppContext) -> None:
    chats, wave = three_chats(ctx)
    record = recorder(ctx, wave)
    with updates_of_reminders(ctx) as seen:
        await asyncio.gather(
            *(
                record.record_sent(enterprise(ctx, -100 - n), ids, 500 + n)
                for n, ids in enumerate(chats)
            )
        )
    assert len(seen) == 1
    after = rows(ctx)
    for n, ids in enumerate(chats):
        assert {after[i].state for i in ids} == {ReminderState.SENT.value}
        assert {after[i].message_id for i in ids} == {500 + n}, "each chat its own message"
    assert record.report.sent == 6 and record.report.messages == 3 and not wave.held


async def test_a_row_another_dispatcher_took_is_not_recorded_and_is_reported_lost(
    ctx: AppContext,
) -> None:
    chats, wave = three_chats(ctx)
    taken = chats[1][0]
    with ctx.session() as session:  # the lease ran out and another dispatcher claimed it
        outbox.release(session, [taken], token=wave.token)
        assert claim(session, NOW, "other") == [taken]
    record = recorder(ctx, wave)
    await asyncio.gather(
        *(
            record.record_sent(enterprise(ctx, -100 - n), ids, 500 + n)
            for n, ids in enumerate(chats)
        )
    )
    after = rows(ctx)
    assert after[taken].state == ReminderState.CLAIMED.value and after[taken].message_id is None
    assert after[taken].claim_token == "other", "the other claim's row is left alone"
    assert record.report.sent == 5 and record.report.lost == 1


async def test_the_heartbeat_neither_renews_nor_loses_rows_being_recorded(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    chats, wave = three_chats(ctx)
    record = recorder(ctx, wave)
    heartbeat = Heartbeat(ctx, wave, on_lost=record.lost)
    real, loop = outbox.mark_sent_many, asyncio.get_running_loop()

    def written_then_heartbeat(*args: Any, **kwargs: Any) -> set[int]:
        kept = real(*args, **kwargs)  # committed: the rows are "sent" now
        loop.call_soon_threadsafe(heartbeat.beat)  # the heartbeat's turn comes right now
        return kept

    monkeypatch.setattr(outbox, "mark_sent_many", written_then_heartbeat)
    await record.record_sent(enterprise(ctx, -100), chats[0], 500)
    assert record.report.lost == 0 and record.report.sent == 2, "sent, not taken by another"
    assert wave.held == set(chats[1] + chats[2]), "the rest of the wave is still renewed"


async def test_a_record_that_fails_fails_every_send_waiting_for_it(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    chats, wave = three_chats(ctx)

    def database_gone(*_args: object, **_kwargs: object) -> set[int]:
        raise RuntimeError("database gone")

    monkeypatch.setattr(outbox, "mark_sent_many", database_gone)
    record = recorder(ctx, wave)
    outcomes = await asyncio.gather(
        *(
            record.record_sent(enterprise(ctx, -100 - n), ids, 500 + n)
            for n, ids in enumerate(chats)
        ),
        return_exceptions=True,
    )
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert {r.state for r in rows(ctx).values()} == {ReminderState.CLAIMED.value}
    lease_end = min(r.claimed_until for r in rows(ctx).values() if r.claimed_until)
    assert lease_end.replace(tzinfo=dt.UTC) >= NOW, "left claimed: sent again after the lease"
