"""Shared fixtures: an injected clock, a fresh database, and the real bot on the emulator."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.demo.harness import LocalBot, local_bot

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware moment in Asia/Shanghai, the enterprises' default timezone."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(local(2026, 12, 1, 8, 0))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    """A fresh database: SQLite always; PostgreSQL when DATABASE_URL_PG names a server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/bot.db"
    from tests.fakes.postgres import fresh_database

    return fresh_database(request)


@pytest.fixture
async def bot(database_url: str, clock: FakeClock) -> AsyncIterator[LocalBot]:
    async with local_bot(database_url=database_url, clock=clock) as running:
        yield running
