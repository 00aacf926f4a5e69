"""Telegram misbehaving: 5xx storms, slow answers and timeouts, chat not found, blocked
private chats, over-long messages, poll limits, and one throttled chat among many.

What ``tests/integration/test_delivery_faults.py`` already covers (a 429 storm, migration,
removal, 403 kicked, the crash window, a fault run with a restart) is not repeated here. Every
test counts what Telegram received against what the outbox recorded: nothing may be lost, and
a duplicate is allowed only where docs/reliability.md says so.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from pathlib import Path
from textwrap import dedent

import pytest

from bot.bootstrap import build_context
from bot.cli.main import main
from bot.clock import FakeClock
from bot.config import Settings
from bot.datafile import DataFileError
from bot.demo.harness import DEMO_TOKEN, LocalBot, local_bot
from bot.emulator.text import parse_html
from bot.paths import messages_dir
from tests.conftest import local
from tests.reliability.support import (
    confirm_buttons,
    duplicates,
    failed_calls,
    lost,
    registered_group,
    states,
)

NO_RETRY = {"rate_limit_max_retries": 0}
DUE = local(2026, 12, 2, 9, 0)  # the daily control and friends come due in every group


def _settled(bot: LocalBot, chats: list[int], tally: Counter[str], *, one_day: bool = True) -> None:
    """The invariants after every fault: nothing lost, no claim left, nothing posted twice
    (within one day each occurrence is shown once; later days may remind of it again)."""
    tally["faults"] += failed_calls(bot.emulator)
    tally["lost"] += lost(bot, bot.clock.now())
    assert lost(bot, bot.clock.now()) == 0 and states(bot)["claimed"] == 0
    assert duplicates(bot, chats) == 0
    for chat_id in chats if one_day else ():
        assert max(confirm_buttons(bot, chat_id).values(), default=1) == 1


async def test_a_5xx_storm_is_retried_until_every_reminder_is_in(
    database_url: str, clock: FakeClock, tally: Counter[str]
) -> None:
    async with local_bot(database_url=database_url, clock=clock, **NO_RETRY) as bot:
        groups = [await registered_group(bot, f"企业{i}") for i in range(4)]
        for code, text in ((500, "Internal Server Error"), (502, "Bad Gateway"),
                           (503, "Service Unavailable"), (504, "Gateway Timeout")):  # fmt: skip
            bot.emulator.inject_error("sendMessage", error_code=code, description=text, times=3)
        first = await bot.tick_at(DUE)
        assert first.retried > 0
        for minute in range(1, 8):
            await bot.tick_at(DUE + dt.timedelta(minutes=minute))
        chats = [g.chat_id for g in groups]
        assert failed_calls(bot.emulator, "sendMessage") == 12
        assert all(confirm_buttons(bot, c) for c in chats)
        _settled(bot, chats, tally)


async def test_slow_answers_within_the_timeout_deliver_once(
    database_url: str, clock: FakeClock, tally: Counter[str]
) -> None:
    async with local_bot(database_url=database_url, clock=clock, telegram_read_timeout=5) as bot:
        groups = [await registered_group(bot, f"企业{i}") for i in range(3)]
        bot.emulator.set_latency(0.3, "sendMessage")
        report = await bot.tick_at(DUE)
        assert report.messages == 3 and report.retried == 0
        _settled(bot, [g.chat_id for g in groups], tally)


async def test_a_timed_out_send_is_retried_and_duplicates_at_most_once(
    database_url: str, clock: FakeClock, tally: Counter[str]
) -> None:
    """A send whose answer never came may still have been delivered: Telegram has no
    idempotency key, so the outbox sends it again. One duplicate per timed-out send, never a
    lost reminder (the documented window)."""
    async with local_bot(database_url=database_url, clock=clock, telegram_read_timeout=0.2) as bot:
        groups = [await registered_group(bot, f"企业{i}") for i in range(3)]
        chats = [g.chat_id for g in groups]
        emu = bot.emulator
        before = len([c for c in emu.calls if c.method == "sendMessage"])
        emu.set_latency(0.6, "sendMessage")
        report = await bot.tick_at(DUE)
        assert report.sent == 0 and report.retried > 0 and report.errors
        timed_out = len(chats)  # one message per chat was in flight when the client gave up
        # Telegram (the emulator) finishes the slow requests anyway, as it does for real.
        await emu.wait_for(
            lambda: len([c for c in emu.calls if c.method == "sendMessage"]) >= before + timed_out
        )
        emu.set_latency(0, "sendMessage")
        await bot.tick_at(DUE + dt.timedelta(minutes=1))
        doubled = duplicates(bot, chats)
        tally["faults"] += timed_out
        tally["duplicates"] += doubled
        assert lost(bot, bot.clock.now()) == 0 and states(bot)["claimed"] == 0
        assert doubled <= timed_out
        for chat_id in chats:  # each reminder at most twice: the delivered original + the retry
            assert max(confirm_buttons(bot, chat_id).values()) <= 2


async def test_chat_not_found_stops_that_chat_only(
    database_url: str, clock: FakeClock, tally: Counter[str]
) -> None:
    async with local_bot(database_url=database_url, clock=clock) as bot:
        gone = await registered_group(bot, "已解散企业")
        alive = await registered_group(bot, "正常企业")
        bot.emulator.inject_error(
            "sendMessage", error_code=400, description="Bad Request: chat not found",
            chat_id=gone.chat_id,
        )  # fmt: skip
        report = await bot.tick_at(DUE)
        assert report.failed > 0 and report.messages == 1
        await bot.tick_at(DUE + dt.timedelta(days=1))
        assert confirm_buttons(bot, alive.chat_id) and not confirm_buttons(bot, gone.chat_id)
        with bot.ctx.session() as s:
            from bot.services.enterprises import get_by_chat

            assert get_by_chat(s, gone.chat_id).active is False  # type: ignore[union-attr]
            assert get_by_chat(s, alive.chat_id).active is True  # type: ignore[union-attr]
        assert states(bot)["failed"] > 0
        _settled(bot, [alive.chat_id], tally)


async def test_an_officer_who_blocked_the_bot_does_not_stop_the_group_reminder(
    bot: LocalBot, tally: Counter[str]
) -> None:
    group = await registered_group(bot, "某某化工有限公司")
    emu = bot.emulator
    emu.send_text(emu.private_chat(group.worker), group.worker, "/start")  # may write to them
    await group.say(group.worker, "/join", expect="名单")
    await group.say(group.admin, "/officer @wang", expect="安全管理员")
    emu.block_bot(group.worker)
    await bot.tick_at(local(2026, 12, 1, 9, 0))
    after = emu.cursor(group.chat_id)
    await bot.tick_at(local(2027, 1, 5, 9, 0))  # December's duties escalate in January
    escalation = await emu.wait_for_message(group.chat_id, after=after)
    assert "逾期" in (escalation.text or "")
    assert any(c.status == 403 and c.params.get("chat_id") == group.worker["id"] for c in emu.calls)
    _settled(bot, [group.chat_id], tally, one_day=False)


async def test_an_over_long_reminder_arrives_in_parts_with_the_keyboard_on_the_last(
    bot: LocalBot, tally: Counter[str]
) -> None:
    """Thirty people with long names (Telegram allows 64 + 64 characters) on the roster of a
    per-person duty: the "not yet" line alone is longer than a message. Cutting it as plain
    text would break an <a> tag, Telegram would refuse that part on every retry, and the
    reminder would never arrive while its first part was posted again and again."""
    group = await registered_group(bot, "某某化工有限公司", language_code="en")
    await group.say(group.admin, "/region xinzhou")  # its list has a per-person duty (S4#17)
    emu = bot.emulator
    for i in range(30):
        person = emu.create_user("N" * 62 + f"{i:02d}", last_name="&<" + "L" * 62)
        await group.say(person, "/join", expect="roster")
    after = emu.cursor(group.chat_id)
    await bot.tick_at(local(2026, 12, 1, 8, 1))  # the day's digest
    await bot.tick_at(local(2026, 12, 1, 8, 6))  # a failed part would be retried here
    parts = [m for m in emu.sent(group.chat_id) if m.message_id > after]
    assert len(parts) >= 2, [len(m.text or "") for m in parts]
    assert failed_calls(emu, "sendMessage") == 0
    assert all(len((m.text or "").encode("utf-16-le")) // 2 <= 4096 for m in parts)
    assert [bool(m.buttons()) for m in parts] == [False] * (len(parts) - 1) + [True]
    whole = "".join(m.text or "" for m in parts)
    assert all(f"N{i:02d} &<LL" in whole for i in range(30))  # every name, escaped correctly
    for m in parts:  # what the bot sent is the HTML Telegram parsed: tags balanced in each part
        parse_html(m.html or "")
    _settled(bot, [group.chat_id], tally)


async def test_a_throttled_chat_does_not_hold_up_the_others(
    database_url: str, clock: FakeClock, tally: Counter[str]
) -> None:
    """With the production rate limiter (3 retries), a 429 on one group must not pause the
    bot: PTB's limiter would wait ``retry_after`` with every request held back. The outbox
    parks that group's reminders instead; the other groups get theirs in the same wave, and
    commands are answered meanwhile."""
    async with local_bot(database_url=database_url, clock=clock) as bot:
        assert bot.ctx.settings.rate_limit_max_retries == 3
        throttled = await registered_group(bot, "被限流企业")
        others = [await registered_group(bot, f"企业{i}") for i in range(3)]
        bot.emulator.inject_error(
            "sendMessage", error_code=429, description="Too Many Requests: retry after 30",
            retry_after=30, chat_id=throttled.chat_id,
        )  # fmt: skip
        report = await asyncio.wait_for(bot.tick_at(DUE), timeout=10)
        assert report.messages == 3 and report.retried > 0
        assert all(confirm_buttons(bot, g.chat_id) for g in others)
        assert not confirm_buttons(bot, throttled.chat_id)
        stats_reply = await others[0].say(others[0].worker, "/stats")  # served meanwhile
        assert stats_reply.text
        await bot.tick_at(DUE + dt.timedelta(seconds=20))  # still within retry_after
        assert not confirm_buttons(bot, throttled.chat_id)
        await bot.tick_at(DUE + dt.timedelta(seconds=31))
        assert confirm_buttons(bot, throttled.chat_id)
        _settled(bot, [throttled.chat_id, *(g.chat_id for g in others)], tally)


LONG_POLL_BANK = dedent(
    """\
    questions:
      - id: gen-001
        tags: [general]
        audience: [worker]
        question: {{zh_CN: "{question}", en: "Question"}}
        options:
          - {{zh_CN: "甲", en: "{option}"}}
          - {{zh_CN: "乙", en: "B"}}
        correct: [1]
        explanation: {{zh_CN: "因为", en: "{explanation}"}}
        source: {{zh_CN: "来源", en: "Source"}}
    """
)


def _bank(root: Path, **overrides: str) -> Path:
    values = {"question": "问题", "option": "A", "explanation": "Because"} | overrides
    (root / "questions").mkdir(parents=True)
    (root / "questions" / "general.yaml").write_text(
        LONG_POLL_BANK.format(**values), encoding="utf-8"
    )
    for name in ("templates", "locale", "drills", "demo"):  # the rest of messages/ as shipped
        (root / name).symlink_to(messages_dir() / name)
    return root


@pytest.mark.parametrize(
    ("field", "value", "line", "path"),
    [
        ("question", "问" * 301, 5, "questions.0.question"),
        ("option", "x" * 101, 7, "questions.0.options.0"),
        ("explanation", "y" * 201, 10, "questions.0.explanation"),
        ("question", "𠀀" * 151, 5, "questions.0.question"),  # 151 rare CJK = 302 UTF-16 units
    ],
)
def test_a_question_over_the_poll_limits_is_refused_by_quiz_check(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tally: Counter[str],
    field: str,
    value: str,
    line: int,
    path: str,
) -> None:
    root = _bank(tmp_path / "messages", **{field: value})
    monkeypatch.setenv("MESSAGES_DIR", str(root))
    assert main(["quiz", "check"]) == 1
    out = capsys.readouterr().out
    assert f"general.yaml:{line}: {path}" in out and "Telegram allows" in out, out
    tally["bad_inputs"] += 1


def test_the_bot_refuses_to_start_with_a_bank_it_could_not_send(
    tmp_path: Path, clock: FakeClock, tally: Counter[str]
) -> None:
    """A question Telegram would refuse as a poll stops the start (``safetybot run`` and the
    harness both go through ``build_context``) with file, line and field; a running bot never
    meets it in a /quiz, where the poll would fail in front of people."""
    root = _bank(tmp_path / "messages", question="问" * 301)
    settings = Settings(
        _env_file=None,
        telegram_bot_token=DEMO_TOKEN,
        database_url=f"sqlite:///{tmp_path}/bot.db",
        messages_dir=root,
    )
    with pytest.raises(DataFileError) as caught:
        build_context(settings, clock)
    assert "general.yaml:5" in str(caught.value) and "questions.0.question" in str(caught.value)
    tally["bad_inputs"] += 1
