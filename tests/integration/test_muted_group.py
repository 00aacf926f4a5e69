"""A group that mutes the bot: the enterprise stays, reminders are held, one catch-up digest.

Telegram answers 400 "not enough rights to send text messages to the chat" to a bot that a
group restricted. That used to deactivate the enterprise for good. Now the reminders are held
with backoff and go out once, as a catch-up digest, when the bot may write again: after the
``my_chat_member`` update that lifts the restriction, or after a try that gets through.
"""

from __future__ import annotations

import datetime as dt
import itertools

from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.services.reminders.mutes import Backoff
from bot.services.reminders.outbox_stats import outbox_stats
from bot.store.models import Enterprise, OccurrenceRow, ReminderRow
from tests.conftest import local
from tests.fakes.group import Group, group_with_bot

CATCH_UP = "无法发言期间"  # the catch-up digest's note
MUTED_NOTICE = "禁止了我发言"  # the officer's private notice


def enterprise(bot: LocalBot, chat_id: int) -> Enterprise:
    with bot.ctx.session() as s:
        return s.exec(select(Enterprise).where(Enterprise.chat_id == chat_id)).one()


def held_occurrences(bot: LocalBot) -> dict[int, str]:
    """Occurrence id -> obligation of every reminder held for a mute right now."""
    with bot.ctx.session() as s:
        rows = s.exec(
            select(ReminderRow, OccurrenceRow)
            .join(OccurrenceRow, OccurrenceRow.id == ReminderRow.occurrence_id)  # type: ignore[arg-type]
            .where(ReminderRow.last_error == "muted", ReminderRow.state == "claimed")
        ).all()
    return {o.id or 0: o.obligation_id for _, o in rows}


def obligation_of(bot: LocalBot, occurrence_id: int) -> str:
    with bot.ctx.session() as s:
        occ = s.get(OccurrenceRow, occurrence_id)
    assert occ is not None
    return occ.obligation_id


def shown(message: BotMessage) -> set[int]:
    return {int(cb[3:]) for _, cb in message.buttons() if cb and cb.startswith("cf:")}


def refused_sends(bot: LocalBot, chat_id: int) -> int:
    return sum(
        1
        for c in bot.emulator.calls
        if c.method == "sendMessage" and c.status == 400 and c.params.get("chat_id") == chat_id
    )


async def officer_for(group: Group) -> dict:  # type: ignore[type-arg]
    """The worker, named safety officer, with a private chat the bot may write to."""
    emu = group.bot.emulator
    officer = group.worker
    emu.send_text(emu.private_chat(officer), officer, "/start")
    await emu.wait_for_message(officer["id"])
    await group.say(officer, "/join", expect="名单")
    await group.say(group.admin, "/officer @wang", expect="安全管理员")
    return officer


def notices(bot: LocalBot, user_id: int) -> list[BotMessage]:
    return [m for m in bot.emulator.sent(user_id) if MUTED_NOTICE in (m.text or "")]


async def test_muted_then_unmuted_group_gets_one_catch_up_digest(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu, chat_id = bot.emulator, group.chat_id
    officer = await officer_for(group)
    await bot.tick_at(local(2026, 12, 1, 9, 0))
    assert shown(emu.sent(chat_id)[-1]), "the first reminders arrive while the bot may write"

    emu.mute_bot(group.chat, by=group.admin)  # my_chat_member: member -> restricted
    await emu.wait_for(lambda: notices(bot, officer["id"]))
    assert enterprise(bot, chat_id).muted_at is not None
    after = emu.cursor(chat_id)
    for day in (2, 3, 4):  # daily duties fall due; held ones are tried again with backoff
        for hour in (9, 13, 17):
            await bot.tick_at(local(2026, 12, day, hour, 0))
            assert enterprise(bot, chat_id).active, "a mute must never deactivate"
    assert emu.cursor(chat_id) == after and refused_sends(bot, chat_id) > 0
    held = held_occurrences(bot)
    assert "daily-control" in held.values()
    with bot.ctx.session() as s:  # held, not late: no lag alert for a muted group
        assert outbox_stats(s, now=bot.clock.now()).due == 0

    emu.unmute_bot(group.chat, by=group.admin)  # my_chat_member: restricted -> member
    await emu.wait_for(lambda: enterprise(bot, chat_id).muted_at is None)
    await bot.tick_at(local(2026, 12, 4, 17, 5))
    await bot.tick_at(local(2026, 12, 4, 17, 6))  # once: nothing more
    new = [m for m in emu.sent(chat_id) if m.message_id > after]
    assert len(new) == 1 and CATCH_UP in (new[0].text or "")
    digest = shown(new[0])
    assert digest <= set(held), "the digest shows the held reminders"
    assert {obligation_of(bot, o) for o in digest} == set(held.values())  # latest of each
    assert held_occurrences(bot) == {}
    assert len(notices(bot, officer["id"])) == 1, "the officer is told once per mute"
    due = await group.say(group.admin, "/due", expect="待办")
    assert shown(due), "/due still lists the enterprise's duties"
    assert enterprise(bot, chat_id).active


async def test_mute_found_by_a_refused_send_backs_off_and_a_later_try_resumes(
    bot: LocalBot,
) -> None:
    """No update when the group's default permissions forbid members to write: the 400 tells.
    Nobody is named safety officer, so whoever registered the group is told."""
    group = await group_with_bot(bot)
    await group.setup()
    emu, chat_id, admin = bot.emulator, group.chat_id, group.admin
    emu.send_text(emu.private_chat(admin), admin, "/start")
    await emu.wait_for_message(admin["id"])
    await bot.tick_at(local(2026, 12, 1, 9, 0))
    emu.mute_bot(group.chat, by=admin, announce=False)
    after = emu.cursor(chat_id)
    tries: list[dt.datetime] = []
    moment = local(2026, 12, 1, 9, 30)
    while moment < local(2026, 12, 3, 9, 0):  # two days of ticks every 30 minutes
        before = refused_sends(bot, chat_id)
        await bot.tick_at(moment)
        if refused_sends(bot, chat_id) > before:
            tries.append(moment)
        moment += dt.timedelta(minutes=30)
    gaps = [b - a for a, b in itertools.pairwise(tries)]
    assert len(tries) >= 5 and gaps == sorted(gaps), "the wait between tries grows"
    cap = Backoff.from_settings(bot.ctx.settings).cap
    assert gaps[-1] <= cap + dt.timedelta(minutes=30), "and is capped"
    assert len(tries) < 96 / 4
    assert emu.cursor(chat_id) == after and enterprise(bot, chat_id).active
    assert {c.description for c in emu.calls if c.status == 400} == {
        "Bad Request: not enough rights to send text messages to the chat"
    }
    await emu.wait_for(lambda: notices(bot, admin["id"]))

    emu.unmute_bot(group.chat, by=admin, announce=False)
    retry_at = enterprise(bot, chat_id).mute_retry_at
    assert retry_at is not None
    await bot.tick_at(retry_at - dt.timedelta(minutes=1))  # not yet: still held
    assert emu.cursor(chat_id) == after
    await bot.tick_at(retry_at)
    await bot.tick_at(retry_at + dt.timedelta(minutes=1))
    new = [m for m in emu.sent(chat_id) if m.message_id > after]
    assert len(new) == 1 and CATCH_UP in (new[0].text or "")
    assert enterprise(bot, chat_id).muted_at is None
    assert len(notices(bot, admin["id"])) == 1
