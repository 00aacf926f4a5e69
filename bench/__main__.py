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

from bench import fanout, materialize, startup, updates, wave_presses
from bench.common import quiet
from bench.report import Figures, machine, results_md, table

RESULTS = Path(__file__).with_name("RESULTS.md")

FULL: dict[str, dict[str, Any]] = {
    "fanout_off": {"enterprises": 1000, "items": 10, "lead": 5, "runs": 3},
    "fanout_shipped": {"enterprises": 2000, "rtt": 0.1, "runs": 3},
    "updates": {"chats": 200, "people": 5, "items": 5, "rounds": 3},
    "updates_wave": {"wave": 2000, "pressers": 40, "people": 5, "items": 5, "rate": 10.0},
    "materialize_default": {"enterprises": 10_000, "days": 45},
    "materialize_pg": {"enterprises": 10_000, "days": 45, "postgres": True},
    "materialize_year": {"enterprises": 1_000, "days": 365, "loop": False},
    "stats": {"enterprises": 1000, "confirmations": 1_000_000, "office": 200, "runs": 10},
    "startup": {"enterprises": 10_000},
    "desk": {"enterprises": 1000, "confirmations": 1_000_000, "office": 200, "runs": 5},
    "profile_fanout": {"enterprises": 200, "items": 10, "lead": 5},
    "profile_updates": {"chats": 40, "people": 5, "items": 5},
}
QUICK: dict[str, dict[str, Any]] = {
    "fanout_off": {"enterprises": 6, "items": 4, "lead": 2, "runs": 1},
    "fanout_shipped": {"enterprises": 6, "rtt": 0.01, "runs": 1, "deadline": 30.0},
    "updates": {"chats": 3, "people": 2, "items": 2, "rounds": 1},
    "updates_wave": {"wave": 6, "pressers": 2, "people": 2, "items": 2, "rate": 20.0},
    "materialize_default": {"enterprises": 30, "days": 10},
    "materialize_pg": {"enterprises": 30, "days": 10, "postgres": True},
    "materialize_year": {"enterprises": 10, "days": 30, "loop": False},
    "stats": {"enterprises": 20, "confirmations": 2_000, "office": 10, "runs": 2},
    "startup": {"enterprises": 20, "settle": 0.2},
    "desk": {"enterprises": 20, "confirmations": 2_000, "office": 10, "runs": 1},
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


def desk_figures(sizes: dict[str, Any]) -> Figures:
    """Figure 6 from ``bench/desk_bench.py``: the office's desk pages over HTTP, on SQLite."""
    from bench import desk_bench

    with tempfile.TemporaryDirectory(prefix="safetybot-desk-") as tmp:
        figures: Figures = desk_bench.run(f"sqlite:///{tmp}/desk.db", **sizes) | sizes
    return figures


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
        ("fanout_off", "1a fan-out, limits off", lambda: fanout.raw(**sizes["fanout_off"])),
        (
            "fanout_shipped",
            "1b fan-out as shipped, Telegram's limits",
            lambda: fanout.shipped(**sizes["fanout_shipped"]),
        ),
        ("updates", "2 updates", lambda: updates.run(**sizes["updates"])),
        (
            "updates_wave",
            "2b presses during a morning wave",
            lambda: wave_presses.run(**sizes["updates_wave"]),
        ),
        (
            "materialize_default",
            "3 materialization, default horizon",
            lambda: materialize.run(**sizes["materialize_default"]),
        ),
        (
            "materialize_pg",
            "3 materialization, default horizon, PostgreSQL",
            lambda: (
                materialize.run(**sizes["materialize_pg"])
                if os.environ.get("DATABASE_URL_PG")
                else "DATABASE_URL_PG is not set"
            ),
        ),
        (
            "materialize_year",
            "3 materialization, a year",
            lambda: materialize.run(**sizes["materialize_year"]),
        ),
        ("stats", "4 office /stats", lambda: stats_figures(sizes["stats"])),
        ("startup", "5 start-up", lambda: startup.run(**sizes["startup"])),
        ("desk", "6 desk pages, SQLite", lambda: desk_figures(sizes["desk"])),
        (
            "profile_fanout",
            "profile of 1a",
            lambda: fanout.raw(**sizes["profile_fanout"], profile=fan_profile),
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
