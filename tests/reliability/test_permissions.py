"""Who may do what: every command and button against five roles, as a table.

Roles: a *stranger* (not in the group: sends the group's commands in a private chat and
presses forged buttons naming the group's things from a group of their own), a *worker*, the
*safety officer* (named with /officer, not an admin), a *chat admin*, and an *office user*
(linked to the enterprise with /office code + /office link, acting from their private chat).

Each case runs in a fresh group on one bot per database. An allowed case must have its effect
(a row written, or the report it asked for); a refused one must get an answer and leave every
table of the database exactly as it was.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlmodel import col, select

from bot.clock import FakeClock
from bot.demo.harness import LocalBot, local_bot
from bot.emulator import BotMessage
from bot.store.drill_models import Drill
from bot.store.models import (
    Confirmation,
    DisabledObligation,
    Enterprise,
    EvidencePrompt,
    ReminderRow,
)
from bot.store.office_models import LinkCode
from bot.store.quiz_models import Quiz, SpotCheck
from tests.conftest import local
from tests.fakes.group import Group
from tests.reliability.support import changed_tables, snapshot

pytestmark = pytest.mark.asyncio(loop_scope="module")

JSON = dict[str, Any]
ROLES = ("stranger", "worker", "officer", "admin", "office")
NAME = "Acme Chemicals"
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")
_people = itertools.count(1)


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgresql"])
async def shared(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LocalBot]:
    """One bot for the whole table (a bot per case would cost a second each)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('permissions')}/bot.db"
    else:
        from tests.fakes.postgres import fresh_database

        url = fresh_database(request)
    clock = FakeClock(local(2026, 12, 2, 8, 0))
    async with local_bot(database_url=url, clock=clock) as bot:
        yield bot


@dataclass
class World:
    """A registered group with its people, plus the stranger's and the office's chats."""

    bot: LocalBot
    group: Group
    people: dict[str, JSON]
    chats: dict[str, JSON] = field(default_factory=dict)  # where each role acts
    digest: BotMessage | None = None
    occ: list[int] = field(default_factory=list)  # open occurrences the digest has ✅ for

    @property
    def emu(self) -> Any:
        return self.bot.emulator

    def enterprise(self) -> Enterprise:
        with self.bot.ctx.session() as s:
            return s.exec(select(Enterprise).where(Enterprise.chat_id == self.group.chat_id)).one()

    def occurrences(self) -> list[int]:
        """The open occurrences the reminder digest carried ✅ buttons for when it was posted
        (presses edit the message, and the emulator shows it as it is now)."""
        return self.occ

    def count(self, model: Any, *where: Any) -> int:
        with self.bot.ctx.session() as s:
            return len(s.exec(select(model).where(*where)).all())


def _user(emu: Any, role: str) -> JSON:
    n = next(_people)
    return emu.create_user(f"{role.title()} {n}", username=f"{role}{n}", language_code="en")


async def _private(world: World, user: JSON, text: str) -> BotMessage:
    emu = world.emu
    chat = emu.private_chat(user)
    after = emu.cursor(chat["id"])
    emu.send_text(chat, user, text)
    return await emu.wait_for_message(chat["id"], after=after)


async def _world(bot: LocalBot, role: str) -> World:
    emu = bot.emulator
    bot.clock.set(local(2026, 12, 2, 8, 0))
    people = {r: _user(emu, r) for r in ("admin", "officer", "worker", "confirmer", "li")}
    chat = emu.create_group("Acme safety", admins=[people["admin"]],
                            members=[people[r] for r in ("officer", "worker", "confirmer", "li")])  # fmt: skip
    after = emu.cursor(chat["id"])
    emu.add_bot_to_group(chat, by=people["admin"])
    await emu.wait_for_message(chat["id"], after=after)
    group = Group(bot, chat, people["admin"], people["worker"])
    world = World(bot, group, people)
    await group.say(people["admin"], f"/setup 危险化学品 {NAME}", expect="registered")
    for who in ("officer", "li", "confirmer"):
        await group.say(people[who], "/join", expect="roster")
    await group.say(people["admin"], f"/officer @{people['officer']['username']}", expect="officer")
    bot.clock.set(local(2026, 12, 2, 9, 0))
    before = emu.cursor(chat["id"])
    await bot.tick_at(local(2026, 12, 2, 9, 0))
    world.digest = await emu.wait_for_message(chat["id"], lambda m: bool(m.buttons()), after=before)
    world.occ = [int(cb[3:]) for _, cb in world.digest.buttons() if cb and cb.startswith("cf:")]
    for r in ("worker", "officer", "admin"):
        world.chats[r] = chat
    if role == "stranger":
        people["stranger"] = _user(emu, "stranger")
        own = emu.create_group("Elsewhere", admins=[people["stranger"]])
        after = emu.cursor(own["id"])
        emu.add_bot_to_group(own, by=people["stranger"])
        await emu.wait_for_message(own["id"], after=after)
        world.chats["stranger"] = own
    if role == "office":
        people["office"] = _user(emu, "office")
        await _private(world, people["admin"], "/start")
        private_admin = emu.private_chat(people["admin"])["id"]
        after = emu.cursor(private_admin)
        await group.say(people["admin"], "/office code")
        code = CODE.search((await emu.wait_for_message(private_admin, after=after)).text or "")
        assert code is not None
        await _private(world, people["office"], "/start")
        await _private(world, people["office"], f"/office link {code.group(0)}")
        world.chats["office"] = emu.private_chat(people["office"])
    return world


