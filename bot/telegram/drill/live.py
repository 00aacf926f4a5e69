"""Posting a drill, keeping its headcount live without flooding, and closing it with a report.

Telegram allows about 20 messages a minute in a group and edits count; twenty people tapping
"I am at the assembly point" within seconds must not become twenty edits. The headcount is
therefore edited at most once every ``HEADCOUNT_EDIT_INTERVAL`` seconds per drill: a change
inside the interval schedules one trailing edit showing the state of that moment, and an edit
that would show exactly what is already shown is skipped (Telegram answers those with "message
is not modified").
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from sqlmodel import Session
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError

from bot.errors import ChatGone, ChatMoved, RetryLater
from bot.render import Renderer
from bot.services.context import AppContext
from bot.services.drill import drills
from bot.services.drill.queries import DrillSnapshot, open_targets, snapshot
from bot.services.drill.scenarios import load_scenarios
from bot.services.people.credits import credit_drill
from bot.store.drill_models import Drill, DrillStatus
from bot.telegram.drill.views import DrillTexts
from bot.telegram.sending import edit_html, send_html

log = logging.getLogger(__name__)

HEADCOUNT_EDIT_INTERVAL = 3.0  # seconds between two edits of one drill's headcount
EDITOR_KEY = "drill_headcount_editor"

TaskStarter = Callable[[Coroutine[Any, Any, None]], object]


def texts_for(ctx: AppContext, renderer: Renderer, locale: str) -> DrillTexts:
    return DrillTexts(renderer, load_scenarios(ctx.settings.messages_dir), ctx.catalog, locale)


async def edit_quietly(
    bot: Bot, chat_id: int, message_id: int | None, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Edit a drill message; "not modified" and a deleted message are not errors here."""
    if message_id is None:
        return
    try:
        await edit_html(bot, chat_id, message_id, text, markup)
    except BadRequest as exc:  # deleted meanwhile, or too old: the drill goes on
        log.warning("drill message %s in chat %s not edited: %s", message_id, chat_id, exc.message)


def _key(text: str, markup: InlineKeyboardMarkup | None) -> str:
    return text + repr(markup.to_dict() if markup else None)


class HeadcountEditor:
    """Coalesces headcount refreshes: one edit per drill per interval, identical edits skipped."""

    def __init__(self) -> None:
        self._last: dict[int, float] = {}
        self._pending: set[int] = set()
        self._shown: dict[int, str] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def _lock(self, drill_id: int) -> asyncio.Lock:
        return self._locks.setdefault(drill_id, asyncio.Lock())

    def shown(self, drill_id: int, text: str, markup: InlineKeyboardMarkup | None) -> None:
        """Remember what was just posted, so a refresh that changes nothing does not edit."""
        self._shown[drill_id] = _key(text, markup)
        self._last[drill_id] = asyncio.get_running_loop().time()

    async def changed(
        self, bot: Bot, ctx: AppContext, renderer: Renderer, drill_id: int, start_task: TaskStarter
    ) -> None:
        """Something the headcount shows may have changed: edit now or once the interval is over."""
        if drill_id in self._pending:
            return  # the scheduled edit will show this change too
        wait = (
            self._last.get(drill_id, float("-inf"))
            + HEADCOUNT_EDIT_INTERVAL
            - asyncio.get_running_loop().time()
        )
        if wait <= 0:
            await self._edit(bot, ctx, renderer, drill_id)
            return
        self._pending.add(drill_id)
        start_task(self._later(wait, bot, ctx, renderer, drill_id))

    async def _later(
        self, wait: float, bot: Bot, ctx: AppContext, renderer: Renderer, drill_id: int
    ) -> None:
        try:
            await asyncio.sleep(wait)
        finally:
            self._pending.discard(drill_id)
        await self._edit(bot, ctx, renderer, drill_id)

    async def _edit(self, bot: Bot, ctx: AppContext, renderer: Renderer, drill_id: int) -> None:
        async with self._lock(drill_id):
            with ctx.session() as session:
                drill = session.get(Drill, drill_id)
                if drill is None or drill.status != DrillStatus.RUNNING.value:
                    return  # closing the drill does the final edit
                snap = snapshot(session, drill, now=ctx.clock.now())
            text, markup = texts_for(ctx, renderer, snap.enterprise.locale).headcount_message(
                snap, live=True
            )
            if self._shown.get(drill_id) == _key(text, markup):
                return
            self._last[drill_id] = asyncio.get_running_loop().time()
            self._shown[drill_id] = _key(text, markup)
            await edit_quietly(
                bot, snap.enterprise.chat_id, drill.headcount_message_id, text, markup
            )

    async def finish(self, drill_id: int, final: Callable[[], Awaitable[None]]) -> None:
        """Run the closing edits under the drill's lock, then forget the drill."""
        async with self._lock(drill_id):
            await final()
        for table in (self._last, self._shown, self._locks):
            table.pop(drill_id, None)


