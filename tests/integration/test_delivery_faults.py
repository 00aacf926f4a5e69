"""Delivery under Telegram's faults: nothing lost, nothing sent twice outside the crash window."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlmodel import col, select

from bot.clock import FakeClock
from bot.demo.harness import LocalBot, emulator_for, local_bot
from bot.services.reminders import outbox
from bot.store.models import Enterprise, ReminderRow
from tests.conftest import local
from tests.fakes.group import group_with_bot

NO_RETRY = {"rate_limit_max_retries": 0}  # let RetryAfter reach the outbox instead of sleeping


def delivered(bot: LocalBot, chat_ids: list[int]) -> Counter[str]:
    """How many posted messages carry each confirm button (one per occurrence shown)."""
    seen: Counter[str] = Counter()
    for chat_id in chat_ids:
        for message in bot.emulator.sent(chat_id):
            seen.update(cb for _, cb in message.buttons() if cb and cb.startswith("cf:"))
    return seen


def unrecorded_posts(bot: LocalBot, chat_ids: list[int]) -> int:
    """Reminder messages Telegram received that the outbox has not recorded: duplicates."""
    posted = {
        (chat_id, m.message_id)
        for chat_id in chat_ids
        for m in bot.emulator.sent(chat_id)
        if any((cb or "").startswith("cf:") for _, cb in m.buttons())
    }
    with bot.ctx.session() as s:
        recorded = set(
            s.exec(
                select(Enterprise.chat_id, ReminderRow.message_id)
                .join(Enterprise, col(Enterprise.id) == col(ReminderRow.enterprise_id))
                .where(ReminderRow.state == "sent")
            ).all()
        )
    return len(posted - recorded)


def states(bot: LocalBot) -> Counter[str]:
    with bot.ctx.session() as s:
        return Counter(s.exec(select(ReminderRow.state)).all())


async def test_429_storm_is_waited_out_and_nothing_is_lost(
    database_url: str, clock: FakeClock
) -> None:
    async with local_bot(database_url=database_url, clock=clock, **NO_RETRY) as bot:
        group = await group_with_bot(bot)
        await group.setup()
        bot.emulator.inject_error(
            "sendMessage",
            error_code=429,
            description="Too Many Requests: retry after 30",
            retry_after=30,
            times=3,
            chat_id=group.chat_id,
        )
        first = await bot.tick_at(local(2026, 12, 2, 9, 0))
        assert first.retried > 0 and first.sent == 0
        second = await bot.tick_at(
            local(2026, 12, 2, 9, 0) + dt.timedelta(seconds=10)
        )  # before retry_after: still waiting
        assert second.sent == 0
        for minute in (1, 2, 3):
            await bot.tick_at(local(2026, 12, 2, 9, minute))
        assert states(bot)["claimed"] == 0
        assert max(delivered(bot, [group.chat_id]).values()) == 1


async def test_group_migration_moves_the_enterprise_and_delivers(bot: LocalBot) -> None:
    emu = bot.emulator
    admin = emu.create_user("张主任")
    chat = emu.create_group("老群", admins=[admin], supergroup=False)
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=admin)
    await emu.wait_for_message(chat["id"], after=after)
    emu.send_text(chat, admin, "/setup 危险化学品 某某化工有限公司")
    await emu.wait_for_message(chat["id"], lambda m: "登记" in (m.text or ""))
    new_chat = emu.migrate_to_supergroup(chat)
    await bot.tick_at(local(2026, 12, 2, 9, 0))  # may hit the old id first: ChatMigrated
    await bot.tick_at(local(2026, 12, 2, 9, 1))
    with bot.ctx.session() as s:
        enterprise = s.exec(select(Enterprise)).one()
    assert enterprise.chat_id == new_chat["id"] and enterprise.active
    assert delivered(bot, [new_chat["id"]]) and not delivered(bot, [chat["id"]])


async def test_removed_bot_stops_sending(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    bot.emulator.remove_bot_from_group(group.chat, by=group.admin)
    await bot.emulator.wait_for(lambda: not _active(bot, group.chat_id))
    before = len(bot.emulator.sent(group.chat_id))
    await bot.tick_at(local(2026, 12, 2, 9, 0))
    assert len(bot.emulator.sent(group.chat_id)) == before


async def test_kicked_without_notice_deactivates_on_403(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    bot.emulator.inject_error(
        "sendMessage",
        error_code=403,
        description="Forbidden: bot was kicked from the supergroup chat",
        times=1,
        chat_id=group.chat_id,
    )
    report = await bot.tick_at(local(2026, 12, 2, 9, 0))
    assert report.failed > 0 and not _active(bot, group.chat_id)


def _active(bot: LocalBot, chat_id: int) -> bool:
    with bot.ctx.session() as s:
        enterprise = s.exec(select(Enterprise).where(Enterprise.chat_id == chat_id)).one()
    return enterprise.active


async def test_crash_after_send_before_record_duplicates_at_most_once(
    database_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documented window: a dispatcher that dies between Telegram's answer and the commit
    leaves its claim; after the lease the reminder is sent again — once more, never lost."""
    async with local_bot(database_url=database_url, clock=clock) as bot:
        group = await group_with_bot(bot)
        await group.setup()
        real = outbox.mark_sent_many

        def crash(*args: object, **kwargs: object) -> None:
            raise RuntimeError("process died before recording the send")

        monkeypatch.setattr(outbox, "mark_sent_many", crash)
        with pytest.raises(RuntimeError):
            await bot.tick_at(local(2026, 12, 2, 9, 0))
        monkeypatch.setattr(outbox, "mark_sent_many", real)
        await bot.tick_at(local(2026, 12, 2, 9, 1))  # within the lease: not claimed again
        assert max(delivered(bot, [group.chat_id]).values()) == 1
        lease = dt.timedelta(seconds=bot.ctx.settings.claim_lease_seconds)
        await bot.tick_at(local(2026, 12, 2, 9, 0) + lease + dt.timedelta(seconds=1))
        assert (
            unrecorded_posts(bot, [group.chat_id]) == 1
        )  # the crash window: one duplicate message
        assert states(bot)["claimed"] == 0


