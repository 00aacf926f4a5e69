"""``safetybot hazards``: the register at the terminal and as JSON, and its bad input."""

from __future__ import annotations

import asyncio
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main
from bot.clock import FakeClock
from bot.demo.harness import local_bot
from tests.conftest import local
from tests.integration.test_cli import _fails_in_one_line, operator_env  # noqa: F401
from tests.integration.test_hazard_figures import FORMULA, NOW, _world

FIELDS = {"id", "chat_id", "grade", "status", "reported_at", "deadline", "closed_at",
          "standard_item", "number", "enterprise", "description", "location", "responsible"}  # fmt: skip


def _columns(line: str, text: str) -> int:
    """Where ``text`` starts in ``line`` on a terminal (a CJK character takes two columns)."""
    before = line[: line.index(text)]
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in before)


async def _run(argv: list[str]) -> Any:
    return await asyncio.to_thread(main, argv, FakeClock(NOW))


@pytest.fixture
async def world(database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The hazards of test_hazard_figures in a database the command line reads."""
    async with local_bot(database_url=database_url, clock=FakeClock(local(2026, 12, 1, 8))) as bot:
        chemicals, construction, textiles, officer = await _world(bot)
        chats = {
            "chemicals": chemicals.chat_id,
            "construction": construction.chat_id,
            "textiles": textiles.chat_id,
            "office": bot.emulator.private_chat(officer)["id"],
        }
    monkeypatch.setenv("DATABASE_URL", database_url)
    return chats


async def test_json_lists_the_register_with_utc_times_and_filters_by_status_and_chat(
    world: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _run(["hazards", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 7 and all(set(r) >= FIELDS for r in rows)
    major = next(r for r in rows if r["description"] == "储罐区可燃气体报警器失效")
    assert major["chat_id"] == world["chemicals"] and major["enterprise"] == "某某化工有限公司"
    assert (major["grade"], major["status"], major["overdue"]) == ("major", "planned", True)
    assert major["standard_item"] == "chemicals-2017#一" and major["responsible"] == "王师傅"
    assert major["reported_at"] == "2026-12-01T01:00:00+00:00", "09:00 in Shanghai, in UTC"
    assert major["deadline"] == "2026-12-05" and major["closed_at"] is None
    closed = next(r for r in rows if r["description"] == "配电箱门未关闭")
    assert (closed["grade"], closed["status"]) == ("general", "closed")
    assert closed["closed_at"] == "2026-12-05T08:00:00+00:00"
    anonymous = next(r for r in rows if r["description"] == FORMULA)
    assert anonymous["grade"] is None and anonymous["anonymous"] is True
    assert "王师傅" not in json.dumps(anonymous, ensure_ascii=False), "the reporter is not named"

    def described(argv: list[str]) -> set[str]:
        assert main(argv, FakeClock(NOW)) == 0
        return {r["description"] for r in json.loads(capsys.readouterr().out)}

    assert await asyncio.to_thread(described, ["hazards", "--json", "--status", "overdue"]) == {
        "储罐区可燃气体报警器失效"
    }
    assert await asyncio.to_thread(described, ["hazards", "--json", "--status", "open"]) == {
        "储罐区可燃气体报警器失效",
        FORMULA,
        "深基坑支护变形",
        "外单位的重大隐患",
    }
    assert await asyncio.to_thread(described, ["hazards", "--json", "--status", "closed"]) == {
        "配电箱门未关闭",
        "误报",
        "脚手架扣件缺失",
    }, "closed includes the one closed as invalid"
    office = ["hazards", "--json", "--chat", str(world["office"]), "--status", "open"]
    assert await asyncio.to_thread(described, office) == {
        "储罐区可燃气体报警器失效",
        FORMULA,
        "深基坑支护变形",
    }, "an office chat: its linked enterprises only"
    group = ["hazards", "--json", "--chat", str(world["textiles"])]
    assert await asyncio.to_thread(described, group) == {"外单位的重大隐患"}


async def test_the_table_is_in_the_cli_language(
    world: dict[str, int], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_LOCALE", "en")
    assert await _run(["hazards", "--status", "open", "--chat", str(world["chemicals"])]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2 open hazards"
    assert lines[1].split()[:3] == ["No.", "Enterprise", "Found"]
    overdue = next(line for line in lines if "储罐区" in line)
    assert overdue.split()[:3] == ["#1", "某某化工有限公司", "2026-12-01"]
    assert "major accident hazard" in overdue and "being rectified, overdue" in overdue
    found_at = _columns(lines[1], "Found at")
    assert found_at == _columns(overdue, "2026-12-01"), "columns line up (CJK counts double)"
    monkeypatch.setenv("BOT_LOCALE", "zh_CN")
    assert await _run(["hazards", "--status", "closed"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "已销号或作废的隐患 3 项" and lines[1].startswith("序号  企业")
    assert any("已作废" in line for line in lines)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["hazards", "--status", "pending"],
            "--status pending: expected one of open, overdue, closed",
        ),
        (["hazards", "--chat", "abc"], "--chat abc: expected a chat id, a whole number"),
        (
            ["hazards", "--chat", "-100123", "--json"],
            "--chat -100123: no enterprise group or office",
        ),
        (["hazards", "--status"], "argument --status: expected one argument"),
    ],
)
def test_bad_status_or_chat_is_one_line_and_status_2(
    operator_env: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    expected: str,
) -> None:
    assert expected in _fails_in_one_line(capsys, argv)
