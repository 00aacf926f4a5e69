"""Figure 3, materialization: a year of occurrences for every enterprise, with the full catalog.

Runs ``bot.services.reminders.materialize.materialize`` (horizon 365 days) for a sample of enterprises
spread over every sector of the catalog, in a child process so its peak memory is its own;
then the same call again (nothing new: the idempotency cost) and ``materialize_stale`` two
days later (what the scheduler tick does once the horizon is a day behind: two new days per
enterprise, but the whole horizon is recomputed). The
seconds are extrapolated linearly to ``enterprises``: each enterprise is materialized on its
own with its own inserts, so the cost per enterprise does not depend on how many there are
(the B-tree depth grows, but by one level per ~100x rows).

    python -m bench.materialize --child --sample 50    # one measurement, printed as JSON
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import SQLModel, select

from bench.common import NOW, quiet, sqlite_url
from bot.bootstrap import build_context
from bot.clock import FakeClock
from bot.config import Settings
from bot.services.reminders.materialize import materialize, materialize_stale
from bot.store.models import Enterprise

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    """Peak resident memory of this process so far (VmHWM; unlike ru_maxrss it is not
    inherited from the parent that spawned this process)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def _rows(ctx: Any) -> int:
    with ctx.engine.connect() as conn:
        return sum(
            conn.execute(select(func.count()).select_from(SQLModel.metadata.tables[t])).scalar_one()
            for t in ("occurrence", "reminder")
        )


def measure(sample: int, days: int) -> dict[str, Any]:
    """The three runs for ``sample`` enterprises, in this process."""
    quiet()
    with sqlite_url() as url:
        settings = Settings(_env_file=None, database_url=url, materialize_horizon_days=days)
        ctx = build_context(settings, FakeClock(NOW))
        sectors = list(ctx.catalog.sectors.values())
        with ctx.session() as session:
            for n in range(sample):
                sector = sectors[n % len(sectors)]
                session.add(
                    Enterprise(
                        chat_id=-1_000_000 - n,
                        name=f"企业{n}",
                        sector=sector.id,
                        high_risk=sector.high_risk,
                        region="hubei",  # a profile with daily, weekly and monthly duties
                        created_by=1,
                        created_at=NOW - dt.timedelta(days=1),
                    )
                )
            session.commit()
        baseline = _rss_mb()
        timings: dict[str, float] = {}
        rows: dict[str, int] = {}
        for label, moment in (("first", NOW), ("rerun", NOW), ("incremental", NOW)):
            before = _rows(ctx)
            started = time.perf_counter()
            with ctx.session() as session:
                if label == "incremental":  # the tick's first re-run: horizon a day behind
                    moment = NOW + dt.timedelta(days=2)
                    materialize_stale(
                        session,
                        catalog=ctx.catalog,
                        calendar=ctx.calendar,
                        now=moment,
                        horizon_days=days,
                    )
                else:
                    for enterprise in session.exec(select(Enterprise)).all():
                        materialize(
                            session,
                            enterprise,
                            catalog=ctx.catalog,
                            calendar=ctx.calendar,
                            now=moment,
                            horizon_days=days,
                        )
            timings[label] = time.perf_counter() - started
            rows[label] = _rows(ctx) - before
        ctx.engine.dispose()
    return {
        "sample": sample,
        "days": days,
        "seconds": timings,
        "rows": rows,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": _rss_mb(),
    }


def run(*, enterprises: int = 10_000, sample: int = 250, days: int = 365) -> dict[str, Any]:
    """Measure ``sample`` enterprises in a child process; extrapolate to ``enterprises``."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.materialize",
            "--child",
            f"--sample={sample}",
            f"--days={days}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    child = json.loads(out.stdout.strip().splitlines()[-1])
    scale = enterprises / sample
    seconds, rows = child["seconds"], child["rows"]
    return {
        "enterprises": enterprises,
        "sample": sample,
        "days": days,
        "rows_per_enterprise": rows["first"] / sample,
        "rows_per_s": rows["first"] / seconds["first"],
        "sample_seconds": seconds["first"],
        "seconds": seconds["first"] * scale,
        "rerun_seconds": seconds["rerun"] * scale,
        "incremental_seconds": seconds["incremental"] * scale,
        "incremental_rows": rows["incremental"] * scale,
        "rerun_rows": rows["rerun"],
        "peak_rss_mb": child["peak_rss_mb"],
        "baseline_rss_mb": child["baseline_rss_mb"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help="measure here, print JSON")
    parser.add_argument("--sample", type=int, default=250)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--enterprises", type=int, default=10_000)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.sample, args.days)))
    else:
        print(run(enterprises=args.enterprises, sample=args.sample, days=args.days))
    return 0


if __name__ == "__main__":
    sys.exit(main())