# --- what each role tries, and how we tell whether it happened ---------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    allowed: frozenset[str]
    command: Callable[[World], str] | None = None
    button: Callable[[World], str] | None = None
    prepare: Callable[[World], Any] | None = None
    happened: Callable[[World, BotMessage | JSON], bool] | None = None


def _replied(words: str) -> Callable[[World, BotMessage | JSON], bool]:
    return lambda _w, answer: isinstance(answer, BotMessage) and words in (answer.text or "")


async def _settle(world: World) -> None:
    """Updates are handled one at a time: once /due is answered, everything before is done
    (a press is answered before its handler has finished writing)."""
    emu, chat = world.emu, world.group.chat
    sent = emu.send_text(chat, world.people["admin"], "/due")
    await emu.wait_for_message(
        chat["id"],
        lambda m: (m.raw.get("reply_to_message") or {}).get("message_id") == sent["message_id"],
    )


async def _confirm_first(world: World) -> None:
    """Someone else confirmed the first duty of the digest: the case is undoing that."""
    emu = world.emu
    press = emu.press_button(world.group.chat, world.people["confirmer"], world.digest.message_id,  # type: ignore[union-attr]
                             data=f"cf:{world.occurrences()[0]}")  # fmt: skip
    await emu.wait_for_callback_answer(press)
    await _settle(world)


async def _obligations_list(world: World) -> None:
    world.digest = await world.group.say(
        world.people["admin"], "/obligations", expect="Obligations of"
    )


async def _drill_running(world: World) -> None:
    await world.group.say(world.people["admin"], "/drill fire production", expect="Roll-call")
    await _settle(world)


ACTIONS = [
    Action("setup", frozenset({"admin"}), command=lambda w: "/setup 危险化学品 Renamed Co",
           happened=lambda w, _: w.enterprise().name == "Renamed Co"),
    Action("region", frozenset({"admin"}), command=lambda w: "/region xinzhou",
           happened=lambda w, _: w.enterprise().region == "xinzhou"),
    Action("lang", frozenset({"admin"}), command=lambda w: "/lang zh",
           happened=lambda w, _: w.enterprise().locale == "zh_CN"),
    Action("officer", frozenset({"admin"}), command=lambda w: f"/officer @{w.people['li']['username']}",
           happened=lambda w, _: w.enterprise().safety_officer_id == w.people["li"]["id"]),
    Action("obligations toggle", frozenset({"admin"}), prepare=_obligations_list,
           button=lambda w: "ob:fire-safety-month",
           happened=lambda w, _: w.count(DisabledObligation, DisabledObligation.enterprise_id == w.enterprise().id) == 1),
    Action("confirm", frozenset({"worker", "officer", "admin"}), button=lambda w: f"cf:{w.occurrences()[1]}",
           happened=lambda w, _: w.count(Confirmation, Confirmation.occurrence_id == w.occurrences()[1]) == 1),
    Action("undo another's confirmation", frozenset({"admin"}), prepare=_confirm_first,
           button=lambda w: f"ud:{w.occurrences()[0]}",
           happened=lambda w, _: w.count(Confirmation, Confirmation.occurrence_id == w.occurrences()[0]) == 0),
    Action("snooze", frozenset({"worker", "officer", "admin"}), button=lambda w: f"sz:{w.occurrences()[1]}:h1",
           happened=lambda w, _: w.count(ReminderRow, ReminderRow.occurrence_id == w.occurrences()[1],
                                         ReminderRow.kind == "snooze-1") == 1),
    Action("evidence", frozenset({"worker", "officer", "admin"}), button=lambda w: f"ev:{w.occurrences()[1]}",
           happened=lambda w, _: w.count(EvidencePrompt, EvidencePrompt.occurrence_id == w.occurrences()[1]) == 1),
    Action("drill start", frozenset({"officer", "admin"}), command=lambda w: "/drill fire production",
           happened=lambda w, _: w.count(Drill, Drill.enterprise_id == w.enterprise().id) == 1),
    Action("drill end", frozenset({"officer", "admin"}), prepare=_drill_running, command=lambda w: "/drill end",
           happened=lambda w, _: w.count(Drill, Drill.enterprise_id == w.enterprise().id,
                                         Drill.status == "running") == 0),
    Action("check", frozenset({"officer", "admin"}), command=lambda w: "/check",
           happened=lambda w, _: w.count(SpotCheck, SpotCheck.enterprise_id == w.enterprise().id) == 1),
    Action("retrain list", frozenset({"officer", "admin"}), command=lambda w: "/retrain",
           happened=_replied("Awareness rate")),
    Action("quiz", frozenset({"worker", "officer", "admin"}), command=lambda w: "/quiz 1",
           happened=lambda w, _: w.count(Quiz, Quiz.enterprise_id == w.enterprise().id, Quiz.kind == "group") == 1),
    Action("stats", frozenset({"worker", "officer", "admin", "office"}), command=lambda w: "/stats",
           happened=lambda w, a: _replied(NAME)(w, a) or _replied("— 1 enterprises")(w, a)),
    Action("report", frozenset({"worker", "officer", "admin", "office"}), command=lambda w: "/report",
           happened=lambda w, a: isinstance(a, BotMessage) and a.kind == "document"),
    Action("office code", frozenset({"officer", "admin"}), command=lambda w: "/office code",
           happened=lambda w, _: w.count(LinkCode, LinkCode.enterprise_id == w.enterprise().id,
                                         col(LinkCode.used_at).is_(None)) == 1),
]  # fmt: skip
CASES = [(a, r) for a in ACTIONS for r in ROLES]
PRIVATE = ("stranger", "office")  # roles whose commands come from their private chat
PERSONAL = ("user_pref", "quiz", "quiz_question")


