"""Each robot's pace: never more than its platform allows, on the injected clock.

The same idea as the Telegram pacing (``bot.telegram.pacing``), kept simpler because a robot
takes so few messages: a sliding window of the robot's last posts, seeded from the outbox (the
posts recorded in the last minute, by any process), and the next post starts only when

1. fewer than ``per_minute`` posts fall in the last minute (WeCom and DingTalk 20, Feishu 100),
   with a second of margin against the platform counting a little differently;
2. fewer than ``per_second`` fall in the last second (Feishu 5);
3. for Feishu, not in the first seconds of the hour or the half hour (its busiest moments,
   which its guide asks senders to avoid): such a post waits until ``OFF_PEAK_SECONDS`` past.

A sliding window is at least as strict as a platform counting by calendar minute. The sender
never sleeps on it: a message that may not go yet is parked until ``next_start``.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable

from bot.channels.platforms import RobotLimits

__all__ = ["OFF_PEAK_SECONDS", "RobotPace"]

MINUTE = dt.timedelta(seconds=61)  # a minute and a second of margin
SECOND = dt.timedelta(seconds=1)
OFF_PEAK_SECONDS = 10


class RobotPace:
    def __init__(self, limits: RobotLimits, sent: Iterable[dt.datetime] = ()) -> None:
        self.limits = limits
        self._sent: deque[dt.datetime] = deque(sorted(sent))

    def next_start(self, now: dt.datetime) -> dt.datetime:
        """The first moment from ``now`` at which the robot may post again."""
        while self._sent and self._sent[0] <= now - MINUTE:
            self._sent.popleft()
        ready = now
        if len(self._sent) >= self.limits.per_minute:
            ready = max(ready, self._sent[-self.limits.per_minute] + MINUTE)
        per_second = self.limits.per_second
        if per_second is not None:
            recent = [t for t in self._sent if t > now - SECOND]
            if len(recent) >= per_second:
                ready = max(ready, recent[-per_second] + SECOND)
        if self.limits.off_peak and ready.minute % 30 == 0 and ready.second < OFF_PEAK_SECONDS:
            ready = ready.replace(second=OFF_PEAK_SECONDS, microsecond=0)
        return ready

    def record(self, at: dt.datetime) -> None:
        """A post went out at ``at`` (the latest so far)."""
        self._sent.append(at)
