"""``safetybot people``: the certificates and this year's hours at the terminal and as JSON, what
each ``--chat`` sees, its bad input; and the operator's ``safetybot stats --xlsx`` registers."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.cli.main import main
from bot.clock import FakeClock
from bot.demo.harness import local_bot
from bot.reports.sheets import HEADER_ROW
from tests.integration.test_cli import _fails_in_one_line, operator_env  # noqa: F401
from tests.integration.test_people_figures import LI_NUMBER, NOW, WANG_NUMBER, ZHAO_NUMBER, _world

CERTIFICATE_FIELDS = {"kind", "category", "number", "issued_on", "expires_on", "review_due_on",
                      "standing"}  # fmt: skip


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    assert main(argv, FakeClock(NOW)) == 0
    return capsys.readouterr().out


@pytest.fixture
async def world(database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The people of test_people_figures in a database the command line reads."""
    async with local_bot(database_url=database_url, clock=FakeClock(NOW)) as bot:
        chemicals, construction, textiles, officer = await _world(bot)
        chats = {
            "chemicals": chemicals.chat_id,
            "construction": construction.chat_id,
            "textiles": textiles.chat_id,
            "office": bot.emulator.private_chat(officer)["id"],
        }
    monkeypatch.setenv("DATABASE_URL", database_url)
    return chats


async def test_json_has_each_persons_certificates_and_hours_and_each_chat_its_own(
    world: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    def people(*argv: str) -> dict[str, Any]:
        rows = json.loads(_run(["people", "--json", *argv], capsys))
        return {r["name"]: r for r in rows}

    everyone = await asyncio.to_thread(people)
    assert set(everyone) == {"王师傅", "李师傅", "张主任", "赵师傅", "吴师傅"}
    wang = everyone["王师傅"]
    assert (wang["enterprise"], wang["chat_id"], wang["role"]) == (
        "某某化工有限公司", world["chemicals"], "special")  # fmt: skip
    [cert] = wang["certificates"]
    assert set(cert) >= CERTIFICATE_FIELDS
    assert (cert["kind"], cert["category"], cert["number"]) == (
        "special_operation", "electrical", WANG_NUMBER)  # fmt: skip
    assert (cert["issued_on"], cert["expires_on"]) == ("2020-11-20", "2026-11-20")
    assert cert["standing"] == "expired" and wang["stands_down"] is True
    assert (wang["year"], wang["training_hours"], wang["training_missing"]) == (2026, 8, 12)
    assert wang["training_by_category"] == {"annual": 8}
    li = everyone["李师傅"]
    assert li["certificates"][0]["review_due_on"] == "2026-12-20" and li["user_id"] is None
    assert li["training_hours"] == 92 and li["training_missing"] == 0
    zhang = everyone["张主任"]["certificates"][0]
    assert zhang["review_due_on"] is None and zhang["expires_on"] == "2028-01-01"

    office = await asyncio.to_thread(people, "--chat", str(world["office"]))
    assert set(office) == {"王师傅", "李师傅", "张主任", "赵师傅"}, "linked enterprises only"
    assert office["王师傅"]["certificates"][0]["number"] is None, "not shared with offices"
    assert office["李师傅"]["certificates"][0]["number"] is None
    assert office["赵师傅"]["certificates"][0]["number"] == ZHAO_NUMBER, "shared"
    own = await asyncio.to_thread(people, "--chat", str(world["chemicals"]))
    assert set(own) == {"王师傅", "李师傅", "张主任"}
    assert own["李师傅"]["certificates"][0]["number"] == LI_NUMBER


async def test_the_table_is_in_the_cli_language(
    world: dict[str, int], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_LOCALE", "zh_CN")
    chat = str(world["chemicals"])
    lines = (await asyncio.to_thread(_run, ["people", "--chat", chat], capsys)).splitlines()
    assert lines[0] == "3 人有持证或培训记录"
    assert "某某化工有限公司  王师傅  特种作业人员  合计学时 8 · 尚缺学时 12" in lines
    assert "    特种作业操作证 · 电工作业  有效期至 2026-11-20  下次复审 2023-11-20  已过期，暂停上岗" in lines  # fmt: skip
    monkeypatch.setenv("BOT_LOCALE", "en")
    lines = (await asyncio.to_thread(_run, ["people", "--chat", chat], capsys)).splitlines()
    assert lines[0] == "3 people with records"
    assert any(line.startswith("    Special-operations certificate · Welding") for line in lines)


async def test_the_operators_workbook_shows_every_number(
    world: dict[str, int], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "report.xlsx"
    await asyncio.to_thread(_run, ["stats", "--xlsx", str(path)], capsys)
    workbook = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    rows = list(workbook["持证台账"].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert {r[2]: r[6] for r in rows}["王师傅"] == WANG_NUMBER, "the operator sees them all"
    assert len(rows) == 5
    assert "培训台账" in workbook.sheetnames


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["people", "--chat", "abc"], "--chat abc: expected a chat id, a whole number"),
        (
            ["people", "--chat", "-100123", "--json"],
            "--chat -100123: no enterprise group or office",
        ),
    ],
)
def test_a_bad_or_unknown_chat_is_one_line_and_status_2(
    operator_env: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    expected: str,
) -> None:
    assert expected in _fails_in_one_line(capsys, argv)
