"""Figure 3, materialization: the first run and the daily run, measured at full size.

``enterprises`` registered enterprises (10,000 in ``make bench``) with a spread of profiles
(every sector of the catalog, five regional profiles, shift sites, a few other digest times),
in a child process so its peak memory is its own. Timed, each through
``materialize_stale`` as the scheduler tick calls it:

1. **first**: nothing materialized yet (a new installation, or after migration 0010);
2. **rerun**: the same moment again: nothing to write, the cost of finding that out;
3. **daily**: the next day: the windows that open on the new last day of the horizon (a
   Monday and the first of a month with the default 45 days: the busiest kind of day);
4. **loop**: the first run again in a fresh database, in a worker thread as ``Runtime.tick``
   runs it, while the event loop measures how late a 10 ms timer fires (its stalls).

Nothing is extrapolated: every figure is the run at that size.

    python -m bench.materialize --child --enterprises 1000    # one measurement, as JSON
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel, select

from bench.common import SHANGHAI, percentile, quiet, sqlite_url
from bot.bootstrap import build_context
from bot.clock import FakeClock
from bot.config import Settings
from bot.services.context import AppContext
from bot.services.reminders.materialize import materialize_stale
from bot.services.reminders.plan import PlanCache

ROOT = Path(__file__).resolve().parents[1]
REGIONS = ("national", "hubei", "ezhou", "quyuan", "xinzhou")
# The first run; the daily run a day later adds Monday 1 February 2027 to the default
# horizon: a new day, week and month open at once (the busiest kind of day).
NOW = dt.datetime(2026, 12, 17, 9, 5, tzinfo=SHANGHAI)


def _rss_mb() -> float:
    """Peak resident memory of this process so far (VmHWM; unlike ru_maxrss it is not
    inherited from the parent that spawned this process)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def _rows(ctx: AppContext) -> int:
    with ctx.engine.connect() as conn:
        return sum(
            conn.execute(select(func.count()).select_from(SQLModel.metadata.tables[t])).scalar_one()
            for t in ("occurrence", "reminder")
        )


