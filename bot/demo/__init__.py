"""``safetybot demo``: the real bot on the built-in emulator, a scripted month on a fast clock.

No token and no network: the Bot API emulator listens on loopback, the database is a
temporary SQLite file, and the clock jumps from one scripted moment to the next, running the
scheduler's tick where the JobQueue would.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from dataclasses import dataclass
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlmodel import col, func, select

from bot.clock import FakeClock
from bot.config import Settings
from bot.demo.harness import LocalBot, local_bot
from bot.demo.script import DemoScript, Event, load_script
from bot.demo.transcript import Transcript
from bot.emulator import BotApiEmulator, BotMessage
from bot.store.models import OccurrenceRow, ReminderRow

JSON = dict[str, Any]


def _open_occurrence(bot: LocalBot, obligation: str, day: dt.date) -> int | None:
    with bot.ctx.session() as session:
        occ = session.exec(
            select(OccurrenceRow)
            .where(OccurrenceRow.obligation_id == obligation, OccurrenceRow.window_start <= day)
            .order_by(OccurrenceRow.window_start.desc())  # type: ignore[attr-defined]
        ).first()
    return occ.id if occ else None


async def _edited(emu: BotApiEmulator, chat_id: int, message_id: int, edits: int) -> None:
    """Wait until the bot has edited the message (the confirmation shows in it)."""
    await emu.wait_for(lambda: len(emu.message(chat_id, message_id).edits) > edits)


async def _follow_up(emu: BotApiEmulator, chat_id: int, expect: str, after: int) -> None:
    """Wait for the bot's message containing ``expect`` posted after message ``after``."""
    await emu.wait_for_message(chat_id, lambda m: expect in (m.text or ""), after=after)


def _asks(message: BotMessage) -> bool:
    """A question the bot asked with ForceReply (a hazard's place, a 五落实 answer, …)."""
    return bool((message.reply_markup or {}).get("force_reply"))


def _latest(emu: BotApiEmulator, chat_id: int, event: Event) -> BotMessage:
    for message in reversed(emu.sent(chat_id)):
        if event.do == "vote" and message.poll:
            return message
        labels = [t for t, _ in message.buttons()]
        in_target = not event.target or event.target in (message.text or "")
        if (
            event.do == "press"
            and in_target
            and any(t.startswith(event.text or "") for t in labels)
        ):
            return message
        if event.do == "photo" and event.target and event.target in (message.text or ""):
            return message
        if event.do in ("reply", "photo") and not event.target and _asks(message):
            return message
    raise LookupError(f"demo script: no message for {event}")


async def _interact(emu: BotApiEmulator, event: Event, user: JSON, chat: JSON) -> None:
    """Press a button, vote in the latest quiz poll, or reply (text or photo); wait for the bot."""
    target = _latest(emu, chat["id"], event)
    if event.do == "press":
        label = next(t for t, _ in target.buttons() if t.startswith(event.text or ""))
        after = emu.cursor(chat["id"])
        await emu.wait_for_callback_answer(
            emu.press_button(chat, user, target.message_id, text=label)
        )
        if event.expect:
            await _follow_up(emu, chat["id"], event.expect, after)
        return
    if event.do == "vote":
        poll = target.poll or {}
        right = list(poll.get("correct_option_ids") or [0])
        wrong = [i for i in range(len(poll.get("options", []))) if i not in right][:1]
        emu.answer_poll(str(poll["id"]), user, right if event.answer == "right" else wrong)
        return
    after = emu.cursor(chat["id"])
    if event.do == "reply":
        emu.send_text(chat, user, event.text or "", reply_to=target.message_id)
    else:
        emu.send_photo(chat, user, caption=event.text, reply_to=target.message_id)
    await emu.wait_for_message(chat["id"], after=after)


async def _act(
    bot: LocalBot, event: Event, people: dict[str, JSON], chat: JSON, day: dt.date
) -> None:
    emu = bot.emulator
    user = people[event.who]
    if event.do == "add_bot":
        after = emu.cursor(chat["id"])
        emu.add_bot_to_group(chat, by=user)
        await emu.wait_for_message(chat["id"], after=after)
    elif event.do == "say" and event.text:
        after = emu.cursor(chat["id"])
        emu.send_text(chat, user, event.text)
        wanted = event.expect or ""
        await emu.wait_for_message(
            chat["id"], (lambda m: wanted in (m.text or "")) if wanted else None, after=after
        )
    elif event.do in ("press", "vote", "photo", "reply"):
        await _interact(emu, event, user, chat)
    elif event.do == "start":
        private = emu.private_chat(user)
        after = emu.cursor(private["id"])
        emu.send_text(private, user, "/start")
        await emu.wait_for_message(private["id"], after=after)
    elif event.do == "confirm" and event.obligation:
        await _confirm(bot, event, user, chat, day)


def _carrying(emu: BotApiEmulator, chat_id: int, data: str) -> BotMessage | None:
    return next(
        (m for m in reversed(emu.sent(chat_id)) if any(cb == data for _, cb in m.buttons())),
        None,
    )


