"""How fast is an office's ``/stats`` on a big database?

Builds 1,000 enterprises with a year of occurrences each (about 612,000 rows) and
1,000,000 confirmations on SQLite -- and on PostgreSQL too when DATABASE_URL_PG names a
server (a throwaway database is created and dropped) -- with bulk inserts into the schema
the migrations create, links 200 of the enterprises to one office, and times exactly what
the office ``/stats`` handler runs: the office's enterprise ids, then ``stats_report``.

    python -m bench.stats_bench [--enterprises 1000] [--confirmations 1000000] [--office 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from bot.reports.build import collect
from bot.reports.period import last_days
from bot.reports.queries import stats_report
from bot.reports.sources import ReportSources
from bot.services.office import linking as offices
from bot.store.db import make_engine, upgrade

TZ = "Asia/Shanghai"
ZONE = ZoneInfo(TZ)
NOW = dt.datetime(2026, 12, 15, 10, 0, tzinfo=ZONE)
BATCH = 50_000


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(dt.UTC)


def _year_of_duties() -> list[tuple[str, str, dt.date, dt.date, dt.datetime, int]]:
    """(obligation, label, window_start, window_end, due_at, quota) for one enterprise, 2026."""
    rows = []
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        if day.weekday() < 5:
            rows.append(("daily-control", day.isoformat(), day, day, _at(day, 17, 30), 1))
            rows.append(("pre-shift-meeting", day.isoformat(), day, day, _at(day, 9), 1))
        if day.weekday() == 4:
            monday = day - dt.timedelta(days=4)
            rows.append(("weekly-check", f"{day:%G-W%V}", monday, day, _at(day, 17), 1))
        following = day + dt.timedelta(days=1)
        if following.day == 1:  # month end
            first = day.replace(day=1)
            for obligation, quota in (
                ("monthly-dispatch", 1),
                ("leader-inspection", 1),
                ("mine-leader-shifts", 5),
            ):
                rows.append((obligation, f"{day:%Y-%m}", first, day, _at(day, 17), quota))
            if day.month in (6, 12):
                rows.append(("emergency-drill", f"{day:%Y}-H{day.month // 6}", first, day, _at(day, 17), 1))  # fmt: skip
        day = following
    return rows


def _data(enterprises: int, confirmations: int) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Batches of rows per table, in foreign-key order, with explicit ids."""
    created = NOW.astimezone(dt.UTC) - dt.timedelta(days=400)
    yield (
        "enterprise",
        [
            {
                "id": e,
                "chat_id": -1_000_000 - e,
                "name": f"企业{e:04d}",
                "sector": "hazardous_chemicals",
                "high_risk": True,
                "created_by": 1,
                "created_at": created,
            }
            for e in range(1, enterprises + 1)
        ],
    )
    template = _year_of_duties()
    per_enterprise = confirmations // enterprises
    occ_id = conf_id = 0
    occurrences: list[dict[str, Any]] = []
    confirms: list[dict[str, Any]] = []
    for e in range(1, enterprises + 1):
        done_ids: list[tuple[int, dt.datetime]] = []
        for i, (obligation, label, start, end, due, quota) in enumerate(template):
            occ_id += 1
            done = due < NOW and (e * 7 + i) % 100 < 80 + e % 20  # 80-99 % done per enterprise
            done_at = due - dt.timedelta(hours=2) if done else None
            occurrences.append(
                {
                    "id": occ_id,
                    "enterprise_id": e,
                    "key": f"{obligation}:{label}",
                    "obligation_id": obligation,
                    "label": label,
                    "window_start": start,
                    "window_end": end,
                    "due_at": due,
                    "quota": quota,
                    "status": "done" if done else "open",
                    "done_at": done_at,
                }
            )
            if done_at is not None:
                done_ids.append((occ_id, done_at))
        for n in range(per_enterprise):  # one confirmer each, then second and third ones
            occurrence, at = done_ids[n % len(done_ids)]
            conf_id += 1
            confirms.append(
                {
                    "id": conf_id,
                    "occurrence_id": occurrence,
                    "enterprise_id": e,
                    "user_id": 10_000 + n // len(done_ids),
                    "user_name": f"工人{n // len(done_ids)}",
                    "slot": 0,
                    "confirmed_at": at,
                }
            )
        if len(occurrences) >= BATCH:
            yield "occurrence", occurrences
            occurrences = []
        if len(confirms) >= BATCH:
            yield "occurrence", occurrences
            yield "confirmation", confirms
            occurrences, confirms = [], []
    yield "occurrence", occurrences
    yield "confirmation", confirms


