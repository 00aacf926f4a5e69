"""Evidence kept in our own storage: both backends (a directory; S3 against moto's real
loopback server), photos and files downloaded through the emulator as they arrive, refusals,
a failed download fetched later, the retention purge, and the desk's evidence routes."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image
from sqlmodel import select

from bot.clock import FakeClock
from bot.demo.harness import LocalBot, local_bot
from bot.emulator import BotMessage
from bot.storage import EvidenceStore, LocalStore, StoredObjectMissing
from bot.storage.files import thumbnail_key
from bot.storage.s3 import S3Store
from bot.store.hazard_models import HazardPhoto
from bot.store.models import Evidence
from bot.store.storage_models import StoredFile
from tests.fakes.desk import desk_bot, office_linked_to, web_link
from tests.fakes.group import Group, group_with_bot
from tests.fakes.hazards import has_button, is_question
from tests.integration.test_reminders import leader_reminder, press

JSON = dict[str, Any]
BUCKET = "safetybot-evidence"
KEYS = {"evidence_s3_access_key": "testing", "evidence_s3_secret_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free loopback port, with the bucket made."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    ).create_bucket(Bucket=BUCKET)  # fmt: skip
    yield endpoint
    server.stop()


def s3_settings(endpoint: str) -> dict[str, Any]:
    return {"evidence_store": "s3", "evidence_s3_bucket": BUCKET,
            "evidence_s3_endpoint": endpoint, "evidence_s3_region": "us-east-1"} | KEYS  # fmt: skip


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> EvidenceStore:
    if request.param == "local":
        return LocalStore(tmp_path / "evidence")
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Store(bucket=BUCKET, endpoint_url=endpoint, access_key="testing",
                   secret_key="testing", region="us-east-1", prefix="t/")  # fmt: skip


async def test_a_store_keeps_replaces_and_deletes_bytes_by_key(store: EvidenceStore) -> None:
    key = "7/2026/12/" + "a" * 64 + ".jpg"
    assert not await store.exists(key)
    with pytest.raises(StoredObjectMissing):
        await store.get(key)
    await store.put(key, b"first", "image/jpeg")
    await store.put(key, b"second", "image/jpeg")
    assert await store.exists(key)
    assert await store.get(key) == b"second"
    await store.delete(key)
    await store.delete(key)  # gone already: not an error
    assert not await store.exists(key)
    for forged in ("../etc/passwd", "/abs/key", "7/../../x", "7//x", ""):
        with pytest.raises(ValueError):
            await store.get(forged)


async def test_a_local_store_writes_atomically_and_leaves_no_temporary_files(
    tmp_path: Path,
) -> None:
    store = LocalStore(tmp_path)
    await store.put("1/2026/12/abc.pdf", b"%PDF-1.4", "application/pdf")
    assert sorted(p.name for p in (tmp_path / "1/2026/12").iterdir()) == ["abc.pdf"]


# ----- arriving through the emulator ---------------------------------------------------------


async def evidence_prompt(bot: LocalBot) -> tuple[Group, BotMessage]:
    """December's leader-inspection confirmed; the bot's "reply with evidence" prompt."""
    group, december, reminder = await leader_reminder(bot)
    emu = bot.emulator
    after = emu.cursor(group.chat_id)
    await press(group, group.admin, reminder, f"cf:{december.id}")
    prompt = await emu.wait_for_message(
        group.chat_id, lambda m: "佐证" in (m.text or ""), after=after
    )
    return group, prompt


async def reply_with(group: Group, prompt: BotMessage, **file: Any) -> BotMessage:
    """The admin replies to the prompt with a photo (or ``document=True``); the bot's answer."""
    emu = group.bot.emulator
    after = emu.cursor(group.chat_id)
    if file.pop("document", False):
        emu.send_document(group.chat, group.admin, reply_to=prompt.message_id, **file)
    else:
        emu.send_photo(group.chat, group.admin, reply_to=prompt.message_id, **file)
    return await emu.wait_for_message(group.chat_id, after=after)


def stored_files(bot: LocalBot) -> list[StoredFile]:
    with bot.ctx.session() as s:
        return list(s.exec(select(StoredFile).order_by(StoredFile.id)).all())  # type: ignore[arg-type]