async def _act(world: World, action: Action, role: str) -> BotMessage | JSON:
    emu, user, chat = world.emu, world.people[role], world.chats[role]
    if action.command is not None and role == "stranger":
        chat = emu.private_chat(user)  # a stranger cannot write in the group
    if action.command is not None:
        after = emu.cursor(chat["id"])
        emu.send_text(chat, user, action.command(world))
        return await emu.wait_for_message(chat["id"], after=after)
    assert action.button is not None and world.digest is not None
    message_id = world.digest.message_id if chat is world.group.chat else emu.cursor(chat["id"])
    return await emu.wait_for_callback_answer(
        emu.press_raw(chat, user, message_id, action.button(world))
    )


@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{a.name}-{r}" for a, r in CASES])
async def test_permission(shared: LocalBot, action: Action, role: str, tally: Counter[str]) -> None:
    world = await _world(shared, role)
    if action.prepare is not None:
        await action.prepare(world)
    before = snapshot(shared)
    answer = await _act(world, action, role)
    await _settle(world)
    changed = changed_tables(before, snapshot(shared))
    if role in PRIVATE:  # their own language, their own practice quiz: not the group's state
        changed = [t for t in changed if t not in PERSONAL]
    tally["permission_cases"] += 1
    assert action.happened is not None
    if role in action.allowed:
        assert action.happened(world, answer), (action.name, role, answer)
        return
    assert changed == [], (action.name, role, changed)
    assert not action.happened(world, answer), (action.name, role)
    refusal = answer.text if isinstance(answer, BotMessage) else answer.get("text")
    assert refusal, (action.name, role, answer)  # a clear answer, not silence


async def test_office_users_see_only_the_enterprises_linked_to_them(
    shared: LocalBot, tally: Counter[str]
) -> None:
    linked = await _world(shared, "office")
    other = await _world(shared, "worker")  # a second enterprise, not linked
    assert linked.enterprise().id != other.enterprise().id
    stats = await _private(linked, linked.people["office"], "/stats")
    assert "— 1 enterprises" in (stats.text or "")
    for occurrence in other.occurrences()[:1]:  # the other enterprise's evidence link
        answer = await _private(linked, linked.people["office"], f"/start of{occurrence}")
        assert "does not oversee" in (answer.text or "")
    tally["permission_cases"] += 2


async def test_webhook_requests_without_the_secret_token_are_refused(
    tmp_path: Path, tally: Counter[str]
) -> None:
    from tests.fakes.webhook import webhook_bot

    clock = FakeClock(local(2026, 12, 2, 8, 0))
    async with webhook_bot(database_url=f"sqlite:///{tmp_path}/bot.db", clock=clock) as wb:
        user = wb.emulator.create_user("Eve")
        update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "/help",
                  "chat": {"id": user["id"], "type": "private"}, "from": user}}  # fmt: skip
        for secret in (None, "", "wrong-secret-0123456789abcdef"):
            assert await wb.post(update, secret=secret) == 403
        assert [c for c in wb.emulator.calls if c.method == "sendMessage"] == []
    tally["permission_cases"] += 3