def build(
    engine: Engine, enterprises: int, confirmations: int, office_size: int, *, echo: bool = False
) -> int:
    """Fill the database; returns the office chat id."""
    upgrade(engine)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        for table, rows in _data(enterprises, confirmations):
            if not rows:
                continue
            if engine.dialect.name == "postgresql" and table != "enterprise":  # COPY: much faster
                columns = list(rows[0])
                cursor = conn.connection.cursor()
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows:
                        copy.write_row([row[c] for c in columns])
            else:
                conn.execute(SQLModel.metadata.tables[table].insert(), rows)
            counts[table] = counts.get(table, 0) + len(rows)
        step = max(enterprises // office_size, 1)
        conn.execute(
            SQLModel.metadata.tables["office"].insert(),
            [{"id": 1, "chat_id": 4242, "title": "安委办", "locale": "zh_CN", "timezone": TZ,
              "created_at": NOW}],
        )  # fmt: skip
        conn.execute(
            SQLModel.metadata.tables["office_link"].insert(),
            [{"office_id": 1, "enterprise_id": e, "created_at": NOW, "created_by": 1}
             for e in range(1, enterprises + 1, step)][:office_size],
        )  # fmt: skip
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
        else:
            conn.exec_driver_sql("ANALYZE")
    if echo:
        print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return 4242


def office_stats(engine: Engine, chat_id: int) -> tuple[float, int]:
    """What the office /stats handler does; returns (seconds, enterprises covered)."""
    start = time.perf_counter()
    with Session(engine) as session:
        office = offices.require_office(session, chat_id)
        assert office.id is not None
        ids = offices.enterprise_ids(session, office.id)
        report = stats_report(session, ids, last_days(NOW.date()), tz=TZ, now=NOW,
                              sources=ReportSources(), overdue_limit=20)  # fmt: skip
    assert report.totals.total > 0
    return time.perf_counter() - start, len(report.enterprises)


def report_collect(engine: Engine, chat_id: int) -> tuple[float, int]:
    """What /report reads (the workbook's rows); returns (seconds, detail rows)."""
    start = time.perf_counter()
    with Session(engine) as session:
        _office, ids = offices.visible_enterprise_ids(session, chat_id)
        data = collect(session, ids, last_days(NOW.date()), tz=TZ, now=NOW, sources=ReportSources())
    return time.perf_counter() - start, len(data.details)


def run(
    url: str,
    *,
    enterprises: int = 1000,
    confirmations: int = 1_000_000,
    office: int = 200,
    runs: int = 10,
    echo: bool = False,
) -> dict[str, Any]:
    """Build the database at ``url`` and time the office /stats; returns the figures."""
    engine = make_engine(url)
    started = time.perf_counter()
    chat_id = build(engine, enterprises, confirmations, office, echo=echo)
    built = time.perf_counter() - started
    office_stats(engine, chat_id)  # warm the cache, as a running bot's would be
    timings = [office_stats(engine, chat_id) for _ in range(runs)]
    seconds = sorted(t for t, _ in timings)
    collected, rows = report_collect(engine, chat_id)
    engine.dispose()
    return {
        "build_s": built,
        "office_enterprises": timings[0][1],
        "stats_median_ms": statistics.median(seconds) * 1000,
        "stats_max_ms": seconds[-1] * 1000,
        "report_rows": rows,
        "report_ms": collected * 1000,
    }


def _print(label: str, args: argparse.Namespace, url: str) -> None:
    print(f"{label}: {args.enterprises:,} enterprises, {args.confirmations:,} confirmations")
    f = run(url, enterprises=args.enterprises, confirmations=args.confirmations,
            office=args.office, runs=args.runs, echo=True)  # fmt: skip
    print(f"  built in {f['build_s']:.1f} s")
    print(f"  /stats for an office of {f['office_enterprises']} enterprises over 30 days, "
          f"{args.runs} runs: median {f['stats_median_ms']:.1f} ms, max {f['stats_max_ms']:.1f} ms")  # fmt: skip
    print(f"  /report data ({f['report_rows']:,} detail rows): {f['report_ms']:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=1000)
    parser.add_argument("--confirmations", type=int, default=1_000_000)
    parser.add_argument("--office", type=int, default=200)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _print("SQLite", args, f"sqlite:///{tmp}/bench.db")
    base = os.environ.get("DATABASE_URL_PG")
    if base:
        name = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            _print("PostgreSQL", args, make_url(base).set(database=name).render_as_string(False))
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
