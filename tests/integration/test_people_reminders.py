"""Certificate reminders (issue 20): privately to the holder and the safety officer at the kind's
lead time on the injected clock, once across ticks and a restart; the holder flagged in the
ledger once it lapsed and cleared by the renewal; Telegram's refusals, 429s and network
failures recorded in the outbox without touching the enterprise.

Certificates are recorded with the services (``bot.services.people.records``); everything the
people see comes through the emulator, one ``tick`` at a time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, select

from bot.clock import FakeClock
from bot.demo.harness import LocalBot, emulator_for, local_bot
from bot.domain.certificate import Standing
from bot.emulator import BotApiEmulator
from bot.services.people import ledger, records, reminders
from bot.services.people.records import Actor, CertificateInput
from bot.store.models import Enterprise, ReminderRow
from bot.store.people_models import Certificate
from tests.conftest import local
from tests.fakes.group import Group, say_privately
from tests.integration.test_digest import registered
from tests.integration.test_people_chat import Private

JSON = dict[str, Any]
NUMBER = "T42010619800101123X"
ELECTRICIAN = CertificateInput("special_operation", "electrical", NUMBER, dt.date(2024, 3, 10))


def _enterprise(bot: LocalBot, group: Group) -> Enterprise:
    with bot.ctx.session() as s:
        return s.exec(select(Enterprise).where(Enterprise.chat_id == group.chat_id)).one()


def _record(bot: LocalBot, group: Group, user: JSON, given: CertificateInput) -> int:
    """``user`` records their own certificate (as ``/cert`` in private does)."""
    enterprise, now = _enterprise(bot, group), bot.clock.now()
    with bot.ctx.session() as s:
        person = records.person_for_user(
            s, enterprise.id or 0, user_id=user["id"], name=user["first_name"], now=now
        )
        cert = records.record_certificate(
            s, bot.ctx.people_rules, Actor(user["id"], manager=False), person, enterprise,
            given, today=now.date(), now=now,
        )  # fmt: skip
        assert cert.id is not None
        return cert.id


async def _record_in_chat(
    bot: LocalBot, group: Group, user: JSON, issued: str, *, join: bool = True
) -> int:
    """``user`` records their 特种作业操作证（电工作业） with ``/cert`` in private, step by step
    (a renewal when they have one already)."""
    if join:
        await group.say(user, "/join")
    me = Private(bot, user)
    kinds = await me.say("/cert")
    categories = await me.press(kinds, "特种作业操作证")
    await me.press(categories, "电工作业")
    await me.say(NUMBER)
    photo_question = await me.say(issued)
    summary = await me.press(photo_question, "跳过")
    saved = await me.press_edits(summary, "保存")
    assert "已保存" in (saved.text or "")
    with bot.ctx.session() as s:
        cert = s.exec(select(Certificate).where(col(Certificate.replaced_by_id).is_(None))).one()
        assert cert.id is not None and cert.number == NUMBER
        return cert.id


def _texts(emulator: BotApiEmulator, user: JSON, after: int) -> list[str]:
    chat_id = int(emulator.private_chat(user)["id"])
    return [m.text or "" for m in emulator.sent(chat_id) if m.message_id > after]


def _cursor(emulator: BotApiEmulator, user: JSON) -> int:
    return emulator.cursor(int(emulator.private_chat(user)["id"]))


def _standing(bot: LocalBot, group: Group) -> list[Standing]:
    today = bot.clock.now().date()
    with bot.ctx.session() as s:
        people = ledger.ledger(s, bot.ctx.people_rules, [_enterprise(bot, group)], today=today)
    return [c.standing for p in people for c in p.certificates]


def _states(bot: LocalBot, cert_id: int) -> list[tuple[str, int | None, str, str | None]]:
    with bot.ctx.session() as s:
        rows = s.exec(
            select(ReminderRow)
            .where(col(ReminderRow.certificate_id) == cert_id)
            .order_by(col(ReminderRow.fire_at), col(ReminderRow.id))
        ).all()
        return [(r.kind, r.recipient_id, r.state, r.last_error) for r in rows]


async def test_review_reminder_at_its_lead_time_once_across_a_restart_then_stand_down_and_renewal(
    database_url: str, clock: FakeClock
) -> None:
    emulator = emulator_for(clock)
    await emulator.start()  # "Telegram" stays up while the bot restarts
    try:
        async with local_bot(database_url=database_url, clock=clock, emulator=emulator) as first:
            group = await registered(first)
            await say_privately(first, group.worker, "/start")
            await say_privately(first, group.admin, "/start")
            cert_id = await _record_in_chat(first, group, group.worker, "2024-03-10")
            worker, officer = _cursor(emulator, group.worker), _cursor(emulator, group.admin)
            # reviewed every 3 years: due 2027-03-10; applied for within 60 days before it
            await first.tick_at(local(2027, 1, 8, 9, 0))
            assert _texts(emulator, group.worker, worker) == [], "two days before the window"
        clock.set(local(2027, 1, 9, 7, 59))
        async with local_bot(database_url=database_url, clock=clock, emulator=emulator) as bot:
            await bot.tick()
            assert _texts(emulator, group.worker, worker) == [], "not before the digest time"
            await bot.tick_at(local(2027, 1, 9, 8, 0))
            await bot.tick_at(local(2027, 1, 9, 8, 1))
            [to_holder] = _texts(emulator, group.worker, worker)
            [to_officer] = _texts(emulator, group.admin, officer)
            assert "您的特种作业操作证（电工作业）复审到期日：2027年3月10日" in to_holder
            assert "请于3月10日前向发证机关提出复审申请" in to_holder
            assert "还有 60 天" in to_holder and NUMBER in to_holder
            assert "《特种作业人员安全技术培训考核管理规定》" in to_holder
            assert "第二十一条、第二十二条" in to_holder
            assert "王师傅的特种作业操作证（电工作业）复审到期日：2027年3月10日" in to_officer
            assert "某某化工有限公司" in to_officer

            await bot.tick_at(local(2027, 3, 3, 8, 0))  # the last call, a week before
            [last_call] = _texts(emulator, group.worker, worker)[1:]
            assert "还有 7 天" in last_call
            await bot.tick_at(local(2027, 3, 10, 12, 0))
            assert _standing(bot, group) == [Standing.DUE_SOON]
            await bot.tick_at(local(2027, 3, 11, 8, 0))  # not reviewed: stands down
            [lapsed] = _texts(emulator, group.worker, worker)[2:]
            assert "未按期复审" in lapsed and "暂停上岗" in lapsed
            [_, _, officer_lapsed] = _texts(emulator, group.admin, officer)
            assert "王师傅" in officer_lapsed and "暂停上岗" in officer_lapsed
            assert _standing(bot, group) == [Standing.UNREVIEWED]

            bot.clock.set(local(2027, 3, 20, 10, 0))
            new_id = await _record_in_chat(bot, group, group.worker, "2027-03-20", join=False)
            assert _standing(bot, group) == [Standing.VALID], "cleared by the renewal"
            with bot.ctx.session() as s:
                old = s.get(Certificate, cert_id)
                assert old is not None and old.replaced_by_id == new_id
                assert reminders.pending_of(s, cert_id) == [], "the old reminders are dropped"
                assert reminders.pending_of(s, new_id), "the new certificate's are planned"
            assert [state for *_, state, _ in _states(bot, cert_id)].count("sent") == 6
            worker = _cursor(emulator, group.worker)
            await bot.tick_at(local(2027, 9, 1, 8, 0))
            assert _texts(emulator, group.worker, worker) == [], "nothing of the old one"
    finally:
        await emulator.stop()


async def test_an_expiring_certificate_is_reminded_by_the_default_lead_and_flagged_after(
    bot: LocalBot,
) -> None:
    group = await registered(bot)
    await say_privately(bot, group.worker, "/start")
    fire = CertificateInput(
        "fire_facility_operator", None, "XF20240001", dt.date(2024, 1, 8), dt.date(2027, 2, 10)
    )
    _record(bot, group, group.worker, fire)
    worker = _cursor(bot.emulator, group.worker)
    await bot.tick_at(local(2027, 1, 10, 7, 0))
    assert _texts(bot.emulator, group.worker, worker) == []
    await bot.tick_at(local(2027, 1, 11, 8, 0))  # 30 days before: the product's default lead
    [soon] = _texts(bot.emulator, group.worker, worker)
    assert "您的消防设施操作员证书有效期至2027年2月10日" in soon
    assert "延续" in soon and "/cert" in soon and "《中华人民共和国消防法》第二十一条" in soon
    await bot.tick_at(local(2027, 2, 11, 8, 0))
    [_, _, expired] = _texts(bot.emulator, group.worker, worker)
    assert "已过有效期（有效期至2027年2月10日" in expired and "暂停上岗" in expired
    assert _standing(bot, group) == [Standing.EXPIRED]


async def test_a_holder_who_cannot_be_written_to_fails_alone(bot: LocalBot) -> None:
    """Never started the bot (or blocked it): that row fails with the reason; the officer's
    copy goes out and the enterprise stays as it was."""
    group = await registered(bot)
    await say_privately(bot, group.admin, "/start")
    blocker = bot.emulator.create_user("李师傅", username="li")
    await say_privately(bot, blocker, "/start")
    bot.emulator.block_bot(blocker)
    first = _record(bot, group, group.worker, ELECTRICIAN)  # 王师傅 never started the bot
    second = _record(bot, group, blocker, ELECTRICIAN)
    officer = _cursor(bot.emulator, group.admin)
    await bot.tick_at(local(2027, 1, 9, 8, 0))
    await bot.tick_at(local(2027, 1, 9, 8, 5))
    to_officer = _texts(bot.emulator, group.admin, officer)
    assert len(to_officer) == 2 and any("李师傅" in t for t in to_officer)
    for cert_id, holder, why in (
        (first, group.worker, "can't initiate conversation"),
        (second, blocker, "blocked by the user"),
    ):
        [(_, _, state, error)] = [r for r in _states(bot, cert_id) if r[1] == holder["id"]][:1]
        assert state == "failed" and why in (error or "")
    enterprise = _enterprise(bot, group)
    assert enterprise.active and enterprise.chat_id == group.chat_id


async def test_a_flood_wait_parks_the_reminder_and_a_network_failure_gives_it_back(
    bot: LocalBot,
) -> None:
    group = await registered(bot)
    await say_privately(bot, group.worker, "/start")
    await say_privately(bot, group.admin, "/start")
    _record(bot, group, group.worker, ELECTRICIAN)
    worker_chat = int(bot.emulator.private_chat(group.worker)["id"])
    officer_chat = int(bot.emulator.private_chat(group.admin)["id"])
    worker, officer = _cursor(bot.emulator, group.worker), _cursor(bot.emulator, group.admin)
    bot.emulator.inject_error(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 30",
        retry_after=30, chat_id=worker_chat,
    )  # fmt: skip
    bot.emulator.inject_error(
        "sendMessage", error_code=502, description="Bad Gateway", chat_id=officer_chat
    )
    due = local(2027, 1, 9, 8, 0)
    await bot.tick_at(due)
    assert _texts(bot.emulator, group.worker, worker) == []
    assert _texts(bot.emulator, group.admin, officer) == []
    await bot.tick_at(due + dt.timedelta(seconds=10))
    assert _texts(bot.emulator, group.worker, worker) == [], "before retry_after: waiting"
    assert len(_texts(bot.emulator, group.admin, officer)) == 1, "the network: next tick"
    await bot.tick_at(due + dt.timedelta(seconds=31))
    await bot.tick_at(due + dt.timedelta(minutes=5))
    assert len(_texts(bot.emulator, group.worker, worker)) == 1
    assert len(_texts(bot.emulator, group.admin, officer)) == 1
