"""Reminders posted to WeCom, DingTalk and Feishu robots, through the real HTTP path to the
loopback robots: signed and kept, a broken robot disabled and its officer told, a throttled
robot losing nothing, and no robot ever sent more than its platform allows."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.clock import FakeClock
from bot.emulator.robots import FakeRobot
from bot.store.models import Enterprise
from tests.fakes.group import Group, group_with_bot
from tests.fakes.robots import RobotBot, bot_with_robots, local_seconds

SECRET = "SEC0123456789abcdef"


@pytest.fixture
async def rb(database_url: str, clock: FakeClock) -> AsyncIterator[RobotBot]:
    async with bot_with_robots(database_url, clock) as running:
        yield running


async def registered(rb: RobotBot) -> tuple[Group, int]:
    """A registered enterprise whose duties are materialized; its id."""
    group = await group_with_bot(rb.bot)
    await group.setup()
    await rb.bot.tick_at(rb.clock.now() + dt.timedelta(minutes=5))  # off Feishu's hour
    with rb.bot.ctx.session() as s:
        enterprise = s.exec(select(Enterprise).where(Enterprise.chat_id == group.chat_id)).one()
    return group, enterprise.id or 0


def robot_of(rb: RobotBot, platform: str) -> FakeRobot:
    if platform == "wecom":
        return rb.robots.wecom()
    if platform == "dingtalk":
        return rb.robots.dingtalk(secret=SECRET)
    return rb.robots.feishu(secret=SECRET)


def shown_text(body: dict[str, object]) -> str:
    return json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize("platform", ["wecom", "dingtalk", "feishu"])
async def test_a_reminder_reaches_the_robots_group_signed(rb: RobotBot, platform: str) -> None:
    _, enterprise_id = await registered(rb)
    robot = robot_of(rb, platform)
    channel = rb.add_channel(enterprise_id, robot)
    rb.hand_over(channel)
    await rb.bot.tick()
    assert len(robot.bodies) == 1 and robot.refused == []
    text = shown_text(robot.bodies[0])
    assert "https://safety.example.cn/c/" in text  # each item links to its confirmation page
    assert "日管控" in text and "✅" in text  # the items, each with its confirm link
    [message] = rb.messages(channel)
    assert message.state == "sent" and message.sent_at == rb.clock.now()


@pytest.mark.parametrize("platform", ["dingtalk", "feishu"])
async def test_a_wrong_secret_disables_the_robot_and_tells_the_officer(
    rb: RobotBot, platform: str
) -> None:
    group, enterprise_id = await registered(rb)
    emu = rb.bot.emulator
    emu.send_text(emu.private_chat(group.admin), group.admin, "/start")
    await emu.wait_for_message(group.admin["id"])
    robot = robot_of(rb, platform)
    channel = rb.add_channel(enterprise_id, robot, secret="SEC-not-this-robots")
    rb.hand_over(channel)
    after = emu.cursor(group.admin["id"])
    await rb.bot.tick()
    assert robot.bodies == [] and [code for _, code in robot.refused] == [
        310000 if platform == "dingtalk" else 19021
    ]
    broken = rb.channel(channel)
    assert (broken.active, broken.disabled_reason) == (False, "signature")
    told = await emu.wait_for_message(group.admin["id"], after=after)
    assert "签名" in (told.text or "")
    assert robot.key not in (told.text or "") and robot.key[:4] in (told.text or "")
    [kept] = rb.messages(channel)
    assert kept.state == "pending"  # kept for when the robot is fixed
    await rb.bot.tick()  # a disabled robot is not tried again
    assert len(robot.refused) == 1
    with rb.bot.ctx.session() as s:  # fixed: the right secret, active again
        fixed = s.get(type(broken), broken.id)
        assert fixed is not None
        fixed.secret, fixed.active, fixed.disabled_reason = SECRET, True, None
        s.add(fixed)
        s.commit()
    await rb.bot.tick()
    assert len(robot.bodies) == 1 and rb.messages(channel)[0].state == "sent"


async def test_a_removed_wecom_robot_is_disabled_and_nothing_is_lost(rb: RobotBot) -> None:
    _, enterprise_id = await registered(rb)
    robot = rb.robots.wecom()
    robot.removed = True
    channel = rb.add_channel(enterprise_id, robot)
    rb.hand_over(channel, 3)
    await rb.bot.tick()
    assert [code for _, code in robot.refused] == [93000]
    broken = rb.channel(channel)
    assert (broken.active, broken.disabled_reason) == (False, "invalid_key")
    assert [m.state for m in rb.messages(channel)] == ["pending"] * 3


async def test_a_throttled_dingtalk_robot_loses_nothing(rb: RobotBot) -> None:
    _, enterprise_id = await registered(rb)
    robot = rb.robots.dingtalk(secret=SECRET)
    start = rb.clock.now().timestamp()
    robot.accepted += [(start - 30, {"msgtype": "text"})] * 20  # another system used it up
    channel = rb.add_channel(enterprise_id, robot)
    rb.hand_over(channel, 30)
    await rb.bot.tick()
    assert [code for _, code in robot.refused] == [130101]  # blocked for ten minutes
    assert rb.channel(channel).throttled_until == rb.clock.now() + dt.timedelta(minutes=10)
    rb.clock.advance(dt.timedelta(minutes=5))
    await rb.bot.tick()
    assert len(robot.bodies) == 20 and len(robot.refused) == 1  # not tried while blocked
    ticks = await rb.tick_until_sent()
    ours = robot.bodies[20:]
    assert len(ours) == 30 and len(robot.refused) == 1
    assert [m.state for m in rb.messages(channel)] == ["sent"] * 30
    first = min(local_seconds(robot)[20:])
    assert first >= dt.datetime.fromtimestamp(start, dt.UTC) + dt.timedelta(minutes=10)
    assert robot.busiest(60) <= 20 and ticks >= 2


async def test_no_robot_gets_more_than_its_limit(rb: RobotBot) -> None:
    _, enterprise_id = await registered(rb)
    wecom, dingtalk = rb.robots.wecom(), rb.robots.dingtalk(keyword="安全")
    feishu = rb.robots.feishu(secret=SECRET)
    channels = [rb.add_channel(enterprise_id, r) for r in (wecom, dingtalk, feishu)]
    counts = {"wecom": 45, "dingtalk": 45, "feishu": 130}
    for channel in channels:
        rb.hand_over(channel, counts[channel.platform])
    rb.clock.set(rb.clock.now().replace(minute=29, second=50))  # Feishu's half hour comes
    await rb.tick_until_sent()
    for robot in (wecom, dingtalk, feishu):
        assert len(robot.bodies) == counts[robot.platform] and robot.refused == []
    assert wecom.busiest(60) == 20 and dingtalk.busiest(60) == 20
    assert feishu.busiest(60) <= 100 and feishu.busiest(1) == 5
    assert all(
        not (t.minute % 30 == 0 and t.second < 10) for t in local_seconds(feishu)
    )  # never in the first seconds of the hour or the half hour
    assert all("安全" in json.dumps(b, ensure_ascii=False) for b in dingtalk.bodies)
