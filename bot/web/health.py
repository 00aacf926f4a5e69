"""``/healthz``: is the database reachable and is this instance's dispatcher still ticking?

A load balancer or an orchestrator restarts or drains an instance on 503. The dispatcher is
counted as alive while its last tick is within three dispatch intervals (one slow wave or a
missed wake-up is not an outage); during graceful shutdown the answer is 503 so traffic drains.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from bot.services.reminders.outbox_stats import database_answers
from bot.telegram.runtime import Runtime

DB_TIMEOUT_SECONDS = 5.0
STALE_AFTER_INTERVALS = 3


@dataclass(frozen=True)
class Health:
    ok: bool
    body: dict[str, Any]


async def check_health(runtime: Runtime) -> Health:
    settings = runtime.ctx.settings
    try:
        database = await asyncio.wait_for(
            asyncio.to_thread(database_answers, runtime.ctx.engine), DB_TIMEOUT_SECONDS
        )
    except TimeoutError:
        database = False
    now = runtime.ctx.clock.now()
    limit = STALE_AFTER_INTERVALS * settings.dispatch_interval_seconds
    age = None if runtime.last_tick is None else (now - runtime.last_tick).total_seconds()
    ticking = age is not None and age <= limit
    ok = database and ticking and not runtime.closing
    status = "shutting down" if runtime.closing else ("ok" if ok else "unhealthy")
    return Health(
        ok,
        {
            "status": status,
            "database": database,
            "dispatcher": ticking,
            "last_tick": None if runtime.last_tick is None else runtime.last_tick.isoformat(),
            "tick_age_seconds": age,
            "max_tick_age_seconds": limit,
        },
    )