def sent_bytes(bot: LocalBot, file_id: str) -> bytes:
    return bot.emulator.store.files[file_id].data


async def test_a_confirmation_photo_is_downloaded_into_the_store(bot: LocalBot) -> None:
    group, prompt = await evidence_prompt(bot)
    saved = await reply_with(group, prompt, caption="现场检查照片")
    assert "已保存" in (saved.text or "")
    [row] = stored_files(bot)
    with bot.ctx.session() as s:
        evidence = s.exec(select(Evidence)).one()
    data = sent_bytes(bot, evidence.file_id or "")
    sha = hashlib.sha256(data).hexdigest()
    assert (row.source, row.source_id, row.kind) == ("evidence", evidence.id, "photo")
    assert row.key == f"{evidence.enterprise_id}/2026/12/{sha}.jpg"
    assert (row.size, row.content_type, row.sha256) == (len(data), "image/jpeg", sha)
    assert row.stored_at is not None
    assert await bot.ctx.evidence_store().get(row.key) == data


async def test_a_hazard_photo_is_stored_with_its_report(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    emu = bot.emulator
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.worker, "/hazard 消防通道堵塞")
    where = await emu.wait_for_message(group.chat_id, is_question, after=after)
    after = emu.cursor(group.chat_id)
    emu.send_photo(group.chat, group.worker, caption="二号车间东门", reply_to=where.message_id)
    await emu.wait_for_message(group.chat_id, has_button("hz:h:"), after=after)
    with bot.ctx.session() as s:
        photo = s.exec(select(HazardPhoto)).one()
    [row] = stored_files(bot)
    assert (row.source, row.source_id) == ("hazard_photo", photo.id)
    assert await bot.ctx.evidence_store().get(row.key or "") == sent_bytes(bot, photo.file_id)


async def test_a_failed_download_keeps_the_file_id_and_is_fetched_later(bot: LocalBot) -> None:
    group, prompt = await evidence_prompt(bot)
    bot.emulator.inject_error("getFile", error_code=502, description="Bad Gateway")
    saved = await reply_with(group, prompt)
    assert "已保存" in (saved.text or "")  # the evidence counts; its file comes later
    [row] = stored_files(bot)
    assert row.stored_at is None and row.file_id and row.attempts == 1
    await bot.tick_at(bot.clock.now() + dt.timedelta(minutes=1))  # not due yet
    assert stored_files(bot)[0].stored_at is None
    await bot.tick_at(bot.clock.now() + dt.timedelta(minutes=10))
    [row] = stored_files(bot)
    assert row.stored_at is not None
    assert await bot.ctx.evidence_store().get(row.key or "") == sent_bytes(bot, row.file_id)


def noisy_jpeg(side: int) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((side, side), 120).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_too_large_or_wrong_type_is_refused_and_nothing_is_kept(
    database_url: str, clock: FakeClock
) -> None:
    async with local_bot(database_url=database_url, clock=clock, evidence_max_bytes=8192) as bot:
        group, prompt = await evidence_prompt(bot)
        big = await reply_with(group, prompt, data=noisy_jpeg(300))
        assert "太大" in (big.text or "") and "0.00781 MB" in (big.text or "")
        broken = await reply_with(group, prompt, data=b"not really a photo")
        assert "不是可识别的照片" in (broken.text or "")
        program = await reply_with(
            group, prompt, document=True, file_name="tool.exe", data=b"MZ\x90\x00" + bytes(64)
        )
        assert "不作为佐证保存" in (program.text or "")
        pdf = await reply_with(group, prompt, document=True, file_name="检查记录.pdf")
        assert "已保存" in (pdf.text or "")
        with bot.ctx.session() as s:
            assert [e.kind for e in s.exec(select(Evidence)).all()] == ["document"]
        [row] = stored_files(bot)
        assert (row.content_type, row.file_name) == ("application/pdf", "检查记录.pdf")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_retention_purge_deletes_files_and_marks_their_records(
    database_url: str, clock: FakeClock
) -> None:
    async with local_bot(database_url=database_url, clock=clock, evidence_retention_days=30) as bot:
        group, prompt = await evidence_prompt(bot)
        await reply_with(group, prompt)
        [row] = stored_files(bot)
        store = bot.ctx.evidence_store()
        await store.put(thumbnail_key(row.key or ""), b"thumb", "image/jpeg")
        await bot.tick_at(row.received_at + dt.timedelta(days=29))
        assert await store.exists(row.key or "") and stored_files(bot)[0].purged_at is None
        await bot.tick_at(row.received_at + dt.timedelta(days=31))
        [purged] = stored_files(bot)
        assert purged.purged_at is not None
        assert not await store.exists(row.key or "")
        assert not await store.exists(thumbnail_key(row.key or ""))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_s3_store_receives_the_arriving_photo(
    database_url: str, clock: FakeClock, s3_endpoint: str
) -> None:
    async with local_bot(database_url=database_url, clock=clock, **s3_settings(s3_endpoint)) as bot:
        group, prompt = await evidence_prompt(bot)
        await reply_with(group, prompt)
        [row] = stored_files(bot)
        client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
        body = client.get_object(Bucket=BUCKET, Key=row.key or "")["Body"].read()
        assert body == sent_bytes(bot, row.file_id)