async def test_fault_run_with_restart_loses_nothing(
    database_url: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ten groups over December with 429s, 5xx and a restart in the middle; every reminder
    that came due is delivered exactly once, and confirmations stick."""
    emulator = emulator_for(clock)
    await emulator.start()
    chats: list[int] = []
    confirmed = 0
    try:
        async with local_bot(
            database_url=database_url, clock=clock, emulator=emulator, **NO_RETRY
        ) as bot:
            groups = [await group_with_bot(bot) for _ in range(10)]
            for i, group in enumerate(groups):
                await group.setup(name=f"企业{i}")
            chats = [g.chat_id for g in groups]
            emulator.inject_error(
                "sendMessage",
                error_code=429,
                description="Too Many Requests: retry after 5",
                retry_after=5,
                times=4,
            )
            emulator.inject_error("sendMessage", error_code=502, description="Bad Gateway", times=3)
            for day in range(1, 16):
                await bot.tick_at(local(2026, 12, day, 9, 0))
                await bot.tick_at(local(2026, 12, day, 9, 5))
        # down from the 16th to the 20th; restart on the 21st
        async with local_bot(
            database_url=database_url, clock=clock, emulator=emulator, **NO_RETRY
        ) as bot:
            for day in range(21, 32):
                await bot.tick_at(local(2026, 12, day, 9, 0))
                await bot.tick_at(local(2026, 12, day, 9, 5))
                for chat_id in chats[:3]:
                    last = bot.emulator.sent(chat_id)[-1]
                    for _, cb in last.buttons()[:1]:
                        if cb and cb.startswith("cf:"):
                            cq = bot.emulator.press_button(
                                {"id": chat_id},
                                {"id": 1001, "first_name": "x"},
                                last.message_id,
                                data=cb,
                            )
                            answer = await bot.emulator.wait_for_callback_answer(cq)
                            confirmed += "已确认" in answer.get("text", "")
            duplicates = unrecorded_posts(bot, chats)
            final = states(bot)
            with bot.ctx.session() as s:
                due_not_sent = s.exec(
                    select(ReminderRow).where(
                        col(ReminderRow.fire_at) <= clock.now(), ReminderRow.state == "pending"
                    )
                ).all()
    finally:
        await emulator.stop()
    with capsys.disabled():
        print(
            f"\nfault run: sent={final['sent']} superseded={final['superseded']} skipped={final['skipped']} "
            f"confirmed={confirmed} lost={len(due_not_sent)} duplicated={duplicates}"
        )
    assert due_not_sent == [] and final["claimed"] == 0
    assert duplicates == 0
    assert confirmed > 0