def _seed(ctx: AppContext, enterprises: int) -> None:
    """Registered enterprises, a month old, none materialized; bulk-inserted (not timed)."""
    sectors = list(ctx.catalog.sectors.values())
    created = NOW.astimezone(dt.UTC) - dt.timedelta(days=30)
    rows = []
    for n in range(enterprises):
        sector = sectors[n % len(sectors)]
        shifts = sector.high_risk and n % 3 == 0  # a continuous site, three shifts
        rows.append(
            {
                "chat_id": -1_000_000 - n,
                "name": f"企业{n:05d}",
                "sector": sector.id,
                "high_risk": sector.high_risk,
                "region": REGIONS[(n // len(sectors)) % len(REGIONS)],
                "work_pattern": "continuous" if shifts else "office",
                "shift_starts": "08:00,16:00,00:00" if shifts else None,
                "digest_time": "07:30" if (n // 120) % 10 == 0 else "08:00",
                "created_by": 1,
                "created_at": created,
            }
        )
    with ctx.engine.begin() as conn:
        conn.execute(SQLModel.metadata.tables["enterprise"].insert(), rows)


@contextmanager
def _database(postgres: bool) -> Iterator[str]:
    """A throwaway SQLite file, or a fresh database on the server DATABASE_URL_PG names."""
    if not postgres:
        with sqlite_url() as url:
            yield url
        return
    base = os.environ["DATABASE_URL_PG"]
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _context(url: str, days: int) -> AppContext:
    settings = Settings(_env_file=None, database_url=url, materialize_horizon_days=days)
    return build_context(settings, FakeClock(NOW))


def _timed(ctx: AppContext, now: dt.datetime, days: int, cache: PlanCache) -> dict[str, float]:
    before = _rows(ctx)
    started, cpu = time.perf_counter(), time.process_time()
    with ctx.session() as session:
        done = materialize_stale(
            session, catalog=ctx.catalog, calendar=ctx.calendar, now=now, horizon_days=days,
            cache=cache,
        )  # fmt: skip
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": _rows(ctx) - before, "enterprises": done}


async def _loop_stalls(ctx: AppContext, days: int) -> dict[str, float]:
    """The first run in a worker thread while the loop's 10 ms timer measures its lateness."""
    lateness: list[float] = []

    async def ticker() -> None:
        while True:
            due = time.perf_counter() + 0.01
            await asyncio.sleep(0.01)
            lateness.append(time.perf_counter() - due)

    probe = asyncio.create_task(ticker())
    started = time.perf_counter()
    with ctx.session() as session:
        await asyncio.to_thread(
            materialize_stale, session, catalog=ctx.catalog, calendar=ctx.calendar, now=NOW,
            horizon_days=days,
        )  # fmt: skip
    seconds = time.perf_counter() - started
    probe.cancel()
    return {
        "seconds": seconds,
        "max_ms": max(lateness, default=0.0) * 1000,
        "p99_ms": percentile(lateness, 0.99) * 1000,
    }


def measure(
    enterprises: int, days: int, loop: bool = True, postgres: bool = False
) -> dict[str, Any]:
    """The runs for ``enterprises``, in this process."""
    quiet()
    out: dict[str, Any] = {"enterprises": enterprises, "days": days}
    with _database(postgres) as url:
        ctx = _context(url, days)
        _seed(ctx, enterprises)
        out["baseline_rss_mb"] = _rss_mb()
        first = PlanCache(ctx.catalog, ctx.calendar)
        out["first"] = _timed(ctx, NOW, days, first) | {"profiles": first.computed}
        out["rerun"] = _timed(ctx, NOW, days, PlanCache(ctx.catalog, ctx.calendar))
        out["daily"] = _timed(
            ctx, NOW + dt.timedelta(days=1), days, PlanCache(ctx.catalog, ctx.calendar)
        )
        out["peak_rss_mb"] = _rss_mb()
        ctx.engine.dispose()
    if loop:
        with _database(postgres) as url:
            ctx = _context(url, days)
            _seed(ctx, enterprises)
            out["loop"] = asyncio.run(_loop_stalls(ctx, days))
            ctx.engine.dispose()
    return out


def run(
    *, enterprises: int = 10_000, days: int = 45, loop: bool = True, postgres: bool = False
) -> dict[str, Any]:
    """Measure in a child process; the figures of the table (SQLite, or ``postgres``)."""
    argv = [sys.executable, "-m", "bench.materialize", "--child"]
    argv += [f"--enterprises={enterprises}", f"--days={days}"]
    argv += ([] if loop else ["--no-loop"]) + (["--postgres"] if postgres else [])
    out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True, timeout=3600)
    child: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    first, daily = child["first"], child["daily"]
    return {
        "enterprises": enterprises,
        "days": days,
        "database": "PostgreSQL" if postgres else "SQLite",
        "profiles": first["profiles"],
        "seconds": first["seconds"],
        "rows": first["rows"],
        "rows_per_enterprise": first["rows"] / enterprises,
        "rows_per_s": first["rows"] / first["seconds"],
        "rerun_seconds": child["rerun"]["seconds"],
        "rerun_rows": child["rerun"]["rows"],
        "daily_seconds": daily["seconds"],
        "daily_rows": daily["rows"],
        "daily_enterprises": daily["enterprises"],
        "loop_max_stall_ms": child["loop"]["max_ms"] if loop else None,
        "loop_p99_stall_ms": child["loop"]["p99_ms"] if loop else None,
        "peak_rss_mb": child["peak_rss_mb"],
        "baseline_rss_mb": child["baseline_rss_mb"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help="measure here, print JSON")
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=45)
    parser.add_argument("--no-loop", dest="loop", action="store_false")
    parser.add_argument("--postgres", action="store_true", help="on DATABASE_URL_PG's server")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.enterprises, args.days, args.loop, args.postgres)))
    else:
        print(
            run(
                enterprises=args.enterprises, days=args.days, loop=args.loop, postgres=args.postgres
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
