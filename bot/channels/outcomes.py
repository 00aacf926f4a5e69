"""What became of one post to a robot, as the channel sender acts on it.

Each platform answers with its own error codes (``bot.channels.adapters`` maps them); the
sender only needs to know which of these it was:

- ``Posted``: the group has the message;
- ``Throttled``: the robot may not post for ``seconds`` (the message waits, nothing is lost);
- ``Broken``: the robot cannot post at all until someone fixes it (invalid key, robot removed
  from the group, signature or keyword refused): the channel is disabled and the message kept;
- ``Rejected``: this message was refused (its body), the robot is fine: the message fails;
- ``Unavailable``: the network or the platform failing: tried again later.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Broken", "Outcome", "Posted", "Rejected", "Throttled", "Unavailable"]


@dataclass(frozen=True)
class Posted:
    pass


@dataclass(frozen=True)
class Throttled:
    seconds: float
    code: int


@dataclass(frozen=True)
class Broken:
    # invalid_key | robot_gone | signature | keyword | ip_not_allowed
    reason: str
    code: int


@dataclass(frozen=True)
class Rejected:
    detail: str
    code: int


@dataclass(frozen=True)
class Unavailable:
    detail: str


Outcome = Posted | Throttled | Broken | Rejected | Unavailable
