"""The channel sender: claim due robot messages, post each at its robot's pace, record it.

Robots are independent: each claimed robot's messages go out in order, one after the other,
while other robots post at the same time. What each answer does (``bot.channels.outcomes``):

- posted: recorded ``sent``;
- the robot's pace (``bot.channels.pacing``) says not yet: the rest of its messages wait
  until it may post again (``fire_at``), with no sleep;
- throttled (WeCom 45009, DingTalk 130101, Feishu 9499/11232): the robot is parked
  (``Channel.throttled_until``: ten minutes for DingTalk) and its messages wait until then;
- broken (invalid key, robot removed, signature, keyword or IP refused): the robot is disabled
  with its reason, its messages stay ``pending`` for when it is fixed, and ``on_broken`` is
  told once (the Telegram side tells the enterprise's safety officer);
- rejected (the message itself): that message fails, the robot goes on;
- unavailable (the network, the platform's 5xx): tried again later, failed after
  ``MAX_ATTEMPTS`` claims.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from bot.channels.adapters import Robot, post
from bot.channels.outcomes import Broken, Posted, Rejected, Throttled, Unavailable
from bot.channels.pacing import MINUTE, RobotPace
from bot.channels.platforms import LIMITS, mask
from bot.services.channels import outbox
from bot.services.context import AppContext
from bot.store.channel_models import Channel, ChannelMessage

log = logging.getLogger(__name__)

BATCH = 200  # messages claimed per round
MAX_ATTEMPTS = 8  # claims of one message before a failing network gives it up
RETRY_BASE = dt.timedelta(seconds=30)  # then 1, 2, 4 … minutes, at most an hour
TIMEOUT = 10.0  # seconds for one post

OnBroken = Callable[[Channel, Broken], Awaitable[object]]


@dataclass
class SendReport:
    sent: int = 0
    waiting: int = 0  # paced, throttled or retried: due again later
    failed: int = 0
    disabled: int = 0  # robots disabled this round
    next_at: dt.datetime | None = None  # when the next message falls due (for an early tick)


def _backoff(attempts: int) -> dt.timedelta:
    wait: dt.timedelta = RETRY_BASE * 2 ** max(0, attempts - 1)
    return min(wait, dt.timedelta(hours=1))


async def send_due(
    ctx: AppContext, *, client: httpx.AsyncClient | None = None, on_broken: OnBroken | None = None
) -> SendReport:
    """Every robot message due now; ``client`` for tests (one is made otherwise)."""
    report = SendReport()
    lease = dt.timedelta(seconds=ctx.settings.claim_lease_seconds)
    own = client is None
    http = client or httpx.AsyncClient(timeout=TIMEOUT)
    try:
        while True:
            now, token = ctx.clock.now(), uuid.uuid4().hex
            with ctx.session() as session:
                ids = outbox.claim_due(session, now=now, token=token, lease=lease, limit=BATCH)
                claimed = outbox.load_claimed(session, ids, token=token)
                robots = {channel.id or 0: channel for _, channel in claimed}
                posted = outbox.recent_posts(session, list(robots), since=now - MINUTE)
            by_robot: dict[int, list[ChannelMessage]] = {}
            for message, channel in claimed:
                by_robot.setdefault(channel.id or 0, []).append(message)
            # Stop posting under this claim well before its lease runs out (another instance
            # may claim the rows then): what is left goes back, due at once.
            deadline = time.monotonic() + lease.total_seconds() / 2
            sender = _RobotSender(ctx, http, token, report, on_broken, deadline)
            await asyncio.gather(
                *(
                    sender.run(robots[cid], messages, posted[cid])
                    for cid, messages in by_robot.items()
                )
            )
            if len(ids) < BATCH:
                break
    finally:
        if own:
            await http.aclose()
    with ctx.session() as session:
        report.next_at = outbox.next_due(session, after=ctx.clock.now())
    return report


class _RobotSender:
    def __init__(
        self,
        ctx: AppContext,
        http: httpx.AsyncClient,
        token: str,
        report: SendReport,
        on_broken: OnBroken | None,
        deadline: float,
    ) -> None:
        self.ctx, self.http, self.token = ctx, http, token
        self.report, self.on_broken, self.deadline = report, on_broken, deadline

    async def run(
        self, channel: Channel, messages: list[ChannelMessage], posted: list[dt.datetime]
    ) -> None:
        pace = RobotPace(LIMITS[channel.platform], posted)
        robot = Robot(channel.platform, channel.webhook_url, channel.secret, channel.keyword)
        base_url = self.ctx.settings.robot_webhook_base_url
        for index, message in enumerate(messages):
            rest = [m.id or 0 for m in messages[index:]]
            now = self.ctx.clock.now()
            if time.monotonic() > self.deadline:  # the claim's lease is half gone
                self._put_back(rest, "lease", now)
                return
            ready = pace.next_start(now)
            if ready > now:
                self._put_back(rest, "paced", ready)
                return
            outcome = await post(
                self.http, robot, json.loads(message.payload), now=now, base_url=base_url
            )
            pace.record(now)
            if isinstance(outcome, Posted):
                with self.ctx.session() as session:
                    if outbox.mark_sent(session, message.id or 0, token=self.token, now=now):
                        self.report.sent += 1
            elif isinstance(outcome, Rejected):
                log.warning(
                    "robot %s (%s) refused message %s: %s %s",
                    channel.id, mask(channel.webhook_url), message.id, outcome.code, outcome.detail,
                )  # fmt: skip
                with self.ctx.session() as session:
                    error = f"{outcome.code}: {outcome.detail}"
                    if outbox.mark_failed(session, message.id or 0, token=self.token, error=error):
                        self.report.failed += 1
            elif isinstance(outcome, Throttled):
                until = now + dt.timedelta(seconds=outcome.seconds)
                with self.ctx.session() as session:
                    outbox.throttle(session, channel.id or 0, until=until)
                self._put_back(rest, f"throttled {outcome.code}", until)
                return
            elif isinstance(outcome, Broken):
                await self._broken(channel, outcome, rest)
                return
            else:
                self._unavailable(message, outcome, rest, now)
                return

    def _put_back(
        self, ids: list[int], error: str, fire_at: dt.datetime | None, *, attempted: bool = False
    ) -> None:
        with self.ctx.session() as session:
            kept = outbox.put_back(
                session, ids, token=self.token, error=error, fire_at=fire_at, attempted=attempted
            )
        self.report.waiting += len(kept)

    async def _broken(self, channel: Channel, outcome: Broken, rest: list[int]) -> None:
        log.warning(
            "robot %s (%s) of enterprise %s disabled: %s (code %s)",
            channel.id, mask(channel.webhook_url), channel.enterprise_id, outcome.reason,
            outcome.code,
        )  # fmt: skip
        with self.ctx.session() as session:
            newly = outbox.disable(session, channel.id or 0, reason=outcome.reason)
        self._put_back(rest, outcome.reason, None)  # kept for when the robot is fixed
        if newly:
            self.report.disabled += 1
            if self.on_broken is not None:
                try:
                    await self.on_broken(channel, outcome)
                except Exception:  # best effort: the channel's state says it all
                    log.exception(
                        "telling enterprise %s of its robot failed", channel.enterprise_id
                    )

    def _unavailable(
        self, message: ChannelMessage, outcome: Unavailable, rest: list[int], now: dt.datetime
    ) -> None:
        error, retry_at = f"unavailable: {outcome.detail}", now + _backoff(message.attempts)
        if message.attempts >= MAX_ATTEMPTS:
            with self.ctx.session() as session:
                if outbox.mark_failed(session, message.id or 0, token=self.token, error=error):
                    self.report.failed += 1
        else:
            self._put_back(rest[:1], error, retry_at, attempted=True)
        self._put_back(rest[1:], error, retry_at)
