"""Bad input from people: names and notes built to break the HTML, wrong command arguments,
and forged, replayed or stale buttons. Each gets a clear answer and changes nothing else.

"Changes nothing" is checked on the whole database: a snapshot of every table before and
after. "Rendered escaped" needs no parsing of our own: the emulator refuses HTML that
Telegram would refuse, so a delivered message whose plain text holds the literal ``<b>`` or
``&`` proves the name went through the autoescaping templates.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.emulator import BotMessage
from bot.store.models import Confirmation, Enterprise, Evidence, OccurrenceRow
from tests.conftest import local
from tests.fakes.group import Group, group_with_bot
from tests.reliability.support import changed_tables, registered_group, snapshot

JSON = dict


def _enterprise(bot: LocalBot, chat_id: int) -> Enterprise | None:
    with bot.ctx.session() as s:
        return s.exec(select(Enterprise).where(Enterprise.chat_id == chat_id)).first()


async def _unchanged(
    bot: LocalBot, group: Group, user: JSON, text: str, reply_to: int | None = None
) -> BotMessage:
    """``user`` sends ``text``; the bot answers and the database is exactly as before."""
    before = snapshot(bot)
    answer = await group.say(user, text, reply_to=reply_to)
    assert changed_tables(before, snapshot(bot)) == [], text
    assert answer.text, text
    return answer


# --- names ----------------------------------------------------------------------------------

NAMES = [
    "<b>粗体</b> & <script>alert(1)</script>",
    '<a href="https://evil.example/">点我</a> &amp; &lt;',
    "*粗体* _斜体_ [链接](https://x.example) `代码` ~删~ ||剧透||",
    "👷‍♂️安全 Ωmega Сибирь ١٢٣ 株式会社 🇨🇳",  # ZWJ emoji, Greek, Cyrillic, Arabic digits, kana
    "x" * 60,  # the longest name allowed
]


@pytest.mark.parametrize("name", NAMES)
async def test_hostile_and_exotic_names_are_stored_as_typed_and_shown_literally(
    bot: LocalBot, name: str, tally: Counter[str]
) -> None:
    group = await group_with_bot(bot, language_code="en")
    done = await group.say(group.admin, f"/setup 危险化学品 {name}", expect="registered")
    enterprise = _enterprise(bot, group.chat_id)
    assert enterprise is not None and enterprise.name == name
    assert name in (done.text or "")  # the literal characters, so they were escaped
    assert not any(e["type"] == "text_link" for e in done.raw.get("entities", []))
    stats = await group.say(group.worker, "/stats")
    assert name in (stats.text or "")
    tally["bad_inputs"] += 1


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("x" * 61, "one character too long"),
        ("\u202eevil", "a right-to-left override that would disguise the name"),
        ("a\u200bb", "a zero-width space"),
    ],
)
async def test_names_that_cannot_be_registered_get_a_reason_and_store_nothing(
    bot: LocalBot, name: str, why: str, tally: Counter[str]
) -> None:
    group = await group_with_bot(bot, language_code="en")
    answer = await _unchanged(bot, group, group.admin, f"/setup 危险化学品 {name}")
    assert "1 to 60 characters" in (answer.text or ""), why
    assert _enterprise(bot, group.chat_id) is None
    tally["bad_inputs"] += 1


async def test_the_guided_setup_refuses_an_empty_or_overlong_name(
    bot: LocalBot, tally: Counter[str]
) -> None:
    group = await group_with_bot(bot, language_code="en")
    emu = bot.emulator
    menu = await group.say(group.admin, "/setup")
    sector = next(cb for _, cb in menu.buttons() if cb and cb.startswith("st:"))
    press = emu.press_button(group.chat, group.admin, menu.message_id, data=sector)
    await emu.wait_for_callback_answer(press)
    regions = await emu.wait_for_message(group.chat_id, lambda m: "rg:national" in str(m.buttons()))
    press = emu.press_button(group.chat, group.admin, regions.message_id, data="rg:national")
    await emu.wait_for_callback_answer(press)
    patterns = await emu.wait_for_message(group.chat_id, lambda m: "wp:office" in str(m.buttons()))
    press = emu.press_button(group.chat, group.admin, patterns.message_id, data="wp:office")
    await emu.wait_for_callback_answer(press)
    prompt = await emu.wait_for_message(
        group.chat_id, lambda m: "reply to this message" in (m.text or "")
    )
    for bad in ("\u2063", "長" * 200):  # an invisible separator alone; a paragraph
        answer = await _unchanged(bot, group, group.admin, bad, reply_to=prompt.message_id)
        assert "1 to 60 characters" in (answer.text or "")
        tally["bad_inputs"] += 1
    assert _enterprise(bot, group.chat_id) is None


# --- notes ----------------------------------------------------------------------------------

NOTE = '<b>不是粗体</b> & <a href="https://evil.example/">链接</a> *md* <script>x</script>'


async def test_an_evidence_note_with_markup_is_kept_and_shown_literally(
    bot: LocalBot, tally: Counter[str]
) -> None:
    group = await registered_group(bot, "某某化工有限公司")
    emu = bot.emulator
    await bot.tick_at(local(2026, 12, 2, 9, 0))
    digest = emu.sent(group.chat_id)[-1]
    more = next(cb for _, cb in digest.buttons() if cb and cb.startswith("sm:"))
    occurrence_id = int(more.split(":")[1])
    await group.item_menu(group.worker, digest, occurrence_id)
    after = emu.cursor(group.chat_id)
    await emu.wait_for_callback_answer(
        emu.press_button(group.chat, group.worker, digest.message_id, data=f"ev:{occurrence_id}")
    )
    prompt = await emu.wait_for_message(group.chat_id, after=after)
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.worker, NOTE, reply_to=prompt.message_id)
    await emu.wait_for_message(group.chat_id, after=after)
    with bot.ctx.session() as s:
        [note] = s.exec(select(Evidence).where(Evidence.occurrence_id == occurrence_id)).all()
    assert note.text == NOTE
    after = emu.cursor(group.chat_id)
    await emu.wait_for_callback_answer(
        emu.press_raw(group.chat, group.worker, digest.message_id, f"vw:{occurrence_id}")
    )
    listing = await emu.wait_for_message(group.chat_id, after=after)
    assert NOTE in (listing.text or "")
    tally["bad_inputs"] += 1


async def test_many_long_notes_still_list_in_parts(bot: LocalBot, tally: Counter[str]) -> None:
    """Five notes of a thousand characters (the most kept) are longer than one message."""
    group = await registered_group(bot, "某某化工有限公司")
    emu = bot.emulator
    await bot.tick_at(local(2026, 12, 2, 9, 0))
    digest = emu.sent(group.chat_id)[-1]
    more = next(cb for _, cb in digest.buttons() if cb and cb.startswith("sm:"))
    occurrence_id = int(more.split(":")[1])
    await group.item_menu(group.worker, digest, occurrence_id)
    after = emu.cursor(group.chat_id)
    await emu.wait_for_callback_answer(
        emu.press_button(group.chat, group.worker, digest.message_id, data=f"ev:{occurrence_id}")
    )
    prompt = await emu.wait_for_message(group.chat_id, after=after)
    for i in range(5):
        after = emu.cursor(group.chat_id)
        emu.send_text(group.chat, group.worker, f"{i}&" + "长" * 3000, reply_to=prompt.message_id)
        await emu.wait_for_message(group.chat_id, after=after)
    with bot.ctx.session() as s:
        notes = s.exec(select(Evidence).where(Evidence.occurrence_id == occurrence_id)).all()
    assert len(notes) == 5 and all(len(n.text or "") == 1000 for n in notes)
    after = emu.cursor(group.chat_id)
    await emu.wait_for_callback_answer(
        emu.press_raw(group.chat, group.worker, digest.message_id, f"vw:{occurrence_id}")
    )

    def listed() -> str:
        return "".join(m.text or "" for m in emu.sent(group.chat_id) if m.message_id > after)

    await emu.wait_for(lambda: all(f"{i}&长长" in listed() for i in range(5)))
    assert not [c for c in emu.calls if not c.ok and c.method == "sendMessage"]
    tally["bad_inputs"] += 6


# --- wrong arguments ------------------------------------------------------------------------

# (who: admin/worker, command, words the answer must contain); every one changes nothing.
WRONG_ARGUMENTS = [
    ("admin", "/setup 不存在的行业 某公司", "do not know the sector"),
    ("admin", "/setup", "sector"),  # the guided flow: buttons, nothing stored yet
    ("admin", "/region atlantis", "do not know the region"),
    ("admin", "/region", "national"),
    ("admin", "/officer", "Whom should I make safety officer"),
    ("admin", "/officer @nobody_here", "Whom should I make safety officer"),
    ("admin", "/drill nonsense", "nonsense"),
    ("admin", "/drill 火灾 火灾 火灾", "火灾"),
    ("admin", "/drill ²", "²"),  # a digit to str.isdigit, not to int()
    ("admin", "/office link WRONG-CODE", ""),
    ("admin", "/lang klingon", ""),
    ("worker", "/lang en", "administrators"),
    ("worker", "/setup 危险化学品 改名", "administrators"),
    ("worker", "/region hubei", "administrators"),
    ("worker", "/drill 火灾 生产", "safety officer"),
    ("worker", "/check", "safety officer"),
    ("worker", "/retrain", "safety officer"),
    ("admin", "/report 2026-13-45", ""),
    ("admin", "/stats 2026-13-45", ""),
]


async def test_wrong_arguments_get_a_helpful_answer_and_change_nothing(
    bot: LocalBot, tally: Counter[str]
) -> None:
    group = await registered_group(bot, "某某化工有限公司", language_code="en")
    bot.clock.set(local(2026, 12, 2, 10, 0))
    for who, text, words in WRONG_ARGUMENTS:
        user = group.admin if who == "admin" else group.worker
        answer = await _unchanged(bot, group, user, text)
        assert words in (answer.text or ""), (text, answer.text)
        tally["bad_inputs"] += 1


async def test_group_commands_in_an_unregistered_group_say_how_to_register(
    bot: LocalBot, tally: Counter[str]
) -> None:
    group = await group_with_bot(bot, language_code="en")
    for text in ("/stats", "/due", "/join", "/obligations", "/drill 火灾 生产", "/check",
                 "/retrain", "/quiz", "/region hubei", "/officer @wang", "/lang en"):  # fmt: skip
        answer = await _unchanged(bot, group, group.admin, text)
        assert "/setup" in (answer.text or ""), (text, answer.text)
        tally["bad_inputs"] += 1


async def test_group_commands_in_private_and_unknown_commands(
    bot: LocalBot, tally: Counter[str]
) -> None:
    emu = bot.emulator
    user = emu.create_user("Lee", language_code="en")
    private = Group(bot, emu.private_chat(user), user, user)
    for text in ("/setup 危险化学品 某公司", "/drill 火灾 生产", "/check", "/retrain",
                 "/office code", "/frobnicate"):  # fmt: skip
        answer = await _unchanged(bot, private, user, text)
        assert answer.text
        tally["bad_inputs"] += 1


async def test_quiz_counts_out_of_range_are_clamped_as_documented(
    bot: LocalBot, tally: Counter[str]
) -> None:
    """docs/quiz.md: `/quiz [n]` asks 5 by default and at most 10; words are not a count."""
    group = await registered_group(bot, "某某化工有限公司", language_code="en")
    emu = bot.emulator
    for text, asked in (("/quiz abc", 5), ("/quiz 999", 10), ("/quiz 0", 1), ("/quiz ²", 5)):
        before = len([m for m in emu.sent(group.chat_id) if m.poll])
        emu.send_text(group.chat, group.worker, text)
        await emu.wait_for(
            lambda b=before, n=asked: len([m for m in emu.sent(group.chat_id) if m.poll]) >= b + n
        )
        tally["bad_inputs"] += 1


# --- forged, replayed and stale buttons -------------------------------------------------------


async def test_forged_replayed_and_stale_buttons_are_refused_and_change_nothing(
    bot: LocalBot, tally: Counter[str]
) -> None:
    """Buttons pressed in one chat that name another chat's occurrence, quiz, drill or
    enterprise; buttons of things that are over; and data no button of ours carries."""
    victim = await registered_group(bot, "某某化工有限公司", language_code="en")
    other = await registered_group(bot, "另一家建设公司", sector="建筑施工", language_code="en")
    emu = bot.emulator
    await bot.tick_at(local(2026, 12, 2, 9, 0))
    await other.say(other.admin, "/quiz 1", expect="Knowledge quiz")
    await other.say(other.admin, "/drill 火灾 生产", expect="Roll-call")
    await other.say(other.admin, "/stats")  # updates are handled in order: /drill is done
    with bot.ctx.session() as s:
        theirs = s.exec(
            select(OccurrenceRow.id).join(Enterprise).where(Enterprise.chat_id == other.chat_id)
        ).first()
        their_enterprise = _enterprise(bot, other.chat_id)
        from bot.store.drill_models import Drill
        from bot.store.quiz_models import Quiz, QuizQuestion

        quiz = s.exec(select(Quiz)).first()
        question = s.exec(select(QuizQuestion)).first()
        drill = s.exec(select(Drill)).first()
    assert theirs and their_enterprise and quiz and question and drill
    forged = [
        f"cf:{theirs}", f"sm:{theirs}", f"sz:{theirs}:h1", f"ev:{theirs}", f"vw:{theirs}",
        f"ud:{theirs}", f"qz:r:{quiz.id}", f"qz:g:{quiz.id}", f"qz:a:{question.id}:0",
        f"qz:o:{their_enterprise.id}", f"dr:e:{drill.id}", f"dr:s:{drill.id}:shut",
        f"dr:a:{drill.id}", f"dr:l:{drill.id}", f"dr:k:{drill.id}:{other.worker['id']}",
        "cf:999999999", "qz:v:999999", "lg:de", "lg:en\n", "st:mining", "st:atlantis",
        "ob:atlantis", "ob:daily-control\n", "cf:", "cf:-1", "cf:1:2", "cf:٣", "cf:01",
        "cf:" + "9" * 30, "🙂" * 16, "x" * 64, " ", "jn ", "zz:1",
    ]  # fmt: skip
    greeting = emu.sent(victim.chat_id)[0]
    for data in forged:
        before = snapshot(bot)
        answer = await emu.wait_for_callback_answer(
            emu.press_raw(victim.chat, victim.admin, greeting.message_id, data)
        )
        assert changed_tables(before, snapshot(bot)) == [], data
        assert answer.get("show_alert") or answer.get("text"), (data, answer)
        tally["bad_inputs"] += 1
    with bot.ctx.session() as s:
        assert s.exec(select(Confirmation)).all() == []


async def test_buttons_of_a_deactivated_enterprise_are_refused(
    bot: LocalBot, tally: Counter[str]
) -> None:
    """The bot was removed (the enterprise deactivated) and added back: the old reminder's
    buttons must not confirm anything until the group is set up again."""
    group = await registered_group(bot, "某某化工有限公司", language_code="en")
    emu = bot.emulator
    await bot.tick_at(local(2026, 12, 2, 9, 0))
    digest = emu.sent(group.chat_id)[-1]
    emu.remove_bot_from_group(group.chat, by=group.admin)
    await emu.wait_for(lambda: not (_enterprise(bot, group.chat_id) or Enterprise()).active)
    after = emu.cursor(group.chat_id)
    emu.add_bot_to_group(group.chat, by=group.admin)
    await emu.wait_for_message(group.chat_id, after=after)
    for _, data in digest.buttons():
        assert data is not None
        before = snapshot(bot)
        answer = await emu.wait_for_callback_answer(
            emu.press_raw(group.chat, group.admin, digest.message_id, data)
        )
        assert answer.get("show_alert"), (data, answer)
        assert changed_tables(before, snapshot(bot)) == [], data
        tally["bad_inputs"] += 1
