"""Recording posted messages in groups: one statement and one commit for many sends.

Each send used to be recorded with its own UPDATE and commit (an fsync on SQLite) on the
event loop. Here a send that Telegram accepted joins a queue; one writer at a time takes the
whole queue and records it with ``outbox.mark_sent_many`` in a worker thread, so the sends
that complete meanwhile form the next group and the event loop keeps sending while the
database writes. Nothing waits for a group to fill: an idle dispatcher records a lone send
at once.

The crash window stays as documented (docs/reliability.md): each send's caller waits until
its own record is written (and gets what writing it raised), so it keeps its send slot until
then, and at most the messages in flight are posted and not yet recorded. The rows being
recorded leave the claim's ``held`` set first, so the heartbeat neither renews them nor
mistakes them for rows another dispatcher took once they are written as sent; the record
itself is fenced by the claim's token like every other.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

from bot.services.context import AppContext
from bot.services.reminders import outbox
from bot.services.reminders.claims import Claim


@dataclass
class _Send:
    ids: list[int]
    message_id: int
    done: asyncio.Future[set[int]] = field(repr=False)


class GroupCommit:
    """The sends of one claim waiting to be recorded, and the one writer recording them."""

    def __init__(self, ctx: AppContext, claim: Claim) -> None:
        self.ctx = ctx
        self.claim = claim
        self._queued: list[_Send] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, ids: list[int], message_id: int) -> set[int]:
        """Record the rows of one posted message as sent; returns those this claim still held
        (the others another dispatcher took over). Raises what writing the record raised."""
        done: asyncio.Future[set[int]] = asyncio.get_running_loop().create_future()
        self.claim.held.difference_update(ids)  # out of the heartbeat's hands: being recorded
        self._queued.append(_Send(ids, message_id, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_queued())
        return await done

    async def _write_queued(self) -> None:
        while self._queued:
            group, self._queued = self._queued, []
            sends = [(send.ids, send.message_id) for send in group]
            try:
                kept = await asyncio.to_thread(self._write, sends, self.ctx.clock.now())
            except Exception as exc:  # the database is away: every send of the group raises it
                for send in group:
                    if not send.done.done():
                        send.done.set_exception(exc)
                continue
            except BaseException:  # cancelled (the loop is closing): nobody is left waiting
                for send in [*group, *self._queued]:
                    send.done.cancel()
                self._queued = []
                raise
            for send in group:
                if not send.done.done():
                    send.done.set_result(kept.intersection(send.ids))

    def _write(self, sends: list[tuple[list[int], int]], now: dt.datetime) -> set[int]:
        with self.ctx.session() as session:
            return outbox.mark_sent_many(session, sends, token=self.claim.token, now=now)
