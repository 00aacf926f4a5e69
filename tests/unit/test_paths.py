"""One data locator: an installed package reads the data it carries (issue 14, item 10).

``pip install .`` puts ``messages/`` and ``schedules/`` inside the package as ``bot/_data``;
every command must read that copy, not a ``schedules/`` next to ``site-packages``. Here the
packaged copy is a smaller catalog than the checkout's, so the output tells which was read.
CI checks the real thing: it installs the wheel in a fresh virtualenv outside the checkout.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import bot.paths
from bot.catalog import load_catalog
from bot.catalog.holidays import holidays_dir
from bot.cli.main import main
from bot.config import Settings
from bot.paths import messages_dir, schedules_dir

KEPT = "leadership.yaml"
ALIAS = "打包数据测试行业"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package whose ``_data`` holds a catalog of one obligations file; no checkout around."""
    data = tmp_path / "site-packages" / "bot" / "_data"
    shutil.copytree(schedules_dir(), data / "schedules")
    sectors = data / "schedules" / "sectors.yaml"
    text = sectors.read_text(encoding="utf-8")
    sectors.write_text(text.replace("aliases: [危化,", f"aliases: [{ALIAS}, 危化,", 1), "utf-8")
    for path in (data / "schedules" / "obligations").glob("*.yaml"):
        if path.name != KEPT:
            path.unlink()
    (data / "messages").symlink_to(messages_dir(), target_is_directory=True)
    monkeypatch.setattr(bot.paths, "_PACKAGED", data)
    monkeypatch.setattr(bot.paths, "_CHECKOUT", tmp_path / "site-packages")
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("BOT_LOCALE", "en")
    for name in ("SCHEDULES_DIR", "MESSAGES_DIR"):
        monkeypatch.delenv(name, raising=False)
    return data


def test_every_default_data_path_is_the_packaged_copy(installed: Path) -> None:
    assert schedules_dir() == installed / "schedules"
    assert messages_dir() == installed / "messages"
    assert holidays_dir() == installed / "schedules" / "holidays"
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.schedules_dir == installed / "schedules"
    assert load_catalog().root == installed / "schedules"


def test_schedules_check_and_show_read_the_packaged_catalog(
    installed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = set(load_catalog(installed / "schedules").obligations)
    assert 0 < len(kept) < len(load_catalog(REPO / "schedules").obligations)
    assert main(["schedules", "check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(f"in {len(kept)} obligations")
    # a sector alias only the packaged copy knows: found only if that copy is read
    show = ["schedules", "show", "--sector", ALIAS, "--from", "2027-01-01", "--to", "2027-01-31"]
    assert main([*show, "--json"]) == 0, capsys.readouterr().err
    shown = {row["obligation_id"] for row in json.loads(capsys.readouterr().out)}
    assert shown <= kept
