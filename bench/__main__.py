"""``python -m bench`` (``make bench``): every figure, a table on stdout, ``bench/RESULTS.md``.

Figures run one after the other in this process (materialization and start-up in child
processes, for clean memory figures); a figure that fails is reported as not measured and
the others still run. ``--quick`` uses tiny sizes to check that the suite works.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import fanout, materialize, startup, updates
from bench.common import quiet
from bench.report import Figures, machine, results_md, table

RESULTS = Path(__file__).with_name("RESULTS.md")

FULL: dict[str, dict[str, Any]] = {
    "fanout_off": {"enterprises": 1000, "items": 10, "lead": 5},
    "fanout_configured": {
        "enterprises": 1000,
        "items": 10,
        "lead": 5,
        "limited": "configured",
        "rtt": 0.1,
        "deadline": 60.0,
    },
    "fanout_paced": {
        "enterprises": 1000,
        "items": 10,
        "lead": 5,
        "limited": "paced",
        "rtt": 0.1,
        "wake": True,
    },
    "updates": {"chats": 200, "people": 5, "items": 5},
    "materialize_year": {"enterprises": 10_000, "sample": 250, "days": 365},
    "materialize_default": {"enterprises": 10_000, "sample": 250, "days": 45},
    "stats": {"enterprises": 1000, "confirmations": 1_000_000, "office": 200, "runs": 10},
    "startup": {"enterprises": 10_000},
    "profile_fanout": {"enterprises": 200, "items": 10, "lead": 5},
    "profile_updates": {"chats": 40, "people": 5, "items": 5},
}
QUICK: dict[str, dict[str, Any]] = {
    "fanout_off": {"enterprises": 6, "items": 4, "lead": 2},
    "fanout_configured": {
        "enterprises": 6,
        "items": 4,
        "lead": 2,
        "limited": "configured",
        "rtt": 0.01,
        "deadline": 10.0,
    },
    "fanout_paced": {
        "enterprises": 6,
        "items": 4,
        "lead": 2,
        "limited": "paced",
        "rtt": 0.01,
        "wake": True,
    },
    "updates": {"chats": 3, "people": 2, "items": 2},
    "materialize_year": {"enterprises": 100, "sample": 2, "days": 30},
    "materialize_default": {"enterprises": 100, "sample": 2, "days": 10},
    "stats": {"enterprises": 20, "confirmations": 2_000, "office": 10, "runs": 2},
    "startup": {"enterprises": 20, "settle": 0.2},
    "profile_fanout": {"enterprises": 4, "items": 2, "lead": 1},
    "profile_updates": {"chats": 2, "people": 2, "items": 2},
}


def stats_figures(sizes: dict[str, Any]) -> dict[str, Figures | str] | str:
    """Figure 4 from ``bench/stats_bench.py``, on SQLite and (if DATABASE_URL_PG) PostgreSQL."""
    try:
        from bench import stats_bench
    except ImportError:
        return "bench/stats_bench.py is not there yet"
    run: Callable[..., Figures] = stats_bench.run
    out: dict[str, Figures | str] = {}
    with tempfile.TemporaryDirectory(prefix="safetybot-stats-") as tmp:
        out["SQLite"] = run(f"sqlite:///{tmp}/stats.db", **sizes) | sizes
    base = os.environ.get("DATABASE_URL_PG")
    if not base:
        out["PostgreSQL"] = "DATABASE_URL_PG is not set"
        return out
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
        out["PostgreSQL"] = run(url, **sizes) | sizes
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return out


def collect(
    sizes: dict[str, dict[str, Any]], only: set[str] | None
) -> tuple[dict[str, Figures | str], dict[str, list[str]]]:
    """Run every figure (or those in ``only``); failures become "not measured" entries."""
    figures: dict[str, Figures | str] = {}
    profiles: dict[str, list[str]] = {
        "fan-out (figure 1a, limits off)": [],
        "updates (figure 2)": [],
    }
    fan_profile, upd_profile = profiles.values()
    steps: list[tuple[str, str, Callable[[], Any]]] = [
        ("fanout_off", "1a fan-out, limits off", lambda: fanout.run(**sizes["fanout_off"])),
        (
            "fanout_configured",
            "1b fan-out, limits as configured",
            lambda: fanout.run(**sizes["fanout_configured"]),
        ),
        (
            "fanout_paced",
            "1b fan-out, paced limiter + wake on backlog",
            lambda: fanout.run(**sizes["fanout_paced"]),
        ),
        ("updates", "2 updates", lambda: updates.run(**sizes["updates"])),
        (
            "materialize_year",
            "3 materialization, a year",
            lambda: materialize.run(**sizes["materialize_year"]),
        ),
        (
            "materialize_default",
            "3 materialization, default horizon",
            lambda: materialize.run(**sizes["materialize_default"]),
        ),
        ("stats", "4 office /stats", lambda: stats_figures(sizes["stats"])),
        ("startup", "5 start-up", lambda: startup.run(**sizes["startup"])),
        (
            "profile_fanout",
            "profile of 1a",
            lambda: fanout.run(**sizes["profile_fanout"], bare=False, profile=fan_profile),
        ),
        (
            "profile_updates",
            "profile of 2",
            lambda: updates.run(**sizes["profile_updates"], bare=False, profile=upd_profile),
        ),
    ]
    started = time.monotonic()
    for key, label, step in steps:
        if only is not None and key not in only:
            figures[key] = "skipped (--only)"
            continue
        print(f"[{time.monotonic() - started:6.1f} s] {label} …", flush=True)
        try:
            figures[key] = step()
        except Exception as exc:  # one broken figure must not hide the others
            traceback.print_exc()
            figures[key] = f"failed: {type(exc).__name__}: {exc}"
    return figures, {k: v for k, v in profiles.items() if v}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check the suite works")
    parser.add_argument("--only", nargs="+", metavar="FIGURE", help=f"some of: {', '.join(FULL)}")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results")
    args = parser.parse_args(argv)
    quiet()
    host = machine()
    started = time.monotonic()
    figures, profiles = collect(
        QUICK if args.quick else FULL, set(args.only) if args.only else None
    )
    seconds = time.monotonic() - started
    print()
    print(table(figures))
    args.out.write_text(results_md(figures, host, profiles, seconds), encoding="utf-8")
    print(f"\n{seconds / 60:.1f} minutes; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