def _snapshot(ctx: AppContext, session: Session, drill_id: int) -> tuple[Drill, DrillSnapshot]:
    drill = session.get(Drill, drill_id)
    assert drill is not None
    return drill, snapshot(session, drill, now=ctx.clock.now())


async def post_drill(
    bot: Bot,
    ctx: AppContext,
    renderer: Renderer,
    drill_id: int,
    editor: HeadcountEditor | None = None,
) -> None:
    """Post the scenario (with the step buttons) and the headcount (with the roll-call buttons)."""
    with ctx.session() as session:
        _drill, snap = _snapshot(ctx, session, drill_id)
    texts = texts_for(ctx, renderer, snap.enterprise.locale)
    chat_id = snap.enterprise.chat_id
    # The alarm: the one drill message that notifies (a drill cannot wait for the digest).
    scenario = await send_html(bot, chat_id, *texts.scenario_message(snap, live=True), silent=False)
    text, markup = texts.headcount_message(snap, live=True)
    headcount = await send_html(bot, chat_id, text, markup)
    if editor is not None:
        editor.shown(drill_id, text, markup)
    with ctx.session() as session:
        drills.set_messages(
            session, drill_id, scenario=scenario.message_id, headcount=headcount.message_id
        )


async def close_drill(
    bot: Bot,
    ctx: AppContext,
    renderer: Renderer,
    drill_id: int,
    editor: HeadcountEditor | None = None,
) -> None:
    """After the drill ended: post the report (asking for the photo), freeze its messages."""
    with ctx.session() as session:
        drill, snap = _snapshot(ctx, session, drill_id)
        targets = open_targets(session, snap.enterprise, drill.area, drill.started_at)
        credit_drill(session, ctx.people_rules, drill, ctx.clock.now())  # 培训学时 of those present
    texts = texts_for(ctx, renderer, snap.enterprise.locale)
    chat_id = snap.enterprise.chat_id

    async def final() -> None:
        await edit_quietly(
            bot, chat_id, drill.scenario_message_id, *texts.scenario_message(snap, live=False)
        )
        await edit_quietly(
            bot, chat_id, drill.headcount_message_id, *texts.headcount_message(snap, live=False)
        )

    if editor is None:
        await final()
    else:
        await editor.finish(drill_id, final)
    report = await send_html(bot, chat_id, texts.report_message(snap, targets))
    with ctx.session() as session:
        drills.set_messages(session, drill_id, report=report.message_id)


async def end_stale_drills(ctx: AppContext, bot: Bot, renderer: Renderer, now: dt.datetime) -> int:
    """End drills running longer than the timeout and post their reports (the runtime tick calls
    this). Returns how many were ended; a chat that cannot be written to is logged and skipped."""
    with ctx.session() as session:
        ended = [d.id for d in drills.end_stale(session, now=now) if d.id is not None]
    for drill_id in ended:
        try:
            await close_drill(bot, ctx, renderer, drill_id)
        except (ChatGone, ChatMoved, RetryLater, TelegramError) as exc:
            log.warning("report of stale drill %s not posted: %r", drill_id, exc)
    return len(ended)