async def _confirm(bot: LocalBot, event: Event, user: JSON, chat: JSON, day: dt.date) -> None:
    """Press ✅ for the obligation's current occurrence: on the reminder that shows it, or
    (once a newer digest tidied that one) on /due's list."""
    emu = bot.emulator
    assert event.obligation is not None
    data = f"cf:{_open_occurrence(bot, event.obligation, day)}"
    message = _carrying(emu, chat["id"], data)
    if message is None:
        after = emu.cursor(chat["id"])
        emu.send_text(chat, user, "/due")
        await emu.wait_for_message(chat["id"], after=after)
        message = _carrying(emu, chat["id"], data)
    if message is None:
        raise LookupError(f"demo script: no ✅ for {event.obligation} on {day}")
    edits, after = len(message.edits), emu.cursor(chat["id"])
    await emu.wait_for_callback_answer(emu.press_button(chat, user, message.message_id, data=data))
    await _edited(emu, chat["id"], message.message_id, edits)
    if event.expect:  # a follow-up the press asks for (the evidence prompt)
        await _follow_up(emu, chat["id"], event.expect, after)


def _next_fire(bot: LocalBot, after: dt.datetime) -> dt.datetime | None:
    """When the next pending reminder fires: where the JobQueue's periodic tick would find it."""
    with bot.ctx.session() as session:
        return session.exec(
            select(func.min(ReminderRow.fire_at)).where(
                ReminderRow.state == "pending", col(ReminderRow.fire_at) > after
            )
        ).one()


async def _play(bot: LocalBot, script: DemoScript, tz: ZoneInfo, out: Transcript) -> None:
    emu = bot.emulator
    people = {
        key: emu.create_user(p.first_name, username=p.username, language_code=p.language_code)
        for key, p in script.people.items()
    }
    admins = [people[k] for k, p in script.people.items() if p.admin]
    members = [people[k] for k, p in script.people.items() if not p.admin]
    chat = emu.create_group(script.group, admins=admins, members=members)
    out.watch(chat["id"], people)
    end = dt.datetime.combine(
        script.start + dt.timedelta(days=script.days), dt.time(0, 0), tzinfo=tz
    )
    events = sorted(script.events, key=lambda e: e.moment(tz))
    while True:
        now = bot.clock.now()
        fire = _next_fire(bot, now)
        upcoming_event = events[0].moment(tz) if events else None
        candidates = [t for t in (fire, upcoming_event) if t is not None and t < end]
        if not candidates:
            break
        moment = min(candidates)
        bot.clock.set(moment)
        if upcoming_event is not None and upcoming_event == moment:
            event = events.pop(0)
            out.user_action(moment, event)
            await _act(bot, event, people, chat, moment.astimezone(tz).date())
            out.flush(moment, solicited=True)
        # the JobQueue's tick (every few seconds): what it posts nobody asked for
        await bot.tick()
        out.flush(moment, solicited=False)


@dataclass(frozen=True)
class DemoFigures:
    """What the demo month showed: unsolicited messages per day, and what went unreminded."""

    days: int
    unsolicited: dict[dt.date, int]
    unreminded: list[str]  # keys of occurrences due in the month that no sent reminder named


def _unreminded(bot: LocalBot, first_day: dt.date, end: dt.datetime) -> list[str]:
    """Occurrences due from the registration day until ``end``, and not done before then,
    that no reminder message named."""
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=end.tzinfo)
    with bot.ctx.session() as session:
        due = session.exec(
            select(OccurrenceRow).where(
                col(OccurrenceRow.due_at) >= start, col(OccurrenceRow.due_at) < end
            )
        ).all()
        named = set(
            session.exec(select(ReminderRow.occurrence_id).where(ReminderRow.state == "sent")).all()
        )
    campaigns = bot.ctx.catalog.campaign_ids()
    return sorted(
        o.key
        for o in due
        if o.id not in named and o.obligation_id not in campaigns and o.status != "done"
    )


async def play_demo(*, locale: str = "zh_CN", stream: TextIO = sys.stdout) -> DemoFigures:
    settings = Settings(_env_file=None)
    script = load_script(settings.messages_dir, locale)
    tz = ZoneInfo(settings.bot_timezone)
    clock = FakeClock(dt.datetime.combine(script.start, dt.time(8, 0), tzinfo=tz))
    end = dt.datetime.combine(script.start + dt.timedelta(days=script.days), dt.time(0), tz)
    with tempfile.TemporaryDirectory(prefix="safetybot-demo-") as tmp:
        async with local_bot(
            database_url=f"sqlite:///{tmp}/demo.db", clock=clock, bot_locale=locale
        ) as bot:
            out = Transcript(bot, stream, locale, tz)
            out.header(script)
            await _play(bot, script, tz, out)
            out.footer(script.days)
            unreminded = _unreminded(bot, script.start, end)
    return DemoFigures(script.days, dict(out.unsolicited), unreminded)


async def run_demo(*, locale: str = "zh_CN", stream: TextIO = sys.stdout) -> int:
    await play_demo(locale=locale, stream=stream)
    return 0
