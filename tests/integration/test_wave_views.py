"""What a wave's messages show, loaded for the whole wave at once (``WaveViews``), is what
loading it message by message shows: the same items, confirmations, evidence and missing
people, and the same earlier messages to tidy."""

from __future__ import annotations

from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.services.reminders.confirmations import occurrences_of_message
from bot.services.reminders.dispatch_types import ReminderItem, WaveViews
from bot.services.reminders.tidy import stale_messages
from bot.services.reminders.views import ItemView, item_views
from bot.store.models import Enterprise, OccurrenceRow
from tests.conftest import local
from tests.integration.test_digest import digest_at, registered
from tests.integration.test_press_cost import tap
from tests.integration.test_reminders import occurrence


def seen(views: list[ItemView]) -> list[tuple[object, ...]]:
    """What a message shows of each item."""
    return [
        (
            v.kind,
            v.occurrence.id,
            [(c.user_id, c.confirmed_at) for c in v.confirmations],
            v.evidence,
            v.per_person,
            [m.user_id for m in v.missing],
        )
        for v in views
    ]


async def test_a_wave_shows_what_each_message_would_show(bot: LocalBot) -> None:
    group = await registered(bot)
    [digest] = await digest_at(bot, group, 2)
    daily = occurrence(bot, "daily-control", "2026-12-02")
    await tap(group, group.worker, digest.message_id, f"cf:{daily.id}")
    await tap(group, group.admin, digest.message_id, f"cf:{daily.id}")  # the first is done
    now = local(2026, 12, 3, 8, 0)
    with bot.ctx.session() as session:
        occurrences = list(session.exec(select(OccurrenceRow)).all())
        [enterprise_id] = {o.enterprise_id for o in occurrences}
        wave = WaveViews.load(session, bot.ctx.catalog, occurrences, now)
        pairs = [("due", o) for o in occurrences]
        assert seen(wave.shown.views(bot.ctx.catalog, pairs)) == seen(
            item_views(session, bot.ctx.catalog, pairs)
        )
        earlier = stale_messages(session, enterprise_id, keep=0, now=now)
        assert earlier == [digest.message_id], "yesterday's digest; the one before is tidied"
        shown = occurrences_of_message(session, enterprise_id=enterprise_id, message_id=earlier[0])
        expected = seen(item_views(session, bot.ctx.catalog, shown))
    assert any(c for _, _, c, *_ in expected), "the confirmation is part of what it shows"
    assert [(m.message_id, m.shown) for m in wave.stale[enterprise_id]] == [(earlier[0], shown)]
    items = [ReminderItem(1, "due", daily)]
    outgoing = wave.outgoing(group_enterprise(bot), items, catch_up=False, digest_day=now.date())
    assert outgoing.tidy is not None
    assert [(m, seen(v)) for m, v in outgoing.tidy] == [(earlier[0], expected)]
    assert seen(outgoing.views) == seen(item_views_of(bot, [("due", daily)]))


def group_enterprise(bot: LocalBot) -> Enterprise:
    with bot.ctx.session() as session:
        return session.exec(select(Enterprise)).one()


def item_views_of(bot: LocalBot, pairs: list[tuple[str, OccurrenceRow]]) -> list[ItemView]:
    with bot.ctx.session() as session:
        return item_views(session, bot.ctx.catalog, pairs)
