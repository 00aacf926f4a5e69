"""What the reliability tests count: reminders delivered, duplicated, lost; API calls that failed.

Counting is done from both sides: what the emulator (Telegram) received and what the outbox
recorded, so a message Telegram got but the database never heard of shows up as a duplicate.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import MetaData, select
from sqlmodel import SQLModel, col

from bot.demo.harness import LocalBot
from bot.emulator import BotApiEmulator
from bot.store.db import make_engine, upgrade
from bot.store.models import Enterprise, ReminderRow
from tests.conftest import SHANGHAI
from tests.fakes.group import Group, group_with_bot

JSON = dict[str, Any]


def confirm_buttons(bot: LocalBot, chat_id: int) -> Counter[str]:
    """How many posted messages carry each ✅ button: one per occurrence shown."""
    seen: Counter[str] = Counter()
    for message in bot.emulator.sent(chat_id):
        seen.update(cb for _, cb in message.buttons() if cb and cb.startswith("cf:"))
    return seen


def reminder_posts(bot: LocalBot, chat_ids: list[int]) -> set[tuple[int, int]]:
    """(chat, message id) of every reminder message Telegram received (those carry ✅ buttons)."""
    return {
        (chat_id, m.message_id)
        for chat_id in chat_ids
        for m in bot.emulator.sent(chat_id)
        if any((cb or "").startswith("cf:") for _, cb in m.buttons())
    }


def recorded_posts(bot: LocalBot) -> set[tuple[int, int]]:
    with bot.ctx.session() as s:
        rows = s.exec(
            select(Enterprise.chat_id, ReminderRow.message_id)  # type: ignore[call-overload]
            .join(Enterprise, col(Enterprise.id) == col(ReminderRow.enterprise_id))
            .where(ReminderRow.state == "sent")
        ).all()
    return {(int(c), int(m)) for c, m in rows}


def duplicates(bot: LocalBot, chat_ids: list[int]) -> int:
    """Reminder messages Telegram received that the outbox did not record as its send."""
    return len(reminder_posts(bot, chat_ids) - recorded_posts(bot))


def states(bot: LocalBot) -> Counter[str]:
    with bot.ctx.session() as s:
        return Counter(s.exec(select(ReminderRow.state)).scalars().all())  # type: ignore[call-overload]


def lost(bot: LocalBot, now: dt.datetime) -> int:
    """Reminders that came due and are neither sent nor settled (skipped, superseded, failed)."""
    with bot.ctx.session() as s:
        rows = s.exec(
            select(ReminderRow.id).where(  # type: ignore[call-overload]
                col(ReminderRow.fire_at) <= now,
                col(ReminderRow.state).in_(["pending", "claimed"]),
            )
        ).all()
    return len(rows)


def failed_calls(emu: BotApiEmulator, method: str | None = None) -> int:
    """Bot API calls that Telegram (the emulator) answered with an error: injected faults."""
    return sum(
        1 for c in emu.calls if not c.ok and c.method != "getUpdates" and method in (None, c.method)
    )


async def registered_group(
    bot: LocalBot, name: str, *, sector: str = "危险化学品", language_code: str = "zh-hans"
) -> Group:
    group = await group_with_bot(bot, language_code=language_code)
    await group.setup(sector, name)
    return group


def snapshot(bot: LocalBot) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table: two equal snapshots mean nothing changed."""
    meta: MetaData = SQLModel.metadata
    out: dict[str, set[tuple[Any, ...]]] = {}
    with bot.ctx.engine.connect() as conn:
        for table in meta.sorted_tables:
            out[table.name] = {tuple(r) for r in conn.execute(select(table))}
    return out


def changed_tables(before: dict[str, set[Any]], after: dict[str, set[Any]]) -> list[str]:
    return [name for name in after if before.get(name) != after[name]]


def seed_due_reminders(url: str, chat_ids: list[int], now: dt.datetime) -> None:
    """One registered enterprise per chat with one reminder due a minute ago, bulk-inserted
    (a fan-out of thousands without setting each up through Telegram). Their horizon is far
    ahead, so the bot only dispatches and materializes nothing."""
    engine = make_engine(url)
    upgrade(engine)
    tables = SQLModel.metadata.tables
    today = now.astimezone(SHANGHAI).date()
    with engine.begin() as conn:
        conn.execute(
            tables["enterprise"].insert(),
            [
                {"chat_id": c, "name": f"企业{i}", "sector": "hazardous_chemicals",
                 "high_risk": True, "region": "all", "timezone": "Asia/Shanghai",
                 "locale": "zh_CN", "active": True, "created_by": 1001,
                 "created_at": now - dt.timedelta(days=1),
                 "materialized_until": dt.date(2099, 1, 1)}
                for i, c in enumerate(chat_ids)
            ],
        )  # fmt: skip
        ids = dict(
            conn.execute(select(tables["enterprise"].c.chat_id, tables["enterprise"].c.id)).all()
        )
        conn.execute(
            tables["occurrence"].insert(),
            [
                {"enterprise_id": ids[c], "key": f"daily-control/-/{today}",
                 "obligation_id": "daily-control", "area": None, "label": str(today),
                 "window_start": today, "window_end": today, "due_at": now + dt.timedelta(hours=8),
                 "quota": 1, "status": "open"}
                for c in chat_ids
            ],
        )  # fmt: skip
        occurrences = conn.execute(
            select(tables["occurrence"].c.enterprise_id, tables["occurrence"].c.id)
        ).all()
        conn.execute(
            tables["reminder"].insert(),
            [
                {"occurrence_id": o, "enterprise_id": e, "kind": "due",
                 "fire_at": now - dt.timedelta(minutes=1), "state": "pending", "attempts": 0}
                for e, o in occurrences
            ],
        )  # fmt: skip
    engine.dispose()


def outbox_by_chat(url: str) -> dict[int, tuple[str, int | None]]:
    """chat id -> (state, message id) of its one reminder, read with a connection of our own."""
    engine = make_engine(url)
    tables = SQLModel.metadata.tables
    r, e = tables["reminder"], tables["enterprise"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(e.c.chat_id, r.c.state, r.c.message_id).join(e, e.c.id == r.c.enterprise_id)
        ).all()
    engine.dispose()
    return {int(chat): (state, mid) for chat, state, mid in rows}
