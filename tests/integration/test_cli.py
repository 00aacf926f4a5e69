"""The command line as an operator meets it: no token, upcoming reminders, the demo."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import FakeClock
from bot.demo import run_demo
from bot.demo.harness import local_bot
from tests.fakes.group import group_with_bot


def test_run_without_token_says_what_to_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TELEGRAM_BOT_TOKEN" in lines[0] and "safetybot demo" in lines[0]


def test_placeholder_token_is_rejected(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "changeme")
    assert main(["run"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


async def test_upcoming_json_lists_reminders_with_fire_times(
    database_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with local_bot(database_url=database_url, clock=clock) as bot:
        group = await group_with_bot(bot)
        await group.setup()
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert await asyncio.to_thread(main, ["upcoming", "--json", "--days", "400"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows, "a freshly set-up enterprise has reminders ahead"
    assert {"chat_id", "obligation_id", "kind", "fire_at"} <= set(rows[0])
    leader = [r for r in rows if r["obligation_id"] == "leader-inspection"]
    assert {r["chat_id"] for r in leader} == {group.chat_id}
    assert any(r["kind"] == "lead-7" and r["fire_at"].startswith("2026-12-24T01:00:00") for r in leader)
    fire_times = [r["fire_at"] for r in rows]
    assert fire_times == sorted(fire_times)


async def test_demo_acts_out_a_month_without_token_or_network() -> None:
    out = io.StringIO()
    assert await run_demo(locale="zh_CN", stream=out) == 0
    transcript = out.getvalue()
    for expected in ("大家好", "只有群管理员", "企业登记成功", "主要负责人带队检查", "确认完成", "已逾期", "演示结束"):
        assert expected in transcript, expected


async def test_demo_in_english_has_no_chinese_from_the_bot() -> None:
    out = io.StringIO()
    assert await run_demo(locale="en", stream=out) == 0
    bot_lines = [line for line in out.getvalue().splitlines() if line.startswith("    ")]
    assert any("Main leader" in line for line in bot_lines)
    chinese = [line for line in bot_lines if any("\u4e00" <= ch <= "\u9fff" for ch in line)]
    assert chinese == []
