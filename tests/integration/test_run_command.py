"""``safetybot run`` as an operator starts it: a real process in webhook mode, then SIGTERM.

Checks what only a real process shows: the CLI flags, the JSON log lines (one per event, no
token, no secret, nothing people wrote, even at DEBUG), and a clean exit on SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.cli.main import main
from bot.demo.harness import DEMO_TOKEN
from bot.emulator import BotApiEmulator
from tests.fakes.process import LineReader
from tests.fakes.webhook import PUBLIC_URL, SECRET, take_updates

PRIVATE_TEXT = "私密文字 private-words-0815"


def _env(emu: BotApiEmulator, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    return env | {
        "TELEGRAM_BOT_TOKEN": DEMO_TOKEN,
        "TELEGRAM_API_BASE_URL": emu.base_url,
        "DATABASE_URL": database_url,
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "LOG_JSON": "true",
        "LOG_LEVEL": "DEBUG",
        "RATE_LIMIT_GROUP_PER_MINUTE": "10000",
    }


async def test_run_in_webhook_mode_serves_logs_safely_and_stops_on_sigterm(
    database_url: str, tmp_path: Path
) -> None:
    async with BotApiEmulator() as emu:
        proc = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bot", "run", "--webhook-url", PUBLIC_URL, "--port", "0"),
            cwd=tmp_path,
            env=_env(emu, database_url),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        assert proc.stderr is not None
        tail = LineReader(proc.stderr)
        try:
            listening = await tail.wait_for(lambda line: "http server listening on" in line)
            port = int(json.loads(listening)["event"].rsplit(":", 1)[1])
            await tail.wait_for(lambda line: "webhook mode" in line)
            assert emu.webhook == {"url": PUBLIC_URL, "secret_token": SECRET}
            base = f"http://127.0.0.1:{port}"
            admin = emu.create_user("张主任")
            chat = emu.create_group("安全群", admins=[admin])
            emu.add_bot_to_group(chat, by=admin)
            emu.send_text(chat, admin, f"/help {PRIVATE_TEXT}")
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with aiohttp.ClientSession() as http:
                for update in take_updates(emu):
                    async with http.post(f"{base}/telegram", json=update, headers=headers) as r:
                        assert r.status == 200
                await emu.wait_for(lambda: len(emu.sent(chat["id"])) >= 2, timeout=30)
                async with http.get(f"{base}/healthz") as r:
                    assert r.status == 200, await r.text()
                async with http.get(f"{base}/metrics") as r:
                    metrics = await r.text()
            assert 'safetybot_updates_handled_total{type="message"} 2.0' in metrics
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 60) == 0
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        lines = await tail.finish()
    events = [json.loads(line) for line in lines]  # every line is one JSON event
    assert any(e["event"].startswith("stopped:") for e in events)
    for line in lines:
        for forbidden in (DEMO_TOKEN, SECRET, "私密文字", "private-words-0815"):
            assert forbidden not in line


def test_webhook_url_without_secret_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", DEMO_TOKEN)
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    assert main(["run", "--webhook-url", PUBLIC_URL]) == 2
    err = capsys.readouterr().err
    assert "WEBHOOK_SECRET" in err and "required" in err


def test_weak_webhook_secret_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WEBHOOK_SECRET", "short")
    assert main(["run", "--webhook-url", PUBLIC_URL]) == 2
    assert "WEBHOOK_SECRET" in capsys.readouterr().err


def test_run_without_token_still_says_what_to_set_in_webhook_mode(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    assert main(["run", "--webhook-url", PUBLIC_URL, "--port", "0"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
