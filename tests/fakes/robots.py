"""The bot with loopback WeCom, DingTalk and Feishu robots: channels, hand-overs, what arrived."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlmodel import col, select

from bot.channels.render import render_for
from bot.clock import FakeClock
from bot.demo.harness import LocalBot, local_bot
from bot.emulator.robots import FakeRobot, RobotEmulator
from bot.services.channels import outbox
from bot.services.channels.handover import hand_over
from bot.services.reminders.views import item_views
from bot.store.channel_models import Channel, ChannelMessage
from bot.store.models import Enterprise, OccurrenceRow


@dataclass
class RobotBot:
    bot: LocalBot
    robots: RobotEmulator

    @property
    def clock(self) -> FakeClock:
        return self.bot.clock

    def add_channel(
        self, enterprise_id: int, robot: FakeRobot, *, secret: str | None = None
    ) -> Channel:
        """A channel for ``robot`` (its own secret unless ``secret`` is given)."""
        channel = Channel(
            enterprise_id=enterprise_id,
            platform=robot.platform,
            webhook_url=robot.url,
            secret=secret if secret is not None else robot.secret,
            keyword=robot.keyword,
            added_at=self.clock.now(),
        )
        with self.bot.ctx.session() as s:
            s.add(channel)
            s.commit()
            s.refresh(channel)
        return channel

    def hand_over(self, channel: Channel, count: int = 1, *, first_id: int = 1) -> None:
        """``count`` reminders of the enterprise's open duties rendered for ``channel`` and
        handed over to its outbox, as the dispatcher's fan-out does (one per reminder id)."""
        ctx, now = self.bot.ctx, self.clock.now()
        renderer = self.bot.runtime.renderer
        with ctx.session() as s:
            enterprise = s.get(Enterprise, channel.enterprise_id)
            assert enterprise is not None
            occurrences = s.exec(
                select(OccurrenceRow)
                .where(col(OccurrenceRow.enterprise_id) == enterprise.id)
                .order_by(col(OccurrenceRow.due_at))
                .limit(3)
            ).all()
            views = item_views(s, ctx.catalog, [("due", occ) for occ in occurrences])
            links = {occ.id or 0: f"https://safety.example.cn/c/{occ.id}" for occ in occurrences}
            payload = render_for(
                channel.platform, renderer, ctx.catalog, enterprise, views, now=now, links=links
            )
            for n in range(first_id, first_id + count):
                hand_over(s, [(channel, payload)], [n], now=now)

    def messages(self, channel: Channel) -> list[ChannelMessage]:
        with self.bot.ctx.session() as s:
            query = select(ChannelMessage).where(col(ChannelMessage.channel_id) == channel.id)
            return list(s.exec(query.order_by(col(ChannelMessage.id))).all())

    def channel(self, channel: Channel) -> Channel:
        with self.bot.ctx.session() as s:
            found = s.get(Channel, channel.id)
            assert found is not None
            return found

    async def tick_until_sent(self, *, limit: int = 200) -> int:
        """Tick at each moment a robot message falls due until none waits; returns the ticks."""
        for ticks in range(1, limit + 1):
            await self.bot.tick()
            with self.bot.ctx.session() as s:
                later = outbox.next_due(s, after=self.clock.now())
            if later is None:
                return ticks
            self.clock.set(later)
        raise AssertionError("robot messages still waiting")


@asynccontextmanager
async def bot_with_robots(database_url: str, clock: FakeClock) -> AsyncIterator[RobotBot]:
    robots = RobotEmulator(now=lambda: clock.now().timestamp())
    await robots.start()
    try:
        async with local_bot(
            database_url=database_url, clock=clock, robot_webhook_base_url=robots.base_url
        ) as bot:
            yield RobotBot(bot, robots)
    finally:
        await robots.stop()


def local_seconds(robot: FakeRobot) -> list[dt.datetime]:
    return [dt.datetime.fromtimestamp(t, dt.UTC) for t, _ in robot.accepted]
