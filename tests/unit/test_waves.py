"""The order overlapping waves keep (``bot.services.reminders.waves.Pipeline``)."""

from __future__ import annotations

import asyncio

from bot.services.reminders.waves import Chat, Pipeline
from bot.store.models import Enterprise


def chat(n: int, *, urgent: bool) -> Chat:
    return Chat(Enterprise(id=n, chat_id=-n, name=f"企业{n}", created_by=1), [], urgent)


async def test_a_lead_time_message_waits_for_every_due_one_claimed_before_it() -> None:
    """The pipeline's rule, one chat at a time: a lead-time-only message does not start while
    a message with something due, from this wave or an earlier one, is still being posted."""
    pipeline = Pipeline(concurrency=4)
    urgent = [chat(1, urgent=True), chat(2, urgent=True)]
    lead = chat(3, urgent=False)
    pipeline.expect(urgent)
    pipeline.expect([lead])  # the next wave, claimed while the first is in flight
    posted: list[int] = []
    release = asyncio.Event()

    async def post(one: Chat, wait: bool) -> None:
        async with pipeline.turn(one):
            if wait:
                await release.wait()
            posted.append(one.enterprise.id or 0)

    tasks = [asyncio.create_task(post(c, True)) for c in urgent]
    tasks.append(asyncio.create_task(post(lead, False)))
    await asyncio.sleep(0)  # every task is in its turn (or waiting for it)
    assert posted == []  # the urgent ones are held by the test; the lead one waits for them
    release.set()
    await asyncio.gather(*tasks)
    assert posted == [1, 2, 3]


async def test_one_chat_in_two_overlapping_waves_gets_its_messages_one_after_the_other() -> None:
    pipeline = Pipeline(concurrency=4)
    earlier, later = chat(1, urgent=True), chat(1, urgent=True)  # something fell due between
    pipeline.expect([earlier])
    pipeline.expect([later])
    inside: list[str] = []
    release = asyncio.Event()

    async def post(one: Chat, name: str) -> None:
        async with pipeline.turn(one):
            inside.append(name)
            await release.wait()
            inside.append(f"{name} done")

    tasks = [
        asyncio.create_task(post(earlier, "earlier")),
        asyncio.create_task(post(later, "later")),
    ]
    await asyncio.sleep(0)
    assert inside == ["earlier"]  # the later message waits for the chat
    release.set()
    await asyncio.gather(*tasks)
    assert inside == ["earlier", "earlier done", "later", "later done"]
