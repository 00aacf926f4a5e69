"""``/shifts``: a continuous site gets its pre-shift meetings before every shift, weekends and
holidays included (S2#12), instead of on office days."""

from __future__ import annotations

from sqlmodel import select

from bot.demo.harness import LocalBot
from bot.store.models import Enterprise, OccurrenceRow
from tests.conftest import local
from tests.fakes.group import group_with_bot


def _meetings(bot: LocalBot) -> set[str]:
    with bot.ctx.session() as s:
        rows = s.exec(
            select(OccurrenceRow.label).where(OccurrenceRow.obligation_id == "pre-shift-meeting")
        ).all()
    return set(rows)


async def test_shifts_put_the_meeting_before_each_shift_every_day(bot: LocalBot) -> None:
    group = await group_with_bot(bot)
    await group.setup()
    await group.say(group.admin, "/region quyuan")  # 班前会 is Quyuan's S2#12
    await bot.tick_at(local(2026, 12, 1, 8, 1))
    assert "2026-12-05" not in _meetings(bot)  # a Saturday: office days
    shown = await group.say(group.worker, "/shifts")
    assert "/shifts 08:00 16:00 00:00" in (shown.text or "")
    refused = await group.say(group.worker, "/shifts 08:00 20:00")
    assert "管理员" in (refused.text or "")
    done = await group.say(group.admin, "/shifts 08:00 20:00")
    assert "08:00 · 20:00" in (done.text or "")
    await bot.tick_at(local(2026, 12, 1, 8, 2))
    meetings = _meetings(bot)
    assert {"2026-12-05-S1", "2026-12-05-S2"} <= meetings and "2026-12-05" not in meetings
    with bot.ctx.session() as s:
        enterprise = s.exec(select(Enterprise)).one()
    assert (enterprise.work_pattern, enterprise.shift_starts) == ("continuous", "08:00,20:00")
    bad = await group.say(group.admin, "/shifts 25:00")
    assert "25:00" in (bad.text or "")
    await group.say(group.admin, "/shifts office", expect="/shifts")
    await bot.tick_at(local(2026, 12, 1, 8, 3))
    assert "2026-12-07" in _meetings(bot) and "2026-12-07-S1" not in _meetings(bot)
