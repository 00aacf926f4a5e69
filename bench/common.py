"""What every figure shares: a throwaway database, a seeded world, clocks, profiles, a bare PTB.

The world is built with bulk inserts (thousands of ``/setup`` conversations would measure
the set-up, not the figure); everything timed afterwards goes through the real code paths.
"""

from __future__ import annotations

import asyncio
import cProfile
import datetime as dt
import logging
import pstats
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlmodel import SQLModel
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor, Defaults

from bot.clock import FakeClock
from bot.demo.harness import DEMO_TOKEN
from bot.emulator import BotApiEmulator

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 1, 9, 5, tzinfo=SHANGHAI)  # a Tuesday, just after the 09:00 wave
# Duties a hazardous-chemicals enterprise has, one (obligation, area) each, so nothing in a
# chat's wave supersedes anything else: every seeded reminder is really posted.
DUTIES: tuple[tuple[str, str | None], ...] = (
    ("responsibility-review", None),
    ("safety-budget", None),
    ("post-safety-cards", None),
    ("emergency-drill", None),
    ("evacuation-drill", "office"),
    ("evacuation-drill", "production"),
    ("evacuation-drill", "living"),
    ("leader-inspection", None),
    ("leader-study", None),
    ("weekly-check", None),
    ("monthly-dispatch", None),
    ("major-hazard-rectification", None),
)


def quiet() -> None:
    """Benchmarks print figures, not the bot's info logs."""
    for name in ("bot", "telegram", "httpx", "httpcore", "apscheduler", "alembic"):
        logging.getLogger(name).setLevel(logging.ERROR)
    logging.getLogger("aiohttp").setLevel(logging.CRITICAL)  # a long poll cut at shutdown


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="safetybot-bench-") as tmp:
        yield f"sqlite:///{tmp}/bench.db"


class RunningClock(FakeClock):
    """Wall time, offset to start at ``start``: retries and leases expire as in production."""

    def __init__(self, start: dt.datetime) -> None:
        super().__init__(start)
        self._origin = time.monotonic()

    def now(self) -> dt.datetime:
        return super().now() + dt.timedelta(seconds=time.monotonic() - self._origin)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)  # wall time runs on its own: lease heartbeats as in production


@dataclass
class World:
    """Group chats in the emulator with the bot in them, and the people who write there."""

    chat_ids: list[int]
    people: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def make_chats(emu: BotApiEmulator, chats: int, people_per_chat: int = 1) -> World:
    world = World([])
    for n in range(chats):
        people = [emu.create_user(f"工人{n}-{k}") for k in range(people_per_chat)]
        chat = emu.create_group(f"企业{n:05d}", admins=people[:1], members=people[1:])
        emu.store.chats[chat["id"]].bot_status = "member"  # as if added long ago
        world.chat_ids.append(chat["id"])
        world.people[chat["id"]] = people
    return world


def seed_enterprises(engine: Engine, chat_ids: Sequence[int], *, now: dt.datetime) -> list[int]:
    """Registered high-risk enterprises, materialized far ahead; returns their ids in order."""
    table = SQLModel.metadata.tables["enterprise"]
    created = now.astimezone(dt.UTC) - dt.timedelta(days=60)
    rows = [
        {
            "chat_id": c,
            "name": f"某某化工{n:05d}",
            "sector": "hazardous_chemicals",
            "high_risk": True,
            "created_by": 1,
            "created_at": created,
            "materialized_until": now.date() + dt.timedelta(days=400),
        }
        for n, c in enumerate(chat_ids)
    ]
    with engine.begin() as conn:
        conn.execute(table.insert(), rows)
        ids = {chat: i for chat, i in conn.execute(select(table.c.chat_id, table.c.id))}
    return [ids[c] for c in chat_ids]


