"""The loopback robots' state: each robot's credentials, what it was sent, and its limits.

Kept apart from the HTTP layer (``server.py``) so tests can read what a group "saw" and the
record of every post (accepted or refused, with the emulator's clock) to check the pacing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

# Each platform's limit as its servers apply it: posts per window (seconds).
WINDOWS = {
    "wecom": ((20, 60.0),),
    "dingtalk": ((20, 60.0),),
    "feishu": ((100, 60.0), (5, 1.0)),
}
DINGTALK_BLOCK = 600.0  # DingTalk blocks a robot that exceeded its limit for ten minutes


@dataclass
class FakeRobot:
    platform: str  # wecom | dingtalk | feishu
    key: str  # WeCom's key, DingTalk's access_token, Feishu's hook id
    secret: str | None = None
    keyword: str | None = None
    removed: bool = False  # taken out of its group: its key no longer works
    blocked_until: float = 0.0  # DingTalk's ten-minute block
    fail_next: list[int] = field(default_factory=list)  # codes to answer the next posts with
    accepted: list[tuple[float, JSON]] = field(default_factory=list)  # (when, body)
    refused: list[tuple[float, int]] = field(default_factory=list)  # (when, code)

    @property
    def path_and_query(self) -> str:
        if self.platform == "wecom":
            return f"/cgi-bin/webhook/send?key={self.key}"
        if self.platform == "dingtalk":
            return f"/robot/send?access_token={self.key}"
        return f"/open-apis/bot/v2/hook/{self.key}"

    @property
    def url(self) -> str:
        """The webhook as the platform shows it (what an admin pastes); the bot is pointed at
        the emulator by ``ROBOT_WEBHOOK_BASE_URL``."""
        host = {
            "wecom": "qyapi.weixin.qq.com",
            "dingtalk": "oapi.dingtalk.com",
            "feishu": "open.feishu.cn",
        }[self.platform]
        return f"https://{host}{self.path_and_query}"

    @property
    def bodies(self) -> list[JSON]:
        """Every body the group shows, oldest first."""
        return [body for _, body in self.accepted]

    def over_limit(self, now: float) -> bool:
        """Whether one more post now would exceed the platform's limit."""
        times = [t for t, _ in self.accepted]
        return any(
            sum(1 for t in times if t > now - seconds) >= count
            for count, seconds in WINDOWS[self.platform]
        )

    def busiest(self, seconds: float) -> int:
        """The most posts accepted in any window of ``seconds`` (the pacing's check)."""
        times = sorted(t for t, _ in self.accepted)
        best, start = 0, 0
        for end, t in enumerate(times):
            while times[start] <= t - seconds:
                start += 1
            best = max(best, end - start + 1)
        return best


class Robots:
    """Every robot the emulator knows, by platform and key."""

    def __init__(self) -> None:
        self._robots: dict[tuple[str, str], FakeRobot] = {}

    def add(
        self, platform: str, *, secret: str | None = None, keyword: str | None = None
    ) -> FakeRobot:
        robot = FakeRobot(platform, secrets.token_hex(16), secret=secret, keyword=keyword)
        self._robots[(platform, robot.key)] = robot
        return robot

    def find(self, platform: str, key: str) -> FakeRobot | None:
        return self._robots.get((platform, key))

    def all(self) -> list[FakeRobot]:
        return list(self._robots.values())
