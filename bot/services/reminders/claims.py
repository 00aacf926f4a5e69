"""A wave's claim on its reminders: a fencing token, the rows it still holds, a heartbeat.

The lease (``CLAIM_LEASE_SECONDS``) lets another dispatcher take over the rows of one that
died. A wave that is merely slow (a long fan-out, a slow Telegram) must not lose them, so
while it is in flight a heartbeat extends the lease of the rows it still holds, every third
of the lease. Rows another dispatcher took anyway (this process stalled for a whole lease,
or the database was away) are *lost*: the records are fenced by the claim's token, so this
wave neither sends them (if it has not yet) nor records them; each loss is logged in one
line and counted (``DispatchReport.lost``).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.services.context import AppContext
from bot.services.reminders import outbox

log = logging.getLogger(__name__)


@dataclass
class Claim:
    token: str
    expires: dt.datetime  # the lease as last written; past it, another may have taken the rows
    held: set[int] = field(default_factory=set)
    lost: set[int] = field(default_factory=set)

    @classmethod
    def new(cls, expires: dt.datetime) -> Claim:
        return cls(secrets.token_hex(8), expires)

    def settle(self, ids: Iterable[int], kept: set[int]) -> set[int]:
        """This wave is done with ``ids``; those not in ``kept`` turned out to be lost.

        Returns the ids lost just now (not already known), so each loss is reported once.
        """
        ids = set(ids)
        self.held -= ids
        newly = ids - kept - self.lost
        self.lost |= newly
        return newly


class Heartbeat:
    """Renews a claim's lease until cancelled; ``on_lost`` hears of rows taken by another."""

    def __init__(
        self,
        ctx: AppContext,
        claim: Claim,
        *,
        on_lost: Callable[[set[int]], None],
        on_renewed: Iterable[Callable[[int], None]] = (),
    ) -> None:
        self.ctx = ctx
        self.claim = claim
        self.on_lost = on_lost
        self.on_renewed = list(on_renewed)
        self.lease = dt.timedelta(seconds=ctx.settings.claim_lease_seconds)

    async def run(self) -> None:
        interval = self.lease.total_seconds() / 3
        while True:
            await self.ctx.clock.sleep(interval)
            if self.claim.held:
                self.beat()

    def confirm(self) -> None:
        """Before a send: if the lease may have run out (the heartbeat is late: this process
        stalled), renew now, so rows another dispatcher took are known lost and not sent."""
        if self.claim.held and self.ctx.clock.now() >= self.claim.expires:
            self.beat()

    def beat(self) -> None:
        held = sorted(self.claim.held)
        until = self.ctx.clock.now() + self.lease
        try:
            with self.ctx.session() as session:
                kept = outbox.renew(session, held, token=self.claim.token, until=until)
        except Exception as exc:  # the database is away: fencing keeps the records right
            log.warning("lease renewal of %d reminders failed (%s)", len(held), type(exc).__name__)
            return
        self.claim.expires = until
        lost = self.claim.settle(set(held) - kept, set())
        if lost:
            self.on_lost(lost)
        for listener in self.on_renewed:
            listener(len(kept))
