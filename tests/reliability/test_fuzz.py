"""Fuzzing with Hypothesis: every callback codec, and random updates through the real bot.

Codecs: decoding arbitrary text (lone surrogates included) never raises; what decodes is in
the documented shape and re-encodes to the very same string (one spelling per meaning); what
encodes fits Telegram's 64 bytes and decodes back.

Updates: messages with random text, commands and entities (offsets out of range included),
button presses with random data on the bot's messages, poll answers with random options and
the bot's own status changing, built around one registered group, one unregistered group and
a private chat, are fed through ``application.process_update`` exactly as polling or the
webhook would. No update may reach the error handler.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.domain.drill import Step
from bot.emulator.state import member_json
from bot.i18n import SUPPORTED_LOCALES
from bot.telegram import callbacks
from bot.telegram.commands import GROUP_COMMANDS, PRIVATE_COMMANDS
from bot.telegram.drill import callbacks as drill_callbacks
from bot.telegram.language import callbacks as language_callbacks
from bot.telegram.quiz import callbacks as quiz_callbacks
from tests.conftest import local
from tests.reliability.support import registered_group

JSON = dict[str, Any]
ANY_TEXT = st.text(st.characters(codec=None), max_size=100)  # lone surrogates too
RAW = st.binary(max_size=100).map(lambda b: b.decode("utf-8", "surrogateescape"))
IDS = st.integers(1, 10**18 - 1)
NAMES = st.from_regex(r"[a-z][a-z_]{1,30}", fullmatch=True)
STEPS = st.sampled_from(list(Step))
CODECS = [callbacks, drill_callbacks, language_callbacks, quiz_callbacks]
FUZZ = settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples on every CI run; raise max_examples to search wider
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # the tally only counts
)

VALUES = {
    callbacks: st.one_of(
        st.builds(callbacks.Confirm, IDS), st.builds(callbacks.SnoozeMenu, IDS),
        st.builds(callbacks.Snooze, IDS, st.sampled_from([*callbacks.SNOOZE_CHOICES, "no"])),
        st.builds(callbacks.AddEvidence, IDS), st.builds(callbacks.ShowEvidence, IDS),
        st.builds(callbacks.Undo, IDS), st.just(callbacks.Join()),
        st.builds(callbacks.ChooseSector, st.from_regex(r"[a-z][a-z_]{1,40}", fullmatch=True)),
    ),
    drill_callbacks: st.one_of(
        st.builds(drill_callbacks.Choose, NAMES, st.none() | NAMES, st.none() | st.integers(1, 99999)),
        st.builds(drill_callbacks.PressStep, IDS, STEPS), st.builds(drill_callbacks.Arrive, IDS),
        st.builds(drill_callbacks.ListMissing, IDS), st.builds(drill_callbacks.Mark, IDS, IDS),
        st.builds(drill_callbacks.End, IDS), st.builds(drill_callbacks.PracticeStart, NAMES),
        st.builds(drill_callbacks.PracticePress, NAMES, STEPS),
    ),
    language_callbacks: st.sampled_from(SUPPORTED_LOCALES),
    quiz_callbacks: st.one_of(
        st.builds(quiz_callbacks.Answer, IDS, st.integers(0, quiz_callbacks.MAX_OPTION)),
        st.builds(quiz_callbacks.Results, IDS), st.builds(quiz_callbacks.Volunteer, IDS),
        st.builds(quiz_callbacks.StartRetest, IDS), st.builds(quiz_callbacks.Offer, IDS),
    ),
}  # fmt: skip
# Strings near the codecs' shapes, where a loose pattern would let something through.
NEAR = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(["cf:", "st:", "sm:", "sz:", "ev:", "vw:", "ud:", "jn", "dr:", "dr:n:",
                     "dr:s:", "dr:k:", "lg:", "qz:", "qz:a:", "qz:r:", "ob:", ""]),
    st.text(st.sampled_from("0123456789:-_az\n ٣¹²" + "".join(s.value[:1] for s in Step)),
            max_size=30),
)  # fmt: skip


def _shapes_ok(value: object) -> bool:
    """Decoded values hold only what the docstrings of the codecs promise."""
    if isinstance(value, str):
        return value in SUPPORTED_LOCALES
    for name, field in vars(value).items():
        if isinstance(field, int) and not isinstance(field, bool):
            limit = quiz_callbacks.MAX_OPTION if name == "option" else 10**18
            low = 0 if name == "option" else 1
            if not low <= field < limit + (1 if name == "option" else 0):
                return False
        if isinstance(field, str) and not field.isascii():
            return False
    return True


@FUZZ
@given(data=st.one_of(ANY_TEXT, RAW, NEAR, st.text(max_size=300)))
def test_decoders_never_raise_and_what_they_accept_is_canonical(
    data: str, tally: Counter[str]
) -> None:
    tally["fuzz_examples"] += 1
    for codec in CODECS:
        value = codec.decode(data)  # type: ignore[attr-defined]
        if value is not None:
            assert _shapes_ok(value), (codec.__name__, data, value)
            assert codec.encode(value) == data, (codec.__name__, data, value)  # type: ignore[attr-defined]


@FUZZ
@given(data=st.data())
def test_encode_fits_64_bytes_and_decodes_back(data: st.DataObject, tally: Counter[str]) -> None:
    tally["fuzz_examples"] += 1
    for codec in CODECS:
        value = data.draw(VALUES[codec])
        encoded = codec.encode(value)  # type: ignore[attr-defined]
        assert 1 <= len(encoded.encode()) <= 64
        assert codec.decode(encoded) == value  # type: ignore[attr-defined]
        for other in CODECS:  # prefixes never collide: no button means two things
            if other is not codec:
                assert other.decode(encoded) is None  # type: ignore[attr-defined]


# --- random updates through the application ---------------------------------------------------

STATUSES = ["member", "administrator", "left", "kicked"]
ENTITY_TYPES = ["bot_command", "mention", "hashtag", "bold", "url", "text_mention", "code"]
WORDS = ["危险化学品", "建筑施工", "某公司", "hubei", "end", "stats", "火灾", "生产", "30",
         "@wang", "@zhang", "code", "link", "ABCD-EFGH-JKLM", "zh", "en", "2026-12", "-1",
         "99999999999999999999", "of12", "²", "١٢", "<b>", "&amp;", "\u202e"]  # fmt: skip


def _command(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    args = st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=4)
    suffix = st.sampled_from(["", "@safety_demo_bot", "@other_bot"])
    return st.builds(
        lambda n, s, a: " ".join([f"/{n}{s}", *a]), st.sampled_from(names), suffix, args
    )


TEXTS = st.one_of(
    _command(GROUP_COMMANDS + PRIVATE_COMMANDS + ("practice", "me", "start")),
    st.text(max_size=200),
    st.sampled_from(WORDS),
)


# A plan is drawn the same way whatever the bot's state; the update is then built from it and
# the world as it is (Hypothesis replays draws, so drawing from the world would be "flaky").
PLANS = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["message"] * 3 + ["callback"] * 3 + ["poll", "member"]),
        "chat": st.integers(0, 2),
        "user": st.integers(0, 3),
        "pick": st.integers(0, 10**6),
        "button": st.integers(0, 10**6),
        "data": st.one_of(st.none(), NEAR, st.text(max_size=70)),
        "poll": st.one_of(st.none(), st.text(min_size=1, max_size=20)),
        "options": st.lists(st.integers(0, 15), max_size=3, unique=True),
        "old": st.sampled_from(STATUSES),
        "new": st.sampled_from(STATUSES),
        "text": TEXTS,
        "entities": st.lists(
            st.tuples(st.sampled_from(ENTITY_TYPES), st.integers(0, 300), st.integers(1, 300)),
            max_size=3,
        ),
        "reply": st.booleans(),
        "edited": st.integers(0, 9),
    }
)


class World:
    """The chats, people and bot messages the random updates refer to."""

    def __init__(self, bot: Any, group: Any, bare: JSON, private: JSON, users: list[JSON]) -> None:
        self.bot, self.group, self.bare, self.private, self.users = bot, group, bare, private, users
        self.update_ids = itertools.count(10**6)
        self.errors: list[BaseException] = []
        self.updates = 0

    @property
    def emu(self) -> Any:
        return self.bot.emulator

    def chats(self) -> list[JSON]:
        return [self.group.chat, self.bare, self.private]

    def keyboards(self, chat_id: int) -> list[Any]:
        return [m for m in self.emu.sent(chat_id) if m.buttons() and not m.deleted]

    def polls(self) -> list[str]:
        return list(self.emu.store.polls)

    def update(self, plan: JSON) -> JSON:
        """The update ``plan`` describes, aimed at the chats and messages there are now."""
        emu, kind = self.emu, plan["kind"]
        chat = self.chats()[plan["chat"]]
        rec = emu.store.chats[chat["id"]]
        user = rec.user if rec.type == "private" else self.users[plan["user"]]
        update: JSON = {"update_id": next(self.update_ids)}
        keyboards = [m for c in self.chats() for m in self.keyboards(c["id"])]
        if kind == "callback" and keyboards:
            message = keyboards[plan["pick"] % len(keyboards)]  # any chat's buttons
            chat = emu.store.chats[message.chat_id].json()
            if emu.store.chats[message.chat_id].type == "private":
                user = emu.store.chats[message.chat_id].user
            pressed = [cb for _, cb in message.buttons() if cb]
            data = (
                plan["data"] if plan["data"] is not None else pressed[plan["button"] % len(pressed)]
            )
            query_id = str(9 * 10**18 + update["update_id"])
            emu.store.callbacks[query_id] = {"chat_id": chat["id"], "message_id": message.message_id,
                                             "data": data, "answer": None}  # fmt: skip
            update["callback_query"] = {"id": query_id, "from": user, "message": message.raw,
                                        "chat_instance": "1", "data": data}  # fmt: skip
        elif kind == "poll" and self.polls():
            polls = self.polls()
            poll_id = plan["poll"] if plan["poll"] is not None else polls[plan["pick"] % len(polls)]
            update["poll_answer"] = {
                "poll_id": poll_id,
                "user": user,
                "option_ids": plan["options"],
                "option_persistent_ids": [str(o) for o in plan["options"]],
            }
        elif kind == "member" and rec.type != "private":
            update["my_chat_member"] = {
                "chat": chat, "from": user, "date": int(emu.store.now()),
                "old_chat_member": member_json(plan["old"], emu.bot_user),
                "new_chat_member": member_json(plan["new"], emu.bot_user),
            }  # fmt: skip
        else:
            body: JSON = {"text": plan["text"] or "."}
            body["entities"] = [
                {"type": t, "offset": o, "length": n}
                | ({"user": user} if t == "text_mention" else {})
                for t, o, n in plan["entities"]
            ]
            earlier = [m for m in rec.messages.values() if not m.deleted]
            if earlier and plan["reply"]:
                replied = earlier[plan["pick"] % len(earlier)].raw
                body["reply_to_message"] = {
                    k: v for k, v in replied.items() if k != "reply_to_message"
                }
            message = emu.store.add_message(rec, user, body, "text")  # Telegram stores it first
            update["edited_message" if plan["edited"] == 0 else "message"] = message.raw
        return update


async def _world(bot: Any) -> World:
    group = await registered_group(bot, "某某化工有限公司")
    emu = bot.emulator
    await group.say(group.worker, "/join", expect="名单")
    await group.say(group.admin, "/quiz 2", expect="📝")
    await group.say(group.admin, "/drill 火灾 生产", expect="集合点")
    await bot.tick_at(local(2026, 12, 2, 9, 0))
    bare = emu.create_group("未登记的群", admins=[group.admin], members=[group.worker])
    emu.add_bot_to_group(bare, by=group.admin)
    await emu.wait_for_message(bare["id"])
    person = emu.create_user("私聊用户", username="solo")
    private = emu.private_chat(person)
    await group.say(group.admin, "/stats")  # every update so far is handled
    stranger = emu.create_user("Stranger", language_code="en")
    return World(bot, group, bare, private, [group.admin, group.worker, person, stranger])


_WORLDS: dict[int, World] = {}


async def _world_of(bot: Any) -> World:
    """Built at the first example and kept: Hypothesis runs every example on the same bot."""
    if id(bot) not in _WORLDS:
        world = _WORLDS[id(bot)] = await _world(bot)

        async def record(_update: object, context: Any) -> None:
            world.errors.append(context.error)

        bot.app.add_error_handler(record)
    return _WORLDS[id(bot)]


class Quiet:
    """The bot under a short repr: Hypothesis prints the arguments of a failing example."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    def __repr__(self) -> str:
        return "<the bot>"


@pytest.fixture
def quiet(bot: Any) -> Quiet:
    return Quiet(bot)


@settings(max_examples=300, deadline=None, database=None, derandomize=True,
          phases=[Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
@given(plans=st.lists(PLANS, min_size=1, max_size=3))
async def test_random_updates_never_reach_the_error_handler(
    quiet: Quiet, tally: Counter[str], plans: list[JSON]
) -> None:
    bot = quiet.bot
    world = await _world_of(bot)
    for plan in plans:
        raw = world.update(plan)
        await bot.app.process_update(Update.de_json(raw, bot.app.bot))
        tally["fuzz_examples"] += 1
        assert not world.errors, (raw, world.errors)
