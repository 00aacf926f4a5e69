"""Webhook mode end to end: secret check, updates handled, /healthz, /metrics, graceful stop.

The bot runs as in production (``BotService`` with its aiohttp server); the test plays
Telegram by POSTing the updates the emulator queued (tests/fakes/webhook.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, update
from sqlmodel import select

from bot.clock import FakeClock
from bot.demo.harness import DEMO_TOKEN
from bot.emulator import BotMessage
from bot.logging_setup import configure_logging
from bot.store.models import ReminderRow, ReminderState
from tests.conftest import local
from tests.fakes.webhook import PUBLIC_URL, SECRET, WebhookBot, webhook_bot

JSON = dict[str, object]


@pytest.fixture
async def wb(database_url: str, clock: FakeClock):  # type: ignore[no-untyped-def]
    async with webhook_bot(database_url=database_url, clock=clock) as running:
        yield running


async def _group(wb: WebhookBot) -> tuple[JSON, JSON, JSON]:
    emu = wb.emulator
    admin = emu.create_user("张主任", username="zhang")
    worker = emu.create_user("王师傅", username="wang")
    chat = emu.create_group("某某化工安全群", admins=[admin], members=[worker])
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=admin)
    assert await wb.deliver() == [200, 200]
    await emu.wait_for_message(chat["id"], after=after)  # the greeting
    return chat, admin, worker


async def _say(wb: WebhookBot, chat: JSON, user: JSON, text: str) -> BotMessage:
    emu = wb.emulator
    after = emu.cursor(int(chat["id"]))  # type: ignore[call-overload]
    emu.send_text(chat, user, text)
    assert await wb.deliver() == [200]
    return await emu.wait_for_message(int(chat["id"]), after=after)  # type: ignore[call-overload]


def _sample(text: str, name: str, **labels: str) -> float | None:
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return None


async def test_webhook_is_registered_with_the_secret_for_all_update_types(wb: WebhookBot) -> None:
    hook = wb.emulator.webhook
    assert hook == {"url": PUBLIC_URL, "secret_token": SECRET}
    assert wb.emulator.store.allowed_updates and "chat_member" in wb.emulator.store.allowed_updates


async def test_requests_without_the_right_secret_get_403_and_change_nothing(
    wb: WebhookBot,
) -> None:
    emu = wb.emulator
    admin = emu.create_user("张主任")
    chat = emu.create_group("安全群", admins=[admin])
    emu.add_bot_to_group(chat, by=admin)
    queued = [u for u in emu.store.updates]
    assert [await wb.post(u, secret=None) for u in queued] == [403, 403]
    assert [await wb.post(u, secret="wrong-secret-0123456789") for u in queued] == [403, 403]
    assert emu.sent(chat["id"]) == []
    _, text = await wb.get("/metrics")
    assert _sample(text, "safetybot_webhook_rejected_total") == 4.0
    assert [await wb.post(u) for u in queued] == [200, 200]
    await emu.wait_for_message(chat["id"])  # the greeting, now that Telegram is believed


async def test_help_through_the_webhook_is_answered(wb: WebhookBot) -> None:
    chat, admin, _ = await _group(wb)
    reply = await _say(wb, chat, admin, "/help")
    assert "/setup" in (reply.text or "")


async def test_undecodable_body_is_refused(wb: WebhookBot) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with wb.http.post(f"{wb.base}/telegram", data=b"{not json", headers=headers) as r:
        assert r.status == 400


async def test_healthz_is_ok_while_ticking_and_503_when_the_tick_is_stale(
    wb: WebhookBot, clock: FakeClock
) -> None:
    status, body = await wb.get("/healthz")
    assert status == 200, body
    assert json.loads(body) | {"last_tick": None, "tick_age_seconds": None} == {
        "status": "ok",
        "database": True,
        "dispatcher": True,
        "last_tick": None,
        "tick_age_seconds": None,
        "max_tick_age_seconds": 60.0,
    }
    clock.advance(dt.timedelta(seconds=61))  # three dispatch intervals of 20 s without a tick
    status, body = await wb.get("/healthz")
    assert status == 503
    assert json.loads(body)["dispatcher"] is False and json.loads(body)["database"] is True
    await wb.service.runtime.tick()
    assert (await wb.get("/healthz"))[0] == 200


async def test_healthz_is_503_when_the_database_does_not_answer(wb: WebhookBot) -> None:
    ctx = wb.service.runtime.ctx
    real = ctx.engine
    ctx.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")  # nothing listens
    try:
        status, body = await wb.get("/healthz")
    finally:
        ctx.engine.dispose()
        ctx.engine = real
    assert status == 503
    assert json.loads(body)["database"] is False


async def test_metrics_count_updates_reminders_lag_and_telegram_errors(
    wb: WebhookBot, clock: FakeClock
) -> None:
    chat, admin, _ = await _group(wb)
    await _say(wb, chat, admin, "/setup 危险化学品 某某化工有限公司")
    clock.set(local(2026, 12, 24, 9, 10))  # December's reminders are due, none sent yet
    _, text = await wb.get("/metrics")
    assert (_sample(text, "safetybot_reminders_pending") or 0) > 0
    assert (_sample(text, "safetybot_reminders_due") or 0) > 0
    assert (_sample(text, "safetybot_dispatch_lag_seconds") or 0) >= 600
    # the "bot joined" service message and /setup; the bot's own replies are not updates
    assert _sample(text, "safetybot_updates_handled_total", type="message") == 2.0
    assert _sample(text, "safetybot_updates_handled_total", type="my_chat_member") == 1.0

    report = await wb.service.runtime.tick()
    assert report.sent > 0
    _, text = await wb.get("/metrics")
    assert _sample(text, "safetybot_reminders_sent_total") == float(report.sent)
    assert _sample(text, "safetybot_reminder_messages_total") == float(report.messages)
    assert _sample(text, "safetybot_dispatch_lag_seconds") == 0.0

    wb.emulator.inject_error(
        "sendMessage",
        error_code=403,
        description="Forbidden: bot was kicked from the supergroup chat",
        chat_id=int(chat["id"]),  # type: ignore[call-overload]
    )
    clock.set(local(2027, 1, 6, 9, 10))
    report = await wb.service.runtime.tick()
    assert report.failed > 0
    _, text = await wb.get("/metrics")
    assert _sample(text, "safetybot_telegram_errors_total", kind="chat_gone") == 1.0
    assert _sample(text, "safetybot_reminders_failed_total") == float(report.failed)
    for name in ("safetybot_reminders_retried_total", "safetybot_dispatch_ticks_total"):
        assert _sample(text, name) is not None


async def test_graceful_stop_finishes_the_wave_in_flight_and_releases_claims(
    wb: WebhookBot, clock: FakeClock
) -> None:
    chat, admin, _ = await _group(wb)
    await _say(wb, chat, admin, "/setup 危险化学品 某某化工有限公司")
    service, runtime = wb.service, wb.service.runtime
    clock.set(local(2026, 12, 24, 9, 10))
    now = clock.now()
    with runtime.ctx.session() as s:
        future = s.exec(
            select(ReminderRow.id)
            .where(ReminderRow.fire_at > now + dt.timedelta(days=2))
            .order_by(ReminderRow.id)
            .limit(2)
        ).all()
        stranded, parked = future
        claimed = {"state": ReminderState.CLAIMED.value, "claimed_by": service.worker}
        s.execute(
            update(ReminderRow)
            .where(ReminderRow.id == stranded)  # type: ignore[arg-type]
            .values(claimed_until=now + dt.timedelta(minutes=2), **claimed)
        )
        s.execute(
            update(ReminderRow)
            .where(ReminderRow.id == parked)  # type: ignore[arg-type]
            .values(claimed_until=now + dt.timedelta(hours=1), last_error="retry_after", **claimed)
        )
        s.commit()
    emu = wb.emulator
    hold = emu.hold_sends(chat_id=int(chat["id"]))  # type: ignore[call-overload]
    finished: list[str] = []
    tick = asyncio.create_task(runtime.tick())
    tick.add_done_callback(lambda _: finished.append("tick"))
    await emu.wait_for(lambda: hold.waiting == 1)  # the send is in flight
    stop = asyncio.create_task(service.stop())
    stop.add_done_callback(lambda _: finished.append("stop"))
    assert service.server is not None
    await asyncio.sleep(0)  # one turn: the stop closes the door, then waits for the send
    assert not service.server.accepting
    emu.send_text(chat, admin, "/help")
    assert await wb.deliver() == [503]  # Telegram will re-deliver it to a live instance
    assert not stop.done()  # the stop waits for the send in flight
    hold.release()
    report, _ = await asyncio.gather(tick, stop)
    assert finished == ["tick", "stop"]
    assert report.sent > 0 and report.messages == 1
    with runtime.ctx.session() as s:
        rows = {r.id: r for r in s.exec(select(ReminderRow)).all()}
    assert not [r for r in rows.values() if r.claimed_by == service.worker and r.state == "claimed"]
    assert (rows[stranded].state, rows[stranded].claimed_until) == ("pending", None)
    assert rows[parked].state == "claimed" and rows[parked].claimed_by is None
    assert rows[parked].claimed_until == now + dt.timedelta(hours=1)
    assert await runtime.tick() == type(report)()  # no more waves after close


@pytest.fixture
def production_logging(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The CLI's logging configuration, with caplog still listening on the root logger."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    levels = {n: logging.getLogger(n).level for n in ("httpx", "httpcore", "telegram")}
    configure_logging("INFO", secrets=[DEMO_TOKEN, SECRET])
    root.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


async def test_logs_hold_neither_the_token_nor_what_people_wrote(
    wb: WebhookBot, production_logging: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    chat, admin, worker = await _group(wb)
    registered = await _say(wb, chat, admin, "/setup 危险化学品 某某化工有限公司")
    # a reply to the bot: privacy mode hands it to the bot, whose handlers then see the text
    wb.emulator.send_text(chat, worker, "机密内容 secret-text-4711", reply_to=registered.message_id)
    assert await wb.deliver() == [200]
    await _say(wb, chat, worker, "/help 另一段私密文字")
    await wb.post({"update_id": 999}, secret="wrong-secret-0123456789")
    clock.set(local(2026, 12, 24, 9, 10))
    await wb.service.runtime.tick()
    lines = [r.getMessage() + (r.exc_text or "") for r in production_logging.records]
    assert any("dispatch: sent=" in line for line in lines)  # the run did log events
    forbidden = (DEMO_TOKEN, SECRET, "机密内容", "secret-text-4711", "私密文字", "某某化工有限公司")
    assert not [(word, line) for line in lines for word in forbidden if word in line]


async def test_polling_mode_serves_health_and_metrics_on_the_metrics_port(
    database_url: str, clock: FakeClock
) -> None:
    async with webhook_bot(
        database_url=database_url, clock=clock, webhook_url=None, metrics_port=0
    ) as polling:
        assert polling.service.app.updater is not None and polling.service.app.updater.running
        emu = polling.emulator
        admin = emu.create_user("张主任")
        chat = emu.create_group("安全群", admins=[admin])
        emu.add_bot_to_group(chat, by=admin)  # fetched by getUpdates, not posted by the test
        await emu.wait_for_message(chat["id"])
        assert (await polling.get("/healthz"))[0] == 200
        _, text = await polling.get("/metrics")
        assert _sample(text, "safetybot_updates_handled_total", type="my_chat_member") == 1.0
        async with polling.http.post(f"{polling.base}/telegram", json={}) as r:
            assert r.status == 404  # no webhook route in polling mode
