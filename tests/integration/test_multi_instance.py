"""Several bot processes against one PostgreSQL: every due reminder is sent exactly once.

Three real OS processes (tests/fakes/dispatch_worker.py, the production ``BotService`` in
webhook mode) claim from one outbox with ``FOR UPDATE SKIP LOCKED`` and post to one loopback
emulator run by this test. 2,400 enterprises each have one due reminder, so the messages per
chat are the sends per reminder. Meanwhile one group's updates are posted to a different
instance each (any instance answers any update). One instance is stopped with SIGTERM halfway
(graceful stop: it finishes its wave and hands its claims back); the others finish the work.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import Engine, func, insert, select
from sqlmodel import SQLModel

from bot.demo.harness import DEMO_TOKEN
from bot.emulator import BotApiEmulator
from bot.store.db import make_engine, upgrade
from bot.web.server import SECRET_HEADER
from tests.fakes.postgres import fresh_database
from tests.fakes.process import LineReader
from tests.fakes.webhook import PUBLIC_URL, SECRET, take_updates

INSTANCES = 3
REMINDERS = 2_400
pytestmark = pytest.mark.postgres


def _seed(engine: Engine, chat_ids: list[int], admin_id: int, now: dt.datetime) -> None:
    """One enterprise per chat, one open occurrence each, one due reminder each: in bulk."""
    tables = SQLModel.metadata.tables
    today = now.date()
    with engine.begin() as conn:
        conn.execute(
            insert(tables["enterprise"]),
            [
                {
                    "chat_id": chat_id,
                    "name": f"企业{i:04d}",
                    "sector": "hazardous_chemicals",
                    "high_risk": True,
                    "region": "all",
                    "timezone": "Asia/Shanghai",
                    "locale": "zh_CN",
                    "active": True,
                    "created_by": admin_id,
                    "created_at": now - dt.timedelta(days=1),
                    "materialized_until": today + dt.timedelta(days=400),  # nothing to plan
                }
                for i, chat_id in enumerate(chat_ids)
            ],
        )
        ids = [row[0] for row in conn.execute(select(tables["enterprise"].c.id))]
        conn.execute(
            insert(tables["occurrence"]),
            [
                {
                    "enterprise_id": eid,
                    "key": f"leader-inspection/-/{today:%Y-%m}",
                    "obligation_id": "leader-inspection",
                    "label": f"{today:%Y-%m}",
                    "window_start": today - dt.timedelta(days=10),
                    "window_end": today + dt.timedelta(days=20),
                    "due_at": now + dt.timedelta(days=20),
                    "quota": 1,
                    "status": "open",
                }
                for eid in ids
            ],
        )
        occurrences = conn.execute(
            select(tables["occurrence"].c.id, tables["occurrence"].c.enterprise_id)
        ).all()
        conn.execute(
            insert(tables["reminder"]),
            [
                {
                    "occurrence_id": oid,
                    "enterprise_id": eid,
                    "kind": "lead-7",
                    "fire_at": now - dt.timedelta(minutes=2),
                    "state": "pending",
                    "attempts": 0,
                }
                for oid, eid in occurrences
            ],
        )


def _env(emu: BotApiEmulator, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    return env | {
        "TELEGRAM_BOT_TOKEN": DEMO_TOKEN,
        "TELEGRAM_API_BASE_URL": emu.base_url,
        "DATABASE_URL": database_url,
        "DB_AUTO_MIGRATE": "false",
        "WEBHOOK_URL": PUBLIC_URL,
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": "0",
        "DISPATCH_INTERVAL_SECONDS": "0.2",
        "DISPATCH_BATCH": "40",
        "RATE_LIMIT_OVERALL_PER_SECOND": "100000",
        "RATE_LIMIT_GROUP_PER_MINUTE": "100000",
        "LOG_JSON": "true",
    }


def _worker_logs(tmp_path: Path) -> str:
    return "\n".join(
        f"--- {log.name} (last lines)\n" + "\n".join(log.read_text().splitlines()[-15:])
        for log in sorted(tmp_path.glob("worker*.log"))
    )


class SendCounter:
    """Counts successful sendMessage calls to the given chats, incrementally (the log grows)."""

    def __init__(self, emu: BotApiEmulator, chat_ids: list[int]) -> None:
        self.emu, self.chats, self.seen, self.sent = emu, set(chat_ids), 0, 0

    def __call__(self) -> int:
        calls = self.emu.calls
        self.sent += sum(
            1
            for c in calls[self.seen :]
            if c.method == "sendMessage" and c.ok and c.params.get("chat_id") in self.chats
        )
        self.seen = len(calls)
        return self.sent


async def _each_instance_answers(emu: BotApiEmulator, ports: list[int]) -> None:
    """A group whose updates reach a different instance each time, as behind a balancer."""
    admin = emu.create_user("值班员")
    chat = emu.create_group("轮询测试群", admins=[admin])
    emu.add_bot_to_group(chat, by=admin)
    async with aiohttp.ClientSession() as http:
        for n, port in enumerate(ports):
            if n:
                emu.send_text(chat, admin, "/help")
            after = emu.cursor(chat["id"])
            for update in take_updates(emu):
                url = f"http://127.0.0.1:{port}/telegram"
                async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as r:
                    assert r.status == 200
            await emu.wait_for_message(chat["id"], after=after, timeout=60)  # greeting, help


async def test_instances_share_the_outbox_without_duplicates_or_losses(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database_url = fresh_database(request)
    engine = make_engine(database_url)
    upgrade(engine)
    async with BotApiEmulator() as emu:
        admin = emu.create_user("管理员")
        chats = [emu.create_group(f"企业{i:04d}安全群", admins=[admin]) for i in range(REMINDERS)]
        for chat in chats:
            emu.add_bot_to_group(chat, by=admin)
        take_updates(emu)  # never delivered: these groups only receive reminders
        chat_ids = [int(c["id"]) for c in chats]
        _seed(engine, chat_ids, int(admin["id"]), dt.datetime.now(dt.UTC))

        procs, readers = [], []
        for n in range(INSTANCES):
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.fakes.dispatch_worker",
                cwd=Path(__file__).parents[2],
                env=_env(emu, database_url),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=(tmp_path / f"worker{n}.log").open("wb"),
            )
            assert proc.stdout is not None
            procs.append(proc)
            readers.append(LineReader(proc.stdout))
        try:
            for reader in readers:
                await reader.wait_for(lambda line: '"loaded"' in line)
            started = time.monotonic()
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write(b"go\n")
                await proc.stdin.drain()
            ports = [
                json.loads(await r.wait_for(lambda line: '"started"' in line))["port"]
                for r in readers
            ]
            await _each_instance_answers(emu, ports)
            sends = SendCounter(emu, chat_ids)
            await emu.wait_for(lambda: sends() >= REMINDERS // 2, timeout=300)
            procs[0].send_signal(signal.SIGTERM)  # one instance leaves mid-run, gracefully
            await emu.wait_for(lambda: sends() >= REMINDERS, timeout=300)
            elapsed = time.monotonic() - started
            for proc in procs[1:]:
                proc.send_signal(signal.SIGTERM)
            codes = [await asyncio.wait_for(p.wait(), 120) for p in procs]
        except (AssertionError, TimeoutError) as exc:
            pytest.fail(f"{exc!r}\n{_worker_logs(tmp_path)}")
        finally:
            for proc in procs:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
        reports = [json.loads((await r.finish())[-1]) for r in readers]
        per_chat = Counter({chat_id: len(emu.sent(chat_id)) for chat_id in chat_ids})

    reminder = SQLModel.metadata.tables["reminder"]
    with engine.connect() as conn:
        states = dict(conn.execute(select(reminder.c.state, func.count()).group_by("state")).all())
        by_worker = dict(
            conn.execute(
                select(reminder.c.claimed_by, func.count()).group_by(reminder.c.claimed_by)
            ).all()
        )
    engine.dispose()
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    lost = sum(1 for n in per_chat.values() if n == 0)
    with capsys.disabled():  # the figures belong in the CI log
        print(
            f"\nmulti-instance: instances={INSTANCES} reminders={REMINDERS} "
            f"duplicates={duplicates} lost={lost} seconds={elapsed:.1f} "
            f"per-instance sent={[int(r['sent']) for r in reports]} states={states}"
        )
    assert codes == [0] * INSTANCES, _worker_logs(tmp_path)
    assert duplicates == 0 and lost == 0
    assert states == {"sent": REMINDERS}
    assert sum(int(r["sent"]) for r in reports) == REMINDERS
    assert len(by_worker) == INSTANCES and all(n > 0 for n in by_worker.values())
