"""What one ✅ press costs the database: a repeated press reads once and writes nothing.

Button presses are the bot's busiest updates (a morning of thousands of groups); each query
saved is latency saved for everyone pressing. Counted on the real press path. Updates are
handled one at a time, so once a later press is answered, every earlier one is finished.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot.demo.harness import LocalBot
from tests.fakes.group import Group
from tests.integration.test_digest import digest_at, registered
from tests.integration.test_reminders import occurrence


@contextmanager
def statements(bot: LocalBot) -> Iterator[list[str]]:
    """The SQL statements run meanwhile (their first word: SELECT, INSERT, …)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(bot.ctx.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(bot.ctx.engine, "before_cursor_execute", count)


async def tap(group: Group, user: dict[str, Any], message_id: int, data: str) -> str:
    """Press a button as a client shows it (maybe already gone from the message); the answer."""
    emu = group.bot.emulator
    answer = await emu.wait_for_callback_answer(emu.press_raw(group.chat, user, message_id, data))
    return str(answer.get("text", ""))


async def test_a_repeated_press_reads_once_and_writes_nothing(bot: LocalBot) -> None:
    group = await registered(bot)
    [digest] = await digest_at(bot, group, 2)
    daily = f"cf:{occurrence(bot, 'daily-control', '2026-12-02').id}"
    await tap(group, group.worker, digest.message_id, daily)
    await tap(group, group.admin, digest.message_id, daily)  # the first one is finished now
    with statements(bot) as seen:
        answer = await tap(group, group.worker, digest.message_id, daily)
    assert "无需重复" in answer
    assert seen == ["SELECT"]  # six statements before issue 18


async def test_a_first_press_queries_the_message_once(bot: LocalBot) -> None:
    group = await registered(bot)
    [digest] = await digest_at(bot, group, 2)
    daily = f"cf:{occurrence(bot, 'daily-control', '2026-12-02').id}"
    with statements(bot) as seen:
        await tap(group, group.worker, digest.message_id, daily)  # answer, edit, prompt
        await tap(group, group.admin, digest.message_id, daily)  # one SELECT, once it is done
    # confirmation, occurrence done, the prompt remembered; the message's rows read once
    assert seen.count("INSERT") == 2 and seen.count("UPDATE") == 1
    assert len(seen) <= 10, seen  # 23 before issue 18 (the message read three times)