def seed_reminders(
    engine: Engine,
    enterprise_ids: Sequence[int],
    *,
    now: dt.datetime,
    items: int,
    lead: int,
    lead_only_every: int = 0,
) -> int:
    """Per enterprise ``items`` open occurrences, each with one reminder fired 5 minutes ago.

    The last ``lead`` of them are lead-time reminders (due in a week), the others due today or
    overdue. With ``lead_only_every=n``, every n-th enterprise (the n-th, the 2n-th, …) has
    only the ``lead`` lead-time ones: a morning where some groups have nothing due yet.
    Rows go in enterprise by enterprise, as materialization writes them.
    """
    assert items <= len(DUTIES) and lead <= items
    lead_only = set(
        enterprise_ids[lead_only_every - 1 :: lead_only_every] if lead_only_every else ()
    )
    occ, rem = SQLModel.metadata.tables["occurrence"], SQLModel.metadata.tables["reminder"]
    today = now.date()
    fire = now.astimezone(dt.UTC) - dt.timedelta(minutes=5)
    kinds: dict[str, str] = {}
    occurrences = []
    for j, (obligation, area) in enumerate(DUTIES[:items]):
        key = f"{obligation}/{area or '-'}/bench"
        due = now + dt.timedelta(days=7) if j >= items - lead else now - dt.timedelta(hours=6 * j)
        kinds[key] = (
            "lead-7" if j >= items - lead else "due" if due.date() == today else "overdue-1"
        )
        occurrences += [
            {
                "enterprise_id": e,
                "key": key,
                "area": area,
                "obligation_id": obligation,
                "label": "bench",
                "quota": 1,
                "status": "open",
                "due_at": due.astimezone(dt.UTC),
                "window_start": today - dt.timedelta(days=7),
                "window_end": today + dt.timedelta(days=7),
            }
            for e in enterprise_ids
            if j >= items - lead or e not in lead_only
        ]
    occurrences.sort(key=lambda o: o["enterprise_id"])  # enterprise by enterprise
    with engine.begin() as conn:
        conn.execute(occ.insert(), occurrences)
        rows = conn.execute(
            select(occ.c.id, occ.c.enterprise_id, occ.c.key).order_by(occ.c.id)
        ).all()
        reminders = [
            {
                "occurrence_id": i,
                "enterprise_id": e,
                "kind": kinds[key],
                "fire_at": fire,
                "state": "pending",
                "attempts": 0,
            }
            for i, e, key in rows
        ]
        conn.execute(rem.insert(), reminders)
    return len(reminders)


def bare_application(
    emu: BotApiEmulator, processor: BaseUpdateProcessor | None = None
) -> Application:  # type: ignore[type-arg]
    """A minimal PTB application on the same emulator: no rate limiter, no database."""
    builder = (
        ApplicationBuilder()
        .token(DEMO_TOKEN)
        .base_url(emu.base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
    )
    if processor is not None:
        builder = builder.concurrent_updates(processor)
    return builder.build()


class TimedUpdates(BaseUpdateProcessor):
    """Processes updates one at a time (PTB's default) and records how long each one took."""

    def __init__(self) -> None:
        super().__init__(max_concurrent_updates=1)
        self.seconds: list[float] = []
        self._target = 0
        self._reached = asyncio.Event()

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        started = time.perf_counter()
        await coroutine
        self.seconds.append(time.perf_counter() - started)
        if len(self.seconds) >= self._target:
            self._reached.set()

    async def wait_for(self, count: int) -> None:
        """Until ``count`` updates in all have been handled."""
        self._target = count
        if len(self.seconds) < count:
            self._reached.clear()
            await self._reached.wait()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def medians(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Per key, the median of the runs' numbers, whether a yes/no held in every run (the
    first run's value for anything else), plus ``runs``: how a figure measured as several
    (alternating) runs is shown."""
    out: dict[str, Any] = {"runs": len(runs)}
    for key, value in runs[0].items():
        values = [r[key] for r in runs]
        if all(isinstance(v, bool) for v in values):
            out[key] = all(values)
        elif all(isinstance(v, int | float) for v in values):
            out[key] = median(values)
        else:
            out[key] = value
    return out


@contextmanager
def profiled(into: list[str], *, top: int = 12) -> Iterator[None]:
    """cProfile the block; append its top functions (own time, then our code by total time)."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        into.extend(top_functions(profile, top=top))


def top_functions(profile: cProfile.Profile, *, top: int) -> list[str]:
    stats = pstats.Stats(profile)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for _cc, _nc, tt, _ct, _callers in raw.values()) or 1.0
    rows = [(tt, ct, nc, key) for key, (_cc, nc, tt, ct, _callers) in raw.items()]

    def name(key: tuple[str, int, str]) -> str:
        path, line, func = key
        short = path.split("site-packages/")[-1].split("/work/main/")[-1]
        return f"{func} ({short}:{line})" if line else func

    lines = [
        f"total profiled time {total:.2f} s (a coroutine's calls count each time it resumes)",
        "own time (tottime), all code:",
    ]
    for tt, _ct, nc, key in sorted(rows, key=lambda r: r[0], reverse=True)[:top]:
        lines.append(f"  {tt / total:6.1%}  {tt:7.3f} s  {nc:>8} calls  {name(key)}")
    lines.append("total time (cumtime), our code (bot/):")
    ours = [r for r in rows if "/bot/" in r[3][0] and "/site-packages/" not in r[3][0]]
    for _tt, ct, nc, key in sorted(ours, key=lambda r: r[1], reverse=True)[:top]:
        lines.append(f"  {ct / total:6.1%}  {ct:7.3f} s  {nc:>8} calls  {name(key)}")
    return lines