# ----- the desk --------------------------------------------------------------------------------


async def hazard_with_photo(bot: LocalBot, group: Group) -> int:
    """A hazard reported with a photo in ``group``; the photo's ``hazard_photo`` id."""
    emu = bot.emulator
    after = emu.cursor(group.chat_id)
    emu.send_text(group.chat, group.worker, "/hazard 配电箱门未关")
    where = await emu.wait_for_message(group.chat_id, is_question, after=after)
    after = emu.cursor(group.chat_id)
    emu.send_photo(group.chat, group.worker, caption="仓库", reply_to=where.message_id)
    await emu.wait_for_message(group.chat_id, has_button("hz:h:"), after=after)
    with bot.ctx.session() as s:
        photos = s.exec(select(HazardPhoto).order_by(HazardPhoto.id)).all()  # type: ignore[arg-type]
    return photos[-1].id or 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_desk_shows_its_own_evidence_and_404s_another_offices(
    database_url: str, clock: FakeClock
) -> None:
    async with desk_bot(database_url=database_url, clock=clock) as desk:
        bot = desk.bot
        ours, theirs = await group_with_bot(bot), await group_with_bot(bot)
        await ours.setup(name="甲公司")
        await theirs.setup(name="乙公司")
        mine, other = await hazard_with_photo(bot, ours), await hazard_with_photo(bot, theirs)
        officer = bot.emulator.create_user("李科长")
        await office_linked_to(bot, officer, ours)
        link, _ = await web_link(bot, officer)
        async with desk.client() as browser:
            assert (await browser.get(link)).status == 200
            thumb = await browser.get(f"{desk.base}/desk/evidence/hazard_photo/{mine}/thumb")
            assert (thumb.status, thumb.content_type) == (200, "image/jpeg")
            assert Image.open(io.BytesIO(await thumb.read())).size[0] <= 320
            original = await browser.get(f"{desk.base}/desk/evidence/hazard_photo/{mine}")
            assert original.status == 200
            with bot.ctx.session() as s:
                enterprise_id = s.exec(select(StoredFile)).first().enterprise_id  # type: ignore[union-attr]
            archive = await browser.get(
                f"{desk.base}/desk/enterprise/{enterprise_id}/evidence.zip?period=2026-12"
            )
            assert archive.status == 200
            names = zipfile.ZipFile(io.BytesIO(await archive.read())).namelist()
            assert names == [f"2026-12-01_hazard_photo-{mine}.jpg", "manifest.csv"]
            for path in (
                f"/desk/evidence/hazard_photo/{other}/thumb",
                f"/desk/evidence/hazard_photo/{other}",
                f"/desk/evidence/evidence/{other}",
                f"/desk/evidence/passwd/{other}",
                f"/desk/enterprise/{enterprise_id + 1}/evidence.zip?period=2026-12",
            ):
                refused = await browser.get(desk.base + path)
                page = await refused.text()
                assert (refused.status, refused.content_type) == (404, "text/html"), path
                assert 'data-status="404"' in page and "乙公司" not in page
            bad = await browser.get(
                f"{desk.base}/desk/enterprise/{enterprise_id}/evidence.zip?period=2026-13"
            )
            assert bad.status == 400
