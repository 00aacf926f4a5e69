"""The Bot API emulator, driven through PTB's real HTTP path (Bot and a polling Application).

These pin the Telegram behaviours the bot's own integration tests rely on: delivery of updates,
message state after edits, Telegram's limits and error types as PTB surfaces them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import html
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PollAnswerHandler,
    filters,
)

from bot.emulator import BotApiEmulator

pytestmark = pytest.mark.asyncio
TOKEN = "123456:TEST-token"
JSON = dict[str, Any]
App = Application[Any, Any, Any, Any, Any, Any]


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in buttons])


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns on int time periods (RetryAfter) unless opted in; warnings are errors here.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest_asyncio.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest_asyncio.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url) as b:
        yield b


@contextlib.asynccontextmanager
async def polling(emu: BotApiEmulator, *handlers: BaseHandler[Any, Any, Any]) -> AsyncIterator[App]:
    """A real PTB Application long-polling the emulator, as the bot runs in production."""
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    for handler in handlers:
        app.add_handler(handler)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def started_private(emu: BotApiEmulator, name: str = "张三") -> tuple[JSON, JSON]:
    user = emu.create_user(name, username="zhangsan")
    chat = emu.private_chat(user)
    emu.send_text(chat, user, "/start")
    return user, chat


async def test_get_me_through_ptb(emu: BotApiEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (7000001, "safety_demo_bot", True)
    assert emu.calls[-1].method == "getMe" and emu.calls[-1].ok


async def test_send_edit_and_markup_state(emu: BotApiEmulator, bot: Bot) -> None:
    user, chat = started_private(emu)
    sent = await bot.send_message(
        user["id"],
        "<b>今日检查</b>",
        parse_mode="HTML",
        reply_markup=keyboard(("确认", "ok:1"), ("稍后", "later:1")),
    )
    assert sent.text == "今日检查" and sent.entities[0].type == "bold"
    assert emu.sent(chat["id"])[-1].buttons() == [("确认", "ok:1"), ("稍后", "later:1")]

    await bot.edit_message_text(
        "已确认",
        chat_id=user["id"],
        message_id=sent.message_id,
        reply_markup=keyboard(("撤销", "undo:1")),
    )
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text(
            "已确认",
            chat_id=user["id"],
            message_id=sent.message_id,
            reply_markup=keyboard(("撤销", "undo:1")),
        )
    await bot.edit_message_text("完成", chat_id=user["id"], message_id=sent.message_id)

    current = emu.message(chat["id"], sent.message_id)
    assert current.text == "完成" and current.edits == ["今日检查", "已确认"]
    assert current.reply_markup is None  # like Telegram, an edit without markup drops it
    await bot.delete_message(user["id"], sent.message_id)
    assert emu.sent(chat["id"])[-1].deleted


async def test_polling_application_answers_command(emu: BotApiEmulator) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        await update.effective_message.reply_text(f"你好 {update.effective_user.first_name}")

    user = emu.create_user("李四")
    chat = emu.private_chat(user)
    group = emu.create_group("一号车间", admins=[user])
    emu.add_bot_to_group(group, by=user)
    async with polling(emu, CommandHandler("start", start)):
        emu.send_text(chat, user, "/start")
        reply = await emu.wait_for_message(chat["id"], after=emu.cursor(chat["id"]))
        assert reply.text == "你好 李四"
        emu.send_text(group, user, "/start@safety_demo_bot")
        in_group = await emu.wait_for_message(group["id"], lambda m: "你好" in (m.text or ""))
        assert in_group.raw["reply_to_message"]["text"] == "/start@safety_demo_bot"
    assert emu.pending_updates == 0


async def test_callback_press_round_trip(emu: BotApiEmulator) -> None:
    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        await query.answer("已记录", show_alert=False)
        await query.edit_message_text(f"已处理 {query.data}")

    user, chat = started_private(emu)
    async with polling(emu, CallbackQueryHandler(on_press)) as app:
        bot_msg = await app.bot.send_message(
            user["id"], "请确认", reply_markup=keyboard(("确认完成", "done:7"))
        )
        query_id = emu.press_button(chat, user, bot_msg.message_id, text="确认")
        answer = await emu.wait_for_callback_answer(query_id)
        assert answer["text"] == "已记录"
        edited = await emu.wait_for_message(chat["id"], lambda m: m.text == "已处理 done:7")
        assert edited.message_id == bot_msg.message_id and edited.buttons() == []
    with pytest.raises(LookupError):
        emu.press_button(chat, user, bot_msg.message_id, data="done:7")  # keyboard is gone now


async def test_user_photo_reply_reaches_handler_and_downloads(emu: BotApiEmulator) -> None:
    async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.photo and message.reply_to_message is not None
        data = await (await message.photo[-1].get_file()).download_as_bytearray()
        replied_to = message.reply_to_message.message_id
        await message.reply_text(f"收到 {message.caption} {len(data)}B 回复#{replied_to}")

    user, chat = started_private(emu)
    async with polling(emu, MessageHandler(filters.PHOTO, on_photo)) as app:
        prompt = await app.bot.send_message(user["id"], "请上传隐患照片")
        sent = emu.send_photo(chat, user, caption="消防通道堵塞", reply_to=prompt.message_id)
        expected = len(emu.store.files[sent["photo"][-1]["file_id"]].data)
        reply = await emu.wait_for_message(chat["id"], after=sent["message_id"])
    assert reply.text == f"收到 消防通道堵塞 {expected}B 回复#{prompt.message_id}"
    assert [c.method for c in emu.calls].count("getFile") == 1


async def test_text_and_callback_data_limits(emu: BotApiEmulator, bot: Bot) -> None:
    user, _ = started_private(emu)
    await bot.send_message(user["id"], "安" * 4096)
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(user["id"], "安" * 4097)
    await bot.send_message(user["id"], "x", reply_markup=keyboard(("ok", "a" * 64)))
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        # 22 Chinese characters are 66 bytes in UTF-8: over the 64-byte limit.
        await bot.send_message(user["id"], "x", reply_markup=keyboard(("ok", "确" * 22)))
    assert [c.error_code for c in emu.calls[-4:]] == [None, 400, None, 400]


async def test_unescaped_html_is_rejected(emu: BotApiEmulator, bot: Bot) -> None:
    user, chat = started_private(emu)
    hostile = "<script>alert(1)</script> & co"
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.send_message(user["id"], f"<b>反馈</b>: {hostile}", parse_mode="HTML")
    await bot.send_message(user["id"], f"<b>反馈</b>: {html.escape(hostile)}", parse_mode="HTML")
    assert emu.sent(chat["id"])[-1].text == f"反馈: {hostile}"


async def test_injected_429_surfaces_as_retry_after(emu: BotApiEmulator, bot: Bot) -> None:
    user, _ = started_private(emu)
    emu.inject_error(
        "sendmessage", error_code=429, description="Too Many Requests: retry after 7", retry_after=7
    )
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user["id"], "一")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    await bot.send_message(user["id"], "二")  # times=1: the next call succeeds
    assert [c.status for c in emu.calls[-2:]] == [429, 200]


async def test_group_migration_surfaces_as_chat_migrated(emu: BotApiEmulator, bot: Bot) -> None:
    owner = emu.create_user("王五")
    group = emu.create_group("班组群", admins=[owner], supergroup=False)
    emu.add_bot_to_group(group, by=owner)
    assert group["id"] == -4001
    supergroup = emu.migrate_to_supergroup(group)
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(group["id"], "提醒")
    assert caught.value.new_chat_id == supergroup["id"] < -1000000000000
    await bot.send_message(supergroup["id"], "提醒")
    kinds = [
        u.message.migrate_to_chat_id or u.message.migrate_from_chat_id
        for u in await bot.get_updates()
        if u.message
        and u.message.chat.id in (group["id"], supergroup["id"])
        and not u.message.new_chat_members
    ]
    assert kinds == [supergroup["id"], group["id"]]


async def test_removed_or_blocked_bot_is_forbidden(emu: BotApiEmulator, bot: Bot) -> None:
    owner = emu.create_user("赵六")
    group = emu.create_group("安全群", admins=[owner])
    emu.add_bot_to_group(group, by=owner)
    await bot.send_message(group["id"], "欢迎")
    emu.remove_bot_from_group(group, by=owner)
    with pytest.raises(Forbidden, match="kicked from the supergroup chat"):
        await bot.send_message(group["id"], "还在吗")
    stranger = emu.create_user("路人")
    emu.private_chat(stranger)
    with pytest.raises(Forbidden, match="initiate conversation"):
        await bot.send_message(stranger["id"], "你好")
    user, _ = started_private(emu)
    emu.block_bot(user)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(user["id"], "你好")
    updates = await bot.get_updates()
    statuses = [u.my_chat_member.new_chat_member.status for u in updates if u.my_chat_member]
    assert statuses == ["member", "kicked", "kicked"]


async def test_quiz_poll_and_poll_answer(emu: BotApiEmulator) -> None:
    answers: list[tuple[int, tuple[int, ...]]] = []

    async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.poll_answer is not None and update.poll_answer.user is not None
        answers.append((update.poll_answer.user.id, update.poll_answer.option_ids))

    user, chat = started_private(emu)
    async with polling(emu, PollAnswerHandler(on_answer)) as app:
        msg = await app.bot.send_poll(
            user["id"],
            "灭火器压力表指针应在哪个区？",
            ["红区", "绿区", "黄区"],
            type="quiz",
            correct_option_ids=[1],
            is_anonymous=False,
            explanation="绿区表示压力正常",
        )
        assert msg.poll is not None and msg.poll.correct_option_ids == (1,)
        emu.answer_poll(msg.poll.id, user, [1])
        await emu.wait_for(lambda: answers)
    assert answers == [(user["id"], (1,))]
    poll = emu.message(chat["id"], msg.message_id).poll
    assert poll is not None and poll["options"][1]["voter_count"] == 1
    with pytest.raises(ValueError):
        emu.answer_poll(msg.poll.id, user, [0])  # quiz answers are final


async def test_document_upload_then_download(emu: BotApiEmulator, bot: Bot) -> None:
    user, chat = started_private(emu)
    payload = "隐患整改报告\n".encode() * 50
    msg = await bot.send_document(user["id"], payload, filename="整改.txt", caption="附件")
    assert msg.document is not None and msg.caption == "附件"
    tg_file = await bot.get_file(msg.document.file_id)
    assert tg_file.file_path is not None and tg_file.file_path.endswith(".txt")
    assert bytes(await tg_file.download_as_bytearray()) == payload
    again = await bot.send_document(user["id"], msg.document.file_id)  # re-send by file_id
    assert again.document is not None and again.document.file_id == msg.document.file_id
    assert emu.sent(chat["id"])[-1].file_id == msg.document.file_id


async def test_flood_control_21st_group_message() -> None:
    clock = [1_800_000_000.0]
    async with (
        BotApiEmulator(enforce_limits=True, now=lambda: clock[0]) as emu,
        Bot(TOKEN, base_url=emu.base_url) as limited,
    ):
        owner = emu.create_user("孙七")
        group = emu.create_group("夜班", admins=[owner])
        emu.add_bot_to_group(group, by=owner)
        for i in range(20):
            await limited.send_message(group["id"], f"第{i + 1}条")
        with pytest.raises(RetryAfter) as caught:
            await limited.send_message(group["id"], "第21条")
        assert caught.value.retry_after == dtm.timedelta(seconds=60)
        assert emu.calls[-1].status == 429 and len(emu.sent(group["id"])) == 20
        clock[0] += 61
        await limited.send_message(group["id"], "一分钟后")

        user, _ = started_private(emu)
        for _ in range(3):  # a small burst is fine, then one per second
            await limited.send_message(user["id"], "私聊")
        with pytest.raises(RetryAfter):
            await limited.send_message(user["id"], "太快")
        clock[0] += 1
        await limited.send_message(user["id"], "一秒后")


async def test_long_poll_wakes_on_update_and_webhook_conflicts(
    emu: BotApiEmulator, bot: Bot
) -> None:
    user = emu.create_user("周八")
    chat = emu.private_chat(user)
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await emu.wait_for(lambda: emu.long_polls_waiting)  # the request is parked on the server
    emu.send_text(chat, user, "在吗")
    updates = await asyncio.wait_for(waiting, 2)
    assert [u.message.text for u in updates if u.message] == ["在吗"]
    await bot.set_webhook("https://example.invalid/hook", secret_token="s3cret")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"


async def test_wait_for_timeout_explains_last_calls(emu: BotApiEmulator, bot: Bot) -> None:
    await bot.get_me()
    with pytest.raises(TimeoutError, match="getMe -> 200"):
        await emu.wait_for_message(1001, timeout=0.05)
