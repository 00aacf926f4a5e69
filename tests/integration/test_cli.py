"""The command line as an operator meets it: no token, upcoming reminders, the demo."""

from __future__ import annotations

import asyncio
import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.clock import FakeClock
from bot.demo import run_demo
from bot.demo.harness import local_bot
from tests.fakes.group import group_with_bot


def test_run_without_token_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TELEGRAM_BOT_TOKEN" in lines[0] and "safetybot demo" in lines[0]


def test_placeholder_token_is_rejected(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "changeme")
    assert main(["run"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


async def test_upcoming_json_lists_reminders_with_fire_times(
    database_url: str,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
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
    assert any(
        r["kind"] == "lead-7" and r["fire_at"].startswith("2026-12-24T00:00:00") for r in leader
    )
    fire_times = [r["fire_at"] for r in rows]
    assert fire_times == sorted(fire_times)


async def test_demo_acts_out_a_month_without_token_or_network() -> None:
    out = io.StringIO()
    assert await run_demo(locale="zh_CN", stream=out) == 0
    transcript = out.getvalue()
    for expected in (
        "大家好",
        "只有群管理员",
        "企业登记成功",
        "主要负责人带队检查",
        "确认完成",
        "已逾期",
        "演示结束",
    ):
        assert expected in transcript, expected


async def test_demo_in_english_has_no_chinese_from_the_bot() -> None:
    out = io.StringIO()
    assert await run_demo(locale="en", stream=out) == 0
    bot_lines = [line for line in out.getvalue().splitlines() if line.startswith("    ")]
    assert any("Main leader" in line for line in bot_lines)
    chinese = [line for line in bot_lines if any("\u4e00" <= ch <= "\u9fff" for ch in line)]
    assert chinese == []


# --- bad input: one line naming what is wrong and what is expected, status 2 (issue 14) -------


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fails_in_one_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    assert lines[0].startswith("safetybot: ")
    return lines[0]


@pytest.fixture
def operator_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An operator's shell: no .env, English messages, a database in a folder that exists."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_LOCALE", "en")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/bot.db")
    return tmp_path


SHOW = ["schedules", "show", "--sector", "危险化学品", "--from", "2027-01-01", "--to", "2027-01-31"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["stats", "--xlsx", "/nonexistent/dir/r.xlsx"],
            "the folder /nonexistent/dir does not exist",
        ),
        ([*SHOW, "--ics", "/nonexistent/dir/c.ics"], "the folder /nonexistent/dir does not exist"),
        (["stats", "--from", "2026/12/01"], "--from 2026/12/01 is not a date: expected YYYY-MM-DD"),
        (
            [
                "schedules",
                "show",
                "--sector",
                "危险化学品",
                "--from",
                "2027-01-01",
                "--to",
                "1.2.2027",
            ],
            "--to 1.2.2027 is not a date: expected YYYY-MM-DD",
        ),
        (["upcoming", "--days", "-5"], "--days -5: expected a whole number of days, 1 or more"),
        (["upcoming", "--days", "soon"], "--days soon: expected a whole number of days"),
        (["demo", "--lang", "fr"], "--lang fr: expected one of zh_CN, en"),
        (
            ["stats", "--chat"],
            "argument --chat: expected one argument (see safetybot stats --help)",
        ),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    operator_env: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert expected in _fails_in_one_line(capsys, argv)


def test_a_folder_given_as_output_file_is_refused(
    operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _fails_in_one_line(capsys, ["stats", "--xlsx", str(operator_env)])
    assert f"--xlsx {operator_env} is a folder: expected the path of a file to write" in line
    line = _fails_in_one_line(capsys, [*SHOW, "--ics", str(operator_env)])
    assert f"--ics {operator_env} is a folder" in line


def test_unreachable_databases_are_named_with_the_password_hidden(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////nonexistent/dir/bot.db")
    line = _fails_in_one_line(capsys, ["upcoming"])
    assert (
        "DATABASE_URL sqlite:////nonexistent/dir/bot.db: the folder /nonexistent/dir does not exist"
        in line
    )
    url = f"postgresql+psycopg://safety:s3cret-pw@127.0.0.1:{_closed_port()}/bot"
    monkeypatch.setenv("DATABASE_URL", url)
    for argv in (["upcoming"], ["stats"], ["db", "upgrade"]):
        line = _fails_in_one_line(capsys, argv)
        assert "does not answer" in line and "expected a database that is running" in line
        assert "s3cret-pw" not in line and "safety:***@127.0.0.1" in line
    monkeypatch.setenv("DATABASE_URL", "not a url")
    assert "DATABASE_URL is not a database URL" in _fails_in_one_line(capsys, ["upcoming"])


def test_a_bad_date_ends_without_traceback_in_a_real_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", *SHOW[:4], "--from", "2026/12/01", "--to", "2027-01-31"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "BOT_LOCALE": "zh_CN"},
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "safetybot: --from 2026/12/01 不是日期；应写作 YYYY-MM-DD，例如 2026-12-01"
    ]


async def test_upcoming_shows_local_times_with_their_zone(
    database_url: str,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with local_bot(database_url=database_url, clock=clock) as bot:
        group = await group_with_bot(bot)
        await group.setup()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_LOCALE", "zh_CN")
    assert await asyncio.to_thread(main, ["upcoming", "--days", "400"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("今后 400 天内有") and "按各企业当地时间" in lines[0]
    lead = [ln for ln in lines if "lead-7" in ln and "leader-inspection" in ln]
    assert any(ln.startswith("2026-12-24 08:00 北京时间") for ln in lead), (
        lead
    )  # the digest, 00:00 UTC
    assert all(str(group.chat_id) in ln and "（" not in ln for ln in lead)


def test_upcoming_says_when_nothing_is_upcoming(
    operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["upcoming", "--days", "7"]) == 0
    assert capsys.readouterr().out.strip() == "Nothing upcoming in the next 7 days."


@pytest.mark.parametrize(("given", "locale"), [("zh", "zh_CN"), ("zh-hans", "zh_CN"), ("EN", "en")])
def test_demo_takes_languages_as_lang_does(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, given: str, locale: str
) -> None:
    chosen: list[str] = []

    async def fake_demo(*, locale: str) -> int:
        chosen.append(locale)
        return 0

    monkeypatch.setattr("bot.demo.run_demo", fake_demo)
    assert main(["demo", "--lang", given]) == 0
    assert chosen == [locale]
