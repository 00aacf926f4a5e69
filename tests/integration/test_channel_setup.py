"""Setting up robot channels: ``/channel`` in the Telegram group (through the emulator) and
``safetybot channels`` at the command line (through its entry function), with bad input
refused in one clear message and nothing stored."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlmodel import select

from bot.cli.main import main
from bot.clock import FakeClock
from bot.emulator import BotMessage
from bot.services.channels.registry import ROBOT_CHAT_BASE
from bot.store.channel_models import Channel
from bot.store.models import Enterprise
from tests.conftest import local
from tests.fakes.group import Group, group_with_bot
from tests.fakes.robots import RobotBot, bot_with_robots

SECRET = "SEC0123456789abcdef"


@pytest.fixture
async def rb(database_url: str, clock: FakeClock) -> AsyncIterator[RobotBot]:
    async with bot_with_robots(database_url, clock) as running:
        yield running


def channels(rb: RobotBot) -> list[Channel]:
    with rb.bot.ctx.session() as s:
        return list(s.exec(select(Channel).order_by(Channel.id)).all())  # type: ignore[arg-type]


async def command(group: Group, user: dict[str, Any], text: str) -> tuple[int, BotMessage]:
    """``user`` sends ``text``; (the id of their message, the bot's answer)."""
    emu = group.bot.emulator
    after = emu.cursor(group.chat_id)
    sent = emu.send_text(group.chat, user, text)
    return int(sent["message_id"]), await emu.wait_for_message(group.chat_id, after=after)


async def test_an_admin_adds_lists_and_removes_robots_and_the_webhook_is_kept_secret(
    rb: RobotBot,
) -> None:
    group = await group_with_bot(rb.bot)
    await group.setup()
    emu, wecom = rb.bot.emulator, rb.robots.wecom()
    sent, answer = await command(group, group.admin, f"/channel add wecom {wecom.url}")
    assert "已添加企业微信群机器人" in (answer.text or "")
    assert wecom.key not in (answer.text or "") and f"key={wecom.key[:4]}…" in (answer.text or "")
    assert "请自行删除" in (answer.text or ""), "the bot is no admin: it asks to delete it"
    assert not emu.message(group.chat_id, sent).deleted

    emu.store.chats[group.chat_id].bot_status = "administrator"
    dingtalk = rb.robots.dingtalk(secret=SECRET)
    sent, answer = await command(group, group.admin, f"/channel add dingtalk {dingtalk.url}")
    assert "需要填写加签密钥或关键词" in (answer.text or "") or "密钥" in (answer.text or "")
    assert emu.message(group.chat_id, sent).deleted, "a webhook never stays in the group"
    sent, answer = await command(group, group.admin, f"/channel add feishu {dingtalk.url} S")
    assert "open.feishu.cn/open-apis/bot/v2/hook/" in (answer.text or "")
    assert len(channels(rb)) == 1, "nothing stored for a bad webhook"

    sent, answer = await command(
        group, group.admin, f"/channel add dingtalk {dingtalk.url} {SECRET}"
    )
    assert "已添加钉钉" in (answer.text or "") and "已删除您的消息" in (answer.text or "")
    assert emu.message(group.chat_id, sent).deleted
    stored = channels(rb)
    assert [(c.platform, c.secret, c.added_by) for c in stored] == [
        ("wecom", None, group.admin["id"]),
        ("dingtalk", SECRET, group.admin["id"]),
    ]

    _, listing = await command(group, group.admin, "/channel list")
    text = listing.text or ""
    assert "1. 企业微信" in text and "2. 钉钉" in text
    assert wecom.key not in text and dingtalk.key not in text
    _, removed = await command(group, group.admin, "/channel remove 1")
    assert "已移除" in (removed.text or "")
    assert [c.platform for c in channels(rb)] == ["dingtalk"]
    _, missing = await command(group, group.admin, "/channel remove 5")
    assert "没有序号为 5 的机器人" in (missing.text or "")


async def test_a_worker_cannot_add_a_robot_and_their_message_goes(rb: RobotBot) -> None:
    group = await group_with_bot(rb.bot)
    await group.setup()
    rb.bot.emulator.store.chats[group.chat_id].bot_status = "administrator"
    sent, answer = await command(group, group.worker, f"/channel add wecom {rb.robots.wecom().url}")
    assert "管理员" in (answer.text or "")
    assert rb.bot.emulator.message(group.chat_id, sent).deleted
    assert channels(rb) == []


# --- the command line ------------------------------------------------------------------------


async def _run(argv: list[str], clock: FakeClock) -> int:
    return await asyncio.to_thread(main, argv, clock)


@pytest.fixture
def cli_env(rb: RobotBot, database_url: str, monkeypatch: pytest.MonkeyPatch) -> RobotBot:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_LOCALE", "en")
    monkeypatch.setenv("ROBOT_WEBHOOK_BASE_URL", rb.robots.base_url)
    monkeypatch.delenv("DESK_BASE_URL", raising=False)
    return rb


async def test_the_command_line_adds_lists_tests_and_removes_robots(
    cli_env: RobotBot, capsys: pytest.CaptureFixture[str]
) -> None:
    rb = cli_env
    group = await group_with_bot(rb.bot)
    await group.setup()
    chat, clock = str(group.chat_id), rb.clock
    wecom, feishu = rb.robots.wecom(), rb.robots.feishu(secret=SECRET)
    assert await _run(["channels", "add", "--chat", chat, "--wecom", wecom.url], clock) == 0
    out = capsys.readouterr()
    assert "added the wecom robot" in out.out and wecom.key not in out.out
    assert "DESK_BASE_URL is not set" in out.err
    argv = ["channels", "add", "--chat", chat, "--feishu", feishu.url, "--secret", SECRET]
    assert await _run(argv, clock) == 0
    capsys.readouterr()

    assert await _run(["channels", "list"], clock) == 0
    listed = capsys.readouterr().out
    assert "2 robot channels" in listed and "1. wecom" in listed and "2. feishu" in listed
    assert wecom.key not in listed and feishu.key not in listed

    rb.clock.set(rb.clock.now() + dt.timedelta(minutes=7))  # off Feishu's hour
    assert await _run(["channels", "test", "--chat", chat], clock) == 0
    tested = capsys.readouterr().out
    assert tested.count(": posted") == 2, tested
    assert len(wecom.bodies) == 1 and len(feishu.bodies) == 1 and feishu.refused == []
    assert "Test message" in str(wecom.bodies[0])

    feishu.removed = True
    assert await _run(["channels", "test", "--chat", chat], clock) == 1
    assert "refused: the address, secret or keyword is wrong" in capsys.readouterr().out

    assert await _run(["channels", "remove", "--chat", chat, "2"], clock) == 0
    assert "removed the feishu robot" in capsys.readouterr().out
    assert [c.platform for c in channels(rb)] == ["wecom"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--wecom", "https://oapi.dingtalk.com/robot/send?access_token=abc"],
         "--wecom: not a webhook address of this platform; expected https://qyapi.weixin.qq.com"),
        (["--dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc"],
         "--dingtalk: this robot needs --secret"),
        (["--feishu", "http://open.feishu.cn/open-apis/bot/v2/hook/x", "--secret", "s"],
         "--feishu: not a webhook address of this platform"),
    ],
)  # fmt: skip
async def test_a_bad_webhook_is_one_line_and_nothing_stored(
    cli_env: RobotBot, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    group = await group_with_bot(cli_env.bot)
    await group.setup()
    code = await _run(["channels", "add", "--chat", str(group.chat_id), *argv], cli_env.clock)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and expected in err[0], err
    assert channels(cli_env) == []


async def test_an_enterprise_only_on_a_robot_is_registered_with_its_robot(
    cli_env: RobotBot, capsys: pytest.CaptureFixture[str]
) -> None:
    rb = cli_env
    wecom = rb.robots.wecom()
    argv = ["channels", "register", "--name", "某某纺织有限公司", "--sector", "工贸"]
    assert await _run([*argv, "--wecom", wecom.url], rb.clock) == 0
    out = capsys.readouterr().out
    with rb.bot.ctx.session() as s:
        [enterprise] = s.exec(select(Enterprise)).all()
    assert enterprise.on_telegram is False and enterprise.chat_id == ROBOT_CHAT_BASE + 1
    assert f"its chat id for --chat is {enterprise.chat_id}" in out
    assert [c.platform for c in channels(rb)] == ["wecom"]
    assert (
        await _run(
            [*argv[:3], "某某建材", "--sector", "没有这个行业", "--wecom", wecom.url], rb.clock
        )
        == 2
    )
    assert "unknown sector" in capsys.readouterr().err
    with rb.bot.ctx.session() as s:
        assert len(s.exec(select(Enterprise)).all()) == 1, "nothing registered"

    # Its reminders reach its robot, and nothing is sent to Telegram for it.
    await rb.bot.tick_at(local(2026, 12, 2, 8, 0))
    await rb.bot.tick()
    assert wecom.bodies and "📋" in wecom.bodies[0]["markdown"]["content"]
    with rb.bot.ctx.session() as s:
        [still] = s.exec(select(Enterprise)).all()
    assert still.active, "no Telegram send was tried (it would have found no such chat)"
