"""The confirmation page robots link to, over HTTP on loopback: a reminder reaches a WeCom
group, its link opens the page, a confirmation with a photo is recorded with its channel; a
tampered or expired link, a photo too large or of the wrong type, a missing name: a clear
page and nothing stored."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from PIL import Image
from sqlmodel import col, func, select

from bot.channels.render import render_for
from bot.clock import FakeClock
from bot.emulator.images import emulated_jpeg
from bot.emulator.robots import FakeRobot, RobotEmulator
from bot.services.channels import registry
from bot.services.channels.handover import hand_over
from bot.services.channels.links import confirm_url
from bot.services.reminders.views import item_views
from bot.store.models import Confirmation, Enterprise, Evidence, OccurrenceRow
from bot.store.storage_models import StoredFile
from tests.fakes.desk import DeskBot, desk_bot
from tests.fakes.group import Group, group_with_bot

MAX_PHOTO = 20_000  # bytes (EVIDENCE_MAX_BYTES in these tests)
LINK = re.compile(r"https?://127\.0\.0\.1:\d+/confirm/[0-9A-Za-z_.\-]+")
PHONE = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 wxwork/4.1.20 MicroMessenger/7.0.1"


@dataclass
class World:
    desk: DeskBot
    robots: RobotEmulator
    group: Group
    enterprise_id: int
    robot: FakeRobot

    @property
    def clock(self) -> FakeClock:
        return self.desk.bot.clock

    def open_items(self) -> list[OccurrenceRow]:
        with self.desk.bot.ctx.session() as s:
            query = select(OccurrenceRow).where(
                OccurrenceRow.enterprise_id == self.enterprise_id,
                OccurrenceRow.status == "open",
                col(OccurrenceRow.window_start) <= self.clock.now().date(),
            )
            return list(s.exec(query.order_by(col(OccurrenceRow.due_at))).all())

    def link(self, occurrence_id: int) -> str:
        ctx = self.desk.bot.ctx
        return confirm_url(ctx.settings, self.enterprise_id, occurrence_id, self.clock.now())

    def count(self, model: type) -> int:
        with self.desk.bot.ctx.session() as s:
            return int(s.exec(select(func.count()).select_from(model)).one())


@pytest.fixture
async def world(database_url: str, clock: FakeClock) -> AsyncIterator[World]:
    robots = RobotEmulator(now=lambda: clock.now().timestamp())
    await robots.start()
    try:
        async with desk_bot(
            database_url=database_url, clock=clock, robot_webhook_base_url=robots.base_url,
            evidence_max_bytes=MAX_PHOTO,
        ) as desk:  # fmt: skip
            group = await group_with_bot(desk.bot)
            await group.setup()
            await desk.bot.tick_at(clock.now() + dt.timedelta(minutes=5))
            with desk.bot.ctx.session() as s:
                enterprise = s.exec(
                    select(Enterprise).where(Enterprise.chat_id == group.chat_id)
                ).one()
                robot = robots.wecom()
                registry.add_channel(
                    s, enterprise, "wecom", robot.url, None, None, group.admin["id"],
                    now=clock.now(),
                )  # fmt: skip
            yield World(desk, robots, group, enterprise.id or 0, robot)
    finally:
        await robots.stop()


def noise_png(side: int) -> bytes:
    """A PNG that does not compress: ``side``² pixels of noise, about 3·side² bytes."""
    rng = random.Random(side)
    image = Image.frombytes(
        "RGB", (side, side), bytes(rng.randrange(256) for _ in range(3 * side * side))
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def form(
    *, name: str = "", note: str = "", photo: bytes | None = None, member: str = ""
) -> aiohttp.FormData:
    data = aiohttp.FormData()
    data.add_field("member", member)
    data.add_field("name", name)
    data.add_field("note", note)
    data.add_field(
        "photo", photo or b"", filename="photo.jpg" if photo else "",
        content_type="image/jpeg" if photo else "application/octet-stream",
    )  # fmt: skip
    return data


async def test_a_wecom_reminder_is_confirmed_on_the_page_with_a_photo(world: World) -> None:
    ctx = world.desk.bot.ctx
    renderer = world.desk.bot.runtime.renderer
    now = world.clock.now()
    with ctx.session() as s:
        enterprise = s.get(Enterprise, world.enterprise_id)
        assert enterprise is not None
        items = world.open_items()[:3]
        views = item_views(s, ctx.catalog, [("due", occ) for occ in items])
        links = {occ.id or 0: world.link(occ.id or 0) for occ in items}
        body = render_for("wecom", renderer, ctx.catalog, enterprise, views, now=now, links=links)
        [channel] = registry.channels_of(s, world.enterprise_id)
        hand_over(s, [(channel, body)], [1], now=now)
    await world.desk.bot.tick()
    [posted] = world.robot.bodies
    link = LINK.findall(posted["markdown"]["content"])[0]
    occurrence = next(o for o in items if link == links[o.id or 0])

    async with world.desk.client() as browser:
        async with browser.get(link, headers={"User-Agent": PHONE}) as page:
            html = await page.text()
            assert page.status == 200 and 'data-state="open"' in html
            assert "某某化工有限公司" in html and "暂无" in html and 'name="name"' in html
        photo = emulated_jpeg(7)
        async with browser.post(
            link, data=form(name="李工", note="已检查，正常", photo=photo),
            headers={"User-Agent": PHONE}, allow_redirects=False,
        ) as answer:  # fmt: skip
            assert answer.status == 303
        async with browser.get(world.desk.base + answer.headers["Location"]) as page:
            html = await page.text()
            assert 'id="thanks"' in html and "李工" in html and "已检查，正常" in html
            assert 'name="name"' not in html, "the name is asked once on this phone"
            assert "您是李工" in html

    with ctx.session() as s:
        [confirmation] = s.exec(select(Confirmation)).all()
        assert (confirmation.occurrence_id, confirmation.user_name) == (occurrence.id, "李工")
        assert confirmation.channel == "wecom" and confirmation.confirmed_at == now
        kinds = sorted(e.kind for e in s.exec(select(Evidence)).all())
        assert kinds == ["note", "photo"]
        [kept] = s.exec(select(StoredFile)).all()
        assert kept.stored_at == now and kept.size == len(photo) and kept.key
        done = s.get(OccurrenceRow, occurrence.id)
        assert done is not None and done.status == "done"
    assert await ctx.evidence_store().get(kept.key) == photo

    stats = await world.group.say(world.group.admin, "/stats")
    assert "已完成 1 项" in (stats.text or ""), stats.text  # done in the enterprise's stats


async def test_a_tampered_or_expired_link_shows_a_clear_page_and_stores_nothing(
    world: World,
) -> None:
    occurrence = world.open_items()[0]
    link = world.link(occurrence.id or 0)
    other = world.open_items()[1]
    body, mac = link.rsplit(".", 1)
    forged = [
        body.replace(f".{occurrence.id}.", f".{other.id}.") + "." + mac,  # another item
        body + "." + ("A" if mac[0] != "A" else "B") + mac[1:],  # another signature
        link.rsplit(".", 1)[0],  # cut short
    ]
    async with world.desk.client() as browser:
        for url in forged:
            async with browser.get(url) as page:
                html = await page.text()
                assert page.status == 400 and 'data-reason="link_invalid"' in html
                assert "链接无效" in html
            async with browser.post(url, data=form(name="李工"), allow_redirects=False) as page:
                assert page.status == 400
        world.clock.advance(dt.timedelta(days=7, seconds=1))
        async with browser.get(link) as page:
            assert page.status == 410 and "链接已过期" in await page.text()
        async with browser.post(link, data=form(name="李工"), allow_redirects=False) as page:
            assert page.status == 410
    assert world.count(Confirmation) == 0 and world.count(Evidence) == 0


async def test_a_photo_too_large_or_not_a_photo_is_refused_and_nothing_stored(
    world: World,
) -> None:
    link = world.link(world.open_items()[0].id or 0)
    large = noise_png(120)
    assert len(large) > MAX_PHOTO
    async with world.desk.client() as browser:
        async with browser.post(
            link, data=form(name="李工", photo=large), allow_redirects=False
        ) as page:
            html = await page.text()
            assert page.status == 413 and 'data-problem="too_large"' in html
        async with browser.post(
            link, data=form(name="李工", photo=b"MZ\x90\x00 not a picture at all"),
            allow_redirects=False,
        ) as page:  # fmt: skip
            assert page.status == 415 and 'data-problem="wrong_type"' in await page.text()
        async with browser.post(link, data=form(note="没有名字"), allow_redirects=False) as page:
            assert page.status == 400 and 'data-problem="name_needed"' in await page.text()
        assert not [c for c in browser.cookie_jar if c.key == "safety_person"]
    assert world.count(Confirmation) == 0 and world.count(Evidence) == 0
    assert world.count(StoredFile) == 0


async def test_a_person_on_the_roster_picks_their_name_and_counts_once(world: World) -> None:
    worker = world.group.worker
    await world.group.say(worker, "/join")
    occurrence = world.open_items()[0]
    link = world.link(occurrence.id or 0)
    async with world.desk.client() as browser:
        async with browser.get(link) as page:
            html = await page.text()
            assert f'<option value="{worker["id"]}">王师傅</option>' in html
        for _ in range(2):  # a second press records nothing new
            async with browser.post(
                link, data=form(member=str(worker["id"])), allow_redirects=False
            ) as answer:
                assert answer.status == 303
    with world.desk.bot.ctx.session() as s:
        [confirmation] = s.exec(select(Confirmation)).all()
        assert confirmation.user_id == worker["id"] and confirmation.user_name == "王师傅"
