"""The three robot platforms: what a webhook URL looks like, its secret part, and its limits.

A webhook URL carries the robot's credential (WeCom's ``key``, DingTalk's ``access_token``,
Feishu's hook id): whoever has it can post to the group, so it is checked here when a channel
is added, never logged, and shown only masked (``mask``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from bot.errors import BadWebhook

__all__ = ["LIMITS", "SHAPES", "RobotLimits", "check_webhook", "credential", "mask"]


@dataclass(frozen=True)
class RobotLimits:
    """How many messages one robot may post: per minute, per second (Feishu), and whether it
    keeps off the hour and the half hour (Feishu asks senders to avoid those peaks)."""

    per_minute: int
    per_second: int | None = None
    off_peak: bool = False


LIMITS = {
    "wecom": RobotLimits(per_minute=20),
    "dingtalk": RobotLimits(per_minute=20),
    "feishu": RobotLimits(per_minute=100, per_second=5, off_peak=True),
}

# What each platform's webhook looks like, as said back to someone who gave another shape.
SHAPES = {
    "wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
    "dingtalk": "https://oapi.dingtalk.com/robot/send?access_token=…",
    "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook/…",
}
_HOSTS = {
    "wecom": ("qyapi.weixin.qq.com",),
    "dingtalk": ("oapi.dingtalk.com",),
    "feishu": ("open.feishu.cn", "open.larksuite.com"),
}
_PATHS = {"wecom": "/cgi-bin/webhook/send", "dingtalk": "/robot/send"}
_QUERY_KEY = {"wecom": "key", "dingtalk": "access_token"}
_FEISHU_PREFIX = "/open-apis/bot/v2/hook/"


def credential(platform: str, url: str) -> str | None:
    """The robot's key in ``url`` (the query parameter or the hook id), or None if the URL is
    not of ``platform``'s shape."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or parts.hostname not in _HOSTS.get(platform, ()):
        return None
    if parts.port is not None or parts.username or parts.fragment:
        return None
    if platform == "feishu":
        hook = parts.path.removeprefix(_FEISHU_PREFIX)
        ok = parts.path.startswith(_FEISHU_PREFIX) and not parts.query
        return hook if ok and hook and "/" not in hook else None
    values = parse_qs(parts.query, keep_blank_values=True)
    found = values.get(_QUERY_KEY[platform], [])
    if parts.path != _PATHS[platform] or set(values) != {_QUERY_KEY[platform]} or len(found) != 1:
        return None
    return found[0] if found[0].strip() else None


def check_webhook(platform: str, url: str, *, secret: str | None, keyword: str | None) -> str:
    """``url`` stripped, if it is a webhook of ``platform``; ``BadWebhook`` otherwise.

    DingTalk and Feishu robots are set up with a security setting: a signing secret (加签 /
    签名校验) or a keyword; we need one of the two to be able to post (an IP allow-list alone
    is not something we can check here).
    """
    if platform not in SHAPES:
        raise BadWebhook(platform=platform, reason="shape", expected=" | ".join(SHAPES.values()))
    if credential(platform, url) is None:
        raise BadWebhook(platform=platform, reason="shape", expected=SHAPES[platform])
    if platform != "wecom" and not (secret or "").strip() and not (keyword or "").strip():
        raise BadWebhook(platform=platform, reason="secret_missing", expected=SHAPES[platform])
    return url.strip()


def mask(url: str) -> str:
    """``url`` with the robot's key hidden but for its first four characters: safe to show
    in a list or a log line (``…/send?key=693a…``)."""
    for platform in SHAPES:
        key = credential(platform, url)
        if key is not None:
            return url.strip().replace(key, f"{key[:4]}…")
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.hostname or ''}/…"
